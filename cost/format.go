package cost

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Formats lists the report formats.
var Formats = []string{"text", "json", "csv", "markdown"}

// FormatOptions choose what the text and markdown formats show.
type FormatOptions struct {
	// PerNode adds the table of nodes (JSON and CSV always have it).
	PerNode bool
}

// Render writes the report in a format: text, json, csv or markdown.
func Render(rep *Report, format string, fo FormatOptions) ([]byte, error) {
	var b bytes.Buffer
	var err error
	switch strings.ToLower(format) {
	case "", "text":
		err = writeText(&b, rep, fo)
	case "json":
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	case "csv":
		err = writeCSV(&b, rep)
	case "markdown", "md":
		err = writeMarkdown(&b, rep, fo)
	default:
		return nil, fmt.Errorf("unknown format %q; choose %s", format, strings.Join(Formats, ", "))
	}
	return b.Bytes(), err
}

// ValidFormat reports whether Render knows a format.
func ValidFormat(f string) bool {
	switch strings.ToLower(f) {
	case "", "text", "json", "csv", "markdown", "md":
		return true
	}
	return false
}

func (r *Report) conventionLine() string {
	c := r.Convention
	var parts []string
	if c.Bias {
		parts = append(parts, "bias counted (one add per output element)")
	} else {
		parts = append(parts, "bias not counted")
	}
	if c.CountAll {
		parts = append(parts, "other ops added (--count-all)")
	} else {
		parts = append(parts, "other ops counted apart, not added (--count-all adds them)")
	}
	return c.Name + ": " + strings.Join(parts, "; ")
}

func dtypeList(b ByDType) string {
	if len(b) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(b))
	for k := range b {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %s (%s B)", k, humanBytes(b[k]), commas(b[k]))
	}
	return strings.Join(parts, ", ")
}

func intensity(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func pctString(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) + "%" }

