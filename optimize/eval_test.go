package optimize

import (
	"bytes"
	"fmt"
	"math"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

// A small float64 reference interpreter for the ops the tests build, so
// that every rewrite is checked to keep the graph's values, not only its
// shape.

type arr struct {
	dims []int64
	v    []float64
}

func numel(d []int64) int64 {
	n := int64(1)
	for _, x := range d {
		n *= x
	}
	return n
}

func strides(d []int64) []int64 {
	s := make([]int64, len(d))
	acc := int64(1)
	for i := len(d) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= d[i]
	}
	return s
}

// unravel turns a flat index into a multi-index.
func unravel(i int64, d []int64) []int64 {
	idx := make([]int64, len(d))
	for k := len(d) - 1; k >= 0; k-- {
		idx[k] = i % d[k]
		i /= d[k]
	}
	return idx
}

func broadcastDims(a, b []int64) ([]int64, error) {
	r := max(len(a), len(b))
	out := make([]int64, r)
	for i := 0; i < r; i++ {
		x, y := int64(1), int64(1)
		if j := i - (r - len(a)); j >= 0 {
			x = a[j]
		}
		if j := i - (r - len(b)); j >= 0 {
			y = b[j]
		}
		switch {
		case x == y || y == 1:
			out[i] = x
		case x == 1:
			out[i] = y
		default:
			return nil, fmt.Errorf("cannot broadcast %v and %v", a, b)
		}
	}
	return out, nil
}

// at reads a broadcast operand at a multi-index of the output.
func (a arr) at(idx []int64) float64 {
	off := len(idx) - len(a.dims)
	s := strides(a.dims)
	f := int64(0)
	for k, d := range a.dims {
		i := idx[k+off]
		if d == 1 {
			i = 0
		}
		f += i * s[k]
	}
	return a.v[f]
}

func elementwise(ins []arr, f func(x []float64) float64) (arr, error) {
	dims := ins[0].dims
	for _, in := range ins[1:] {
		var err error
		if dims, err = broadcastDims(dims, in.dims); err != nil {
			return arr{}, err
		}
	}
	out := arr{dims: dims, v: make([]float64, numel(dims))}
	x := make([]float64, len(ins))
	for i := range out.v {
		idx := unravel(int64(i), dims)
		for k, in := range ins {
			x[k] = in.at(idx)
		}
		out.v[i] = f(x)
	}
	return out, nil
}

func transposeArr(a arr, p []int64) arr {
	dims := make([]int64, len(p))
	for i, v := range p {
		dims[i] = a.dims[v]
	}
	s := strides(a.dims)
	out := arr{dims: dims, v: make([]float64, len(a.v))}
	for i := range out.v {
		idx := unravel(int64(i), dims)
		f := int64(0)
		for k, v := range p {
			f += idx[k] * s[v]
		}
		out.v[i] = a.v[f]
	}
	return out
}

func normAxes(axes []int64, r int) []int64 {
	out := make([]int64, len(axes))
	for i, a := range axes {
		if a < 0 {
			a += int64(r)
		}
		out[i] = a
	}
	return out
}

