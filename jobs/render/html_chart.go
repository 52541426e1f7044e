package render

import (
	"math"
	"strconv"
)

// Chart geometry in SVG user units. Pages scale each chart to the width of
// its column through the viewBox.
const (
	chartWidth      = 640.0
	smallChartWidth = 320.0
	chartHeight     = 230.0
	plotLeft        = 56.0
	plotTop         = 34.0
	plotBottom      = chartHeight - 30
)

// chartValue is one measured figure: Value sizes the mark, Text is the
// pack's display text and Title the hover text.
type chartValue struct {
	Value float64
	OK    bool
	Text  string
	Title string
}

// chartSeries is one named series of a bar chart, one value per label.
type chartSeries struct {
	Name   string
	Class  string
	Values []chartValue
}

// barChart is a vertical bar chart ready for the SVG template.
type barChart struct {
	Width  float64
	Right  float64
	Title  string
	Desc   string
	Legend []legendEntry
	Ticks  []axisTick
	Groups []barGroup
	ZeroY  float64
}

type legendEntry struct {
	X     float64
	Name  string
	Class string
}

type axisTick struct {
	Y     float64
	Label string
}

type barGroup struct {
	Label  string
	LabelX float64
	Bars   []bar
}

// bar is one rectangle with its value label above (or below) it. A value
// that is n/a gets no rectangle and the label "n/a".
type bar struct {
	X, Y, W, H   float64
	TextX, TextY float64
	Class        string
	Text         string
	Title        string
	Missing      bool
}

// newBarChart lays out one group of bars per label, one bar per series,
// in a chart width units wide. unit formats the axis ticks: "count",
// "percent" or a currency code.
func newBarChart(width float64, title, desc, unit string, labels []string, series []chartSeries) barChart {
	low, high := valueRange(series)
	scale := newLinearScale(low, high, plotBottom, plotTop)
	plotRight := width - 12
	c := barChart{Width: width, Right: plotRight, Title: title, Desc: desc, ZeroY: scale.y(0)}
	for _, v := range scale.ticks {
		c.Ticks = append(c.Ticks, axisTick{Y: scale.y(v), Label: tickLabel(v, unit)})
	}
	for i, s := range series {
		c.Legend = append(c.Legend, legendEntry{X: plotLeft + float64(i)*200, Name: s.Name, Class: s.Class})
	}
	groupWidth := (plotRight - plotLeft) / float64(max(len(labels), 1))
	barWidth := math.Min(56, groupWidth*0.7/float64(max(len(series), 1)))
	for i, label := range labels {
		left := plotLeft + float64(i)*groupWidth
		g := barGroup{Label: label, LabelX: left + groupWidth/2}
		start := g.LabelX - barWidth*float64(len(series))/2
		for j, s := range series {
			g.Bars = append(g.Bars, newBar(scale, s, i, start+float64(j)*barWidth, barWidth))
		}
		c.Groups = append(c.Groups, g)
	}
	return c
}

func newBar(scale linearScale, s chartSeries, i int, x, width float64) bar {
	v := chartValue{Text: notAvailable}
	if i < len(s.Values) {
		v = s.Values[i]
	}
	b := bar{X: x + 2, W: width - 4, Class: s.Class, Text: v.Text, Title: v.Title, TextX: x + width/2}
	if !v.OK {
		b.Missing = true
		b.TextY = scale.y(0) - 6
		return b
	}
	top, bottom := scale.y(math.Max(v.Value, 0)), scale.y(math.Min(v.Value, 0))
	b.Y, b.H = top, math.Max(bottom-top, 1)
	b.TextY = top - 6
	if v.Value < 0 {
		b.TextY = bottom + 14
	}
	return b
}

func valueRange(series []chartSeries) (low, high float64) {
	for _, s := range series {
		for _, v := range s.Values {
			if v.OK {
				low, high = math.Min(low, v.Value), math.Max(high, v.Value)
			}
		}
	}
	return low, high
}

// linearScale maps values to SVG y coordinates over rounded tick values.
type linearScale struct {
	low, high   float64
	bottom, top float64
	ticks       []float64
}

// newLinearScale extends low..high to a round step so that the axis has
// about four ticks; an all-zero range becomes 0..1.
func newLinearScale(low, high, bottom, top float64) linearScale {
	if high-low == 0 {
		high = 1
	}
	step := niceStep((high - low) / 4)
	low = math.Floor(low/step) * step
	high = math.Ceil(high/step) * step
	s := linearScale{low: low, high: high, bottom: bottom, top: top}
	for v := low; v <= high+step/2; v += step {
		s.ticks = append(s.ticks, v)
	}
	return s
}

func (s linearScale) y(v float64) float64 {
	return s.bottom - (v-s.low)/(s.high-s.low)*(s.bottom-s.top)
}

// niceStep rounds a raw step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	power := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*power {
			return m * power
		}
	}
	return 10 * power
}

// tickLabel formats an axis tick. Money ticks are rounded for the axis
// only: "€2.5k".
func tickLabel(v float64, unit string) string {
	switch unit {
	case "count":
		return compactNumber(v)
	case "percent":
		return compactNumber(v) + "%"
	default:
		prefix := unit + " "
		if symbol, ok := currencySymbols[unit]; ok {
			prefix = symbol
		}
		if v < 0 {
			return "-" + prefix + compactNumber(-v)
		}
		return prefix + compactNumber(v)
	}
}

func compactNumber(v float64) string {
	if math.Abs(v) >= 1000 {
		return strconv.FormatFloat(v/1000, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}
