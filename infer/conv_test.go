package infer_test

import (
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

type attrs = map[string]any

func TestConv(t *testing.T) {
	runCases(t, []tcase{
		{name: "resnet stem", op: "Conv", in: []string{"1,3,224,224", "64,3,7,7"},
			attrs: attrs{"strides": []int64{2, 2}, "pads": []int64{3, 3, 3, 3}}, want: []string{"[1,64,112,112]"}},
		{name: "symbolic spatial", op: "Conv", in: []string{"N,C,H,W", "8,3,3,3"}, want: []string{"[N,8,?,?]"}},
		{name: "same pads keep name", op: "Conv", in: []string{"N,3,H,W", "8,3,3,3"},
			attrs: attrs{"pads": []int64{1, 1, 1, 1}}, want: []string{"[N,8,H,W]"}},
		{name: "same upper stride 2", op: "Conv", in: []string{"1,3,7,8", "8,3,3,3"},
			attrs: attrs{"auto_pad": "SAME_UPPER", "strides": []int64{2, 2}}, want: []string{"[1,8,4,4]"}},
		{name: "same lower stride 1 symbolic", op: "Conv", in: []string{"N,3,H,9", "8,3,3,3"},
			attrs: attrs{"auto_pad": "SAME_LOWER"}, want: []string{"[N,8,H,9]"}},
		{name: "valid", op: "Conv", in: []string{"1,3,10,10", "8,3,3,3"},
			attrs: attrs{"auto_pad": "VALID", "strides": []int64{3, 3}}, want: []string{"[1,8,3,3]"}},
		{name: "dilation", op: "Conv", in: []string{"1,3,10,10", "8,3,3,3"},
			attrs: attrs{"dilations": []int64{2, 2}}, want: []string{"[1,8,6,6]"}},
		{name: "1d with kernel_shape", op: "Conv", in: []string{"2,4,16", "6,2,5"},
			attrs: attrs{"group": int64(2), "kernel_shape": []int64{5}}, want: []string{"[2,6,12]"}},
		{name: "channel mismatch", op: "Conv", in: []string{"1,4,8,8", "8,3,3,3"}, err: "input channels 4"},
		{name: "kernel too big", op: "Conv", in: []string{"1,3,2,2", "8,3,3,3"}, err: "does not fit"},
		{name: "bad pads", op: "Conv", in: []string{"1,3,8,8", "8,3,3,3"}, attrs: attrs{"pads": []int64{1, 1}}, err: "spatial"},
		{name: "unknown weights", op: "Conv", in: []string{"N,3,8,8", "*"}, want: []string{"[N,?,?,?]"}},
	})
}

func TestConvTranspose(t *testing.T) {
	runCases(t, []tcase{
		{name: "stride 2", op: "ConvTranspose", in: []string{"1,8,5,5", "8,4,3,3"},
			attrs: attrs{"strides": []int64{2, 2}, "pads": []int64{1, 1, 1, 1}, "output_padding": []int64{1, 1}},
			want:  []string{"[1,4,10,10]"}},
		{name: "group", op: "ConvTranspose", in: []string{"1,8,5,5", "8,2,3,3"}, attrs: attrs{"group": int64(4)},
			want: []string{"[1,8,7,7]"}},
		{name: "output_shape", op: "ConvTranspose", in: []string{"N,8,5,5", "8,4,3,3"},
			attrs: attrs{"strides": []int64{2, 2}, "output_shape": []int64{11, 12}}, want: []string{"[N,4,11,12]"}},
		{name: "same upper", op: "ConvTranspose", in: []string{"N,8,H,5", "8,4,3,3"},
			attrs: attrs{"strides": []int64{2, 2}, "auto_pad": "SAME_UPPER"}, want: []string{"[N,4,?,10]"}},
		{name: "dilated", op: "ConvTranspose", in: []string{"1,1,3", "1,1,3"}, attrs: attrs{"dilations": []int64{2}},
			want: []string{"[1,1,7]"}},
	})
}

func TestPool(t *testing.T) {
	k2s2 := attrs{"kernel_shape": []int64{2, 2}, "strides": []int64{2, 2}}
	runCases(t, []tcase{
		{name: "maxpool", op: "MaxPool", in: []string{"N,16,32,33"}, attrs: k2s2, want: []string{"[N,16,16,16]"}},
		{name: "maxpool indices", op: "MaxPool", in: []string{"N,16,32,32"}, attrs: k2s2, nout: 2,
			want: []string{"[N,16,16,16]", "[N,16,16,16]"}, wantDT: []graph.DType{graph.Float, graph.Int64}},
		{name: "ceil mode", op: "MaxPool", in: []string{"1,1,5,5"},
			attrs: attrs{"kernel_shape": []int64{2, 2}, "strides": []int64{2, 2}, "ceil_mode": int64(1)}, want: []string{"[1,1,3,3]"}},
		{name: "ceil mode last window starts in padding", op: "MaxPool", in: []string{"1,1,2,2"},
			attrs: attrs{"kernel_shape": []int64{1, 1}, "strides": []int64{2, 2}, "ceil_mode": int64(1)}, want: []string{"[1,1,1,1]"}},
		{name: "avgpool same", op: "AveragePool", in: []string{"1,3,7,7"},
			attrs: attrs{"kernel_shape": []int64{3, 3}, "strides": []int64{2, 2}, "auto_pad": "SAME_UPPER"}, want: []string{"[1,3,4,4]"}},
		{name: "avgpool pads", op: "AveragePool", in: []string{"1,3,7,7"},
			attrs: attrs{"kernel_shape": []int64{3, 3}, "pads": []int64{1, 1, 1, 1}}, want: []string{"[1,3,7,7]"}},
		{name: "lppool 1d", op: "LpPool", in: []string{"1,3,10"}, attrs: attrs{"kernel_shape": []int64{3}}, want: []string{"[1,3,8]"}},
		{name: "missing kernel", op: "MaxPool", in: []string{"1,3,10,10"}, err: "kernel_shape"},
		{name: "global avg", op: "GlobalAveragePool", in: []string{"N,C,H,W"}, want: []string{"[N,C,1,1]"}},
		{name: "global max 3d", op: "GlobalMaxPool", in: []string{"2,3,4,5,6"}, want: []string{"[2,3,1,1,1]"}},
	})
}

func TestNorm(t *testing.T) {
	runCases(t, []tcase{
		{name: "batchnorm", op: "BatchNormalization", in: []string{"N,?,H,W", "8", "8", "8", "8"}, nout: 3,
			want: []string{"[N,?,H,W]", "[8]", "[8]"}},
		{name: "batchnorm channel mismatch", op: "BatchNormalization", in: []string{"N,4,H,W", "8", "8", "8", "8"}, err: "channels"},
		{name: "layernorm", op: "LayerNormalization", in: []string{"N,T,D", "D", "D"}, nout: 3,
			want: []string{"[N,T,D]", "[N,T,1]", "[N,T,1]"}, wantDT: []graph.DType{graph.Float, graph.Float, graph.Float}},
		{name: "layernorm axis 1", op: "LayerNormalization", in: []string{"N,T,D", "T,D"}, attrs: attrs{"axis": int64(1)}, nout: 2,
			want: []string{"[N,T,D]", "[N,1,1]"}},
		{name: "dropout mask", op: "Dropout", in: []string{"N,5"}, nout: 2, want: []string{"[N,5]", "[N,5]"},
			wantDT: []graph.DType{graph.Float, graph.Bool}},
		{name: "softmax", op: "Softmax", in: []string{"N,5"}, want: []string{"[N,5]"}},
		{name: "instancenorm", op: "InstanceNormalization", in: []string{"N,3,H,W", "3", "3"}, want: []string{"[N,3,H,W]"}},
		{name: "lrn", op: "LRN", in: []string{"1,3,4,4"}, want: []string{"[1,3,4,4]"}},
	})
}
