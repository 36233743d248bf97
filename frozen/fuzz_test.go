package frozen

import (
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"
)

// FuzzParseExtract: no byte string makes the reader or the extraction
// panic; they either succeed or return an error. Seeds: a small graph in
// text and binary form (with a Const whose weights take the aliasing path).
func FuzzParseExtract(f *testing.F) {
	gd, err := Parse("s.pbtxt", []byte(smallPbtxt))
	if err != nil {
		f.Fatal(err)
	}
	for _, n := range gd.Node {
		if n.Name == "w" {
			t := n.Attr["value"].GetTensor()
			t.FloatVal = nil
			t.TensorShape.Dim[0].Size = 128 * 128
			t.TensorShape.Dim[1].Size = 1
			t.TensorContent = make([]byte, 4*128*128)
		}
	}
	bin, err := proto.Marshal(gd)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(bin, "x:0", "out:0")
	f.Add([]byte(smallPbtxt), "x:0[2,2]", "out:0")
	// The malformed-input corpus (testdata/malformed/gen.go).
	files, _ := filepath.Glob("../testdata/malformed/*.pb")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data, "x:0", "y:0")
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, ins, outs string) {
		name := "f.pb"
		if len(data) > 0 && data[0] == 'n' {
			name = "f.pbtxt"
		}
		gd, err := Parse(name, append([]byte(nil), data...))
		if err != nil {
			return
		}
		in, err1 := ParseSpecs(ins)
		out, err2 := ParseSpecs(outs)
		if err1 != nil || err2 != nil {
			return
		}
		_, _ = Extract(gd, in, out)
	})
}
