package render

// barChart writes a vertical bar chart as an SVG figure.
func (w *htmlWriter) barChart(c barChart) {
	w.raw("\n<figure class=\"chart")
	if c.Width < 640 {
		w.raw(" small")
	} else {
		w.raw(" wide")
	}
	w.raw("\">\n  <figcaption>")
	w.text(c.Title)
	w.raw("</figcaption>\n  <svg viewBox=\"0 0 ")
	w.px(c.Width)
	w.raw(" 230\" role=\"img\" aria-label=\"")
	w.text(c.Title)
	w.raw("\">\n    <desc>")
	w.text(c.Desc)
	w.raw("</desc>\n    ")
	for _, l := range c.Legend {
		w.raw("<rect class=\"swatch ")
		w.text(l.Class)
		w.raw("\" x=\"")
		w.px(l.X)
		w.raw("\" y=\"6\" width=\"12\" height=\"12\" rx=\"2\"/><text class=\"legend\" x=\"")
		w.px(l.X + 18)
		w.raw("\" y=\"16\">")
		w.text(l.Name)
		w.raw("</text>")
	}
	w.raw("\n    ")
	for _, t := range c.Ticks {
		w.raw("<line class=\"grid\" x1=\"56\" x2=\"")
		w.px(c.Right)
		w.raw("\" y1=\"")
		w.px(t.Y)
		w.raw("\" y2=\"")
		w.px(t.Y)
		w.raw("\"/><text class=\"tick\" x=\"50\" y=\"")
		w.px(t.Y + 4)
		w.raw("\" text-anchor=\"end\">")
		w.text(t.Label)
		w.raw("</text>")
	}
	w.raw("\n    <line class=\"axis\" x1=\"56\" x2=\"")
	w.px(c.Right)
	w.raw("\" y1=\"")
	w.px(c.ZeroY)
	w.raw("\" y2=\"")
	w.px(c.ZeroY)
	w.raw("\"/>\n    ")
	for _, g := range c.Groups {
		w.raw("\n      ")
		for _, b := range g.Bars {
			w.raw("\n        ")
			w.bar(b)
			w.raw("\n      ")
		}
		w.raw("\n      <text class=\"tick\" x=\"")
		w.px(g.LabelX)
		w.raw("\" y=\"218\" text-anchor=\"middle\">")
		w.text(g.Label)
		w.raw("</text>\n    ")
	}
	w.raw("\n  </svg>\n</figure>\n")
}

// bar writes one bar with its value label, or only the label "n/a" for a
// missing value.
func (w *htmlWriter) bar(b bar) {
	if b.Missing {
		w.raw("<text class=\"value missing\" x=\"")
		w.px(b.TextX)
		w.raw("\" y=\"")
		w.px(b.TextY)
		w.raw("\" text-anchor=\"middle\"><title>")
		w.text(b.Title)
		w.raw("</title>")
		w.text(b.Text)
		w.raw("</text>\n        ")
		return
	}
	w.raw("<rect class=\"bar ")
	w.text(b.Class)
	w.raw("\" x=\"")
	w.px(b.X)
	w.raw("\" y=\"")
	w.px(b.Y)
	w.raw("\" width=\"")
	w.px(b.W)
	w.raw("\" height=\"")
	w.px(b.H)
	w.raw("\" rx=\"2\"><title>")
	w.text(b.Title)
	w.raw("</title></rect>\n        <text class=\"value\" x=\"")
	w.px(b.TextX)
	w.raw("\" y=\"")
	w.px(b.TextY)
	w.raw("\" text-anchor=\"middle\"><title>")
	w.text(b.Title)
	w.raw("</title>")
	w.text(b.Text)
	w.raw("</text>")
}

