package infer

import (
	"sort"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// inferMatMul follows numpy.matmul: a 1-D operand gains a dim that is
// dropped again from the result, leading dims broadcast.
func inferMatMul(c *ctx) error {
	a, b := c.shape(0), c.shape(1)
	dt := c.dtype(0)
	if !a.Known || !b.Known {
		c.set(0, dt, graph.UnknownShape())
		return nil
	}
	if len(a.Dims) == 0 || len(b.Dims) == 0 {
		return c.errf("MatMul of a scalar: shapes %v and %v", a, b)
	}
	ad, bd := a.Dims, b.Dims
	if len(ad) == 1 {
		ad = []graph.Dim{graph.D(1), ad[0]}
	}
	if len(bd) == 1 {
		bd = []graph.Dim{bd[0], graph.D(1)}
	}
	if _, ok := unifyDim(ad[len(ad)-1], bd[len(bd)-2]); !ok {
		return c.errf("inner dims %v and %v of shapes %v and %v differ",
			ad[len(ad)-1], bd[len(bd)-2], a, b)
	}
	batch, err := c.broadcast(graph.DimsOf(ad[:len(ad)-2]...), graph.DimsOf(bd[:len(bd)-2]...))
	if err != nil {
		return c.errf("batch dims of shapes %v and %v do not broadcast", a, b)
	}
	out := batch.Dims
	if len(a.Dims) > 1 {
		out = append(out, ad[len(ad)-2])
	}
	if len(b.Dims) > 1 {
		out = append(out, bd[len(bd)-1])
	}
	c.set(0, dt, graph.DimsOf(out...))
	return nil
}

func inferGemm(c *ctx) error {
	a, b := c.shape(0), c.shape(1)
	dt := c.dtype(0)
	var m, ka, kb, n = graph.Unk(), graph.Unk(), graph.Unk(), graph.Unk()
	if a.Known {
		if len(a.Dims) != 2 {
			return c.errf("Gemm input A must be 2-D, got %v", a)
		}
		m, ka = a.Dims[0], a.Dims[1]
		if c.n.Int("transA", 0) != 0 {
			m, ka = ka, m
		}
	}
	if b.Known {
		if len(b.Dims) != 2 {
			return c.errf("Gemm input B must be 2-D, got %v", b)
		}
		kb, n = b.Dims[0], b.Dims[1]
		if c.n.Int("transB", 0) != 0 {
			kb, n = n, kb
		}
	}
	if _, ok := unifyDim(ka, kb); !ok {
		return c.errf("inner dims %v and %v of shapes %v and %v differ", ka, kb, a, b)
	}
	out := graph.DimsOf(m, n)
	if cs := c.shape(2); c.has(2) && cs.Known {
		// C broadcasts to [M,N] one way only.
		if len(cs.Dims) > 2 {
			return c.errf("Gemm input C %v does not broadcast to %v", cs, out)
		}
		for i, d := range cs.Dims {
			o := out.Dims[2-len(cs.Dims)+i]
			if d.Known() && o.Known() && d.Size != 1 && d.Size != o.Size {
				return c.errf("Gemm input C %v does not broadcast to %v", cs, out)
			}
		}
	}
	c.set(0, dt, out)
	return nil
}

// einsumTerm is one operand's subscripts: letters, with ell the position of
// "..." among them (-1 when absent).
type einsumTerm struct {
	letters []byte
	ell     int
}

func parseEinsumTerm(s string) (einsumTerm, bool) {
	t := einsumTerm{ell: -1}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '.':
			if t.ell >= 0 || !strings.HasPrefix(s[i:], "...") {
				return t, false
			}
			t.ell = len(t.letters)
			i += 2
		case ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z':
			t.letters = append(t.letters, ch)
		default:
			return t, false
		}
	}
	return t, true
}

func inferEinsum(c *ctx) error {
	eq := strings.ReplaceAll(c.n.Str("equation", ""), " ", "")
	lhs, rhs, explicit := strings.Cut(eq, "->")
	parts := strings.Split(lhs, ",")
	dt := c.dtype(0)
	if len(parts) != len(c.n.Inputs) {
		return c.errf("equation %q has %d operands for %d inputs", eq, len(parts), len(c.n.Inputs))
	}
	dims := map[byte]graph.Dim{}
	count := map[byte]int{}
	var ellShapes []graph.Shape
	ellKnown, anyEll := true, false
	for i, p := range parts {
		t, ok := parseEinsumTerm(p)
		if !ok {
			return c.errf("bad equation %q", eq)
		}
		for _, l := range t.letters {
			count[l]++
		}
		sh := c.shape(i)
		if t.ell >= 0 {
			anyEll = true
		}
		if !sh.Known {
			if t.ell >= 0 {
				ellKnown = false
			}
			continue
		}
		ellRank := len(sh.Dims) - len(t.letters)
		if ellRank < 0 || (t.ell < 0 && ellRank != 0) {
			return c.errf("operand %d of %q does not fit shape %v", i, eq, sh)
		}
		for j, l := range t.letters {
			k := j
			if t.ell >= 0 && j >= t.ell {
				k += ellRank
			}
			d := sh.Dims[k]
			prev, seen := dims[l]
			if !seen {
				dims[l] = d
				continue
			}
			m, ok := unifyDim(prev, d)
			switch {
			case ok:
			case prev.Size == 1:
				m = d
			case d.Size == 1:
				m = prev
			default:
				return c.errf("subscript %c is %v in one operand and %v in another (%q)", l, prev, d, eq)
			}
			dims[l] = m
		}
		if t.ell >= 0 {
			ellShapes = append(ellShapes, graph.DimsOf(sh.Dims[t.ell:t.ell+ellRank]...))
		}
	}
	var ellDims []graph.Dim
	if anyEll && ellKnown {
		b, err := c.broadcast(ellShapes...)
		if err != nil {
			return err
		}
		ellDims = b.Dims
	}
	var out einsumTerm
	if explicit {
		t, ok := parseEinsumTerm(rhs)
		if !ok {
			return c.errf("bad equation %q", eq)
		}
		out = t
	} else {
		// Implicit output: broadcast dims, then the letters used once, in
		// alphabetical order.
		out.ell = -1
		if anyEll {
			out.ell = 0
		}
		for l, k := range count {
			if k == 1 {
				out.letters = append(out.letters, l)
			}
		}
		sort.Slice(out.letters, func(i, j int) bool { return out.letters[i] < out.letters[j] })
	}
	if out.ell >= 0 && !ellKnown {
		c.set(0, dt, graph.UnknownShape())
		return nil
	}
	var res []graph.Dim
	for j, l := range out.letters {
		if j == out.ell {
			res = append(res, ellDims...)
		}
		d, ok := dims[l]
		if !ok {
			if count[l] == 0 {
				return c.errf("output subscript %c of %q is not an input subscript", l, eq)
			}
			d = graph.Unk()
		}
		res = append(res, d)
	}
	if out.ell == len(out.letters) {
		res = append(res, ellDims...)
	}
	c.set(0, dt, graph.DimsOf(res...))
	return nil
}
