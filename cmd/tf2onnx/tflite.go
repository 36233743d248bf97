package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/tf2onnx-go/tf2onnx/convert"
	"github.com/tf2onnx-go/tf2onnx/tflite"
)

// convertTFLite reads a .tflite model (--tflite) as a GraphDef and converts
// it like one. --inputs/--outputs name TFLite tensors; the ONNX model's
// inputs and outputs keep those names unless --rename-* says otherwise.
func convertTFLite(c *cli.Context) error {
	path, out := c.String("tflite"), c.String("output")
	if out == "" {
		return usageError{errors.New("--output is required (the .onnx file to write)")}
	}
	opts, err := convertOptions(c, nil, nil)
	if err != nil {
		return err
	}
	start := time.Now()
	m, err := tflite.Load(path, tflite.Options{
		Inputs:     splitList(c.String("inputs")),
		Outputs:    splitList(c.String("outputs")),
		Dequantize: c.Bool("dequantize"),
	})
	if err != nil {
		return err
	}
	if c.Bool("verbose") {
		fmt.Fprintf(c.App.ErrWriter, "read %s: %d TFLite operators in the main subgraph, %d TF nodes\n", path, m.Ops, len(m.GraphDef.Node))
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
	model, diag, err := convert.GraphDef(context.Background(), m.GraphDef, opts)
	return emit(c, path, out, start, model, diag, err)
}
