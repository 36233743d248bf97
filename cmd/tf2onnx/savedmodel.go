package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/tf2onnx-go/tf2onnx/convert"
	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/savedmodel"
)

// convertSavedModel converts a SavedModel directory (--saved-model) or a
// TF1 checkpoint (--checkpoint). The signature's tensors are converted
// and named by its keys, as the Python converter names them; --inputs and
// --outputs pick other tensors of the graph instead (keeping their names).
func convertSavedModel(c *cli.Context) error {
	dir, meta := c.String("saved-model"), c.String("checkpoint")
	switch {
	case meta != "" && c.String("outputs") == "":
		return usageError{errors.New("--checkpoint needs --outputs (a checkpoint has no signature), e.g. --outputs Softmax:0")}
	case meta != "" && (c.String("tag") != "" || c.String("signature_def") != "" || c.IsSet("concrete_function")):
		return usageError{errors.New("--tag, --signature_def and --concrete_function apply to --saved-model, not --checkpoint")}
	case c.IsSet("concrete_function") && c.String("signature_def") != "":
		return usageError{errors.New("give --signature_def or --concrete_function, not both")}
	}
	out := c.String("output")
	if out == "" {
		return usageError{errors.New("--output is required (the .onnx file to write)")}
	}
	var userIn, userOut []frozen.Spec
	var err error
	if s := c.String("inputs"); s != "" {
		if userIn, err = frozen.ParseSpecs(s); err != nil {
			return fmt.Errorf("--inputs: %w", err)
		}
	}
	if s := c.String("outputs"); s != "" {
		if userOut, err = frozen.ParseSpecs(s); err != nil {
			return fmt.Errorf("--outputs: %w", err)
		}
	}
	start := time.Now()
	var m *savedmodel.Model
	source := dir
	if meta != "" {
		source = meta
		m, err = savedmodel.LoadCheckpoint(meta)
	} else {
		o := savedmodel.Options{Tags: splitList(c.String("tag")), Signature: c.String("signature_def")}
		if c.IsSet("concrete_function") {
			n := c.Int("concrete_function")
			o.ConcreteFunction = &n
		}
		m, err = savedmodel.Load(dir, o)
	}
	if err != nil {
		return err
	}
	for _, w := range m.Warnings {
		fmt.Fprintln(c.App.ErrWriter, "tf2onnx: warning: "+w)
	}
	inputs, outputs := m.Inputs, m.Outputs
	inNames, outNames := m.InputNames, m.OutputNames
	if userIn != nil {
		inputs, inNames = userIn, nil
	}
	if userOut != nil {
		outputs, outNames = userOut, nil
	}
	if err := m.Freeze(inputs, outputs); err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	opts, err := convertOptions(c, inputs, outputs)
	if err != nil {
		return err
	}
	// --inputs-as-nchw/--outputs-as-nchw name graph tensors (as in the
	// Python converter); a signature key is accepted for its tensor too.
	opts.InputsAsNCHW = keysToTensors(opts.InputsAsNCHW, inNames, inputs)
	opts.OutputsAsNCHW = keysToTensors(opts.OutputsAsNCHW, outNames, outputs)
	if len(opts.RenameInputs) == 0 {
		opts.RenameInputs = inNames
	}
	if len(opts.RenameOutputs) == 0 {
		opts.RenameOutputs = outNames
	}
	if c.Bool("verbose") {
		what := "signature " + m.Signature
		if m.Signature == "" {
			what = "checkpoint"
		}
		fmt.Fprintf(c.App.ErrWriter, "read %s (%s): %d nodes, %d variables frozen\n", source, what, len(m.Graph.Node), m.Variables)
	}
	model, diag, err := convert.GraphDef(context.Background(), m.Graph, opts)
	return emit(c, source, out, start, model, diag, err)
}

func keysToTensors(list, keys []string, specs []frozen.Spec) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s
		for k, key := range keys {
			if s == key && k < len(specs) {
				out[i] = specs[k].Tensor()
			}
		}
	}
	return out
}
