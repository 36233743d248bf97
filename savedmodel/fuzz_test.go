package savedmodel

import (
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
)

// FuzzTable: any bytes as variables.index give entries or an error, never
// a panic (seeded with TensorFlow's own tables).
func FuzzTable(f *testing.F) {
	for _, p := range []string{"dtypes/ckpt.index", "partitioned/model.ckpt.index", "module/variables/variables.index"} {
		if data, err := os.ReadFile(filepath.Join(fixtures, p)); err == nil {
			f.Add(data)
		}
	}
	f.Add(buildTable([]string{"", "a"}, [][]byte{{1}, {2}}, true))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = readTable(data, func(k string, v []byte) error {
			e := &tfpb.BundleEntryProto{}
			_ = proto.Unmarshal(v, e)
			return nil
		})
	})
}

// FuzzStrings: the string layout and snappy blocks decode or fail cleanly.
func FuzzStrings(f *testing.F) {
	f.Add([]byte{0, 5, 0, 0, 0, 0, 'h', 'e', 'l', 'l', 'o'}, int64(2))
	f.Add([]byte{12, 2 << 2, 'a', 'b', 'c', 0x15, 3}, int64(1))
	f.Fuzz(func(t *testing.T, data []byte, n int64) {
		if n < 0 || n > 1<<16 {
			return
		}
		_, _ = decodeStrings(data, n, 0)
		_, _ = snappyDecode(data)
	})
}
