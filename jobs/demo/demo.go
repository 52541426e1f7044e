// Package demo writes a deterministic set of demo inputs for evidencepack:
// an accounts CSV, Segment usage events, Label Studio review exports, FOCUS
// cost exports and PagerDuty incident lists. The data carries the
// irregularities real inputs have (late, duplicate and malformed events,
// updated and cancelled labels, credits, commitments, unresolved incidents)
// so that every part of the pipeline has something to handle.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"time"
)

// Options selects what Generate writes. Zero values take the defaults.
type Options struct {
	// Seed selects the random streams. The same seed and options give
	// byte-identical files.
	Seed int64
	// Accounts is the number of customer accounts, at least 2. Zero means 25.
	Accounts int
	// From and To are the first and last UTC dates of the data, both
	// included. Zero values mean 2026-07-01 and 2026-09-30.
	From, To time.Time
	// Scale multiplies the number of cases and so the event volume. Zero
	// means 1. Every event is held in memory, which measured about 15 MB
	// per 1.0 of scale with Go 1.26 on linux/amd64. The maximum is 100.
	Scale float64
}

// Default option values.
const (
	DefaultAccounts = 25
	DefaultScale    = 1.0
)

// DefaultFrom and DefaultTo bound the default quarter, both days included.
var (
	DefaultFrom = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	DefaultTo   = time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
)

// maxDays caps the date range so that a wrong year cannot fill a disk.
const maxDays = 800

// Random stream ids: each kind of file draws from its own stream so that a
// change in one generator leaves the others' output unchanged.
const (
	streamAccounts uint64 = iota + 1
	streamUsage
	streamLabels
	streamCosts
	streamIncidents
)

// withDefaults fills zero options and validates the rest.
func (o Options) withDefaults() (Options, error) {
	if o.Accounts == 0 {
		o.Accounts = DefaultAccounts
	}
	if o.Scale == 0 {
		o.Scale = DefaultScale
	}
	if o.From.IsZero() {
		o.From = DefaultFrom
	}
	if o.To.IsZero() {
		o.To = DefaultTo
	}
	o.From, o.To = utcDay(o.From), utcDay(o.To)
	switch {
	case o.Accounts < 2:
		return o, fmt.Errorf("invalid accounts %d: need at least 2, for the two sub-account mapped accounts", o.Accounts)
	case o.Scale < 0 || o.Scale > 100:
		return o, fmt.Errorf("invalid scale %g: must be between 0 and 100", o.Scale)
	case o.To.Before(o.From):
		return o, fmt.Errorf("invalid date range: to %s is before from %s", o.To.Format(time.DateOnly), o.From.Format(time.DateOnly))
	case o.To.Sub(o.From) > maxDays*24*time.Hour:
		return o, fmt.Errorf("invalid date range %s..%s: longer than %d days", o.From.Format(time.DateOnly), o.To.Format(time.DateOnly), maxDays)
	}
	return o, nil
}

// Generate writes the demo inputs under dir: accounts.csv and the usage,
// labels, costs and incidents folders. Each file is written to a temporary
// name and renamed into place. Files of an earlier run that this run does
// not write, such as months outside the range, are left in place.
func Generate(ctx context.Context, dir string, opts Options) (Summary, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return Summary{}, err
	}
	g := newGenerator(dir, o)
	steps := []func(context.Context) error{
		g.writeAccounts,
		g.writeUsage,
		g.writeLabels,
		g.writeCosts,
		g.writeIncidents,
	}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return g.summary, err
		}
		if err := step(ctx); err != nil {
			return g.summary, err
		}
	}
	return g.summary, nil
}

// generator holds the simulated world shared by the file writers.
type generator struct {
	dir      string
	opts     Options
	days     []time.Time // every UTC date of the range
	months   []month
	end      time.Time // the instant after the last day
	accounts []*account
	sim      *simulation // cases and events, filled by writeUsage
	summary  Summary
}

// month is one calendar month and the days of it inside the range.
type month struct {
	start time.Time // first day of the calendar month
	days  []time.Time
}

// end returns the first instant of the next calendar month.
func (m month) end() time.Time { return m.start.AddDate(0, 1, 0) }

// label returns the month as YYYY-MM.
func (m month) label() string { return m.start.Format("2006-01") }

func newGenerator(dir string, o Options) *generator {
	g := &generator{dir: dir, opts: o, end: o.To.AddDate(0, 0, 1)}
	for d := o.From; !d.After(o.To); d = d.AddDate(0, 0, 1) {
		g.days = append(g.days, d)
		start := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
		if len(g.months) == 0 || !g.months[len(g.months)-1].start.Equal(start) {
			g.months = append(g.months, month{start: start})
		}
		g.months[len(g.months)-1].days = append(g.months[len(g.months)-1].days, d)
	}
	g.accounts = newAccounts(g.rand(streamAccounts), o.Accounts)
	g.summary = Summary{Dir: filepath.Clean(dir), Records: map[string]int{}, Defects: map[string]int{}}
	return g
}

// rand returns the random stream with the given id for the run's seed.
func (g *generator) rand(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(g.opts.Seed), stream))
}

// progress returns how far t lies through the range, from 0 to 1.
func (g *generator) progress(t time.Time) float64 {
	span := g.end.Sub(g.opts.From)
	p := float64(t.Sub(g.opts.From)) / float64(span)
	return min(max(p, 0), 1)
}

func utcDay(t time.Time) time.Time {
	u := t.UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
}
