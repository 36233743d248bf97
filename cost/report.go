package cost

// The report, as the JSON format writes it (schema "tf2onnx-cost", version
// SchemaVersion; docs/cost.md describes every field).

// ByDType maps a dtype name (float32, int64, ...) to a byte count.
type ByDType map[string]int64

func (b ByDType) sum() int64 {
	var n int64
	for _, v := range b {
		n += v
	}
	return n
}

func (b ByDType) addAll(o ByDType, times int64) {
	for k, v := range o {
		b[k] += v * times
	}
}

// Stats are the numbers reported for a node, a layer, an op type and the
// whole model.
type Stats struct {
	Params    int64   `json:"params"`
	ParamsPct float64 `json:"params_pct"`
	// MACs are multiply-accumulates of MAC ops, bias adds included.
	MACs     int64 `json:"macs"`
	BiasMACs int64 `json:"bias_macs"`
	// OtherOps are elementwise, activation, pooling, normalization and
	// softmax ops the convention counts; added to MACTotal and FLOPs only
	// with count_all.
	OtherOps int64 `json:"other_ops"`
	// NoRuleOps is what the generic rule gives for ops the convention has
	// no rule for (never added).
	NoRuleOps int64 `json:"no_rule_ops"`
	// MACTotal is MACs plus, with count_all, OtherOps: the number ptflops
	// prints as "MMac".
	MACTotal int64   `json:"mac_total"`
	MACsPct  float64 `json:"macs_pct"`
	// FLOPs = 2 × MACs (+ OtherOps with count_all).
	FLOPs int64 `json:"flops"`
	// WeightBytes are the bytes of the parameters counted here, by dtype.
	WeightBytes ByDType `json:"weight_bytes"`
	// ActivationBytes are the bytes of the outputs produced here, by dtype.
	ActivationBytes ByDType `json:"activation_bytes"`
	// MemoryBytes is the traffic of one run: weights read + activations
	// read from outside + activations written for outside.
	MemoryBytes int64 `json:"memory_bytes"`
	// Intensity is FLOPs per byte of MemoryBytes.
	Intensity float64 `json:"intensity"`
}

// Node is one node of the model.
type Node struct {
	Name         string    `json:"name"`
	Op           string    `json:"op"`
	Domain       string    `json:"domain,omitempty"`
	Layer        string    `json:"layer"`
	Kind         string    `json:"kind"`
	OutputShapes [][]int64 `json:"output_shapes"`
	Stats
	Note string `json:"note,omitempty"`
}

// Layer is a group of nodes of one name scope.
type Layer struct {
	Name string `json:"name"`
	// Ops are the op types of the layer's nodes that do arithmetic (all of
	// them when none does).
	Ops []string `json:"ops"`
	// DataOnly marks a layer that only moves data or computes shapes.
	DataOnly    bool    `json:"data_only"`
	Nodes       int     `json:"nodes"`
	OutputShape []int64 `json:"output_shape"`
	Stats
	Roofline *LayerRoofline `json:"roofline,omitempty"`
}

// OpType sums the nodes of one op type.
type OpType struct {
	Op    string `json:"op"`
	Count int    `json:"count"`
	Stats
}

// Uncounted is a node whose cost is not in the totals, and why.
type Uncounted struct {
	Node   string `json:"node"`
	Op     string `json:"op"`
	Reason string `json:"reason"`
	Ops    int64  `json:"ops,omitempty"`
}

// Input is a model input as costed.
type Input struct {
	Name       string   `json:"name"`
	DType      string   `json:"dtype"`
	Shape      []int64  `json:"shape"`
	ModelShape string   `json:"model_shape"`
	Assumed    []string `json:"assumed,omitempty"`
}

// Linear is a count as a function of the batch size N: PerN·N + Const.
type Linear struct {
	PerN  int64 `json:"per_n"`
	Const int64 `json:"const"`
}

// BatchFormula gives the totals as functions of the batch size when the
// batch dim is not fixed.
type BatchFormula struct {
	Symbol string `json:"symbol"`
	// Linear is false when the counts at N = 1, 2, 3 do not lie on a line
	// (then the fields below hold the N=1 and N=2 line only).
	Linear          bool   `json:"linear"`
	MACs            Linear `json:"macs"`
	MACTotal        Linear `json:"mac_total"`
	FLOPs           Linear `json:"flops"`
	ActivationBytes Linear `json:"activation_bytes"`
	MemoryBytes     Linear `json:"memory_bytes"`
	Params          int64  `json:"params"`
}

// Compute is what running the model FPS times a second takes.
type Compute struct {
	FPS            float64 `json:"fps"`
	GFLOPSRequired float64 `json:"gflops_per_s"`
	GBpsRequired   float64 `json:"gbytes_per_s"`
	FLOPsPerRun    int64   `json:"flops_per_run"`
	BytesPerRun    int64   `json:"bytes_per_run"`
}

// LayerRoofline is one layer's time bound.
type LayerRoofline struct {
	TimeS float64 `json:"time_s"`
	Bound string  `json:"bound"` // "compute" or "memory"
}

// Roofline is the model's time bound on a device: each layer takes
// max(FLOPs / peak, bytes / bandwidth); the model takes their sum.
type Roofline struct {
	Device             Device  `json:"device"`
	RidgeIntensity     float64 `json:"ridge_intensity"`
	TimeS              float64 `json:"time_s"`
	ComputeTimeS       float64 `json:"compute_time_s"`
	MemoryTimeS        float64 `json:"memory_time_s"`
	Bound              string  `json:"bound"`
	ComputeBoundLayers int     `json:"compute_bound_layers"`
	MemoryBoundLayers  int     `json:"memory_bound_layers"`
	MaxFPS             float64 `json:"max_fps"`
	// MeetsFPS says whether the device keeps up with Compute.FPS (absent
	// without --fps).
	MeetsFPS *bool `json:"meets_fps,omitempty"`
}

// Report is the cost of one model.
type Report struct {
	Schema        string        `json:"schema"`
	SchemaVersion int           `json:"schema_version"`
	Model         string        `json:"model,omitempty"`
	Opset         int           `json:"opset"`
	Convention    Convention    `json:"convention"`
	Inputs        []Input       `json:"inputs"`
	Totals        Stats         `json:"totals"`
	Batch         *BatchFormula `json:"batch_formula,omitempty"`
	Layers        []Layer       `json:"layers"`
	OpTypes       []OpType      `json:"op_types"`
	Nodes         []Node        `json:"nodes"`
	Uncounted     []Uncounted   `json:"uncounted"`
	NoRule        []Uncounted   `json:"no_rule"`
	Notes         []string      `json:"notes"`
	Compute       *Compute      `json:"compute,omitempty"`
	Roofline      *Roofline     `json:"roofline,omitempty"`
}

// Layer returns the layer of that name, or nil.
func (r *Report) Layer(name string) *Layer {
	for i := range r.Layers {
		if r.Layers[i].Name == name {
			return &r.Layers[i]
		}
	}
	return nil
}

// Node returns the node of that name, or nil.
func (r *Report) Node(name string) *Node {
	for i := range r.Nodes {
		if r.Nodes[i].Name == name {
			return &r.Nodes[i]
		}
	}
	return nil
}
