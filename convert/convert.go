// Package convert is the public Go API of the converter and owns the order
// of its passes: extract the subgraph, rewrite TF patterns, map ops, optimize,
// apply the layout and naming options, verify.
package convert

import (
	"context"
	"fmt"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/infer"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
	"github.com/tf2onnx-go/tf2onnx/opmap"
	"github.com/tf2onnx-go/tf2onnx/optimize"
	"github.com/tf2onnx-go/tf2onnx/tfrewrite"
)

// DefaultOpset is the opset used when none is asked for.
const DefaultOpset = 17

// Options are the conversion settings (the CLI's flags, minus file names).
type Options struct {
	Inputs, Outputs []frozen.Spec
	Opset           int
	// InputsAsNCHW and OutputsAsNCHW name rank-4 NHWC graph inputs/outputs
	// that the ONNX model should take/give as NCHW.
	InputsAsNCHW, OutputsAsNCHW []string
	// RenameInputs and RenameOutputs give new names, in the order of
	// Inputs and Outputs.
	RenameInputs, RenameOutputs []string
	ContinueOnError             bool
	// Debug runs the verifier after every pass and names the pass that
	// broke an invariant.
	Debug bool
	// AfterPass, when set, sees the graph after each pass (dumps).
	AfterPass func(pass string, g *graph.Graph)
}

// Model is a converted graph and the opset it targets.
type Model struct {
	Graph        *graph.Graph
	Opset        int
	ExtraDomains map[string]int
}

// Diagnostics are the warnings and counts of one conversion.
type Diagnostics struct {
	Warnings          []string
	TFNodes, OutNodes int
}

// OpsetError is an opset outside what the converter serves.
type OpsetError struct{ Opset int }

func (e *OpsetError) Error() string {
	return fmt.Sprintf("--opset %d is not supported; choose %d to %d", e.Opset, opmap.MinOpset, opmap.MaxOpset)
}

// GraphDef converts a frozen GraphDef.
func GraphDef(ctx context.Context, gd *tfpb.GraphDef, opts Options) (*Model, Diagnostics, error) {
	var diag Diagnostics
	if opts.Opset == 0 {
		opts.Opset = DefaultOpset
	}
	if opts.Opset < opmap.MinOpset || opts.Opset > opmap.MaxOpset {
		return nil, diag, &OpsetError{opts.Opset}
	}
	if err := checkRenames(opts); err != nil {
		return nil, diag, err
	}
	g, err := frozen.Extract(gd, opts.Inputs, opts.Outputs)
	if err != nil {
		return nil, diag, err
	}
	if err := frozen.AttachFunctions(g, gd.GetLibrary()); err != nil {
		return nil, diag, err
	}
	g.Opset = opts.Opset
	diag.TFNodes = len(g.Nodes) + len(g.Consts)
	sorted := false // until TopoSort, TF1 loops read values defined later
	step := func(name string, allowTF bool) error {
		if opts.AfterPass != nil {
			opts.AfterPass(name, g)
		}
		if opts.Debug {
			if err := g.Verify(graph.VerifyOptions{AllowTF: allowTF, Unordered: !sorted}); err != nil {
				return fmt.Errorf("internal error after pass %s: %w", name, err)
			}
		}
		return ctx.Err()
	}
	if err := step("extract", true); err != nil {
		return nil, diag, err
	}
	for _, p := range tfrewrite.Passes() {
		if _, err := p.Run(g); err != nil {
			return nil, diag, fmt.Errorf("rewrite %s: %w", p.Name, err)
		}
		if err := step(p.Name, true); err != nil {
			return nil, diag, err
		}
	}
	if un := opmap.Unsupported(g, opts.Opset); len(un) > 0 && !opts.ContinueOnError {
		return nil, diag, &opmap.UnsupportedError{Opset: opts.Opset, Ops: un}
	}
	if err := g.TopoSort(); err != nil {
		return nil, diag, err
	}
	sorted = true
	warns, err := opmap.Apply(g, opmap.Options{Opset: opts.Opset, ContinueOnError: opts.ContinueOnError, Release: frozen.Release})
	diag.Warnings = append(diag.Warnings, warns...)
	if err != nil {
		return nil, diag, err
	}
	if err := step("map", opts.ContinueOnError); err != nil {
		return nil, diag, err
	}
	if err := applyLayout(g, opts); err != nil {
		return nil, diag, err
	}
	var hook optimize.Hook
	if opts.Debug || opts.AfterPass != nil {
		hook = func(pass string, g *graph.Graph) error { return step(pass, opts.ContinueOnError) }
	}
	if err := optimize.Run(g, opts.Opset, optimize.Passes(), hook); err != nil {
		return nil, diag, err
	}
	if err := applyRenames(g, opts); err != nil {
		return nil, diag, err
	}
	if err := g.TopoSort(); err != nil {
		return nil, diag, err
	}
	if err := infer.Graph(g, opts.Opset); err != nil {
		return nil, diag, fmt.Errorf("shape inference on the converted graph: %w", err)
	}
	nameOutputDims(g)
	if err := g.Verify(graph.VerifyOptions{AllowTF: opts.ContinueOnError, NeedDTypes: true}); err != nil {
		return nil, diag, fmt.Errorf("internal error: the converted graph is invalid: %w", err)
	}
	diag.OutNodes = len(g.Nodes)
	m := &Model{Graph: g, Opset: opts.Opset}
	for _, n := range g.Nodes {
		if n.Domain == graph.DomainTF {
			m.ExtraDomains = map[string]int{graph.DomainTF: 1}
			break
		}
	}
	return m, diag, nil
}

func checkRenames(opts Options) error {
	if len(opts.RenameInputs) > 0 && len(opts.RenameInputs) != len(opts.Inputs) {
		return fmt.Errorf("--rename-inputs: %d names for %d inputs", len(opts.RenameInputs), len(opts.Inputs))
	}
	if len(opts.RenameOutputs) > 0 && len(opts.RenameOutputs) != len(opts.Outputs) {
		return fmt.Errorf("--rename-outputs: %d names for %d outputs", len(opts.RenameOutputs), len(opts.Outputs))
	}
	return nil
}

// tensorName accepts `node` or `node:k` for the NCHW flags.
func tensorName(s string) string {
	if strings.Contains(s, ":") {
		return s
	}
	return s + ":0"
}

// nameOutputDims gives every unknown, unnamed dim of a graph output a
// dim_param (`Reshape_2_dim1`), so that the model's signature says which
// dims are dynamic instead of leaving them blank; dims that inference tied
// to an input's (`Placeholder_dim0`) keep that name.
func nameOutputDims(g *graph.Graph) {
	for _, o := range g.Outputs {
		v := g.Values[o]
		if v == nil || !v.Shape.Known {
			continue
		}
		s := v.Shape.Clone()
		base := strings.NewReplacer("/", "_", ":0", "", ":", "_").Replace(o)
		for i, d := range s.Dims {
			if !d.Known() && d.Name == "" {
				s.Dims[i] = graph.Sym(fmt.Sprintf("%s_dim%d", base, i))
			}
		}
		g.Values[o] = &graph.Value{DType: v.DType, Shape: s}
	}
}