func evalNode(n *graph.Node, in []arr, hasIn []bool) ([]arr, error) {
	un := func(f func(float64) float64) ([]arr, error) {
		o, err := elementwise(in[:1], func(x []float64) float64 { return f(x[0]) })
		return []arr{o}, err
	}
	bin := func(f func(a, b float64) float64) ([]arr, error) {
		o, err := elementwise(in, func(x []float64) float64 {
			acc := x[0]
			for _, y := range x[1:] {
				acc = f(acc, y)
			}
			return acc
		})
		return []arr{o}, err
	}
	switch n.Op {
	case "Shape":
		out := arr{dims: []int64{int64(len(in[0].dims))}}
		for _, d := range in[0].dims {
			out.v = append(out.v, float64(d))
		}
		return []arr{out}, nil
	case "Gather": // axis 0 of a 1-D tensor
		out := arr{dims: in[1].dims}
		for _, i := range in[1].v {
			out.v = append(out.v, in[0].v[int(i)])
		}
		return []arr{out}, nil
	case "Identity", "Cast":
		return []arr{in[0]}, nil
	case "Relu":
		return un(func(x float64) float64 { return math.Max(x, 0) })
	case "Sigmoid":
		return un(func(x float64) float64 { return 1 / (1 + math.Exp(-x)) })
	case "Tanh":
		return un(math.Tanh)
	case "Neg":
		return un(func(x float64) float64 { return -x })
	case "Exp":
		return un(math.Exp)
	case "LeakyRelu":
		alpha := float64(n.Float("alpha", 0.01))
		return un(func(x float64) float64 {
			if x < 0 {
				return alpha * x
			}
			return x
		})
	case "Clip":
		lo, hi := math.Inf(-1), math.Inf(1)
		if len(in) > 1 && hasIn[1] {
			lo = in[1].v[0]
		}
		if len(in) > 2 && hasIn[2] {
			hi = in[2].v[0]
		}
		return un(func(x float64) float64 { return math.Min(math.Max(x, lo), hi) })
	case "Erf":
		return un(math.Erf)
	case "Sqrt":
		return un(math.Sqrt)
	case "Reciprocal":
		return un(func(x float64) float64 { return 1 / x })
	case "Pow":
		return bin(math.Pow)
	case "Gelu":
		if n.Str("approximate", "none") == "tanh" {
			return un(func(x float64) float64 {
				return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
			})
		}
		return un(func(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) })
	case "LayerNormalization": // over the last axis
		x := in[0]
		w := x.dims[len(x.dims)-1]
		out := arr{dims: x.dims, v: make([]float64, len(x.v))}
		eps := float64(n.Float("epsilon", 1e-5))
		for r := int64(0); r*w < int64(len(x.v)); r++ {
			row := x.v[r*w : (r+1)*w]
			mean, sq := 0.0, 0.0
			for _, v := range row {
				mean += v
			}
			mean /= float64(w)
			for _, v := range row {
				sq += (v - mean) * (v - mean)
			}
			inv := 1 / math.Sqrt(sq/float64(w)+eps)
			for i, v := range row {
				y := (v - mean) * inv * in[1].v[i]
				if len(in) > 2 && hasIn[2] {
					y += in[2].v[i]
				}
				out.v[r*w+int64(i)] = y
			}
		}
		return []arr{out}, nil
	case "Einsum": // explicit "…->…" form, one letter per dim
		eq := strings.ReplaceAll(n.Str("equation", ""), " ", "")
		lhs, out, _ := strings.Cut(eq, "->")
		terms := strings.Split(lhs, ",")
		size := map[byte]int64{}
		for t, term := range terms {
			for i := 0; i < len(term); i++ {
				size[term[i]] = in[t].dims[i]
			}
		}
		var letters []byte
		for c := range size {
			letters = append(letters, c)
		}
		sort.Slice(letters, func(i, j int) bool { return letters[i] < letters[j] })
		dims := make([]int64, len(letters))
		for i, c := range letters {
			dims[i] = size[c]
		}
		od := make([]int64, len(out))
		for i := range od {
			od[i] = size[out[i]]
		}
		res := arr{dims: od, v: make([]float64, numel(od))}
		at := func(idx []int64, term string) []int64 {
			o := make([]int64, len(term))
			for i := 0; i < len(term); i++ {
				o[i] = idx[bytes.IndexByte(letters, term[i])]
			}
			return o
		}
		for e := int64(0); e < numel(dims); e++ {
			idx := unravel(e, dims)
			p := 1.0
			for t, term := range terms {
				p *= in[t].at(at(idx, term))
			}
			o := at(idx, out)
			f := int64(0)
			for i, st := range strides(od) {
				f += o[i] * st
			}
			res.v[f] += p
		}
		return []arr{res}, nil
	case "Split":
		x := in[0]
		r := len(x.dims)
		ax := normAxes([]int64{n.Int("axis", 0)}, r)[0]
		k := len(n.Outputs)
		sizes := make([]int64, k)
		if len(in) > 1 && hasIn[1] {
			for i, v := range in[1].v {
				sizes[i] = int64(v)
			}
		} else {
			for i := range sizes {
				sizes[i] = x.dims[ax] / int64(k)
			}
		}
		outs := make([]arr, k)
		start := int64(0)
		for o := range outs {
			d := append([]int64{}, x.dims...)
			d[ax] = sizes[o]
			outs[o] = arr{dims: d, v: make([]float64, numel(d))}
			for e := range outs[o].v {
				idx := unravel(int64(e), d)
				idx[ax] += start
				outs[o].v[e] = x.at(idx)
			}
			start += sizes[o]
		}
		return outs, nil
	case "HardSigmoid":
		alpha, beta := float64(n.Float("alpha", 0.2)), float64(n.Float("beta", 0.5))
		return un(func(x float64) float64 { return math.Max(0, math.Min(1, alpha*x+beta)) })
	case "HardSwish":
		return un(func(x float64) float64 { return x * math.Max(0, math.Min(1, x/6+0.5)) })
	case "GlobalAveragePool", "GlobalMaxPool":
		// Over every dim from 2 on, keeping them as 1s.
		r := len(in[0].dims)
		outDims := append([]int64{}, in[0].dims[:2]...)
		for i := 2; i < r; i++ {
			outDims = append(outDims, 1)
		}
		inner := numel(in[0].dims[2:])
		out := arr{dims: outDims, v: make([]float64, numel(outDims))}
		for o := range out.v {
			acc := 0.0
			if n.Op == "GlobalMaxPool" {
				acc = math.Inf(-1)
			}
			for _, v := range in[0].v[int64(o)*inner : int64(o+1)*inner] {
				if n.Op == "GlobalMaxPool" {
					acc = math.Max(acc, v)
				} else {
					acc += v
				}
			}
			if n.Op == "GlobalAveragePool" {
				acc /= float64(inner)
			}
			out.v[o] = acc
		}
		return []arr{out}, nil
	case "Add":
		return bin(func(a, b float64) float64 { return a + b })
	case "Sub":
		return bin(func(a, b float64) float64 { return a - b })
	case "Mul":
		return bin(func(a, b float64) float64 { return a * b })
	case "Div":
		return bin(func(a, b float64) float64 { return a / b })
	case "Max":
		return bin(math.Max)
	case "Transpose":
		p, _ := n.Attrs["perm"].([]int64)
		if p == nil {
			for i := len(in[0].dims) - 1; i >= 0; i-- {
				p = append(p, int64(i))
			}
		}
		return []arr{transposeArr(in[0], p)}, nil
	case "Concat":
		r := len(in[0].dims)
		ax := normAxes([]int64{n.Int("axis", 0)}, r)[0]
		dims := append([]int64{}, in[0].dims...)
		dims[ax] = 0
		for _, a := range in {
			dims[ax] += a.dims[ax]
		}
		out := arr{dims: dims, v: make([]float64, numel(dims))}
		for i := range out.v {
			idx := unravel(int64(i), dims)
			k := idx[ax]
			for _, a := range in {
				if k < a.dims[ax] {
					j := append([]int64{}, idx...)
					j[ax] = k
					out.v[i] = a.at(j)
					break
				}
				k -= a.dims[ax]
			}
		}
		return []arr{out}, nil
	case "ReduceMean", "ReduceSum":
		r := len(in[0].dims)
		var axes []int64
		if len(in) > 1 && hasIn[1] {
			for _, v := range in[1].v {
				axes = append(axes, int64(v))
			}
		} else {
			axes, _ = n.Attrs["axes"].([]int64)
		}
		if len(axes) == 0 {
			for i := 0; i < r; i++ {
				axes = append(axes, int64(i))
			}
		}
		red := map[int64]bool{}
		for _, a := range normAxes(axes, r) {
			red[a] = true
		}
		keep := n.Int("keepdims", 1) != 0
		var kd, od []int64
		for i, d := range in[0].dims {
			if red[int64(i)] {
				kd = append(kd, 1)
				if keep {
					od = append(od, 1)
				}
			} else {
				kd = append(kd, d)
				od = append(od, d)
			}
		}
		sum := make([]float64, numel(kd))
		cnt := float64(numel(in[0].dims)) / float64(numel(kd))
		ks := strides(kd)
		for i, v := range in[0].v {
			idx := unravel(int64(i), in[0].dims)
			f := int64(0)
			for k := range idx {
				if !red[int64(k)] {
					f += idx[k] * ks[k]
				}
			}
			sum[f] += v
		}
		if n.Op == "ReduceMean" {
			for i := range sum {
				sum[i] /= cnt
			}
		}
		return []arr{{dims: od, v: sum}}, nil
	case "Softmax":
		r := len(in[0].dims)
		ax := normAxes([]int64{n.Int("axis", -1)}, r)[0]
		out := arr{dims: in[0].dims, v: make([]float64, len(in[0].v))}
		s := strides(in[0].dims)
		for i := range in[0].v {
			idx := unravel(int64(i), in[0].dims)
			if idx[ax] != 0 {
				continue
			}
			tot := 0.0
			for k := int64(0); k < in[0].dims[ax]; k++ {
				tot += math.Exp(in[0].v[int64(i)+k*s[ax]])
			}
			for k := int64(0); k < in[0].dims[ax]; k++ {
				j := int64(i) + k*s[ax]
				out.v[j] = math.Exp(in[0].v[j]) / tot
			}
		}
		return []arr{out}, nil
	case "Pad":
		r := len(in[0].dims)
		pads := make([]int64, 2*r)
		for i, v := range in[1].v {
			pads[i] = int64(v)
		}
		cv := 0.0
		if len(in) > 2 && hasIn[2] {
			cv = in[2].v[0]
		}
		dims := make([]int64, r)
		for i, d := range in[0].dims {
			dims[i] = d + pads[i] + pads[r+i]
		}
		out := arr{dims: dims, v: make([]float64, numel(dims))}
		for i := range out.v {
			idx := unravel(int64(i), dims)
			ok := true
			for k := range idx {
				idx[k] -= pads[k]
				if idx[k] < 0 || idx[k] >= in[0].dims[k] {
					ok = false
				}
			}
			if ok {
				out.v[i] = in[0].at(idx)
			} else {
				out.v[i] = cv
			}
		}
		return []arr{out}, nil
	case "Slice":
		r := len(in[0].dims)
		starts, ends := in[1].v, in[2].v
		axes := make([]int64, len(starts))
		for i := range axes {
			axes[i] = int64(i)
		}
		if len(in) > 3 && hasIn[3] {
			for i, v := range in[3].v {
				axes[i] = int64(v)
			}
		}
		axes = normAxes(axes, r)
		lo := make([]int64, r)
		dims := append([]int64{}, in[0].dims...)
		for i, a := range axes {
			s, e := int64(starts[i]), int64(ends[i])
			d := in[0].dims[a]
			if s < 0 {
				s += d
			}
			if e < 0 {
				e += d
			}
			s, e = max(0, min(s, d)), max(0, min(e, d))
			lo[a], dims[a] = s, max(0, e-s)
		}
		out := arr{dims: dims, v: make([]float64, numel(dims))}
		for i := range out.v {
			idx := unravel(int64(i), dims)
			for k := range idx {
				idx[k] += lo[k]
			}
			out.v[i] = in[0].at(idx)
		}
		return []arr{out}, nil
	case "Reshape":
		var dims []int64
		for i, v := range in[1].v {
			d := int64(v)
			if d == 0 {
				d = in[0].dims[i]
			}
			dims = append(dims, d)
		}
		known := int64(1)
		neg := -1
		for i, d := range dims {
			if d == -1 {
				neg = i
			} else {
				known *= d
			}
		}
		if neg >= 0 {
			dims[neg] = int64(len(in[0].v)) / known
		}
		return []arr{{dims: dims, v: in[0].v}}, nil
	case "Unsqueeze", "Squeeze":
		var axes []int64
		for _, v := range in[1].v {
			axes = append(axes, int64(v))
		}
		var dims []int64
		if n.Op == "Squeeze" {
			red := map[int64]bool{}
			for _, a := range normAxes(axes, len(in[0].dims)) {
				red[a] = true
			}
			for i, d := range in[0].dims {
				if !red[int64(i)] {
					dims = append(dims, d)
				}
			}
		} else {
			r := len(in[0].dims) + len(axes)
			add := map[int64]bool{}
			for _, a := range normAxes(axes, r) {
				add[a] = true
			}
			k := 0
			for i := 0; i < r; i++ {
				if add[int64(i)] {
					dims = append(dims, 1)
				} else {
					dims = append(dims, in[0].dims[k])
					k++
				}
			}
		}
		return []arr{{dims: dims, v: in[0].v}}, nil
	case "MatMul", "Gemm":
		a, b := in[0], in[1]
		if len(b.dims) > 2 {
			// Batched: equal leading dims on both sides.
			r := len(a.dims)
			if len(b.dims) != r {
				return nil, fmt.Errorf("eval: MatMul of ranks %d and %d", r, len(b.dims))
			}
			m, k, nn := a.dims[r-2], a.dims[r-1], b.dims[r-1]
			batch := numel(a.dims[:r-2])
			dims := append(append([]int64{}, a.dims[:r-1]...), nn)
			out := arr{dims: dims, v: make([]float64, batch*m*nn)}
			for q := int64(0); q < batch; q++ {
				for i := int64(0); i < m; i++ {
					for j := int64(0); j < nn; j++ {
						s := 0.0
						for t := int64(0); t < k; t++ {
							s += a.v[(q*m+i)*k+t] * b.v[(q*k+t)*nn+j]
						}
						out.v[(q*m+i)*nn+j] = s
					}
				}
			}
			return []arr{out}, nil
		}
		// A rank-r MatMul by a matrix is a [prod(leading dims), k] one.
		r := len(a.dims)
		m, k, nn := a.dims[0], a.dims[r-1], b.dims[1]
		for _, d := range a.dims[1 : r-1] {
			m *= d
		}
		dims := append(append([]int64{}, a.dims[:r-1]...), nn)
		out := arr{dims: dims, v: make([]float64, m*nn)}
		for i := int64(0); i < m; i++ {
			for j := int64(0); j < nn; j++ {
				s := 0.0
				for t := int64(0); t < k; t++ {
					s += a.v[i*k+t] * b.v[t*nn+j]
				}
				if n.Op == "Gemm" && len(in) > 2 && hasIn[2] {
					s += in[2].at([]int64{i, j})
				}
				out.v[i*nn+j] = s
			}
		}
		return []arr{out}, nil
	case "Conv", "ConvTranspose":
		return evalConv(n, in, hasIn)
	case "BatchNormalization":
		eps := float64(n.Float("epsilon", 1e-5))
		x := in[0]
		out := arr{dims: x.dims, v: make([]float64, len(x.v))}
		for i, v := range x.v {
			c := unravel(int64(i), x.dims)[1]
			out.v[i] = (v-in[3].v[c])/math.Sqrt(in[4].v[c]+eps)*in[1].v[c] + in[2].v[c]
		}
		return []arr{out}, nil
	}
	return nil, fmt.Errorf("eval: no rule for %s", n.Op)
}