// axisHead writes the opening of a 640 units wide chart of the given
// height and its vertical grid lines with their labels, common to the
// horizontal bar chart and the timeline. gridTop is the y of the top of
// the grid lines.
func (w *htmlWriter) axisHead(title, desc string, height float64, ticks []hbarTick, gridTop string) {
	w.raw("\n<figure class=\"chart wide\">\n  <figcaption>")
	w.text(title)
	w.raw("</figcaption>\n  <svg viewBox=\"0 0 640 ")
	w.px(height)
	w.raw("\" role=\"img\" aria-label=\"")
	w.text(title)
	w.raw("\">\n    <desc>")
	w.text(desc)
	w.raw("</desc>\n    \n    ")
	bottom := height - 20
	for _, t := range ticks {
		w.raw("<line class=\"grid\" x1=\"")
		w.px(t.X)
		w.raw("\" x2=\"")
		w.px(t.X)
		w.raw("\" y1=\"" + gridTop + "\" y2=\"")
		w.px(bottom)
		w.raw("\"/><text class=\"tick\" x=\"")
		w.px(t.X)
		w.raw("\" y=\"")
		w.px(bottom + 14)
		w.raw("\" text-anchor=\"middle\">")
		w.text(t.Label)
		w.raw("</text>")
	}
	w.raw("\n    ")
}

// hbarChart writes a horizontal bar chart as an SVG figure.
func (w *htmlWriter) hbarChart(c hbarChart) {
	w.axisHead(c.Title, c.Desc, c.Height, c.Ticks, "8")
	for _, r := range c.Rows {
		w.raw("\n      <text class=\"tick\" x=\"182\" y=\"")
		w.px(r.LabelY)
		w.raw("\" text-anchor=\"end\">")
		w.text(r.Label)
		w.raw("</text>\n      ")
		if r.Missing {
			w.raw("<text class=\"value missing\" x=\"196\" y=\"")
			w.px(r.LabelY)
			w.raw("\"><title>")
			w.text(r.Title)
			w.raw("</title>")
			w.text(r.Text)
			w.raw("</text>\n      ")
		} else {
			w.raw("<rect class=\"bar series-quality\" x=\"190\" y=\"")
			w.px(r.Y)
			w.raw("\" width=\"")
			w.px(r.W)
			w.raw("\" height=\"18\" rx=\"2\"><title>")
			w.text(r.Title)
			w.raw("</title></rect>\n      <text class=\"value\" x=\"")
			w.px(r.W + 196)
			w.raw("\" y=\"")
			w.px(r.LabelY)
			w.raw("\"><title>")
			w.text(r.Title)
			w.raw("</title>")
			w.text(r.Text)
			w.raw("</text>")
		}
		w.raw("\n    ")
	}
	w.raw("\n  </svg>\n</figure>\n")
}

// timeline writes the incident timeline as an SVG figure.
func (w *htmlWriter) timeline(c timelineChart) {
	w.axisHead(c.Title, c.Desc, c.Height, c.Ticks, "4")
	for _, r := range c.Rows {
		w.raw("\n      <text class=\"tick\" x=\"122\" y=\"")
		w.px(r.LabelY)
		w.raw("\" text-anchor=\"end\">")
		w.text(r.Label)
		w.raw("</text>\n      <rect class=\"incident ")
		w.text(r.Class)
		if r.Open {
			w.raw(" open")
		}
		w.raw("\" x=\"")
		w.px(r.X)
		w.raw("\" y=\"")
		w.px(r.Y)
		w.raw("\" width=\"")
		w.px(r.W)
		w.raw("\" height=\"12\" rx=\"3\"><title>")
		w.text(r.Title)
		w.raw("</title></rect>\n      <text class=\"value\" x=\"")
		w.px(r.TextX)
		w.raw("\" y=\"")
		w.px(r.LabelY)
		w.raw("\"><title>")
		w.text(r.Title)
		w.raw("</title>")
		w.text(r.Text)
		w.raw("</text>\n    ")
	}
	w.raw("\n  </svg>\n</figure>\n")
}
