// Package convert is the public Go API of the converter and owns the order
// of its stages: one table (stages, below) of named steps — extract the
// subgraph, the TF-side rewrites, map ops, the layout options, the
// optimizer's passes, renames, inference, verify — each followed by the same
// hook: the dump the caller asked for, the verifier under Debug, and a check
// for cancellation.
package convert

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/fold"
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
	// Debug runs the verifier after every stage and pass and names the one
	// that broke an invariant; problems the conversion would otherwise work
	// around (failed shape inference or folding) fail it too.
	Debug bool
	// AfterPass, when set, sees the graph after each stage and pass
	// (dumps); PassNames lists their names.
	AfterPass func(pass string, g *graph.Graph)
	// ExtraOpsets are opset imports beyond ONNX's (domain → version) the
	// model may use: handlers then emit ops of those domains where ONNX
	// has no form (com.microsoft's Inverse for MatrixInverse).
	ExtraOpsets map[string]int
	// Tables says where vocabulary files of lookup tables are (the model
	// file's folder); the extract stage reads every table initializer of
	// the GraphDef (frozen.AttachTables) and annotates the table nodes.
	Tables frozen.TableSource
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

// MinOpset is the lowest opset served. The handlers target opmap.MinOpset
// (13) and up; below it the conversion runs at 13 and a last stage writes
// the forms that changed at 13 the old way, or refuses (opset12.go).
const MinOpset = 12

// OpsetError is an opset outside what the converter serves.
type OpsetError struct{ Opset int }

func (e *OpsetError) Error() string {
	return fmt.Sprintf("--opset %d is not supported; choose %d to %d", e.Opset, MinOpset, opmap.MaxOpset)
}

// OptionError is an option that cannot apply as given: renames whose count
// does not match, two boundary values given one name, NCHW asked of a tensor
// that is not a rank-4 input or output, an unknown pass name. Like a bad
// flag, it is the command line's fault, not the model's.
type OptionError struct{ Flag, Msg string }

func (e *OptionError) Error() string { return e.Flag + ": " + e.Msg }

// maxOptimizeRounds bounds how often the optimizer's pass list repeats
// while some pass still changes the graph.
const maxOptimizeRounds = 10

// stage is one named step of the conversion. A stage with passes runs them
// in rounds until a round changes nothing, the hook after each pass that
// changed the graph; the others run once, the hook after them.
type stage struct {
	name   string
	run    func(c *conversion) error
	passes []optimize.Pass
}

// stages is the conversion, in order.
func stages() []stage {
	s := []stage{{name: "extract", run: (*conversion).extract}}
	for _, p := range tfrewrite.Passes() {
		s = append(s, stage{name: p.Name, run: func(c *conversion) error {
			if _, err := p.Run(c.g); err != nil {
				return fmt.Errorf("rewrite %s: %w", p.Name, err)
			}
			return nil
		}})
	}
	return append(s,
		stage{name: "map", run: (*conversion).mapOps},
		stage{name: "layout", run: (*conversion).layout},
		stage{name: "optimize", passes: optimize.Passes()},
		stage{name: "renames", run: (*conversion).renames},
		stage{name: "inference", run: (*conversion).inference},
		stage{name: "verify", run: (*conversion).verify},
		stage{name: "older-opset", run: (*conversion).olderOpset},
	)
}

// PassNames lists, in order, the names the AfterPass hook (and the CLI's
// --dump-after) sees: every stage, and every optimizer pass.
func PassNames() []string {
	var out []string
	for _, s := range stages() {
		for _, p := range s.passes {
			out = append(out, p.Name)
		}
		out = append(out, s.name)
	}
	return out
}

// CheckPassName accepts a name of PassNames, or "all".
func CheckPassName(flag, name string) error {
	valid := append(PassNames(), "all")
	for _, v := range valid {
		if v == name {
			return nil
		}
	}
	return &OptionError{Flag: flag, Msg: fmt.Sprintf("no pass is called %q; choose one of %s", name, strings.Join(valid, ", "))}
}

// conversion is the state of one GraphDef call.
type conversion struct {
	ctx  context.Context
	opts Options
	gd   *tfpb.GraphDef
	g    *graph.Graph
	diag *Diagnostics
	// sorted: TopoSort has run (until then TF1 loops read values defined
	// later); mapped: no TF op should be left.
	sorted, mapped bool
	// target is the opset asked for; opts.Opset the one the handlers
	// emit (older-opset lowers one to the other).
	target int
	// problems the mapping worked around (opmap.Options.Report), not yet
	// turned into warnings or errors by the hook.
	problems []error
}

