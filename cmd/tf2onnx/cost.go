package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/tf2onnx-go/tf2onnx/cost"
	"github.com/tf2onnx-go/tf2onnx/graph"
	"github.com/tf2onnx-go/tf2onnx/onnxio"
)

// costFlags are the cost report's flags, the same for `tf2onnx cost` and
// for `--cost` after a conversion.
func costFlags() []cli.Flag {
	devices := make([]string, len(cost.Devices))
	for i, d := range cost.Devices {
		devices[i] = d.Name
	}
	return []cli.Flag{
		&cli.StringFlag{Name: "cost-out", Aliases: []string{"cost_out"}, Usage: "write the cost report to this file"},
		&cli.StringFlag{Name: "format", Value: "text", Usage: "cost report format: text, json, csv or markdown"},
		&cli.StringSliceFlag{Name: "shape", Usage: "fix an input's dims for the cost report: NAME=1x600x600x3 (repeatable)"},
		&cli.BoolFlag{Name: "count-all", Aliases: []string{"count_all"}, Usage: "cost: add elementwise, activation, pooling and normalization ops to the MAC total and FLOPs"},
		&cli.StringFlag{Name: "convention", Value: "ptflops", Usage: "cost: counting convention: ptflops (bias counted), fvcore or thop (no bias)"},
		&cli.BoolFlag{Name: "bias", Usage: "cost: count one add per output element for biases, whatever the convention"},
		&cli.BoolFlag{Name: "no-bias", Aliases: []string{"no_bias"}, Usage: "cost: do not count biases, whatever the convention"},
		&cli.Float64Flag{Name: "fps", Usage: "cost: the GFLOP/s and GB/s needed to run the model N times a second"},
		&cli.Float64Flag{Name: "peak-gflops", Aliases: []string{"peak_gflops"}, Usage: "cost: the device's peak compute for the roofline, GFLOP/s"},
		&cli.Float64Flag{Name: "mem-gbps", Aliases: []string{"mem_gbps"}, Usage: "cost: the device's memory bandwidth for the roofline, GB/s"},
		&cli.StringFlag{Name: "device", Usage: "cost: roofline device preset: " + strings.Join(devices, ", ")},
		&cli.BoolFlag{Name: "per-node", Aliases: []string{"per_node"}, Usage: "cost: also list every node (text and markdown; json and csv always do)"},
		&cli.IntFlag{Name: "layer-depth", Aliases: []string{"layer_depth"}, Usage: "cost: group layers by the first N components of their name scope"},
	}
}

func costCommand() *cli.Command {
	return &cli.Command{
		Name:      "cost",
		Usage:     "report parameters, MACs, FLOPs and memory per layer of an ONNX model",
		ArgsUsage: "MODEL.onnx",
		Flags:     costFlags(),
		Action: func(c *cli.Context) error {
			args := c.Args().Slice()
			if len(args) > 1 {
				// Flags after the model path: put them first and parse again.
				var flags, rest []string
				for i, a := range args {
					if strings.HasPrefix(a, "-") && i > 0 {
						flags = append(flags, args[i:]...)
						break
					}
					rest = append(rest, a)
				}
				if len(flags) > 0 && len(rest) == 1 {
					all := append(append([]string{c.App.Name, "cost"}, flags...), rest...)
					return newApp(c.App.Writer, c.App.ErrWriter).Run(all)
				}
				return usageError{fmt.Errorf("cost takes one model, got %d arguments: %s", len(args), strings.Join(args, " "))}
			}
			if len(args) == 0 {
				return usageError{errors.New("cost: give the ONNX model to report on: tf2onnx cost MODEL.onnx")}
			}
			path := args[0]
			g, info, err := onnxio.ReadFile(path, onnxio.ReadOptions{MaxDataBytes: 1 << 20})
			if err != nil {
				return err
			}
			return runCost(c, g, info.Opset, filepath.Base(path), info)
		},
	}
}

// reportCost prints (--cost) and writes (--cost-out) the cost report of a
// model just converted.
func reportCost(c *cli.Context, g *graph.Graph, opset int) error {
	return runCost(c, g, opset, filepath.Base(c.String("output")), onnxio.ReadInfo{})
}

