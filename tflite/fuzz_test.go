package tflite

import "testing"

// FuzzRead: any bytes give a model or an error, never a panic (the
// flatbuffer accessors' panics on corrupt offsets are caught in Read).
func FuzzRead(f *testing.F) {
	f.Add(addModel(false).bytes())
	f.Add(addModel(true).bytes())
	f.Add(quantModel().bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Read("fuzz.tflite", data, Options{})
		if err == nil && m == nil {
			t.Fatal("no model and no error")
		}
	})
}
