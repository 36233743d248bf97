package infer

import (
	"math/bits"
	"sort"
	"strconv"
	"strings"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// Symbolic dims. A dim inference cannot size gets a symbol (graph.SymFor)
// keyed by how it is computed: the output size of a window of stride 2 over
// dim H is the same symbol wherever it is computed, and computing it again
// (the converter infers the whole graph once more at the end) gives the
// same name. Products are kept flat (N*H*W is one key however it was
// multiplied up), so that a Reshape's -1 can divide them out again. A dim
// that has no such derivation (data-dependent sizes, dims of unknown
// inputs) is keyed by the value and position it appears at.

const keySep = "\x1f"

// symFor returns the symbol for a key made of parts.
func (c *ctx) symFor(parts ...string) graph.Dim {
	return c.s.g.SymFor(strings.Join(parts, keySep))
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// named gives every anonymous unknown dim of a shape about to be recorded
// as output out a symbol of its own, keyed by the value and position.
func (c *ctx) named(sh graph.Shape, out int) graph.Shape {
	if out >= len(c.n.Outputs) || c.n.Outputs[out] == "" || !sh.Known {
		return sh
	}
	var res graph.Shape
	for j, d := range sh.Dims {
		if d.Known() || d.Name != "" {
			continue
		}
		if res.Dims == nil {
			res = sh.Clone()
		}
		res.Dims[j] = c.symFor("val", c.n.Outputs[out], strconv.Itoa(j))
	}
	if res.Dims == nil {
		return sh
	}
	return res
}

// term is k times the product of the atoms f (symbol names, sorted).
type term struct {
	k int64
	f []string
}

const mulKey = "mul"

// termOf reads a dim as a term: a size, an atom, or a product symbol
// expanded into its factors. ok is false for an anonymous dim.
func (c *ctx) termOf(d graph.Dim) (term, bool) {
	if d.Known() {
		return term{k: d.Size}, true
	}
	if d.Name == "" {
		return term{}, false
	}
	if key := c.s.g.SymKey(d.Name); strings.HasPrefix(key, mulKey+keySep) {
		parts := strings.Split(key, keySep)
		if len(parts) >= 3 {
			if k, err := strconv.ParseInt(parts[1], 10, 64); err == nil {
				return term{k: k, f: append([]string(nil), parts[2:]...)}, true
			}
		}
	}
	return term{k: 1, f: []string{d.Name}}, true
}

// key is the canonical string of a term.
func (t term) key() string {
	return mulKey + keySep + itoa(t.k) + keySep + strings.Join(t.f, keySep)
}

// dimOf turns a term back into a dim.
func (c *ctx) dimOf(t term) graph.Dim {
	switch {
	case t.k == 0:
		return graph.D(0)
	case len(t.f) == 0:
		return graph.D(t.k)
	case t.k == 1 && len(t.f) == 1:
		return graph.Sym(t.f[0])
	}
	sort.Strings(t.f)
	return c.s.g.SymFor(t.key())
}

// mulTerms multiplies terms; ok is false on overflow.
func mulTerms(a, b term) (term, bool) {
	hi, lo := bits.Mul64(uint64(abs(a.k)), uint64(abs(b.k)))
	if hi != 0 || lo > 1<<62 {
		return term{}, false
	}
	f := append(append([]string(nil), a.f...), b.f...)
	sort.Strings(f)
	return term{k: a.k * b.k, f: f}, true
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// cancel removes the atoms a and b share and their constants' common
// factor; the result divides exactly when b ends up as 1.
func cancel(a, b term) (term, term) {
	var af []string
	bf := append([]string(nil), b.f...)
	for _, x := range a.f {
		j := -1
		for k, y := range bf {
			if y == x {
				j = k
				break
			}
		}
		if j >= 0 {
			bf = append(bf[:j], bf[j+1:]...)
			continue
		}
		af = append(af, x)
	}
	g := gcd(abs(a.k), abs(b.k))
	if g > 1 {
		return term{k: a.k / g, f: af}, term{k: b.k / g, f: bf}
	}
	return term{k: a.k, f: af}, term{k: b.k, f: bf}
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// mulDims is the product of dims: known sizes multiply, symbols make a
// product symbol; a dim times known 1s keeps its name.
func (c *ctx) mulDims(dims ...graph.Dim) graph.Dim {
	acc := term{k: 1}
	anon := 0
	var lone graph.Dim
	for _, d := range dims {
		if d.Known() && d.Size == 0 {
			return graph.D(0)
		}
	}
	for _, d := range dims {
		t, ok := c.termOf(d)
		if !ok {
			anon++
			lone = d
			continue
		}
		if acc, ok = mulTerms(acc, t); !ok {
			return graph.Unk()
		}
	}
	switch {
	case anon == 0:
		return c.dimOf(acc)
	case anon == 1 && acc.k == 1 && len(acc.f) == 0:
		return lone
	}
	return graph.Unk()
}

// mulDim multiplies a dim by a known factor.
func (c *ctx) mulDim(d graph.Dim, k int64) graph.Dim { return c.mulDims(d, graph.D(k)) }

// divDim divides a dim by a known factor (rounding down).
func (c *ctx) divDim(d graph.Dim, k int64) graph.Dim {
	switch {
	case d.Known() && k > 0:
		return graph.D(d.Size / k)
	case k == 1:
		return d
	case k <= 0:
		return graph.Unk()
	}
	t, ok := c.termOf(d)
	if !ok {
		return graph.Unk()
	}
	if t.k%k == 0 {
		return c.dimOf(term{k: t.k / k, f: t.f})
	}
	return c.symFor("div", d.Name, itoa(k))
}

// quotient is a/b for dims known to divide (a Reshape's -1), or a symbol
// for the quotient when the terms do not cancel. ok is false when both
// are known sizes that do not divide.
func (c *ctx) quotient(a, b term) (graph.Dim, bool) {
	if b.k == 0 {
		return graph.Unk(), true
	}
	if a.k == 0 {
		return graph.D(0), true
	}
	a, b = cancel(a, b)
	if b.k < 0 {
		a.k, b.k = -a.k, -b.k
	}
	switch {
	case len(b.f) == 0 && b.k == 1:
		return c.dimOf(a), true
	case len(a.f) == 0 && len(b.f) == 0:
		return graph.Dim{}, false
	}
	return c.symFor("quot", a.key(), b.key()), true
}

// addDim adds an amount (negative too) to a dim.
func (c *ctx) addDim(d graph.Dim, k int64) graph.Dim {
	switch {
	case d.Known():
		return graph.D(d.Size + k)
	case k == 0:
		return d
	case d.Name == "":
		return graph.Unk()
	}
	return c.symFor("sum", itoa(k), d.Name)
}

// sumDims adds dims: a symbol for the sum of the named ones plus the
// known total.
func (c *ctx) sumDims(dims ...graph.Dim) graph.Dim {
	k := int64(0)
	var names []string
	for _, d := range dims {
		switch {
		case d.Known():
			k += d.Size
		case d.Name == "":
			return graph.Unk()
		default:
			names = append(names, d.Name)
		}
	}
	switch {
	case len(names) == 0:
		return graph.D(k)
	case len(names) == 1 && k == 0:
		return graph.Sym(names[0])
	}
	sort.Strings(names)
	return c.symFor(append([]string{"sum", itoa(k)}, names...)...)
}

// subDims is a - b.
func (c *ctx) subDims(a, b graph.Dim) graph.Dim {
	switch {
	case a.Known() && b.Known():
		return graph.D(a.Size - b.Size)
	case b.Known():
		return c.addDim(a, -b.Size)
	case a.Known() && b.Name != "":
		return c.symFor("sub", itoa(a.Size), b.Name)
	case a.Name == "" || b.Name == "":
		return graph.Unk()
	case a.Name == b.Name:
		return graph.D(0)
	}
	return c.symFor("sub", a.String(), b.Name)
}

// divDims is a / b rounded down, for non-negative a and positive b.
func (c *ctx) divDims(a, b graph.Dim) graph.Dim {
	switch {
	case a.Known() && b.Known():
		if a.Size >= 0 && b.Size > 0 {
			return graph.D(a.Size / b.Size)
		}
		return graph.Unk()
	case b.Known():
		return c.divDim(a, b.Size)
	}
	ta, ok1 := c.termOf(a)
	tb, ok2 := c.termOf(b)
	if !ok1 || !ok2 {
		return graph.Unk()
	}
	if x, y := cancel(ta, tb); len(y.f) == 0 && y.k == 1 {
		return c.dimOf(x)
	}
	return c.symFor("div", a.String(), b.Name)
}
