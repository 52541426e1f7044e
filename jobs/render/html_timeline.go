package render

import (
	"fmt"
	"time"
)

// timelineChart places each incident of the period on a time axis: a
// marker where it opened and a bar to where it was resolved, or to the
// end of the axis while it is open.
type timelineChart struct {
	Title  string
	Desc   string
	Height float64
	Ticks  []hbarTick
	Rows   []timelineRow
}

type timelineRow struct {
	X, W, Y, LabelY float64
	Label           string
	Text            string
	TextX           float64
	Title           string
	Class           string
	Open            bool
}

const (
	timelineLeft      = 130.0
	timelineRight     = chartWidth - 96
	timelineRowHeight = 24.0
	timelineTop       = 8.0
)

// newTimeline lays out the incidents over the period from start to end.
func newTimeline(incidents []Incident, start, end time.Time) timelineChart {
	c := timelineChart{Title: "Incidents over the period", Desc: "Each incident from opened to resolved."}
	c.Height = timelineTop + float64(len(incidents))*timelineRowHeight + 26
	span := end.Sub(start).Seconds()
	x := func(t time.Time) float64 {
		share := min(max(t.Sub(start).Seconds()/span, 0), 1)
		return timelineLeft + share*(timelineRight-timelineLeft)
	}
	for d := start; !d.After(end); d = d.AddDate(0, 1, 0) {
		c.Ticks = append(c.Ticks, hbarTick{X: x(d), Label: d.Format("2 Jan")})
	}
	for i, inc := range incidents {
		c.Rows = append(c.Rows, newTimelineRow(inc, i, x, end))
	}
	return c
}

func newTimelineRow(inc Incident, i int, x func(time.Time) float64, end time.Time) timelineRow {
	top := timelineTop + float64(i)*timelineRowHeight
	opened, _ := time.Parse(incidentTimeLayout, inc.OpenedAt)
	closed, err := time.Parse(incidentTimeLayout, inc.ResolvedAt)
	row := timelineRow{Y: top + 6, LabelY: top + 16, Label: inc.IncidentID, Class: severityClass(inc.Severity)}
	if err != nil {
		closed, row.Open = end, true
	}
	row.X = x(opened)
	row.W = max(x(closed)-row.X, 3)
	row.TextX = row.X + row.W + 6
	row.Text = inc.ResolutionTime
	row.Title = fmt.Sprintf("%s %s opened %s, resolution time %s", inc.IncidentID, inc.Severity, inc.OpenedAt, inc.ResolutionTime)
	return row
}

// severityClass returns the CSS class of a severity; unknown severities
// share one class.
func severityClass(severity string) string {
	switch severity {
	case "sev1", "sev2", "sev3", "sev4":
		return severity
	}
	return "sev-other"
}
