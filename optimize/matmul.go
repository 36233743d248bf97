package optimize

import (
	"slices"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// einsumToMatMul lowers a two-operand Einsum that is a batched matrix
// product (attention's 'BTNH,BSNH->BNTS' and 'BNTS,BSNH->BTNH') to
// Transposes and a MatMul, which runtimes fuse (onnxruntime's FusedMatMul
// takes the Transposes in) and run faster than a generic Einsum.
func einsumToMatMul(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	for _, n := range g.Nodes {
		if ix.removed[n] || !isOp(n, "Einsum") || len(n.Inputs) != 2 || len(n.Outputs) != 1 {
			continue
		}
		plan := planEinsum(n.Str("equation", ""))
		if plan == nil {
			continue
		}
		a, b := n.Inputs[0], n.Inputs[1]
		sa, sb := g.ShapeOf(a), g.ShapeOf(b)
		if sa.Rank() != len(plan.permA) || sb.Rank() != len(plan.permB) {
			continue
		}
		dt := g.DTypeOf(n.Outputs[0])
		a = ix.transposeTo(n.Name+"/a", a, plan.permA)
		b = ix.transposeTo(n.Name+"/b", b, plan.permB)
		out := n.Outputs[0]
		ix.remove(n)
		mmOut := out
		if !identityPerm(plan.permOut) {
			mmOut = g.UniqueName(out + "__mm")
			g.SetValue(mmOut, dt, permuteShape(g.ShapeOf(out), invertPerm(plan.permOut)))
		}
		ix.add(&graph.Node{Name: n.Name, Op: "MatMul", Inputs: []string{a, b}, Outputs: []string{mmOut}})
		if mmOut != out {
			ix.add(&graph.Node{Name: g.UniqueName(n.Name + "/out"), Op: "Transpose", Inputs: []string{mmOut}, Outputs: []string{out},
				Attrs: map[string]any{"perm": plan.permOut}})
		}
	}
	return ix.finish()
}

// transposeTo is v transposed by perm (v itself for the identity).
func (ix *index) transposeTo(hint, v string, perm []int64) string {
	if identityPerm(perm) {
		return v
	}
	out := ix.g.UniqueName(hint + "_t")
	ix.g.SetValue(out, ix.g.DTypeOf(v), permuteShape(ix.g.ShapeOf(v), perm))
	ix.add(&graph.Node{Name: out, Op: "Transpose", Inputs: []string{v}, Outputs: []string{out}, Attrs: map[string]any{"perm": perm}})
	return out
}

type einsumPlan struct {
	permA, permB, permOut []int64
}

// planEinsum reads "ab..,cd..->ef.." as batch letters (in both operands
// and the output), one contracted letter (both operands, not the output),
// one letter of A's rows and one of B's columns (one operand and the
// output), each operand's letters distinct; nil for anything else.
func planEinsum(eq string) *einsumPlan {
	eq = strings.ReplaceAll(eq, " ", "")
	lhs, out, ok := strings.Cut(eq, "->")
	if !ok || strings.ContainsAny(eq, ".") {
		return nil
	}
	ins := strings.Split(lhs, ",")
	if len(ins) != 2 {
		return nil
	}
	A, B := ins[0], ins[1]
	for _, s := range []string{A, B, out} {
		for i := range s {
			if strings.Count(s, s[i:i+1]) != 1 {
				return nil
			}
		}
	}
	var batch []byte
	var k, m, n byte
	for i := 0; i < len(out); i++ {
		c := out[i]
		inA, inB := strings.IndexByte(A, c) >= 0, strings.IndexByte(B, c) >= 0
		switch {
		case inA && inB:
			batch = append(batch, c)
		case inA && m == 0:
			m = c
		case inB && n == 0:
			n = c
		default:
			return nil
		}
	}
	for i := 0; i < len(A); i++ {
		c := A[i]
		if strings.IndexByte(out, c) < 0 {
			if k != 0 || strings.IndexByte(B, c) < 0 {
				return nil
			}
			k = c
		}
	}
	if k == 0 || m == 0 || n == 0 || len(A) != len(batch)+2 || len(B) != len(batch)+2 {
		return nil
	}
	pos := func(s string, order []byte) []int64 {
		p := make([]int64, len(order))
		for i, c := range order {
			p[i] = int64(strings.IndexByte(s, c))
		}
		return p
	}
	mmOut := append(slices.Clone(batch), m, n) // the MatMul's result letters
	return &einsumPlan{
		permA:   pos(A, append(slices.Clone(batch), m, k)),
		permB:   pos(B, append(slices.Clone(batch), k, n)),
		permOut: pos(string(mmOut), []byte(out)),
	}
}

// collapseDenseReshapes removes the Reshapes TF's Tensordot puts around a
// dense layer on a rank-3+ input: Reshape [..., K] → [M, K], MatMul by a
// constant [K, N], Reshape back to [..., N] is the MatMul of the input
// itself, which broadcasts over the leading dims.
func collapseDenseReshapes(g *graph.Graph, opset int) (bool, error) {
	ix := newIndex(g)
	for _, mm := range g.Nodes {
		if ix.removed[mm] || !isOp(mm, "MatMul") || len(mm.Inputs) != 2 || len(mm.Outputs) != 1 {
			continue
		}
		w := ix.constOf(mm.Inputs[1])
		r1 := ix.producer(mm.Inputs[0])
		r2 := ix.soleConsumer(mm.Outputs[0])
		if w == nil || len(w.Dims) != 2 || !isOp(r1, "Reshape") || !isOp(r2, "Reshape") || len(r1.Inputs) != 2 || len(r2.Inputs) != 2 ||
			r2.Inputs[0] != mm.Outputs[0] || ix.soleConsumer(mm.Inputs[0]) != mm {
			continue
		}
		x := r1.Inputs[0]
		s := g.ShapeOf(x)
		if !s.Static() || s.Rank() < 3 || s.Dims[s.Rank()-1].Size != w.Dims[0] {
			continue
		}
		// The result must be x's leading dims and N: what MatMul(x, w) gives.
		want := append(slices.Clone(s.Sizes()[:s.Rank()-1]), w.Dims[1])
		if got := g.ShapeOf(r2.Outputs[0]); !got.Static() || !slices.Equal(got.Sizes(), want) {
			continue
		}
		if m := g.ShapeOf(mm.Inputs[0]); !m.Static() || m.Rank() != 2 {
			continue
		}
		ix.setInput(mm, 0, x)
		out := r2.Outputs[0]
		ix.remove(r2)
		ix.setOutput(mm, 0, out)
		if ix.uses(r1.Outputs[0]) == 0 {
			ix.remove(r1)
		}
	}
	return ix.finish()
}
