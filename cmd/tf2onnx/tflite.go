package main

import (
	"time"

	"github.com/urfave/cli/v2"

	"github.com/tf2onnx-go/tf2onnx/convert"
	"github.com/tf2onnx-go/tf2onnx/tflite"
)

// convertTFLite reads a .tflite model as a GraphDef and converts it like
// one. --inputs/--outputs name TFLite tensors; the ONNX model's inputs and
// outputs keep those names unless --rename-* says otherwise.
func convertTFLite(c *cli.Context, path, out string, opts convert.Options) error {
	start := time.Now()
	m, err := tflite.Load(path, tflite.Options{
		Inputs:     tflite.SplitList(c.String("inputs")),
		Outputs:    tflite.SplitList(c.String("outputs")),
		Dequantize: c.Bool("dequantize"),
	})
	if err != nil {
		return err
	}
	opts.Inputs, opts.Outputs = m.Inputs, m.Outputs
	if len(opts.RenameInputs) == 0 {
		opts.RenameInputs = m.InputNames
	}
	if len(opts.RenameOutputs) == 0 {
		opts.RenameOutputs = m.OutputNames
	}
	for i, n := range opts.InputsAsNCHW {
		opts.InputsAsNCHW[i] = m.InternalName(n)
	}
	for i, n := range opts.OutputsAsNCHW {
		opts.OutputsAsNCHW[i] = m.InternalName(n)
	}
	return finish(c, path, out, m.GraphDef, opts, start)
}