func writeText(w io.Writer, r *Report, fo FormatOptions) error {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	title := "Cost report"
	if r.Model != "" {
		title += ": " + r.Model
	}
	p("%s (opset %d)\n", title, r.Opset)
	p("Convention %s\n", r.conventionLine())
	for _, in := range r.Inputs {
		p("Input %s: %s %s", in.Name, in.DType, shapeString(in.Shape))
		if in.ModelShape != shapeString(in.Shape) {
			p(" (model: %s)", in.ModelShape)
		}
		p("\n")
		for _, a := range in.Assumed {
			p("  assumed: %s\n", a)
		}
	}
	p("\n")
	roof := r.Roofline != nil
	head := []string{"Layer", "Ops", "Output", "Params", "%Params", "MACs", "%MACs", "FLOPs", "Weights", "Activations", "FLOP/B"}
	if roof {
		head = append(head, "Time", "Bound")
	}
	rows := [][]string{head}
	shown, rest := r.splitLayers()
	if rest != nil {
		shown = append(shown, *rest)
	}
	for _, l := range shown {
		row := []string{l.Name, strings.Join(l.Ops, "+"), layerShape(l), commas(l.Params), pctString(l.ParamsPct),
			commas(l.MACTotal), pctString(l.MACsPct), commas(l.FLOPs), humanBytes(l.WeightBytes.sum()),
			humanBytes(l.ActivationBytes.sum()), intensity(l.Intensity)}
		if roof && l.Roofline != nil {
			row = append(row, seconds(l.Roofline.TimeS), l.Roofline.Bound)
		}
		rows = append(rows, row)
	}
	t := r.Totals
	row := []string{"Total", "", "", commas(t.Params), pctString(t.ParamsPct), commas(t.MACTotal), pctString(t.MACsPct),
		commas(t.FLOPs), humanBytes(t.WeightBytes.sum()), humanBytes(t.ActivationBytes.sum()), intensity(t.Intensity)}
	if roof {
		row = append(row, seconds(r.Roofline.TimeS), r.Roofline.Bound)
	}
	rows = append(rows, row)
	table(w, rows, 3, "  ")

	p("\nTotals\n")
	p("  parameters       %s (%s)\n", commas(t.Params), human(float64(t.Params), "", "k"))
	p("  MACs             %s (%s), bias adds %s of them\n", commas(t.MACs), human(float64(t.MACs), "Mac", "K"), commas(t.BiasMACs))
	if r.Convention.CountAll {
		p("  other ops        %s (added)\n", commas(t.OtherOps))
	} else {
		p("  other ops        %s (not added: --count-all adds them)\n", commas(t.OtherOps))
	}
	if t.NoRuleOps > 0 {
		p("  no rule          %s (ops %s has no rule for, one per element; never added)\n", commas(t.NoRuleOps), r.Convention.Name)
	}
	p("  MAC total        %s (%s)\n", commas(t.MACTotal), human(float64(t.MACTotal), "Mac", "K"))
	p("  FLOPs            %s (%s)\n", commas(t.FLOPs), human(float64(t.FLOPs), "FLOP", "K"))
	p("  weights          %s\n", dtypeList(t.WeightBytes))
	p("  activations      %s\n", dtypeList(t.ActivationBytes))
	p("  memory traffic   %s (%s B); intensity %s FLOP/B\n", humanBytes(t.MemoryBytes), commas(t.MemoryBytes), intensity(t.Intensity))
	if b := r.Batch; b != nil {
		p("\nAs a function of the batch size N")
		if !b.Linear {
			p(" (NOT linear in N: the line through N=1 and N=2)")
		}
		p("\n")
		p("  MACs             %s\n", linearString(b.MACs))
		p("  MAC total        %s\n", linearString(b.MACTotal))
		p("  FLOPs            %s\n", linearString(b.FLOPs))
		p("  activations      %s bytes\n", linearString(b.ActivationBytes))
		p("  memory traffic   %s bytes\n", linearString(b.MemoryBytes))
		p("  parameters       %s (independent of N)\n", commas(b.Params))
	}

	p("\nBy op type\n")
	rows = [][]string{{"Op", "Nodes", "Params", "MACs", "%MACs", "Other ops", "FLOPs"}}
	for _, o := range r.OpTypes {
		rows = append(rows, []string{o.Op, strconv.Itoa(o.Count), commas(o.Params), commas(o.MACTotal),
			pctString(o.MACsPct), commas(o.OtherOps), commas(o.FLOPs)})
	}
	table(w, rows, 1, "  ")

	if fo.PerNode {
		p("\nNodes\n")
		rows = [][]string{{"Node", "Op", "Layer", "Kind", "Output", "Params", "MACs", "Other ops", "FLOPs", "Note"}}
		for _, n := range r.Nodes {
			out := "?"
			if len(n.OutputShapes) > 0 {
				out = shapeString(n.OutputShapes[0])
			}
			rows = append(rows, []string{n.Name, n.Op, n.Layer, n.Kind, out, commas(n.Params), commas(n.MACs),
				commas(n.OtherOps + n.NoRuleOps), commas(n.FLOPs), n.Note})
		}
		table(w, rows, 5, "  ", 9)
	}

	if len(r.Uncounted) > 0 {
		p("\nNot counted (%d nodes; their cost is NOT in the totals)\n", len(r.Uncounted))
		for _, u := range r.Uncounted {
			p("  %s (%s): %s\n", u.Node, u.Op, u.Reason)
		}
	}
	if len(r.NoRule) > 0 {
		p("\nNo rule in the %s convention (listed, not added)\n", r.Convention.Name)
		for _, u := range r.NoRule {
			p("  %s (%s): %s\n", u.Node, u.Op, u.Reason)
		}
	}
	if notes := r.controlNotes(); len(notes) > 0 || len(r.Notes) > 0 {
		p("\nNotes\n")
		for _, n := range notes {
			p("  - %s\n", n)
		}
		for _, n := range r.Notes {
			p("  - %s\n", n)
		}
	}
	if c := r.Compute; c != nil {
		p("\nRequired at %s runs/s\n", fmtFloat(c.FPS))
		p("  compute          %s GFLOP/s (%s FLOPs per run)\n", strconv.FormatFloat(c.GFLOPSRequired, 'f', 3, 64), commas(c.FLOPsPerRun))
		p("  memory bandwidth %s GB/s (%s bytes per run)\n", strconv.FormatFloat(c.GBpsRequired, 'f', 3, 64), commas(c.BytesPerRun))
	}
	if rf := r.Roofline; rf != nil {
		p("\nRoofline on %s (%s)\n", rf.Device.Name, rf.Device.About)
		p("  ridge point      %s FLOP/B (layers below it are memory bound)\n", intensity(rf.RidgeIntensity))
		p("  time per run     %s: %d layers compute bound (%s), %d memory bound (%s); the model is %s bound\n",
			seconds(rf.TimeS), rf.ComputeBoundLayers, seconds(rf.ComputeTimeS), rf.MemoryBoundLayers, seconds(rf.MemoryTimeS), rf.Bound)
		p("  at most          %s runs/s\n", strconv.FormatFloat(rf.MaxFPS, 'f', 1, 64))
		if rf.MeetsFPS != nil {
			if *rf.MeetsFPS {
				p("  %s runs/s: within the device's bound\n", fmtFloat(r.Compute.FPS))
			} else {
				p("  %s runs/s: NOT reachable on this device (roofline bound %s runs/s)\n", fmtFloat(r.Compute.FPS), strconv.FormatFloat(rf.MaxFPS, 'f', 1, 64))
			}
		}
	}
	return nil
}