// evalConv is a 2-D convolution (or transposed one) without padding, with
// strides 1 and groups.
func evalConv(n *graph.Node, in []arr, hasIn []bool) ([]arr, error) {
	x, w := in[0], in[1]
	if len(x.dims) != 4 {
		return nil, fmt.Errorf("eval: only 2-D convs")
	}
	if pads := n.Ints("pads"); n.Op == "Conv" && len(pads) == 4 {
		// Zero padding, written out (top, left, bottom, right).
		N, C, H, W := x.dims[0], x.dims[1], x.dims[2], x.dims[3]
		ph, pw := H+pads[0]+pads[2], W+pads[1]+pads[3]
		p := arr{dims: []int64{N, C, ph, pw}, v: make([]float64, N*C*ph*pw)}
		for b := int64(0); b < N*C; b++ {
			for i := int64(0); i < H; i++ {
				for j := int64(0); j < W; j++ {
					p.v[(b*ph+i+pads[0])*pw+j+pads[1]] = x.v[(b*H+i)*W+j]
				}
			}
		}
		x = p
	}
	group := n.Int("group", 1)
	N, C, H, W := x.dims[0], x.dims[1], x.dims[2], x.dims[3]
	kh, kw := w.dims[2], w.dims[3]
	var out arr
	if n.Op == "Conv" {
		M := w.dims[0]
		cPer, mPer := C/group, M/group
		oh, ow := H-kh+1, W-kw+1
		out = arr{dims: []int64{N, M, oh, ow}, v: make([]float64, N*M*oh*ow)}
		for b := int64(0); b < N; b++ {
			for m := int64(0); m < M; m++ {
				g := m / mPer
				for i := int64(0); i < oh; i++ {
					for j := int64(0); j < ow; j++ {
						s := 0.0
						for c := int64(0); c < cPer; c++ {
							for p := int64(0); p < kh; p++ {
								for q := int64(0); q < kw; q++ {
									s += x.v[((b*C+g*cPer+c)*H+i+p)*W+j+q] * w.v[((m*cPer+c)*kh+p)*kw+q]
								}
							}
						}
						out.v[((b*M+m)*oh+i)*ow+j] = s
					}
				}
			}
		}
	} else {
		outPer := w.dims[1]
		M := outPer * group
		cPer := C / group
		oh, ow := H+kh-1, W+kw-1
		out = arr{dims: []int64{N, M, oh, ow}, v: make([]float64, N*M*oh*ow)}
		for b := int64(0); b < N; b++ {
			for c := int64(0); c < C; c++ {
				g := c / cPer
				for k := int64(0); k < outPer; k++ {
					m := g*outPer + k
					for i := int64(0); i < H; i++ {
						for j := int64(0); j < W; j++ {
							for p := int64(0); p < kh; p++ {
								for q := int64(0); q < kw; q++ {
									out.v[((b*M+m)*oh+i+p)*ow+j+q] += x.v[((b*C+c)*H+i)*W+j] * w.v[((c*outPer+k)*kh+p)*kw+q]
								}
							}
						}
					}
				}
			}
		}
	}
	if len(in) > 2 && hasIn[2] {
		M := out.dims[1]
		for i := range out.v {
			out.v[i] += in[2].v[(int64(i)/(out.dims[2]*out.dims[3]))%M]
		}
	}
	return []arr{out}, nil
}

