package tfrewrite

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/prototext"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
	"github.com/tf2onnx-go/tf2onnx/opmap"
)

// A SavedModel signature after freezing: the variable is a Const feeding
// an argument the function declares DT_RESOURCE, and the function calls
// another function with it. The Identity stands where ReadVariableOp is.
const resourceCallGraph = `
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } }
       attr { key: "shape" value { shape { dim { size: 2 } } } } }
node { name: "w" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
       attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } } float_val: 3 float_val: 4 } } } }
node { name: "call" op: "StatefulPartitionedCall" input: "x" input: "w"
       attr { key: "f" value { func { name: "outer" } } } }
node { name: "y" op: "Identity" input: "call:1" attr { key: "T" value { type: DT_FLOAT } } }
library {
  function {
    signature { name: "outer" input_arg { name: "x" type: DT_FLOAT } input_arg { name: "v" type: DT_RESOURCE }
                output_arg { name: "a" type: DT_FLOAT } output_arg { name: "b" type: DT_FLOAT } }
    node_def { name: "inner_call" op: "PartitionedCall" input: "x" input: "v"
               attr { key: "f" value { func { name: "inner" } } } }
    ret { key: "a" value: "x" }
    ret { key: "b" value: "inner_call:output:0" }
  }
  function {
    signature { name: "inner" input_arg { name: "x" type: DT_FLOAT } input_arg { name: "v" type: DT_RESOURCE }
                output_arg { name: "out" type: DT_FLOAT } }
    node_def { name: "read" op: "Identity" input: "v" attr { key: "T" value { type: DT_FLOAT } } }
    node_def { name: "mul" op: "Mul" input: "x" input: "read:output:0" attr { key: "T" value { type: DT_FLOAT } } }
    ret { key: "out" value: "mul:z:0" }
  }
}`

func TestInlineResourceArgFromConst(t *testing.T) {
	var gd tfpb.GraphDef
	if err := prototext.Unmarshal([]byte(resourceCallGraph), &gd); err != nil {
		t.Fatal(err)
	}
	in, _ := frozen.ParseSpecs("x:0")
	outs, _ := frozen.ParseSpecs("y:0")
	g, err := frozen.Extract(&gd, in, outs)
	if err != nil {
		t.Fatal(err)
	}
	if err := frozen.AttachFunctions(g, gd.GetLibrary()); err != nil {
		t.Fatal(err)
	}
	g.Opset = 17
	runAll(t, g)
	for _, n := range g.Nodes {
		if isOp(n, callOps...) {
			t.Fatalf("call %q left", n.Name)
		}
	}
	mul := only(t, g, "Mul")
	if mul.Name != "call/f/inner_call/f/mul" {
		t.Errorf("inlined node named %q, want the caller's scope", mul.Name)
	}
	if _, err := opmap.Apply(g, opmap.Options{Opset: 17}); err != nil {
		t.Fatal(err)
	}
	if dt := g.DTypeOf("y:0"); dt != graph.Float {
		t.Errorf("output dtype %v, want float (from the Const, not the declared resource)", dt)
	}
	if err := g.Verify(graph.VerifyOptions{NeedDTypes: true}); err != nil {
		t.Fatal(err)
	}
}

func TestInlineErrors(t *testing.T) {
	for _, tc := range []struct{ name, lib, want string }{
		{"missing function", "", `function "outer" is not in the GraphDef's library`},
		{"recursion", `function { signature { name: "outer" input_arg { name: "x" type: DT_FLOAT } input_arg { name: "v" type: DT_FLOAT }
		  output_arg { name: "a" type: DT_FLOAT } output_arg { name: "b" type: DT_FLOAT } }
		  node_def { name: "again" op: "PartitionedCall" input: "x" input: "v" attr { key: "f" value { func { name: "outer" } } } }
		  ret { key: "a" value: "again:output:0" } ret { key: "b" value: "again:output:1" } }`, `function "outer" calls itself`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := resourceCallGraph[:strings.Index(resourceCallGraph, "library {")]
			if tc.lib != "" {
				src += "library { " + tc.lib + " }"
			}
			var gd tfpb.GraphDef
			if err := prototext.Unmarshal([]byte(src), &gd); err != nil {
				t.Fatal(err)
			}
			in, _ := frozen.ParseSpecs("x:0")
			outs, _ := frozen.ParseSpecs("y:0")
			g, err := frozen.Extract(&gd, in, outs)
			if err != nil {
				t.Fatal(err)
			}
			err = frozen.AttachFunctions(g, gd.GetLibrary())
			if err == nil {
				_, err = inlineCalls(g)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}