// splitLayers separates the layers that only move data or compute shapes
// (shown as one row by the text and markdown formats) from the others.
func (r *Report) splitLayers() ([]Layer, *Layer) {
	var shown []Layer
	rest := Layer{Stats: Stats{WeightBytes: ByDType{}, ActivationBytes: ByDType{}}}
	for _, l := range r.Layers {
		if !l.DataOnly || l.Params > 0 || l.MACTotal > 0 || l.FLOPs > 0 {
			shown = append(shown, l)
			continue
		}
		rest.Nodes++
		rest.add(l.Stats)
		for _, op := range l.Ops {
			if !contains(rest.Ops, op) {
				rest.Ops = append(rest.Ops, op)
			}
		}
		if l.Roofline != nil {
			if rest.Roofline == nil {
				rest.Roofline = &LayerRoofline{}
			}
			rest.Roofline.TimeS += l.Roofline.TimeS
			rest.Roofline.Bound = "memory"
		}
	}
	if rest.Nodes == 0 {
		return shown, nil
	}
	// Nodes counts layers here.
	rest.Name = fmt.Sprintf("(%d data-only layers)", rest.Nodes)
	if rest.Nodes == 1 {
		rest.Name = "(1 data-only layer)"
	}
	rest.Ops = nil
	rest.DataOnly = true
	rest.ParamsPct, rest.MACsPct = 0, 0
	if rest.MemoryBytes > 0 {
		rest.Intensity = 0
	}
	return shown, &rest
}

func layerShape(l Layer) string {
	if l.OutputShape == nil && l.DataOnly {
		return ""
	}
	return shapeString(l.OutputShape)
}

// controlNotes are the notes of Loop, Scan and If nodes (trip counts).
func (r *Report) controlNotes() []string {
	var out []string
	for _, n := range r.Nodes {
		if n.Kind == KindControl {
			out = append(out, fmt.Sprintf("%s (%s): %s", n.Name, n.Op, n.Note))
		}
	}
	return out
}

func linearString(l Linear) string {
	switch {
	case l.Const == 0:
		return commas(l.PerN) + "·N"
	case l.Const > 0:
		return commas(l.PerN) + "·N + " + commas(l.Const)
	}
	return commas(l.PerN) + "·N − " + commas(-l.Const)
}

func seconds(s float64) string {
	switch {
	case s >= 1:
		return strconv.FormatFloat(s, 'f', 3, 64) + " s"
	case s >= 1e-3:
		return strconv.FormatFloat(s*1e3, 'f', 3, 64) + " ms"
	}
	return strconv.FormatFloat(s*1e6, 'f', 3, 64) + " µs"
}

