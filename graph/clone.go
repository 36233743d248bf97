package graph

// Clone copies g deeply enough to be rewritten on its own (a mapping
// attempt redone, a loop body specialised, a cost pass fixing shapes): node
// lists, attribute maps, value records and nested subgraphs are new;
// constant tensors are shared, as no pass writes a tensor it did not make.
func (g *Graph) Clone() *Graph {
	c := New(g.Name)
	c.Opset = g.Opset
	c.syms = g.syms.clone()
	c.Inputs = append([]string(nil), g.Inputs...)
	c.Outputs = append([]string(nil), g.Outputs...)
	for k, t := range g.Consts {
		c.Consts[k] = t
	}
	for k, v := range g.Values {
		if v != nil {
			vv := *v
			vv.Shape = v.Shape.Clone()
			vv.Contents = append([]Dim(nil), v.Contents...)
			c.Values[k] = &vv
		}
	}
	for _, n := range g.Nodes {
		c.Nodes = append(c.Nodes, n.Clone())
	}
	c.ReserveAll()
	for k := range g.names {
		c.reserve(k)
	}
	return c
}

// Clone copies a node with its own input, output and attribute lists;
// subgraph attributes are cloned too.
func (n *Node) Clone() *Node {
	m := &Node{Name: n.Name, Op: n.Op, Domain: n.Domain,
		Inputs:  append([]string(nil), n.Inputs...),
		Outputs: append([]string(nil), n.Outputs...),
		Attrs:   make(map[string]any, len(n.Attrs))}
	for k, a := range n.Attrs {
		if sg, ok := a.(*Graph); ok {
			a = sg.Clone()
		}
		m.Attrs[k] = a
	}
	return m
}

// ReserveAll records every name the graph uses, so that UniqueName avoids
// them after the graph was assembled by hand.
func (g *Graph) ReserveAll() {
	g.Reserve(g.Inputs...)
	for c := range g.Consts {
		g.reserve(c)
	}
	for v := range g.Values {
		g.reserve(v)
	}
	for _, n := range g.Nodes {
		g.reserve(n.Name)
		g.Reserve(n.Outputs...)
	}
}

// OwnOutputs makes every output of a subgraph (a Loop or If body) a value
// that one of its own nodes produces, once: an output that is a body input,
// an outer value, a constant or a repeat gets an Identity, since runtimes
// reject some of those as outputs. namer gives the fresh names: the
// enclosing graph, so that they cannot clash with its values.
func (g *Graph) OwnOutputs(namer *Graph) {
	produced := map[string]bool{}
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			produced[o] = true
		}
	}
	seen := map[string]bool{}
	for i, o := range g.Outputs {
		if produced[o] && !seen[o] {
			seen[o] = true
			continue
		}
		name := namer.UniqueName(o + "/out")
		g.reserve(name)
		g.AddNode(&Node{Name: name, Op: "Identity", Inputs: []string{o}, Outputs: []string{name}})
		if v := g.Values[o]; v != nil {
			g.SetValue(name, v.DType, v.Shape)
		} else if t := g.Consts[o]; t != nil {
			g.SetValue(name, t.DType, t.Shape())
		}
		g.Outputs[i] = name
		seen[name] = true
	}
}
