package opmap

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// mathMatMul: TF MatMul is 2-D; transposed operands get a Transpose (which
// folds away on constant weights). A later pass fuses a bias Add into Gemm.
func mathMatMul(c *Ctx) error {
	a, b := c.In(0), c.In(1)
	if c.Node.Bool("transpose_a", false) {
		a = c.Op("Transpose", Attrs{"perm": []int64{1, 0}}, a)
	}
	if c.Node.Bool("transpose_b", false) {
		b = c.Op("Transpose", Attrs{"perm": []int64{1, 0}}, b)
	}
	c.OpTo(c.Out(0), "MatMul", nil, a, b)
	return nil
}

// mathSwapLast transposes the last two dims of v (adj_x/adj_y); with an
// unknown rank an Einsum with an ellipsis does it.
func mathSwapLast(c *Ctx, v string) (string, error) {
	r := c.Rank(v)
	switch {
	case r < 0:
		return c.Op("Einsum", Attrs{"equation": "...ij->...ji"}, v), nil
	case r < 2:
		return "", c.Errorf("adjoint of a rank-%d operand", r)
	}
	perm := make([]int64, r)
	for i := range perm {
		perm[i] = int64(i)
	}
	perm[r-2], perm[r-1] = perm[r-1], perm[r-2]
	return c.Op("Transpose", Attrs{"perm": perm}, v), nil
}

// mathBatchMatMul serves BatchMatMul (V1, V2 with broadcasting, V3 with
// Tout). ONNX MatMul broadcasts the batch dims like V2.
func mathBatchMatMul(c *Ctx) error {
	a, b := c.In(0), c.In(1)
	for _, dt := range []graph.DType{c.DType(a), c.DType(b)} {
		if dt == graph.Complex64 || dt == graph.Complex128 {
			return c.Errorf("complex BatchMatMul is not supported")
		}
	}
	var err error
	if c.Node.Bool("adj_x", false) {
		if a, err = mathSwapLast(c, a); err != nil {
			return err
		}
	}
	if c.Node.Bool("adj_y", false) {
		if b, err = mathSwapLast(c, b); err != nil {
			return err
		}
	}
	if out := c.Node.Type("Tout"); out != graph.Undefined {
		a, b = mathCastTo(c, a, out), mathCastTo(c, b, out)
	}
	c.OpTo(c.Out(0), "MatMul", nil, a, b)
	return nil
}

// einsumEq is a parsed einsum equation: one term per operand and the
// output term, each a string of letters where "." stands for an ellipsis.
type einsumEq struct {
	Inputs []string
	Output string
}

// String is the explicit form ONNX Einsum takes.
func (e einsumEq) String() string {
	in := make([]string, len(e.Inputs))
	for i, t := range e.Inputs {
		in[i] = strings.ReplaceAll(t, ".", "...")
	}
	return strings.Join(in, ",") + "->" + strings.ReplaceAll(e.Output, ".", "...")
}

// parseEinsum checks a TF einsum equation for n operands and makes its
// output explicit. Implicit mode (no "->") outputs the letters that occur
// once, sorted, after the ellipsis if any operand has one (numpy's rule).
func parseEinsum(eq string, n int) (einsumEq, error) {
	var e einsumEq
	eq = strings.ReplaceAll(eq, " ", "")
	lhs, rhs, explicit := strings.Cut(eq, "->")
	if explicit && strings.Contains(rhs, "->") {
		return e, fmt.Errorf("einsum equation %q has more than one ->", eq)
	}
	terms := strings.Split(lhs, ",")
	if len(terms) != n {
		return e, fmt.Errorf("einsum equation %q has %d operands, the node %d", eq, len(terms), n)
	}
	count := map[byte]int{}
	anyEll := false
	for _, t := range terms {
		norm, ell, err := einsumTerm(t)
		if err != nil {
			return e, fmt.Errorf("einsum equation %q: %v", eq, err)
		}
		anyEll = anyEll || ell
		for i := 0; i < len(norm); i++ {
			if norm[i] != '.' {
				count[norm[i]]++
			}
		}
		e.Inputs = append(e.Inputs, norm)
	}
	if explicit {
		norm, ell, err := einsumTerm(rhs)
		if err != nil {
			return e, fmt.Errorf("einsum equation %q: %v", eq, err)
		}
		if ell && !anyEll {
			return e, fmt.Errorf("einsum equation %q: the output has an ellipsis that no operand has", eq)
		}
		seen := map[byte]bool{}
		for i := 0; i < len(norm); i++ {
			l := norm[i]
			if l == '.' {
				continue
			}
			if seen[l] {
				return e, fmt.Errorf("einsum equation %q: output label %c repeats", eq, l)
			}
			seen[l] = true
			if count[l] == 0 {
				return e, fmt.Errorf("einsum equation %q: output label %c is in no operand", eq, l)
			}
		}
		e.Output = norm
		return e, nil
	}
	var once []byte
	for l, k := range count {
		if k == 1 {
			once = append(once, l)
		}
	}
	sort.Slice(once, func(i, j int) bool { return once[i] < once[j] })
	if anyEll {
		e.Output = "."
	}
	e.Output += string(once)
	return e, nil
}

// einsumTerm validates one term: letters and at most one "...", which it
// shortens to ".".
func einsumTerm(t string) (string, bool, error) {
	ell := false
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		ch := t[i]
		switch {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z':
			b.WriteByte(ch)
		case ch == '.':
			if !strings.HasPrefix(t[i:], "...") {
				return "", false, fmt.Errorf("a lone '.' in term %q", t)
			}
			if ell {
				return "", false, fmt.Errorf("two ellipses in term %q", t)
			}
			ell = true
			b.WriteByte('.')
			i += 2
		default:
			return "", false, fmt.Errorf("character %q in term %q", ch, t)
		}
	}
	return b.String(), ell, nil
}

func mathEinsum(c *Ctx) error {
	e, err := parseEinsum(c.Node.Str("equation", ""), c.NumIn())
	if err != nil {
		return err
	}
	for i := range c.Node.Inputs {
		if r := c.Rank(c.In(i)); r >= 0 && !strings.Contains(e.Inputs[i], ".") && r != len(e.Inputs[i]) {
			return c.Errorf("einsum term %q for an operand of rank %d", e.Inputs[i], r)
		}
	}
	c.OpTo(c.Out(0), "Einsum", Attrs{"equation": e.String()}, c.Node.Inputs...)
	return nil
}
