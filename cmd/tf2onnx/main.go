// Command tf2onnx converts a frozen TensorFlow GraphDef to ONNX and reports
// what a model costs to run. Its flags follow the Python converter's
// (python -m tf2onnx.convert), underscore spellings included, so scripts
// switch by renaming the program. This file only turns flags into options
// and errors into exit codes; the work is in package convert.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/tf2onnx-go/tf2onnx/convert"
	"github.com/tf2onnx-go/tf2onnx/cost"
	"github.com/tf2onnx-go/tf2onnx/frozen"
	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/internal/pb/tfpb"
	"github.com/tf2onnx-go/tf2onnx/onnxio"
	"github.com/tf2onnx-go/tf2onnx/opmap"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Exit codes, documented in the README.
const (
	exitOK       = 0
	exitConvert  = 1 // the model cannot be read or converted
	exitUsage    = 2 // bad flags, tensor specs or opset
	exitWrite    = 3 // the output cannot be written
	exitInternal = 4 // a bug: please report
)

// convertGraphDef is convert.GraphDef; the exit-code test swaps it for a
// stand-in that fails the way a converter bug does.
var convertGraphDef = convert.GraphDef

// usageError marks errors that come from the command line itself.
type usageError struct{ error }

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "tf2onnx: internal error: %v (please report this with the model)\n", r)
			code = exitInternal
		}
	}()
	app := newApp(stdout, stderr)
	err := app.Run(args)
	if err == nil {
		return exitOK
	}
	code = exitCode(err)
	msg := oneLine(err.Error())
	if code == exitInternal {
		msg += " (a bug in tf2onnx: please report it with the model)"
	}
	fmt.Fprintln(stderr, "tf2onnx: "+msg)
	return code
}

func exitCode(err error) int {
	var ue usageError
	var se *frozen.SpecError
	var oe *convert.OpsetError
	var pe *convert.OptionError
	var we writeError
	switch {
	case errors.Is(err, graph.ErrInternal):
		return exitInternal
	case errors.As(err, &ue), errors.As(err, &se), errors.As(err, &oe), errors.As(err, &pe):
		return exitUsage
	case errors.As(err, &we):
		return exitWrite
	}
	return exitConvert
}

type writeError struct{ error }

func (e writeError) Unwrap() error { return e.error }

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:      "tf2onnx",
		Usage:     "convert a frozen TensorFlow GraphDef to ONNX, and report what a model costs to run",
		UsageText: "tf2onnx --graphdef model.pb --inputs X:0 --outputs Y:0 --output model.onnx [--opset 17] [--cost]\n   tf2onnx cost model.onnx [--shape NAME=1x3x224x224]",
		Version:   version,
		Writer:    stdout,
		ErrWriter: stderr,
		Flags:     convertFlags(),
		Action:    convertAction,
		Commands:  []*cli.Command{costCommand()},
		OnUsageError: func(c *cli.Context, err error, isSub bool) error {
			return usageError{err}
		},
		ExitErrHandler:  func(*cli.Context, error) {},
		HideHelpCommand: true,
	}
	app.Suggest = true
	return app
}

func convertFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "graphdef", Aliases: []string{"input"}, Usage: "frozen GraphDef to convert (.pb, or .pbtxt as text)"},
		&cli.StringFlag{Name: "output", Usage: "ONNX file to write"},
		&cli.StringFlag{Name: "tflite", Usage: "TFLite model (.tflite) to convert instead of a GraphDef; --inputs/--outputs then name TFLite tensors (default: the model's own)"},
		&cli.BoolFlag{Name: "dequantize", Usage: "TFLite: fold quantized weights to float and drop the quantize/dequantize pairs between float ops"},
		&cli.StringFlag{Name: "saved-model", Aliases: []string{"saved_model"}, Usage: "SavedModel directory to convert (read without TensorFlow)"},
		&cli.StringFlag{Name: "tag", Usage: "SavedModel meta graph tags, comma separated (default serve)"},
		&cli.StringFlag{Name: "signature_def", Aliases: []string{"signature-def"}, Usage: "SavedModel signature to convert (default serving_default); its keys name the ONNX inputs and outputs"},
		&cli.IntFlag{Name: "concrete_function", Aliases: []string{"concrete-function"}, Usage: "convert the SavedModel root's __call__ traced for its N-th input signature instead of a signature"},
		&cli.StringFlag{Name: "checkpoint", Usage: "TF1 checkpoint to convert: the .meta MetaGraphDef, with the checkpoint files beside it (needs --outputs)"},
		&cli.StringFlag{Name: "inputs", Usage: "graph inputs, comma separated: `name:0[1,28,28,3]` (the shape is optional; -1 or ? for unknown dims)"},
		&cli.StringFlag{Name: "outputs", Usage: "graph outputs, comma separated: name:0 or name:0[?,3] (a shape the ONNX output declares, checked against inference)"},
		&cli.IntFlag{Name: "opset", Value: convert.DefaultOpset, Usage: fmt.Sprintf("ONNX opset to target (%d to %d; at 12, forms ONNX changed at 13 that cannot be written the old way, such as run-time axes or bfloat16, are refused)", convert.MinOpset, opmap.MaxOpset)},
		&cli.StringFlag{Name: "inputs-as-nchw", Aliases: []string{"inputs_as_nchw"}, Usage: "NHWC inputs the ONNX model should take as NCHW, comma separated"},
		&cli.StringFlag{Name: "outputs-as-nchw", Aliases: []string{"outputs_as_nchw"}, Usage: "NHWC outputs the ONNX model should give as NCHW, comma separated"},
		&cli.StringFlag{Name: "rename-inputs", Aliases: []string{"rename_inputs"}, Usage: "new names for the inputs, in --inputs order"},
		&cli.StringFlag{Name: "rename-outputs", Aliases: []string{"rename_outputs"}, Usage: "new names for the outputs, in --outputs order"},
		&cli.StringFlag{Name: "use-default", Aliases: []string{"use_default"}, Usage: "PlaceholderWithDefault nodes that take their default value (not model inputs), comma separated"},
		&cli.StringFlag{Name: "ignore-default", Aliases: []string{"ignore_default"}, Usage: "PlaceholderWithDefault nodes that become model inputs (their default is dropped), comma separated"},
		&cli.BoolFlag{Name: "continue-on-error", Aliases: []string{"continue_on_error"}, Usage: "keep unsupported ops as nodes in domain org.tensorflow and warn, instead of failing"},
		&cli.StringFlag{Name: "extra-opset", Aliases: []string{"extra_opset"}, Usage: "extra opset imports for the model, comma separated `DOMAIN:VERSION` (e.g. ai.onnx.contrib:1); com.microsoft:1 maps MatrixInverse to onnxruntime's Inverse"},
		&cli.BoolFlag{Name: "large-model", Aliases: []string{"large_model", "external-data"}, Usage: "write weights of 1 KiB and more to <output>.data beside the model (ONNX external data; automatic past protobuf's 2 GB cap)"},
		&cli.BoolFlag{Name: "verbose", Usage: "print each stage and the op counts"},
		&cli.BoolFlag{Name: "debug", Usage: "verify the graph after every stage and pass and name the one that broke it; fail on problems a normal run warns about"},
		&cli.StringFlag{Name: "dump-after", Aliases: []string{"dump_after"}, Usage: "print the graph as text on stderr after the named stage or pass (extract, a rewrite, map, layout, an optimizer pass, optimize, renames, inference, verify) or after every one (all)"},
		&cli.BoolFlag{Name: "cost", Usage: "print the cost report of the converted model"},
	}, costFlags()...)
}

