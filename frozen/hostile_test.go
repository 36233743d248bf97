package frozen

import (
	"runtime"
	"strings"
	"testing"
)

// allocated runs f and returns the bytes it allocated (all of them, not
// only what stayed live), so a test can tell a refused allocation from one
// that merely succeeded on a big machine.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

const hostileHead = `node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
`

// hostileConst is a graph x + c with c's tensor as given.
func hostileConst(tensor string) string {
	return hostileHead + `node { name: "c" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
  attr { key: "value" value { tensor { ` + tensor + ` } } } }
node { name: "y" op: "AddV2" input: "x" input: "c" attr { key: "T" value { type: DT_FLOAT } } }
`
}

// TestHostileSizes: a small file that declares a huge constant, or a huge
// output index, gets a one-line error naming the node and the sizes, and
// reading it allocates about as much as the file holds. Before the bounds
// the lying constant ran the process out of memory, and a shape whose byte
// size wraps around int64 was accepted with 4 bytes of data.
func TestHostileSizes(t *testing.T) {
	cases := []struct{ name, pbtxt, want string }{
		{"lying const (2^40 floats from one value)",
			hostileConst(`dtype: DT_FLOAT tensor_shape { dim { size: 1048576 } dim { size: 1048576 } } float_val: 1`),
			`node "c": 4 bytes for 2^40 float32 elements`},
		{"byte size wraps around int64",
			hostileConst(`dtype: DT_FLOAT tensor_shape { dim { size: 4611686018427387905 } } tensor_content: "\000\000\000\000"`),
			`node "c": constant of shape [4611686018427387905] has more than 2^63 bytes`},
		{"element count overflows",
			hostileConst(`dtype: DT_FLOAT tensor_shape { dim { size: 4294967296 } dim { size: 4294967296 } } float_val: 1`),
			`has more than 2^63 bytes`},
		{"strings",
			hostileConst(`dtype: DT_STRING tensor_shape { dim { size: 1048576 } dim { size: 1048576 } } string_val: "a"`),
			`node "c": 1 string values for 2^40 string elements`},
		{"zeros past the file's budget (no values at all)",
			hostileConst(`dtype: DT_FLOAT tensor_shape { dim { size: 33554432 } }`),
			`node "c": 0 bytes for 2^25 float32 elements (shape [33554432]); a file's compressed constants may expand to 2^26 bytes plus 16 per byte`},
		{"huge output index",
			hostileHead + `node { name: "y" op: "Identity" input: "x:2147483647" attr { key: "T" value { type: DT_FLOAT } } }`,
			`node "y": "x:2147483647" reads output 2147483647 of node "x"; no TensorFlow op has that many outputs`},
	}
	for _, c := range cases {
		var err error
		n := allocated(func() {
			gd, perr := Parse("h.pbtxt", []byte(c.pbtxt))
			if perr != nil {
				err = perr
				return
			}
			_, err = Extract(gd, specs(t, "x:0"), specs(t, "y:0"))
		})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error spans lines: %q", c.name, err)
		}
		if n > 4<<20 {
			t.Errorf("%s: allocated %d bytes for a %d-byte file", c.name, n, len(c.pbtxt))
		}
	}
}

// TestCompressedConstWithinBudget: compressed constants TensorFlow writes
// (a fill of one value, a few values then the last one repeated) still
// expand, within the budget.
func TestCompressedConstWithinBudget(t *testing.T) {
	gd, err := Parse("h.pbtxt", []byte(hostileConst(`dtype: DT_FLOAT tensor_shape { dim { size: 1048576 } } float_val: 1 float_val: 2`)))
	if err != nil {
		t.Fatal(err)
	}
	g, err := Extract(gd, specs(t, "x:0"), specs(t, "y:0"))
	if err != nil {
		t.Fatal(err)
	}
	c := g.Consts["c:0"]
	if f := c.Float32s(); len(f) != 1<<20 || f[0] != 1 || f[1] != 2 || f[len(f)-1] != 2 {
		t.Errorf("expanded constant: %d values, starting %v", len(f), f[:3])
	}
}
