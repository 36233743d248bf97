package graph

import (
	"math"
	"testing"
)

// TestNumbersOfNonNumericTensors: reading a string, complex or untyped
// tensor as numbers gives zeros/NaNs; before, intAt and floatAt called each
// other for them until the stack overflowed (a fatal error, found by
// FuzzConvert).
func TestNumbersOfNonNumericTensors(t *testing.T) {
	for _, dt := range []DType{String, Complex64, Complex128, Undefined} {
		tt := &Tensor{DType: dt, Dims: []int64{2}, Data: make([]byte, 32)}
		if v := tt.Int64s(); len(v) != 2 || v[0] != 0 {
			t.Errorf("%v: Int64s %v", dt, v)
		}
		if v := tt.Float64s(); len(v) != 2 || !math.IsNaN(v[0]) {
			t.Errorf("%v: Float64s %v", dt, v)
		}
	}
}
