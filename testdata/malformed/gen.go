//go:build ignore

// gen writes the malformed-input corpus of this folder (except
// saved_model.pb, made by make_saved_model.py). Run from the repository
// root: go run testdata/malformed/gen.go. Every file is deterministic.
// cmd/tf2onnx's TestMalformedCorpus runs each with --inputs x:0 --outputs
// y:0 and names the problem its one-line error must state.
package main

import (
	"context"
	"log"
	"math/rand"
	"os"
	"path/filepath"

	"google.golang.org/protobuf/proto"

	"github.com/tf2onnx-go/tf2onnx/convert"
	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
	"github.com/tf2onnx-go/tf2onnx/onnxio"
)

const dir = "testdata/malformed"

const ph = `node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } }
  attr { key: "shape" value { shape { dim { size: -1 } dim { size: 4 } } } } }
`

func parse(pbtxt string) *tfpb.GraphDef {
	gd, err := frozen.Parse("g.pbtxt", []byte(pbtxt))
	if err != nil {
		log.Fatal(err)
	}
	return gd
}

func marshal(gd *tfpb.GraphDef) []byte {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(gd)
	if err != nil {
		log.Fatal(err)
	}
	return b
}

// good is relu(x·w) with 64 KiB of weights (the aliased-weights path).
func good() *tfpb.GraphDef {
	gd := parse(ph + `node { name: "w" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
  attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 4 } dim { size: 4096 } } float_val: 0 } } } }
node { name: "m" op: "MatMul" input: "x" input: "w" attr { key: "T" value { type: DT_FLOAT } } }
node { name: "y" op: "Relu" input: "m" attr { key: "T" value { type: DT_FLOAT } } }
`)
	t := gd.Node[1].Attr["value"].GetTensor()
	t.FloatVal = nil
	t.TensorContent = make([]byte, 4*4*4096)
	for i := range t.TensorContent {
		t.TensorContent[i] = byte(i * 7)
	}
	return gd
}

// withConst is x + c, c's tensor given as text.
func withConst(tensor string) []byte {
	return marshal(parse(ph + `node { name: "c" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
  attr { key: "value" value { tensor { ` + tensor + ` } } } }
node { name: "y" op: "AddV2" input: "x" input: "c" attr { key: "T" value { type: DT_FLOAT } } }
`))
}

// recursion: a While whose body function runs a While of itself.
const recursion = ph + `node { name: "y" op: "StatelessWhile" input: "x"
  attr { key: "T" value { list { type: DT_FLOAT } } }
  attr { key: "cond" value { func { name: "c" } } }
  attr { key: "body" value { func { name: "f" } } } }
library {
  function {
    signature { name: "c" input_arg { name: "a" type: DT_FLOAT } output_arg { name: "r" type: DT_BOOL } }
    node_def { name: "z" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: 1 } } } }
    node_def { name: "s" op: "Sum" input: "a" input: "i:output:0" attr { key: "T" value { type: DT_FLOAT } } attr { key: "Tidx" value { type: DT_INT32 } } }
    node_def { name: "i" op: "Const" attr { key: "dtype" value { type: DT_INT32 } } attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 2 } } int_val: 0 int_val: 1 } } } }
    node_def { name: "l" op: "Less" input: "s:output:0" input: "z:output:0" attr { key: "T" value { type: DT_FLOAT } } }
    ret { key: "r" value: "l:z:0" }
  }
  function {
    signature { name: "f" input_arg { name: "a" type: DT_FLOAT } output_arg { name: "r" type: DT_FLOAT } }
    node_def { name: "inner" op: "StatelessWhile" input: "a"
      attr { key: "T" value { list { type: DT_FLOAT } } }
      attr { key: "cond" value { func { name: "c" } } }
      attr { key: "body" value { func { name: "f" } } } }
    ret { key: "r" value: "inner:output:0" }
  }
}
`

func main() {
	files := map[string][]byte{}
	full := marshal(good())
	files["empty.pb"] = nil
	noise := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(noise)
	files["noise.pb"] = noise
	// Cut inside the first node's name, inside the weights, and one byte
	// short of the end (inside the last node).
	files["truncated_first_node.pb"] = full[:5]
	files["truncated_in_weights.pb"] = full[:len(full)/2]
	files["truncated_last_byte.pb"] = full[:len(full)-1]
	files["text_garbage.pbtxt"] = []byte("node { name: \"x\" op: \"Placeholder\" \n this is not protobuf text }\n")
	files["size_mismatch.pb"] = withConst(`dtype: DT_FLOAT tensor_shape { dim { size: 4 } } tensor_content: "0123456789"`)
	files["lying_const.pb"] = withConst(`dtype: DT_FLOAT tensor_shape { dim { size: 1048576 } dim { size: 1048576 } } float_val: 1`)
	files["size_overflow.pb"] = withConst(`dtype: DT_FLOAT tensor_shape { dim { size: 4611686018427387905 } } tensor_content: "\000\000\000\000"`)
	files["unknown_dtype.pb"] = withConst(`dtype: DT_RESOURCE tensor_shape { dim { size: 1 } }`)
	files["unknown_dtype_placeholder.pb"] = marshal(parse(`node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: 999 } } }
node { name: "y" op: "Relu" input: "x" attr { key: "T" value { type: 999 } } }
`))
	files["cycle.pb"] = marshal(parse(ph + `node { name: "a" op: "AddV2" input: "x" input: "y" attr { key: "T" value { type: DT_FLOAT } } }
node { name: "y" op: "Relu" input: "a" attr { key: "T" value { type: DT_FLOAT } } }
`))
	files["dangling_input.pb"] = marshal(parse(ph + `node { name: "y" op: "AddV2" input: "x" input: "ghost" attr { key: "T" value { type: DT_FLOAT } } }
`))
	files["duplicate_names.pb"] = marshal(parse(ph + `node { name: "y" op: "Relu" input: "x" attr { key: "T" value { type: DT_FLOAT } } }
node { name: "y" op: "Neg" input: "x" attr { key: "T" value { type: DT_FLOAT } } }
`))
	files["huge_output_index.pb"] = marshal(parse(ph + `node { name: "y" op: "Relu" input: "x:2147483647" attr { key: "T" value { type: DT_FLOAT } } }
`))
	files["function_recursion.pb"] = marshal(parse(recursion))

	// An ONNX model handed to --graphdef.
	gd := good()
	in, _ := frozen.ParseSpecs("x:0")
	out, _ := frozen.ParseSpecs("y:0")
	m, _, err := convert.GraphDef(context.Background(), gd, convert.Options{Inputs: in, Outputs: out})
	if err != nil {
		log.Fatal(err)
	}
	mp, err := onnxio.ToProto(m.Graph, onnxio.ModelInfo{Producer: "tf2onnx-go", Opset: m.Opset})
	if err != nil {
		log.Fatal(err)
	}
	onnxBytes, err := proto.MarshalOptions{Deterministic: true}.Marshal(mp)
	if err != nil {
		log.Fatal(err)
	}
	files["model.onnx"] = onnxBytes

	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
