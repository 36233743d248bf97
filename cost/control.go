package cost

import (
	"fmt"
	"math"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// control counts Loop, Scan and If through their bodies: the body's cost
// times the trip count when it is known, else one iteration, saying so.
func (c *counter) control(n *graph.Node) count {
	switch n.Op {
	case "Loop":
		body, _ := n.Attrs["body"].(*graph.Graph)
		if body == nil {
			return count{kind: KindUncounted, reason: "Loop without a body"}
		}
		per := c.graph(n, "body", body)
		trips, how := c.loopTrips(n, body)
		res := count{kind: KindControl, uncounted: per.uncounted, noRuleOps: per.noRuleOps}
		if trips < 0 {
			res.add(per, 1)
			res.note = "trip count unknown: the cost of ONE iteration of the body"
		} else {
			res.add(per, trips)
			res.note = fmt.Sprintf("body × %d iterations (%s)", trips, how)
		}
		return res
	case "Scan":
		body, _ := n.Attrs["body"].(*graph.Graph)
		if body == nil {
			return count{kind: KindUncounted, reason: "Scan without a body"}
		}
		per := c.graph(n, "body", body)
		res := count{kind: KindControl, uncounted: per.uncounted, noRuleOps: per.noRuleOps}
		m := n.Int("num_scan_inputs", 0)
		first := len(n.Inputs) - int(m)
		trips := int64(-1)
		if m > 0 && first >= 0 && first < len(n.Inputs) {
			axis := int64(0)
			if ax := n.Ints("scan_input_axes"); len(ax) > 0 {
				axis = ax[0]
			}
			if d := c.s.dims(n.Inputs[first]); d != nil {
				if axis < 0 {
					axis += int64(len(d))
				}
				if axis >= 0 && axis < int64(len(d)) {
					trips = d[axis]
				}
			}
		}
		if trips < 0 {
			res.add(per, 1)
			res.note = "scan length unknown: the cost of ONE iteration of the body"
		} else {
			res.add(per, trips)
			res.note = fmt.Sprintf("body × %d iterations (the scan length)", trips)
		}
		return res
	case "If":
		thenG, _ := n.Attrs["then_branch"].(*graph.Graph)
		elseG, _ := n.Attrs["else_branch"].(*graph.Graph)
		if thenG == nil || elseG == nil {
			return count{kind: KindUncounted, reason: "If without both branches"}
		}
		t := c.graph(n, "then_branch", thenG)
		e := c.graph(n, "else_branch", elseG)
		res := count{kind: KindControl}
		pick := func(b count, which string) {
			res.add(b, 1)
			res.uncounted = b.uncounted
			res.noRuleOps = b.noRuleOps
			res.note = which
		}
		if ct, _ := c.s.tensor(in(n, 0)); ct != nil && ct.Data != nil && ct.NumElements() == 1 {
			if ct.Int64s()[0] != 0 {
				pick(t, "the condition is constant true: then_branch")
			} else {
				pick(e, "the condition is constant false: else_branch")
			}
		} else if t.macs+t.other >= e.macs+e.other {
			pick(t, "the costlier branch (then_branch): the branch taken is not known")
		} else {
			pick(e, "the costlier branch (else_branch): the branch taken is not known")
		}
		return res
	}
	return count{kind: KindUncounted, reason: "no rule"}
}

// graph counts one body.
func (c *counter) graph(n *graph.Node, attr string, body *graph.Graph) count {
	sub := &counter{conv: c.conv, opset: c.opset, s: newScope(body, c.s)}
	sub.findBiases()
	var total count
	for _, bn := range body.Nodes {
		r := sub.node(bn)
		total.add(r, 1)
		where := n.Name + "/" + attr + "/" + bn.Name
		switch r.kind {
		case KindUncounted:
			total.uncounted = append(total.uncounted, Uncounted{Node: where, Op: bn.Op, Reason: r.reason})
		case KindNoRule:
			total.noRuleOps = append(total.noRuleOps, Uncounted{Node: where, Op: bn.Op, Reason: r.note, Ops: r.noRule})
		}
		total.uncounted = append(total.uncounted, r.uncounted...)
		total.noRuleOps = append(total.noRuleOps, r.noRuleOps...)
	}
	return total
}

// loopTrips is the number of iterations of a Loop when the pass knows it:
// a constant M with no condition, or a condition that the body passes
// through unchanged from a constant true, gives exactly M; a constant M
// with a computed condition gives at most M, which is what is counted.
func (c *counter) loopTrips(n *graph.Node, body *graph.Graph) (int64, string) {
	mt, _ := c.s.tensor(in(n, 0))
	if mt == nil || mt.Data == nil || mt.NumElements() != 1 {
		return -1, ""
	}
	m := mt.Int64s()[0]
	if m < 0 || m >= math.MaxInt32 {
		return -1, ""
	}
	if !has(n, 1) {
		return m, "the constant trip count M"
	}
	if ct, _ := c.s.tensor(in(n, 1)); ct != nil && ct.Data != nil && ct.NumElements() == 1 {
		if ct.Int64s()[0] == 0 {
			return 0, "the condition is constant false"
		}
		if len(body.Inputs) > 1 && len(body.Outputs) > 0 && body.Outputs[0] == body.Inputs[1] {
			return m, "the constant trip count M"
		}
	}
	return m, "at most M: an upper bound, the condition may end the loop sooner"
}
