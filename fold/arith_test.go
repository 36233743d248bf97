package fold_test

import (
	"math"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

func TestArith(t *testing.T) {
	fl, i8, u8, i32t := graph.Float, graph.Int8, graph.Uint8, graph.Int32
	nan := math.NaN()
	// 0.1f + 0.2f rounded once to float32, as TensorFlow computes it.
	a32, b32 := float32(0.1), float32(0.2)
	sum := float64(a32 + b32)
	// Variables, so that Go does not fold the constant exactly.
	a64, b64 := 0.3, 0.1
	runFold(t, []fcase{
		{name: "add broadcast", op: "Add", in: []*graph.Tensor{F(fl, dims(2, 1), 1, 2), f32(10, 20, 30)},
			want: []*graph.Tensor{F(fl, dims(2, 3), 11, 21, 31, 12, 22, 32)}},
		{name: "add float32 rounding", op: "Add", in: []*graph.Tensor{f32(0.1), f32(0.2)}, want: []*graph.Tensor{f32(sum)}},
		{name: "add int8 wraps", op: "Add", in: []*graph.Tensor{I(i8, dims(2), 127, -128), I(i8, dims(2), 1, -1)},
			want: []*graph.Tensor{I(i8, dims(2), -128, 127)}},
		{name: "sub uint8 wraps", op: "Sub", in: []*graph.Tensor{I(u8, dims(1), 1), I(u8, dims(1), 2)}, want: []*graph.Tensor{I(u8, dims(1), 255)}},
		{name: "mul int32 wraps", op: "Mul", in: []*graph.Tensor{i32(1 << 20), i32(1 << 12)}, want: []*graph.Tensor{i32(0)}},
		{name: "mul scalar", op: "Mul", in: []*graph.Tensor{F(fl, nil, 2), f32(1.5, -3)}, want: []*graph.Tensor{f32(3, -6)}},
		{name: "div int truncates", op: "Div", in: []*graph.Tensor{i64(7, -7, 7, -7), i64(2, 2, -2, -2)}, want: []*graph.Tensor{i64(3, -3, -3, 3)}},
		{name: "div int32 min by -1 wraps", op: "Div", in: []*graph.Tensor{i32(math.MinInt32), i32(-1)}, want: []*graph.Tensor{i32(math.MinInt32)}},
		{name: "div uint64", op: "Div", in: []*graph.Tensor{I(graph.Uint64, dims(1), -2), I(graph.Uint64, dims(1), 2)},
			want: []*graph.Tensor{I(graph.Uint64, dims(1), math.MaxInt64)}},
		{name: "div float", op: "Div", in: []*graph.Tensor{f32(1, 1), f32(3, 0)}, want: []*graph.Tensor{f32(float64(float32(1)/float32(3)), math.Inf(1))}},
		{name: "div int by zero", op: "Div", in: []*graph.Tensor{i64(1), i64(0)}, notOK: true},
		{name: "mod fmod 0 takes divisor sign", op: "Mod", in: []*graph.Tensor{i64(-7, 7, -7, 7, 6), i64(3, -3, -3, 3, 3)},
			want: []*graph.Tensor{i64(2, -2, -1, 1, 0)}},
		{name: "mod fmod 1 takes dividend sign", op: "Mod", attrs: attrs{"fmod": int64(1)}, in: []*graph.Tensor{i64(-7, 7, -7, 7), i64(3, -3, -3, 3)},
			want: []*graph.Tensor{i64(-1, 1, -1, 1)}},
		{name: "mod float fmod 1", op: "Mod", attrs: attrs{"fmod": int64(1)}, in: []*graph.Tensor{f32(-5.5, 5.5), f32(2, -2)}, want: []*graph.Tensor{f32(-1.5, 1.5)}},
		{name: "mod float fmod 0", op: "Mod", in: []*graph.Tensor{f32(1), f32(2)}, err: "fmod"},
		{name: "mod by zero", op: "Mod", in: []*graph.Tensor{i64(1), i64(0)}, notOK: true},
		{name: "pow float", op: "Pow", in: []*graph.Tensor{f32(2, 9), f32(10, 0.5)}, want: []*graph.Tensor{f32(1024, 3)}},
		{name: "pow float int exponent", op: "Pow", in: []*graph.Tensor{f32(2, 3), i64(3, -1)}, want: []*graph.Tensor{f32(8, float64(float32(1.0/3)))}},
		{name: "pow int", op: "Pow", in: []*graph.Tensor{i64(3, -2, 2, -1), i64(4, 3, -1, -3)}, want: []*graph.Tensor{i64(81, -8, 0, -1)}},
		{name: "pow int float exponent", op: "Pow", in: []*graph.Tensor{i32(9, 2), f32(0.5, 3)}, want: []*graph.Tensor{i32(3, 8)}},
		{name: "max variadic", op: "Max", in: []*graph.Tensor{f32(1, 5), f32(3), f32(2, nan)}, want: []*graph.Tensor{f32(3, nan)}},
		{name: "min int", op: "Min", in: []*graph.Tensor{i64(1, 5), i64(3, -2)}, want: []*graph.Tensor{i64(1, -2)}},
		{name: "min uint64 unsigned", op: "Min", in: []*graph.Tensor{I(graph.Uint64, dims(1), -1), I(graph.Uint64, dims(1), 5)},
			want: []*graph.Tensor{I(graph.Uint64, dims(1), 5)}},
		{name: "sum three", op: "Sum", in: []*graph.Tensor{i64(1), i64(2, 3), i64(10)}, want: []*graph.Tensor{i64(13, 14)}},
		{name: "broadcast error", op: "Add", in: []*graph.Tensor{f32(1, 2, 3), f32(1, 2)}, err: "broadcast"},
		{name: "mixed types decline", op: "Add", in: []*graph.Tensor{f32(1), i64(1)}, notOK: true},
		{name: "bool add declines", op: "Add", in: []*graph.Tensor{bools(1), bools(1)}, notOK: true},
		{name: "float16", op: "Mul", in: []*graph.Tensor{F(graph.Float16, dims(2), 1.5, 1000), F(graph.Float16, dims(2), 3, 100)},
			want: []*graph.Tensor{F(graph.Float16, dims(2), 4.5, math.Inf(1))}},
		{name: "double", op: "Sub", in: []*graph.Tensor{F(graph.Double, dims(1), 0.3), F(graph.Double, dims(1), 0.1)},
			want: []*graph.Tensor{F(graph.Double, dims(1), a64-b64)}},
		{name: "int32 add", op: "Add", in: []*graph.Tensor{I(i32t, dims(2, 2), 1, 2, 3, 4), I(i32t, nil, 10)},
			want: []*graph.Tensor{I(i32t, dims(2, 2), 11, 12, 13, 14)}},
	})
}

func TestUnary(t *testing.T) {
	i8 := graph.Int8
	nan := math.NaN()
	runFold(t, []fcase{
		{name: "round half to even", op: "Round", in: []*graph.Tensor{f32(0.5, 1.5, 2.5, -0.5, -1.5, 2.4, -2.6)},
			want: []*graph.Tensor{f32(0, 2, 2, math.Copysign(0, -1), -2, 2, -3)}},
		{name: "floor ceil", op: "Floor", in: []*graph.Tensor{f32(-1.5, 1.5)}, want: []*graph.Tensor{f32(-2, 1)}},
		{name: "ceil", op: "Ceil", in: []*graph.Tensor{f32(-1.5, 1.5)}, want: []*graph.Tensor{f32(-1, 2)}},
		{name: "sqrt", op: "Sqrt", in: []*graph.Tensor{f32(2, 4)}, want: []*graph.Tensor{f32(float64(float32(math.Sqrt(2))), 2)}},
		{name: "reciprocal", op: "Reciprocal", in: []*graph.Tensor{f32(4, 0)}, want: []*graph.Tensor{f32(0.25, math.Inf(1))}},
		{name: "exp log", op: "Log", in: []*graph.Tensor{f32(1, 0, -1)}, want: []*graph.Tensor{f32(0, math.Inf(-1), nan)}},
		{name: "exp", op: "Exp", in: []*graph.Tensor{f32(0, 1)}, want: []*graph.Tensor{f32(1, float64(float32(math.E)))}},
		{name: "neg int8 wraps", op: "Neg", in: []*graph.Tensor{I(i8, dims(2), -128, 5)}, want: []*graph.Tensor{I(i8, dims(2), -128, -5)}},
		{name: "abs", op: "Abs", in: []*graph.Tensor{i64(-3, 4)}, want: []*graph.Tensor{i64(3, 4)}},
		{name: "abs float", op: "Abs", in: []*graph.Tensor{f32(-3.5)}, want: []*graph.Tensor{f32(3.5)}},
		{name: "sign", op: "Sign", in: []*graph.Tensor{f32(-2, 0, 3, nan)}, want: []*graph.Tensor{f32(-1, 0, 1, nan)}},
		{name: "sign int", op: "Sign", in: []*graph.Tensor{i32(-2, 0, 3)}, want: []*graph.Tensor{i32(-1, 0, 1)}},
		{name: "sign uint", op: "Sign", in: []*graph.Tensor{I(graph.Uint8, dims(2), 0, 200)}, want: []*graph.Tensor{I(graph.Uint8, dims(2), 0, 1)}},
		{name: "relu", op: "Relu", in: []*graph.Tensor{f32(-1, 2)}, want: []*graph.Tensor{f32(0, 2)}},
		{name: "relu int", op: "Relu", in: []*graph.Tensor{i32(-1, 2)}, want: []*graph.Tensor{i32(0, 2)}},
		{name: "sqrt int declines", op: "Sqrt", in: []*graph.Tensor{i64(4)}, notOK: true},
		{name: "neg uint declines", op: "Neg", in: []*graph.Tensor{I(graph.Uint8, dims(1), 1)}, notOK: true},
		{name: "clip inputs", op: "Clip", in: []*graph.Tensor{f32(-5, 0, 5, nan), F(graph.Float, nil, -1), F(graph.Float, nil, 1)},
			want: []*graph.Tensor{f32(-1, 0, 1, nan)}},
		{name: "clip min only", op: "Clip", in: []*graph.Tensor{i64(-5, 0, 5), I(graph.Int64, nil, 0), nil}, want: []*graph.Tensor{i64(0, 0, 5)}},
		{name: "clip min above max", op: "Clip", in: []*graph.Tensor{f32(-5, 5), F(graph.Float, nil, 2), F(graph.Float, nil, 1)}, want: []*graph.Tensor{f32(1, 1)}},
		{name: "clip attrs opset 6", op: "Clip", opset: 6, attrs: attrs{"min": float32(-1), "max": float32(2)}, in: []*graph.Tensor{f32(-3, 3)}, want: []*graph.Tensor{f32(-1, 2)}},
	})
}
