package opmap

import (
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// TestBreadthRefusals: the forms the wider op families cannot express say
// so, naming the node, instead of converting to something else.
func TestBreadthRefusals(t *testing.T) {
	x := graph.ShapeOf(2, 8)
	tests := []struct {
		name, op string
		attrs    map[string]any
		consts   []*graph.Tensor
		want     string
	}{
		{"complex tensor into Cos", "Cos", map[string]any{"T": graph.Complex64}, nil, "not converted on complex values"},
		{"FFT output fetched", "RFFT", map[string]any{"Tcomplex": graph.Complex64}, []*graph.Tensor{graph.Int64Tensor(8)}, "complex graph output"},
		{"complex list into IdentityN", "IdentityN", map[string]any{"T": []graph.DType{graph.Float, graph.Complex64}}, nil, "not converted on complex values"},
		{"run-time fft_length", "RFFT", nil, []*graph.Tensor{nil}, "fft_length must be a constant"},
		{"soft NMS", "NonMaxSuppressionV5", nil, []*graph.Tensor{graph.Float32Tensor([]int64{8}, make([]float32, 8)), graph.ScalarInt64(3),
			graph.ScalarOf(graph.Float, 0.5), graph.ScalarOf(graph.Float, 0), graph.ScalarOf(graph.Float, 0.5)}, "soft NMS"},
		{"AsString of floats below opset 26", "AsString", nil, nil, "AsString of floats needs --opset 26"},
		{"FakeQuantWithMinMaxVars with run-time range", "FakeQuantWithMinMaxVars", nil, []*graph.Tensor{nil, nil}, "needs constant min and max"},
		{"Roll with run-time axes", "Roll", nil, []*graph.Tensor{graph.ScalarInt64(1), nil}, "axes of Roll must be constant"},
		{"Cast with Truncate to float16", "Cast", map[string]any{"DstT": graph.Float16, "Truncate": true}, nil, "Truncate=true from float32 to float16"},
		{"Multinomial with run-time count", "Multinomial", nil, []*graph.Tensor{nil}, "num_samples must be a constant"},
		{"random generators at opset 22", "RandomStandardNormal", map[string]any{"dtype": graph.Float}, nil, "--opset 21 or lower"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opset := 17
			if strings.Contains(tt.name, "opset 22") {
				opset = 22
			}
			_, err := arrMapOne(t, opset, tt.op, tt.attrs, x, tt.consts...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), `node "n"`) {
				t.Fatalf("error %v, want one naming node n and containing %q", err, tt.want)
			}
		})
	}
}

// TestBreadthForms: the ONNX ops the new handlers choose.
func TestBreadthForms(t *testing.T) {
	x := graph.ShapeOf(2, 8)
	tests := []struct {
		name   string
		opset  int
		op     string
		attrs  map[string]any
		consts []*graph.Tensor
		has    string
	}{
		{"8-bit fake quant is a QDQ pair", 13, "FakeQuantWithMinMaxArgs", map[string]any{"min": float32(-1), "max": float32(1)}, nil, "QuantizeLinear"},
		{"4-bit fake quant is arithmetic", 13, "FakeQuantWithMinMaxArgs", map[string]any{"min": float32(-1), "max": float32(1), "num_bits": int64(4)}, nil, "Floor"},
		{"TensorScatterAdd reduces at 16", 16, "TensorScatterAdd", nil, []*graph.Tensor{graph.Int64Tensor(1), graph.Float32Tensor([]int64{8}, make([]float32, 8))}, "ScatterND"},
		{"bitwise and at 18", 18, "BitwiseAnd", nil, []*graph.Tensor{graph.Int64Tensor(1)}, "BitwiseAnd"},
		{"rint is Round", 13, "Rint", nil, nil, "Round"},
		{"run-time ExpandDims axis is an Unsqueeze input", 13, "ExpandDims", nil, []*graph.Tensor{nil}, "Unsqueeze"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := arrMapOne(t, tt.opset, tt.op, tt.attrs, x, tt.consts...)
			if err != nil {
				t.Fatal(err)
			}
			if ops := arrOps(g); !strings.Contains(ops, tt.has) {
				t.Errorf("ops %s, want %s among them", ops, tt.has)
			}
		})
	}
	if Supported("BitwiseAnd", 17) || !Supported("BitwiseAnd", 18) {
		t.Errorf("BitwiseAnd must start at opset 18")
	}
}
