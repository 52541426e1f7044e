package render

import "fmt"

// hbarChart is a horizontal bar chart with one row per category and a
// fixed 0 to 100% axis, used for review accuracy by workflow.
type hbarChart struct {
	Title  string
	Desc   string
	Height float64
	Ticks  []hbarTick
	Rows   []hbarRow
}

type hbarTick struct {
	X     float64
	Label string
}

type hbarRow struct {
	Y, W, LabelY float64
	Label        string
	Text         string
	Title        string
	Missing      bool
}

const (
	hbarLeft      = 190.0
	hbarRight     = chartWidth - 70
	hbarRowHeight = 28.0
	hbarTop       = 12.0
)

// newPercentBars lays out one row per label with values from 0 to 100.
func newPercentBars(title, desc string, labels []string, values []chartValue) hbarChart {
	c := hbarChart{Title: title, Desc: desc}
	c.Height = hbarTop + float64(len(labels))*hbarRowHeight + 26
	axisWidth := hbarRight - hbarLeft
	for _, v := range []float64{0, 25, 50, 75, 100} {
		c.Ticks = append(c.Ticks, hbarTick{X: hbarLeft + v/100*axisWidth, Label: fmt.Sprintf("%g%%", v)})
	}
	for i, label := range labels {
		top := hbarTop + float64(i)*hbarRowHeight
		row := hbarRow{Y: top + 5, LabelY: top + 19, Label: label, Text: values[i].Text, Title: values[i].Title}
		if !values[i].OK {
			row.Missing = true
		} else {
			row.W = max(values[i].Value, 0) / 100 * axisWidth
		}
		c.Rows = append(c.Rows, row)
	}
	return c
}