// evalGraph runs g on feeds and returns its outputs in order.
func evalGraph(g *graph.Graph, feeds map[string]arr) ([]arr, error) {
	res, _, err := evalEnv(g, feeds)
	return res, err
}

// evalEnv runs g on feeds and returns its outputs and every value.
func evalEnv(g *graph.Graph, feeds map[string]arr) ([]arr, map[string]arr, error) {
	env := map[string]arr{}
	for k, v := range feeds {
		env[k] = v
	}
	for k, t := range g.Consts {
		env[k] = arr{dims: t.Dims, v: t.Float64s()}
	}
	for _, n := range g.Nodes {
		ins := make([]arr, len(n.Inputs))
		has := make([]bool, len(n.Inputs))
		for i, v := range n.Inputs {
			if v == "" {
				continue
			}
			a, ok := env[v]
			if !ok {
				return nil, nil, fmt.Errorf("eval: %s reads undefined %s", n.Name, v)
			}
			ins[i], has[i] = a, true
		}
		var outs []arr
		var err error
		if n.Op == "If" {
			// The branch reads the values around it by name.
			branch, _ := n.Attrs["else_branch"].(*graph.Graph)
			if ins[0].v[0] != 0 {
				branch, _ = n.Attrs["then_branch"].(*graph.Graph)
			}
			if branch == nil {
				return nil, nil, fmt.Errorf("eval: %s has no branch", n.Name)
			}
			outs, _, err = evalEnv(branch, env)
		} else if ev, ok := evalTyped[n.Op]; ok {
			// Ops whose result depends on element types (qdq_test.go).
			outs, err = ev(g, n, ins, has)
		} else {
			outs, err = evalNode(n, ins, has)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("node %s: %w", n.Name, err)
		}
		for i, o := range n.Outputs {
			if o != "" && i < len(outs) {
				env[o] = outs[i]
			}
		}
	}
	res := make([]arr, len(g.Outputs))
	for i, o := range g.Outputs {
		a, ok := env[o]
		if !ok {
			return nil, nil, fmt.Errorf("eval: output %s undefined", o)
		}
		res[i] = a
	}
	return res, env, nil
}