// splitList splits a comma-separated flag value, skipping empty items;
// commas inside a shape's brackets (`x:0[1,28,28,3]`) stay.
func splitList(s string) []string {
	var out []string
	for _, f := range frozen.SplitSpecs(s) {
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

func convertAction(c *cli.Context) error {
	if c.Args().Len() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q (did you mean --graphdef %s?)", c.Args().First(), c.Args().First())}
	}
	var given []string
	for _, f := range []string{"graphdef", "saved-model", "checkpoint", "tflite"} {
		if c.String(f) != "" {
			given = append(given, "--"+f)
		}
	}
	switch {
	case len(given) == 0:
		return usageError{errors.New("--graphdef is required (the frozen .pb to convert), or --saved-model DIR, --checkpoint FILE.meta or --tflite FILE; see --help")}
	case len(given) > 1:
		return usageError{fmt.Errorf("%s: give one model", strings.Join(given, " and "))}
	case c.String("saved-model") != "" || c.String("checkpoint") != "":
		return convertSavedModel(c)
	case c.String("tflite") != "":
		return convertTFLite(c)
	}
	path := c.String("graphdef")
	out := c.String("output")
	if out == "" {
		return usageError{errors.New("--output is required (the .onnx file to write)")}
	}
	if c.String("outputs") == "" {
		return usageError{errors.New("--outputs is required (e.g. --outputs Softmax:0)")}
	}
	inputs, err := frozen.ParseSpecs(c.String("inputs"))
	if err != nil && c.String("inputs") != "" {
		return fmt.Errorf("--inputs: %w", err)
	}
	outputs, err := frozen.ParseSpecs(c.String("outputs"))
	if err != nil {
		return fmt.Errorf("--outputs: %w", err)
	}
	opts, err := convertOptions(c, inputs, outputs)
	if err != nil {
		return err
	}
	verbose := c.Bool("verbose")
	logf := func(format string, args ...any) {
		if verbose {
			fmt.Fprintf(c.App.ErrWriter, format+"\n", args...)
		}
	}
	start := time.Now()
	gd, err := frozen.Load(path)
	if err != nil {
		return err
	}
	logf("read %s: %d nodes", path, len(gd.Node))
	opts.Tables = frozen.TableSource{Dir: filepath.Dir(path)}
	if opts.Inputs, err = placeholderDefaults(gd, opts.Inputs, splitList(c.String("use-default")), splitList(c.String("ignore-default"))); err != nil {
		return err
	}
	model, diag, err := convertGraphDef(context.Background(), gd, opts)
	return emit(c, path, out, start, model, diag, err)
}

// convertOptions turns the conversion flags into options.
func convertOptions(c *cli.Context, inputs, outputs []frozen.Spec) (convert.Options, error) {
	opts := convert.Options{
		Inputs: inputs, Outputs: outputs, Opset: c.Int("opset"),
		InputsAsNCHW: splitList(c.String("inputs-as-nchw")), OutputsAsNCHW: splitList(c.String("outputs-as-nchw")),
		RenameInputs: splitList(c.String("rename-inputs")), RenameOutputs: splitList(c.String("rename-outputs")),
		ContinueOnError: c.Bool("continue-on-error"), Debug: c.Bool("debug"),
	}
	if opts.Opset < convert.MinOpset || opts.Opset > opmap.MaxOpset {
		return opts, &convert.OpsetError{Opset: opts.Opset}
	}
	if err := checkFlagsFirst(c); err != nil {
		return opts, err
	}
	opts.ExtraOpsets, _ = extraOpsets(c.String("extra-opset"), nil) // checked above
	if pass := c.String("dump-after"); pass != "" {
		opts.AfterPass = func(name string, g *graph.Graph) {
			if pass == "all" || pass == name {
				fmt.Fprintf(c.App.ErrWriter, "# after %s\n%s\n", name, g.Dump())
			}
		}
	}
	return opts, nil
}

// emit reports a conversion's warnings and errors, writes the model and
// prints the summary and the cost report.
func emit(c *cli.Context, path, out string, start time.Time, model *convert.Model, diag convert.Diagnostics, err error) error {
	verbose := c.Bool("verbose")
	logf := func(format string, args ...any) {
		if verbose {
			fmt.Fprintf(c.App.ErrWriter, format+"\n", args...)
		}
	}
	if err != nil {
		// One line per failure: the warnings of a failed run (problems it
		// went on without) only with --verbose.
		if verbose {
			printWarnings(c, diag.Warnings)
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	printWarnings(c, diag.Warnings)
	domains, err := extraOpsets(c.String("extra-opset"), model.ExtraDomains)
	if err != nil {
		return err
	}
	mp, err := onnxio.ToProto(model.Graph, onnxio.ModelInfo{Producer: "tf2onnx-go", Version: version, Opset: model.Opset, ExtraDomains: domains})
	if err != nil {
		return err
	}
	size, err := onnxio.Write(out, mp, onnxio.WriteOptions{ExternalData: c.Bool("large-model")})
	if err != nil {
		return writeError{err}
	}
	if verbose {
		for op, n := range model.Graph.OpCounts() {
			logf("  %-24s %d", op, n)
		}
	}
	fmt.Fprintf(c.App.Writer, "converted %s → %s: %d TF nodes → %d ONNX nodes, opset %d, %.2f s, %s\n",
		filepath.Base(path), out, diag.TFNodes, diag.OutNodes, model.Opset, time.Since(start).Seconds(), humanBytes(size))
	if c.Bool("cost") || c.String("cost-out") != "" {
		return reportCost(c, model.Graph, model.Opset)
	}
	return nil
}

func printWarnings(c *cli.Context, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintln(c.App.ErrWriter, "tf2onnx: warning: "+oneLine(w))
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GB (%d bytes)", float64(n)/1e9, n)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB (%d bytes)", float64(n)/1e6, n)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB (%d bytes)", float64(n)/1e3, n)
	}
	return fmt.Sprintf("%d bytes", n)
}

// checkFlagsFirst checks the flags that do not need the model, before any
// work: a bad one must not cost a conversion, nor leave a model written.
func checkFlagsFirst(c *cli.Context) error {
	if pass := c.String("dump-after"); pass != "" {
		if err := convert.CheckPassName("--dump-after", pass); err != nil {
			return err
		}
	}
	if _, err := extraOpsets(c.String("extra-opset"), nil); err != nil {
		return err
	}
	if c.Bool("cost") || c.String("cost-out") != "" {
		if _, err := costOptions(c); err != nil {
			return err
		}
		if format := c.String("format"); !cost.ValidFormat(format) {
			return usageError{fmt.Errorf("--format %q: choose %s", format, strings.Join(cost.Formats, ", "))}
		}
	}
	return nil
}

// extraOpsets merges --extra-opset DOMAIN:VERSION entries into the opset
// imports the conversion needs.
func extraOpsets(flag string, have map[string]int) (map[string]int, error) {
	out := map[string]int{}
	for d, v := range have {
		out[d] = v
	}
	for _, item := range splitList(flag) {
		i := strings.LastIndexByte(item, ':')
		v, err := strconv.Atoi(item[i+1:])
		if i <= 0 || err != nil || v < 1 {
			return nil, usageError{fmt.Errorf("--extra-opset: %q is not DOMAIN:VERSION (e.g. ai.onnx.contrib:1)", item)}
		}
		if item[:i] == "" || item[:i] == "ai.onnx" {
			return nil, usageError{fmt.Errorf("--extra-opset: the default domain's version is --opset")}
		}
		out[item[:i]] = v
	}
	return out, nil
}

// placeholderDefaults applies --use_default (the node keeps its default
// value: it leaves the inputs) and --ignore_default (the node becomes an
// input) to the input list; each name must be a PlaceholderWithDefault.
func placeholderDefaults(gd *tfpb.GraphDef, inputs []frozen.Spec, use, ignore []string) ([]frozen.Spec, error) {
	ops := map[string]string{}
	for _, n := range gd.GetNode() {
		ops[n.GetName()] = n.GetOp()
	}
	node := func(flag, name string) (string, error) {
		name = strings.TrimSuffix(name, ":0")
		if op, ok := ops[name]; !ok || op != "PlaceholderWithDefault" {
			return "", usageError{fmt.Errorf("--%s: %q is not a PlaceholderWithDefault node of the graph", flag, name)}
		}
		return name, nil
	}
	for _, u := range use {
		name, err := node("use_default", u)
		if err != nil {
			return nil, err
		}
		inputs = slices.DeleteFunc(inputs, func(s frozen.Spec) bool { return s.Node == name })
	}
	for _, ig := range ignore {
		name, err := node("ignore_default", ig)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(inputs, func(s frozen.Spec) bool { return s.Node == name }) {
			inputs = append(inputs, frozen.Spec{Node: name})
		}
	}
	return inputs, nil
}