// GraphDef converts a frozen GraphDef. It is safe to call from several
// goroutines at once.
func GraphDef(ctx context.Context, gd *tfpb.GraphDef, opts Options) (*Model, Diagnostics, error) {
	var diag Diagnostics
	if opts.Opset == 0 {
		opts.Opset = DefaultOpset
	}
	if opts.Opset < MinOpset || opts.Opset > opmap.MaxOpset {
		return nil, diag, &OpsetError{opts.Opset}
	}
	if err := checkRenames(opts); err != nil {
		return nil, diag, err
	}
	target := opts.Opset
	opts.Opset = max(opts.Opset, opmap.MinOpset)
	c := &conversion{ctx: ctx, opts: opts, gd: gd, diag: &diag, target: target}
	for _, s := range stages() {
		if err := ctx.Err(); err != nil {
			return nil, diag, err
		}
		if err := c.runStage(s); err != nil {
			return nil, diag, err
		}
	}
	g := c.g
	diag.OutNodes = len(g.Nodes)
	m := &Model{Graph: g, Opset: target}
	for d := range usedDomains(g) {
		if d == "" || d == "ai.onnx" {
			continue
		}
		v := opts.ExtraOpsets[d]
		if d == graph.DomainTF {
			v = 1
		}
		if d == opmap.DomainML && v == 0 {
			v = opmap.MLOpset
		}
		if m.ExtraDomains == nil {
			m.ExtraDomains = map[string]int{}
		}
		m.ExtraDomains[d] = v
	}
	return m, diag, nil
}

// usedDomains is the set of node domains of g and its subgraphs.
func usedDomains(g *graph.Graph) map[string]bool {
	out := map[string]bool{}
	for _, n := range g.Nodes {
		out[n.Domain] = true
		for _, sg := range n.Subgraphs() {
			for d := range usedDomains(sg) {
				out[d] = true
			}
		}
	}
	return out
}

// runStage runs one stage and the hooks after it. A panic in a stage is a
// bug: it becomes an error naming the stage (and wrapping graph.ErrInternal),
// so that a program embedding the converter keeps running.
func (c *conversion) runStage(s stage) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w in stage %s: %v", graph.ErrInternal, s.name, r)
		}
	}()
	if s.passes != nil {
		return c.optimize(s)
	}
	if err := s.run(c); err != nil {
		return err
	}
	return c.after(s.name)
}

// after is the hook that follows every stage and pass.
func (c *conversion) after(name string) error {
	if c.opts.AfterPass != nil {
		c.opts.AfterPass(name, c.g)
	}
	problems := c.problems
	c.problems = nil
	if c.opts.Debug {
		if err := c.g.Verify(graph.VerifyOptions{AllowTF: !c.mapped || c.opts.ContinueOnError, Unordered: !c.sorted}); err != nil {
			return fmt.Errorf("%w after pass %s: %w", graph.ErrInternal, name, err)
		}
		if len(problems) > 0 {
			return fmt.Errorf("pass %s: %w", name, errors.Join(problems...))
		}
		if c.mapped {
			if err := checkFolding(c.g); err != nil {
				return fmt.Errorf("after pass %s: %w", name, err)
			}
		}
	}
	for _, p := range problems {
		c.diag.Warnings = append(c.diag.Warnings, fmt.Sprintf("%s: %v; the conversion went on without it", name, p))
	}
	return c.ctx.Err()
}

func (c *conversion) extract() error {
	frozen.AttachTables(c.gd, c.opts.Tables)
	g, err := frozen.Extract(c.gd, c.opts.Inputs, c.opts.Outputs)
	if err != nil {
		return err
	}
	if err := frozen.AttachFunctions(g, c.gd.GetLibrary()); err != nil {
		return err
	}
	g.Opset = c.opts.Opset
	c.g = g
	c.diag.TFNodes = countNodes(g)
	return nil
}

// countNodes counts the nodes and constants of g and of the function bodies
// attached to its nodes: a SavedModel signature is one call node whose
// function holds the model.
func countNodes(g *graph.Graph) int {
	k := len(g.Nodes) + len(g.Consts)
	for _, n := range g.Nodes {
		for _, sg := range n.Subgraphs() {
			k += countNodes(sg)
		}
	}
	return k
}

