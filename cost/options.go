// Package cost computes what an ONNX graph costs to run: parameters, MACs,
// FLOPs, weight and activation bytes and arithmetic intensity, per node, per
// layer (a TensorFlow name scope or a PyTorch module) and in total, with the
// counting rules of a named convention (ptflops by default), and the compute
// and memory bandwidth a device needs to run it at a given rate (roofline).
// It reads shapes and sizes only: weight values are never needed, so models
// whose weights were not loaded (external data) are costed all the same.
// The rules are stated per op type in docs/cost.md.
package cost

import (
	"fmt"
	"sort"
	"strings"
)

// SchemaVersion is the version of the JSON report's schema (docs/cost.md).
// It changes when a field changes meaning or goes away; new fields may be
// added within a version.
const SchemaVersion = 1

// Convention is a set of counting rules. The well-known counters disagree
// on a few points; each point is a field here.
type Convention struct {
	Name string `json:"name"`
	// Bias counts one add per output element for the bias of a Conv,
	// ConvTranspose, Gemm or MatMul (+ Add), and the bias adds of
	// LSTM/GRU/RNN, as MACs.
	Bias bool `json:"bias"`
	// ConvTransposeByInput counts a transposed convolution per input
	// position (fvcore) rather than per output position (ptflops, thop).
	ConvTransposeByInput bool `json:"conv_transpose_by_input"`
	// RNNGateOps adds the gates' elementwise arithmetic of LSTM, GRU and
	// RNN to their MACs as ptflops does; otherwise it is counted apart as
	// other ops.
	RNNGateOps bool `json:"rnn_gate_ops"`
	// PtflopsTables counts other ops only where ptflops has a rule (its
	// module and functional tables); ops it has no rule for are listed as
	// not counted by the convention, with the count the generic rule gives.
	PtflopsTables bool `json:"ptflops_tables"`
	// CountAll adds the other ops (elementwise, activation, pooling,
	// normalization, softmax) to the MAC total and to FLOPs.
	CountAll bool `json:"count_all"`
}

// Conventions lists the named conventions.
var Conventions = map[string]Convention{
	"ptflops": {Name: "ptflops", Bias: true, RNNGateOps: true, PtflopsTables: true},
	"fvcore":  {Name: "fvcore", ConvTransposeByInput: true},
	"thop":    {Name: "thop"},
}

// ConventionNames lists the conventions, default first.
func ConventionNames() []string { return []string{"ptflops", "fvcore", "thop"} }

// LookupConvention returns a named convention ("" is ptflops).
func LookupConvention(name string) (Convention, error) {
	if name == "" {
		name = "ptflops"
	}
	c, ok := Conventions[strings.ToLower(name)]
	if !ok {
		return Convention{}, fmt.Errorf("unknown convention %q; choose %s", name, strings.Join(ConventionNames(), ", "))
	}
	return c, nil
}

// Options are the settings of one cost report.
type Options struct {
	// Convention names the counting rules (ptflops, fvcore, thop).
	Convention string
	// Bias, when set, overrides the convention's bias rule.
	Bias *bool
	// CountAll adds other ops to the totals.
	CountAll bool
	// Shapes fixes input dims: input name (a "name" also matches "name:0")
	// → dims.
	Shapes map[string][]int64
	// Opset is used when the graph does not say its own.
	Opset int
	// LayerDepth, when positive, groups layers by the first LayerDepth
	// components of their scope.
	LayerDepth int
	// Model names the model in the report.
	Model string
	// FPS asks for the compute and bandwidth needed to run the model FPS
	// times a second.
	FPS float64
	// PeakGFLOPS and MemGBps describe the device for the roofline; Device
	// names a preset (its numbers are overridden by nonzero PeakGFLOPS and
	// MemGBps).
	PeakGFLOPS, MemGBps float64
	Device              string
}

// Device is a roofline preset: peak compute and memory bandwidth.
type Device struct {
	Name       string  `json:"name"`
	PeakGFLOPS float64 `json:"peak_gflops"`
	MemGBps    float64 `json:"mem_gbps"`
	About      string  `json:"about"`
}

// Devices are the presets of --device (FP32 peaks and memory bandwidth
// from the vendors' data sheets; see docs/cost.md).
var Devices = []Device{
	{"t4", 8100, 320, "NVIDIA T4: 8.1 TFLOPS FP32, 320 GB/s GDDR6"},
	{"v100", 15700, 900, "NVIDIA V100 SXM2: 15.7 TFLOPS FP32, 900 GB/s HBM2"},
	{"a100", 19500, 1555, "NVIDIA A100 40GB SXM: 19.5 TFLOPS FP32, 1,555 GB/s HBM2"},
	{"a100-80gb", 19500, 2039, "NVIDIA A100 80GB SXM: 19.5 TFLOPS FP32, 2,039 GB/s HBM2e"},
	{"h100", 67000, 3350, "NVIDIA H100 SXM: 67 TFLOPS FP32, 3.35 TB/s HBM3"},
	{"rtx3090", 35580, 936, "NVIDIA GeForce RTX 3090: 35.58 TFLOPS FP32, 936 GB/s GDDR6X"},
	{"jetson-nano", 236, 25.6, "NVIDIA Jetson Nano: 236 GFLOPS FP32 (472 FP16), 25.6 GB/s LPDDR4"},
	{"apple-m1", 2600, 68.25, "Apple M1 GPU (8 cores): 2.6 TFLOPS FP32, 68.25 GB/s LPDDR4X"},
}

// LookupDevice finds a preset by name.
func LookupDevice(name string) (Device, error) {
	for _, d := range Devices {
		if strings.EqualFold(d.Name, name) {
			return d, nil
		}
	}
	names := make([]string, len(Devices))
	for i, d := range Devices {
		names[i] = d.Name
	}
	sort.Strings(names)
	return Device{}, fmt.Errorf("unknown device %q; presets: %s", name, strings.Join(names, ", "))
}

func (o Options) convention() (Convention, error) {
	c, err := LookupConvention(o.Convention)
	if err != nil {
		return c, err
	}
	if o.Bias != nil {
		c.Bias = *o.Bias
	}
	c.CountAll = o.CountAll
	return c, nil
}

func (o Options) device() (*Device, error) {
	var d Device
	if o.Device != "" {
		p, err := LookupDevice(o.Device)
		if err != nil {
			return nil, err
		}
		d = p
	}
	if o.PeakGFLOPS < 0 || o.MemGBps < 0 {
		return nil, fmt.Errorf("--peak-gflops and --mem-gbps must be positive")
	}
	if o.PeakGFLOPS > 0 {
		d.PeakGFLOPS = o.PeakGFLOPS
	}
	if o.MemGBps > 0 {
		d.MemGBps = o.MemGBps
	}
	if d.PeakGFLOPS == 0 && d.MemGBps == 0 {
		return nil, nil
	}
	if d.PeakGFLOPS == 0 || d.MemGBps == 0 {
		return nil, fmt.Errorf("the roofline needs both --peak-gflops and --mem-gbps (or --device)")
	}
	if d.Name == "" {
		d.Name = "custom"
		d.About = fmt.Sprintf("%s GFLOP/s, %s GB/s", fmtFloat(d.PeakGFLOPS), fmtFloat(d.MemGBps))
	} else if o.PeakGFLOPS > 0 || o.MemGBps > 0 {
		d.About += fmt.Sprintf(" (overridden: %s GFLOP/s, %s GB/s)", fmtFloat(d.PeakGFLOPS), fmtFloat(d.MemGBps))
	}
	return &d, nil
}