// randomFeeds makes inputs of the graph's input shapes, unknown dims 2.
func randomFeeds(t *testing.T, g *graph.Graph, seed int64) map[string]arr {
	r := rand.New(rand.NewSource(seed))
	feeds := map[string]arr{}
	for _, in := range g.Inputs {
		s := g.ShapeOf(in)
		if !s.Known {
			t.Fatalf("input %s has no known rank", in)
		}
		dims := s.Sizes()
		for i, d := range dims {
			if d < 0 {
				dims[i] = 2 // an unknown dim (a batch) is fed as 2
			}
		}
		a := arr{dims: dims, v: make([]float64, numel(dims))}
		for i := range a.v {
			a.v[i] = r.Float64()*2 - 1
		}
		feeds[in] = a
	}
	return feeds
}

// sameValues checks that two runs agree to float32 precision.
func sameValues(t *testing.T, want, got []arr) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%d outputs, want %d", len(got), len(want))
	}
	for i := range want {
		if fmt.Sprint(want[i].dims) != fmt.Sprint(got[i].dims) {
			t.Fatalf("output %d: dims %v, want %v", i, got[i].dims, want[i].dims)
		}
		for k := range want[i].v {
			if d := math.Abs(want[i].v[k] - got[i].v[k]); d > 1e-5*(1+math.Abs(want[i].v[k])) {
				t.Fatalf("output %d differs at %d: %g vs %g", i, k, got[i].v[k], want[i].v[k])
			}
		}
	}
}