func (c *conversion) mapOps() error {
	if un := opmap.Unsupported(c.g, c.opts.Opset); len(un) > 0 && !c.opts.ContinueOnError {
		return &opmap.UnsupportedError{Opset: c.opts.Opset, Ops: un}
	}
	if err := c.g.TopoSort(); err != nil {
		return err
	}
	c.sorted = true
	ops := map[string]string{} // TF node → op, to name what a missing output was
	for _, n := range c.g.Nodes {
		ops[n.Name] = n.Op
	}
	warns, err := opmap.Apply(c.g, opmap.Options{Opset: c.opts.Opset, ContinueOnError: c.opts.ContinueOnError,
		Release: frozen.Release, Report: func(err error) { c.problems = append(c.problems, err) }, Domains: c.opts.ExtraOpsets})
	c.diag.Warnings = append(c.diag.Warnings, warns...)
	c.mapped = true
	if err != nil {
		return err
	}
	return checkReadsDefined(c.g, ops)
}

// checkReadsDefined finds reads of outputs that the mapped ops do not yield:
// a file (or --outputs) that names output k of a TF op with fewer outputs,
// such as concat:5. Until mapping, every port a reference names exists.
func checkReadsDefined(g *graph.Graph, ops map[string]string) error {
	defined := map[string]bool{"": true}
	for _, v := range g.Inputs {
		defined[v] = true
	}
	for v := range g.Consts {
		defined[v] = true
	}
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			defined[o] = true
		}
	}
	missing := func(v string) error {
		node, port, _ := frozen.SplitTensorName(v)
		op := ops[node]
		if op == "" {
			op = "node"
		}
		return fmt.Errorf("%s: %s %q has no output %d: %w", v, op, node, port, frozen.ErrBadFile)
	}
	for _, o := range g.Outputs {
		if !defined[o] {
			return fmt.Errorf("--outputs: %w", missing(o))
		}
	}
	for _, n := range g.Nodes {
		for _, v := range append(append([]string(nil), n.Inputs...), n.OuterReads()...) {
			if !defined[v] {
				return fmt.Errorf("node %q reads %w", n.Name, missing(v))
			}
		}
	}
	return nil
}

func (c *conversion) layout() error { return applyLayout(c.g, c.opts) }

// optimize runs the optimizer's passes in rounds until one changes nothing,
// the hook after each pass that changed the graph. A graph still changing
// after maxOptimizeRounds is correct but may not be minimal: a warning says
// so (a pass pair undoing each other is a bug to report).
func (c *conversion) optimize(s stage) error {
	for round := 0; round < maxOptimizeRounds; round++ {
		var changedBy []string
		for _, p := range s.passes {
			changed, err := p.Run(c.g, c.opts.Opset)
			if err != nil {
				return fmt.Errorf("pass %s: %w", p.Name, err)
			}
			if changed {
				changedBy = append(changedBy, p.Name)
				if err := c.after(p.Name); err != nil {
					return err
				}
			}
		}
		if len(changedBy) == 0 {
			return c.after(s.name)
		}
		if round == maxOptimizeRounds-1 {
			c.diag.Warnings = append(c.diag.Warnings, fmt.Sprintf("the optimizer did not converge in %d rounds "+
				"(the last round still changed the graph in %s); the model is correct but may not be minimal",
				maxOptimizeRounds, strings.Join(changedBy, ", ")))
		}
	}
	return c.after(s.name)
}

func (c *conversion) renames() error { return applyRenames(c.g, c.opts) }

func (c *conversion) inference() error {
	if err := c.g.TopoSort(); err != nil {
		return err
	}
	if err := infer.Graph(c.g, c.opts.Opset); err != nil {
		return fmt.Errorf("shape inference on the converted graph: %w", err)
	}
	if err := c.shapeOutputs(); err != nil {
		return err
	}
	nameOutputDims(c.g)
	return nil
}

