package fold_test

import (
	"math"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

func TestLogic(t *testing.T) {
	nan := math.NaN()
	b := graph.Bool
	runFold(t, []fcase{
		{name: "equal broadcast", op: "Equal", in: []*graph.Tensor{I(graph.Int64, dims(2, 1), 1, 2), i64(1, 2, 3)},
			want: []*graph.Tensor{I(b, dims(2, 3), 1, 0, 0, 0, 1, 0)}},
		{name: "equal bool", op: "Equal", in: []*graph.Tensor{bools(1, 0), bools(1, 1)}, want: []*graph.Tensor{bools(1, 0)}},
		{name: "less nan", op: "Less", in: []*graph.Tensor{f32(1, 2, nan), f32(2, 2, 1)}, want: []*graph.Tensor{bools(1, 0, 0)}},
		{name: "less or equal", op: "LessOrEqual", in: []*graph.Tensor{f32(1, 2, nan), f32(2, 2, 1)}, want: []*graph.Tensor{bools(1, 1, 0)}},
		{name: "greater nan", op: "Greater", in: []*graph.Tensor{f32(3, 2, nan), f32(2, 2, 1)}, want: []*graph.Tensor{bools(1, 0, 0)}},
		{name: "greater or equal int", op: "GreaterOrEqual", in: []*graph.Tensor{i64(3, 2, 1), i64(2, 2, 2)}, want: []*graph.Tensor{bools(1, 1, 0)}},
		{name: "less uint64 unsigned", op: "Less", in: []*graph.Tensor{I(graph.Uint64, dims(1), 1), I(graph.Uint64, dims(1), -1)}, want: []*graph.Tensor{bools(1)}},
		{name: "less bool declines", op: "Less", in: []*graph.Tensor{bools(1), bools(0)}, notOK: true},
		{name: "not", op: "Not", in: []*graph.Tensor{bools(1, 0)}, want: []*graph.Tensor{bools(0, 1)}},
		{name: "and", op: "And", in: []*graph.Tensor{bools(1, 1, 0, 0), bools(1, 0, 1, 0)}, want: []*graph.Tensor{bools(1, 0, 0, 0)}},
		{name: "or", op: "Or", in: []*graph.Tensor{bools(1, 1, 0, 0), bools(1, 0, 1, 0)}, want: []*graph.Tensor{bools(1, 1, 1, 0)}},
		{name: "xor broadcast", op: "Xor", in: []*graph.Tensor{bools(1, 0), I(b, nil, 1)}, want: []*graph.Tensor{bools(0, 1)}},
		{name: "and int declines", op: "And", in: []*graph.Tensor{i64(1), i64(1)}, notOK: true},
		{name: "where broadcast", op: "Where", in: []*graph.Tensor{I(b, dims(2, 1), 1, 0), f32(1, 2, 3), F(graph.Float, nil, -1)},
			want: []*graph.Tensor{F(graph.Float, dims(2, 3), 1, 2, 3, -1, -1, -1)}},
		{name: "where float16", op: "Where", in: []*graph.Tensor{bools(0, 1), F(graph.Float16, dims(2), 1, 2), F(graph.Float16, dims(2), 3, 4)},
			want: []*graph.Tensor{F(graph.Float16, dims(2), 3, 2)}},
		{name: "where type mismatch declines", op: "Where", in: []*graph.Tensor{bools(1), f32(1), i64(1)}, notOK: true},
	})
}