func writeMarkdown(w io.Writer, r *Report, fo FormatOptions) error {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	esc := func(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
	title := "Cost report"
	if r.Model != "" {
		title += ": `" + r.Model + "`"
	}
	p("## %s\n\n", title)
	p("Opset %d. Convention %s.\n\n", r.Opset, r.conventionLine())
	for _, in := range r.Inputs {
		p("- input `%s`: %s %s", in.Name, in.DType, shapeString(in.Shape))
		for _, a := range in.Assumed {
			p("; assumed: %s", a)
		}
		p("\n")
	}
	p("\n| Layer | Ops | Output | Params | %% Params | MACs | %% MACs | FLOPs | Weights | Activations | FLOP/B |")
	if r.Roofline != nil {
		p(" Time | Bound |")
	}
	p("\n|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
	if r.Roofline != nil {
		p("--:|---|")
	}
	p("\n")
	shown, rest := r.splitLayers()
	if rest != nil {
		shown = append(shown, *rest)
	}
	for _, l := range shown {
		p("| `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |", esc(l.Name), strings.Join(l.Ops, "+"),
			layerShape(l), commas(l.Params), pctString(l.ParamsPct), commas(l.MACTotal),
			pctString(l.MACsPct), commas(l.FLOPs), humanBytes(l.WeightBytes.sum()), humanBytes(l.ActivationBytes.sum()),
			intensity(l.Intensity))
		if r.Roofline != nil && l.Roofline != nil {
			p(" %s | %s |", seconds(l.Roofline.TimeS), l.Roofline.Bound)
		}
		p("\n")
	}
	t := r.Totals
	p("| **Total** | | | **%s** | %s | **%s** | %s | **%s** | %s | %s | %s |", commas(t.Params), pctString(t.ParamsPct),
		commas(t.MACTotal), pctString(t.MACsPct), commas(t.FLOPs), humanBytes(t.WeightBytes.sum()),
		humanBytes(t.ActivationBytes.sum()), intensity(t.Intensity))
	if r.Roofline != nil {
		p(" %s | %s |", seconds(r.Roofline.TimeS), r.Roofline.Bound)
	}
	p("\n\n")
	p("Parameters %s (%s); MACs %s (%s), of which bias adds %s; other ops %s (%s); MAC total %s (%s); FLOPs %s (%s).\n",
		commas(t.Params), human(float64(t.Params), "", "k"), commas(t.MACs), human(float64(t.MACs), "Mac", "K"),
		commas(t.BiasMACs), commas(t.OtherOps), map[bool]string{true: "added", false: "not added"}[r.Convention.CountAll],
		commas(t.MACTotal), human(float64(t.MACTotal), "Mac", "K"), commas(t.FLOPs), human(float64(t.FLOPs), "FLOP", "K"))
	p("Weights: %s. Activations: %s. Memory traffic %s; intensity %s FLOP/B.\n", dtypeList(t.WeightBytes),
		dtypeList(t.ActivationBytes), humanBytes(t.MemoryBytes), intensity(t.Intensity))
	if b := r.Batch; b != nil {
		p("\nAs a function of the batch size N: MACs = %s; FLOPs = %s; memory traffic = %s bytes.\n",
			linearString(b.MACs), linearString(b.FLOPs), linearString(b.MemoryBytes))
	}
	p("\n| Op | Nodes | Params | MACs | %% MACs | Other ops | FLOPs |\n|---|--:|--:|--:|--:|--:|--:|\n")
	for _, o := range r.OpTypes {
		p("| %s | %d | %s | %s | %s | %s | %s |\n", o.Op, o.Count, commas(o.Params), commas(o.MACTotal),
			pctString(o.MACsPct), commas(o.OtherOps), commas(o.FLOPs))
	}
	if fo.PerNode {
		p("\n| Node | Op | Layer | Kind | Output | Params | MACs | FLOPs | Note |\n|---|---|---|---|---|--:|--:|--:|---|\n")
		for _, n := range r.Nodes {
			out := "?"
			if len(n.OutputShapes) > 0 {
				out = shapeString(n.OutputShapes[0])
			}
			p("| `%s` | %s | `%s` | %s | %s | %s | %s | %s | %s |\n", esc(n.Name), n.Op, esc(n.Layer), n.Kind, out,
				commas(n.Params), commas(n.MACs), commas(n.FLOPs), esc(n.Note))
		}
	}
	if len(r.Uncounted) > 0 {
		p("\n**Not counted** (their cost is not in the totals):\n\n")
		for _, u := range r.Uncounted {
			p("- `%s` (%s): %s\n", esc(u.Node), u.Op, u.Reason)
		}
	}
	if len(r.NoRule) > 0 {
		p("\nNo rule in the %s convention (listed, not added):\n\n", r.Convention.Name)
		for _, u := range r.NoRule {
			p("- `%s` (%s): %s\n", esc(u.Node), u.Op, u.Reason)
		}
	}
	if notes := append(r.controlNotes(), r.Notes...); len(notes) > 0 {
		p("\nNotes:\n\n")
		for _, n := range notes {
			p("- %s\n", n)
		}
	}
	if c := r.Compute; c != nil {
		p("\nAt %s runs/s: %s GFLOP/s and %s GB/s.\n", fmtFloat(c.FPS), strconv.FormatFloat(c.GFLOPSRequired, 'f', 3, 64),
			strconv.FormatFloat(c.GBpsRequired, 'f', 3, 64))
	}
	if rf := r.Roofline; rf != nil {
		p("\nRoofline on %s (%s): %s per run, %s bound (%d layers compute bound, %d memory bound); at most %s runs/s.\n",
			rf.Device.Name, rf.Device.About, seconds(rf.TimeS), rf.Bound, rf.ComputeBoundLayers, rf.MemoryBoundLayers,
			strconv.FormatFloat(rf.MaxFPS, 'f', 1, 64))
	}
	return nil
}

func writeCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	dts := map[string]bool{}
	for _, b := range []ByDType{r.Totals.WeightBytes, r.Totals.ActivationBytes} {
		for k := range b {
			dts[k] = true
		}
	}
	dtypes := make([]string, 0, len(dts))
	for k := range dts {
		dtypes = append(dtypes, k)
	}
	sort.Strings(dtypes)
	head := []string{"level", "name", "op", "layer", "kind", "count", "output_shape", "params", "params_pct", "macs",
		"bias_macs", "other_ops", "no_rule_ops", "mac_total", "macs_pct", "flops", "weight_bytes", "activation_bytes"}
	for _, d := range dtypes {
		head = append(head, "weight_bytes_"+d)
	}
	for _, d := range dtypes {
		head = append(head, "activation_bytes_"+d)
	}
	head = append(head, "memory_bytes", "intensity", "roofline_time_s", "roofline_bound", "note")
	if err := cw.Write(head); err != nil {
		return err
	}
	i64 := func(v int64) string { return strconv.FormatInt(v, 10) }
	f64 := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	row := func(level, name, op, layer, kind string, count int, out string, st Stats, rl *LayerRoofline, note string) error {
		rec := []string{level, name, op, layer, kind, strconv.Itoa(count), out, i64(st.Params), f64(st.ParamsPct),
			i64(st.MACs), i64(st.BiasMACs), i64(st.OtherOps), i64(st.NoRuleOps), i64(st.MACTotal), f64(st.MACsPct),
			i64(st.FLOPs), i64(st.WeightBytes.sum()), i64(st.ActivationBytes.sum())}
		for _, d := range dtypes {
			rec = append(rec, i64(st.WeightBytes[d]))
		}
		for _, d := range dtypes {
			rec = append(rec, i64(st.ActivationBytes[d]))
		}
		rec = append(rec, i64(st.MemoryBytes), f64(st.Intensity))
		if rl != nil {
			rec = append(rec, f64(rl.TimeS), rl.Bound)
		} else {
			rec = append(rec, "", "")
		}
		rec = append(rec, note)
		return cw.Write(rec)
	}
	for _, n := range r.Nodes {
		out := ""
		if len(n.OutputShapes) > 0 {
			out = shapeString(n.OutputShapes[0])
		}
		if err := row("node", n.Name, n.Op, n.Layer, n.Kind, 1, out, n.Stats, nil, n.Note); err != nil {
			return err
		}
	}
	for _, l := range r.Layers {
		if err := row("layer", l.Name, strings.Join(l.Ops, "+"), l.Name, "", l.Nodes, shapeString(l.OutputShape), l.Stats, l.Roofline, ""); err != nil {
			return err
		}
	}
	for _, o := range r.OpTypes {
		if err := row("op_type", o.Op, o.Op, "", "", o.Count, "", o.Stats, nil, ""); err != nil {
			return err
		}
	}
	var rl *LayerRoofline
	if r.Roofline != nil {
		rl = &LayerRoofline{TimeS: r.Roofline.TimeS, Bound: r.Roofline.Bound}
	}
	if err := row("total", r.Model, "", "", "", len(r.Nodes), "", r.Totals, rl, r.conventionLine()); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// table writes rows in columns: the first `left` columns (and any listed
// in alsoLeft) aligned left, the others right. Trailing spaces are cut.
func table(w io.Writer, rows [][]string, left int, gap string, alsoLeft ...int) {
	var width []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	isLeft := func(i int) bool {
		if i < left {
			return true
		}
		for _, j := range alsoLeft {
			if j == i {
				return true
			}
		}
		return false
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			if i > 0 {
				b.WriteString(gap)
			}
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if isLeft(i) {
				b.WriteString(c + pad)
			} else {
				b.WriteString(pad + c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