// shapeOutputs gives each graph output the shape its --outputs spec states
// (`y:0[?,?]`), after checking it against what inference found; an output
// whose rank stays unknown gets a warning, as onnx.checker rejects a graph
// output without a shape (onnxruntime runs the model all the same).
func (c *conversion) shapeOutputs() error {
	specs := c.opts.Outputs
	if len(specs) != len(c.g.Outputs) {
		specs = nil // outputs from a SavedModel signature: no specs
	}
	for i, o := range c.g.Outputs {
		v := c.g.Values[o]
		if v == nil {
			continue
		}
		if i < len(specs) && specs[i].Shape != nil {
			want := *specs[i].Shape
			if err := agreeShapes(v.Shape, want); err != nil {
				return &OptionError{Flag: "--outputs", Msg: fmt.Sprintf("%s: %v", specs[i].Tensor(), err)}
			}
			merged := want.Clone()
			for d := range merged.Dims {
				if !merged.Dims[d].Known() && v.Shape.Known {
					merged.Dims[d] = v.Shape.Dims[d]
				}
			}
			c.g.Values[o] = &graph.Value{DType: v.DType, Shape: merged}
			continue
		}
		if !v.Shape.Known {
			name := o
			if i < len(specs) {
				name = specs[i].Tensor()
			}
			c.diag.Warnings = append(c.diag.Warnings, fmt.Sprintf("output %s has a rank no conversion-time shape tells: "+
				"onnx.checker rejects a graph output without a shape (onnxruntime runs it); state it in --outputs, "+
				"e.g. %s[?,?] for rank 2", name, name))
		}
	}
	return nil
}

// agreeShapes checks a stated output shape against the inferred one: the
// same rank, and the same size wherever both know it.
func agreeShapes(inferred, stated graph.Shape) error {
	if !inferred.Known {
		return nil
	}
	if len(inferred.Dims) != len(stated.Dims) {
		return fmt.Errorf("the converted model gives rank %d (%v), the spec says %v", len(inferred.Dims), inferred, stated)
	}
	for d := range stated.Dims {
		if stated.Dims[d].Known() && inferred.Dims[d].Known() && stated.Dims[d].Size != inferred.Dims[d].Size {
			return fmt.Errorf("the converted model gives %v, the spec says %v", inferred, stated)
		}
	}
	return nil
}

func (c *conversion) verify() error {
	if err := c.g.Verify(graph.VerifyOptions{AllowTF: c.opts.ContinueOnError, NeedDTypes: true}); err != nil {
		for _, n := range c.g.Nodes {
			if n.Domain == graph.DomainTF {
				// Kept TF nodes (--continue-on-error) may leave types that
				// nothing can tell: a limit of what was kept, not a bug.
				return fmt.Errorf("--continue-on-error: the graph around the kept TF nodes cannot be typed: %w", err)
			}
		}
		return fmt.Errorf("%w: the converted graph is invalid: %w", graph.ErrInternal, err)
	}
	return nil
}

// checkFolding evaluates, under Debug, every node whose inputs are all
// constants, as the folding pass does, and reports a folding rule that
// failed on its own (a bug): the pass itself leaves such nodes in place,
// where the runtime computes them, so nothing is lost in a normal run.
func checkFolding(g *graph.Graph) error {
	for _, n := range g.Nodes {
		in := make([]*graph.Tensor, len(n.Inputs))
		all := len(n.Inputs) > 0
		for i, v := range n.Inputs {
			if v == "" {
				continue
			}
			if in[i] = g.Consts[v]; in[i] == nil {
				all = false
				break
			}
		}
		if !all {
			continue
		}
		if _, _, err := fold.Eval(n, in, g.Opset); err != nil && errors.Is(err, graph.ErrInternal) {
			return err
		}
	}
	return nil
}

func checkRenames(opts Options) error {
	for _, l := range []struct {
		flag  string
		specs []frozen.Spec
	}{{"--inputs", opts.Inputs}, {"--outputs", opts.Outputs}} {
		seen := map[string]bool{}
		for _, s := range l.specs {
			if seen[s.Tensor()] {
				return &OptionError{Flag: l.flag, Msg: fmt.Sprintf("%s is listed twice", s.Tensor())}
			}
			seen[s.Tensor()] = true
		}
	}
	if len(opts.RenameInputs) > 0 && len(opts.RenameInputs) != len(opts.Inputs) {
		return &OptionError{Flag: "--rename-inputs", Msg: fmt.Sprintf("%d names for %d inputs", len(opts.RenameInputs), len(opts.Inputs))}
	}
	if len(opts.RenameOutputs) > 0 && len(opts.RenameOutputs) != len(opts.Outputs) {
		return &OptionError{Flag: "--rename-outputs", Msg: fmt.Sprintf("%d names for %d outputs", len(opts.RenameOutputs), len(opts.Outputs))}
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