func runCost(c *cli.Context, g *graph.Graph, opset int, model string, info onnxio.ReadInfo) error {
	opts, err := costOptions(c)
	if err != nil {
		return err
	}
	opts.Opset, opts.Model = opset, model
	format := c.String("format")
	if !cost.ValidFormat(format) {
		return usageError{fmt.Errorf("--format %q: choose %s", format, strings.Join(cost.Formats, ", "))}
	}
	rep, err := cost.Analyze(g, opts)
	if err != nil {
		var ie *cost.InputError
		if errors.As(err, &ie) {
			return usageError{fmt.Errorf("cost: %w", err)}
		}
		return fmt.Errorf("cost: %w", err)
	}
	if n := len(info.External); n > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d initializers keep their data in external files, which were not read (their sizes come from their dims)", n))
	}
	for _, f := range info.Functions {
		rep.Notes = append(rep.Notes, "model-local function "+f+": its calls are nodes of its domain, listed as not counted")
	}
	out, err := cost.Render(rep, format, cost.FormatOptions{PerNode: c.Bool("per-node")})
	if err != nil {
		return err
	}
	path := c.String("cost-out")
	if path != "" {
		if err := onnxio.WriteFileAtomic(path, out); err != nil {
			return writeError{err}
		}
	}
	// The cost command prints unless it writes a file; --cost prints.
	if path == "" || c.Bool("cost") {
		_, err = c.App.Writer.Write(out)
		return err
	}
	fmt.Fprintf(c.App.Writer, "cost report (%s) written to %s\n", strings.ToLower(format), path)
	return nil
}

func costOptions(c *cli.Context) (cost.Options, error) {
	opts := cost.Options{
		Convention: c.String("convention"),
		CountAll:   c.Bool("count-all"),
		FPS:        c.Float64("fps"),
		PeakGFLOPS: c.Float64("peak-gflops"),
		MemGBps:    c.Float64("mem-gbps"),
		Device:     c.String("device"),
		LayerDepth: c.Int("layer-depth"),
	}
	if _, err := cost.LookupConvention(opts.Convention); err != nil {
		return opts, usageError{fmt.Errorf("--convention: %w", err)}
	}
	if opts.Device != "" {
		if _, err := cost.LookupDevice(opts.Device); err != nil {
			return opts, usageError{fmt.Errorf("--device: %w", err)}
		}
	}
	if (opts.PeakGFLOPS > 0) != (opts.MemGBps > 0) && opts.Device == "" {
		return opts, usageError{errors.New("the roofline needs both --peak-gflops and --mem-gbps (or a --device preset)")}
	}
	if opts.FPS < 0 || opts.PeakGFLOPS < 0 || opts.MemGBps < 0 {
		return opts, usageError{errors.New("--fps, --peak-gflops and --mem-gbps must be positive")}
	}
	switch {
	case c.Bool("bias") && c.Bool("no-bias"):
		return opts, usageError{errors.New("--bias and --no-bias contradict each other")}
	case c.IsSet("bias"):
		b := c.Bool("bias")
		opts.Bias = &b
	case c.IsSet("no-bias"):
		b := !c.Bool("no-bias")
		opts.Bias = &b
	}
	shapes, err := parseShapes(c.StringSlice("shape"))
	if err != nil {
		return opts, usageError{err}
	}
	opts.Shapes = shapes
	return opts, nil
}

// parseShapes reads --shape NAME=1x600x600x3 (dims also comma separated,
// or in brackets); the first dim may be N, left to the batch formula.
func parseShapes(specs []string) (map[string][]int64, error) {
	out := map[string][]int64{}
	for _, s := range specs {
		i := strings.LastIndex(s, "=")
		if i <= 0 {
			return nil, fmt.Errorf("--shape %q: write NAME=1x600x600x3", s)
		}
		name, dims := strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
		dims = strings.Trim(dims, "[]")
		var d []int64
		if dims != "" {
			for _, f := range strings.FieldsFunc(dims, func(r rune) bool { return r == 'x' || r == 'X' || r == ',' }) {
				f = strings.TrimSpace(f)
				if len(d) == 0 && (f == "N" || f == "n" || f == "?" || f == "-1") {
					d = append(d, -1) // the batch size, left unknown: totals as a formula in N
					continue
				}
				v, err := strconv.ParseInt(f, 10, 64)
				if err != nil || v <= 0 {
					return nil, fmt.Errorf("--shape %q: dim %q is not a positive integer (only the first dim may be N)", s, f)
				}
				d = append(d, v)
			}
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("--shape gives %s twice", name)
		}
		out[name] = d
	}
	return out, nil
}
