package demo

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// Shares of events that get each treatment, and the rate of malformed
// records: one in malformedEvery events, with at least one of each kind.
const (
	batchShare     = 0.02
	lateShare      = 0.015
	duplicateShare = 0.003
	malformedEvery = 2000
)

// usageLine is one line of a daily file: an event, or raw text for the
// malformed records that no event can be marshalled into.
type usageLine struct {
	arrival time.Time
	event   *usageEvent
	raw     []byte
}

// usagePlan holds the written form of the simulated events.
type usagePlan struct {
	r       *rand.Rand
	events  []*usageEvent
	lines   []usageLine
	batched []*usageEvent
	defects map[string]int
}

// writeUsage simulates the events and writes the daily JSONL files and
// the monthly batch files.
func (g *generator) writeUsage(ctx context.Context) error {
	sim, err := g.simulate(ctx)
	if err != nil {
		return err
	}
	g.sim = sim
	plan := g.planUsage(sim)
	for name, n := range plan.defects {
		g.summary.Defects[name] += n
	}
	if err := g.writeDailyFiles(ctx, plan.lines); err != nil {
		return err
	}
	return g.writeBatchFiles(ctx, plan.batched)
}

// planUsage decides which events go to batch files, arrive late, are
// duplicated or malformed, and returns the lines in arrival order.
func (g *generator) planUsage(sim *simulation) *usagePlan {
	p := &usagePlan{r: sim.r, events: sim.events, defects: map[string]int{}}
	for _, e := range sim.events {
		p.route(e, g.end)
	}
	p.addMalformed(max(5, (len(sim.events)+malformedEvery/2)/malformedEvery))
	for _, e := range sim.events {
		if !e.InBatch && e.Defect == "" && p.r.Float64() < duplicateShare {
			arrival := e.Arrival.Add(durationBetween(p.r, time.Second, 10*time.Minute))
			if !arrival.Before(g.end) {
				arrival = e.Arrival
			}
			p.lines = append(p.lines, usageLine{arrival: arrival, event: e})
			p.defects[DefectDuplicateLine]++
		}
		if !e.InBatch && e.Offset != 0 && e.Defect != DefectZonelessTimestamp {
			p.defects[DefectOffsetTimestamp]++
		}
	}
	slices.SortStableFunc(p.lines, func(a, b usageLine) int { return a.arrival.Compare(b.arrival) })
	slices.SortStableFunc(p.batched, func(a, b *usageEvent) int { return a.At.Compare(b.At) })
	return p
}

// route sends an event to a batch file or a daily line, late or on time.
func (p *usagePlan) route(e *usageEvent, end time.Time) {
	if p.r.Float64() < batchShare {
		e.InBatch = true
		p.batched = append(p.batched, e)
		return
	}
	if p.r.Float64() < lateShare {
		arrival := e.At.Add(durationBetween(p.r, 24*time.Hour, 4*24*time.Hour))
		if arrival.Before(end) && utcDay(arrival).After(utcDay(e.At)) {
			e.Arrival, e.Late = arrival, true
			p.defects[DefectLateEvent]++
		}
	}
	p.lines = append(p.lines, usageLine{arrival: e.Arrival, event: e})
}

// malformedKinds are added in turn until the planned count is reached.
var malformedKinds = []string{
	DefectBadJSON, DefectZonelessTimestamp, DefectUnknownEvent,
	DefectNegativeHandleTime, DefectIdentifyCall,
}

// addMalformed adds n malformed records, cycling through malformedKinds.
func (p *usagePlan) addMalformed(n int) {
	for i := range n {
		kind := malformedKinds[i%len(malformedKinds)]
		if p.addOneMalformed(kind) {
			p.defects[kind]++
		}
	}
}

// addOneMalformed adds one malformed record of the given kind, built on a
// randomly chosen event written to a daily file. It reports whether a
// suitable event was found.
func (p *usagePlan) addOneMalformed(kind string) bool {
	want := ""
	switch kind {
	case DefectZonelessTimestamp:
		want = eventSuggestion
	case DefectNegativeHandleTime:
		want = eventCaseResolved
	}
	e := p.pickEvent(want)
	if e == nil {
		return false
	}
	switch kind {
	case DefectZonelessTimestamp, DefectNegativeHandleTime:
		e.Defect = kind
	case DefectBadJSON:
		whole, _ := json.Marshal(trackRecord(e))
		cut := whole[:len(whole)*3/5]
		p.lines = append(p.lines, usageLine{arrival: e.Arrival.Add(-time.Millisecond), raw: cut})
	case DefectUnknownEvent:
		u := *e
		u.Name, u.Defect, u.MessageID = eventUnknown, kind, uuid(p.r)
		u.At = u.At.Add(durationBetween(p.r, time.Second, time.Minute))
		u.Arrival = u.At
		p.lines = append(p.lines, usageLine{arrival: u.Arrival, event: &u})
	case DefectIdentifyCall:
		raw, _ := json.Marshal(identifyRecord(e, uuid(p.r)))
		p.lines = append(p.lines, usageLine{arrival: e.Arrival.Add(-time.Second), raw: raw})
	}
	return true
}

// pickEvent returns a random unaltered daily-file event, of the given name
// when name is not empty, or nil after many misses.
func (p *usagePlan) pickEvent(name string) *usageEvent {
	if len(p.events) == 0 {
		return nil
	}
	for range 100_000 {
		e := p.events[p.r.IntN(len(p.events))]
		if e.InBatch || e.Defect != "" || e.Late || (name != "" && e.Name != name) {
			continue
		}
		return e
	}
	return nil
}

// writeDailyFiles writes usage/YYYY-MM-DD.jsonl for every day of the
// range, each with the lines that arrived on that UTC day.
func (g *generator) writeDailyFiles(ctx context.Context, lines []usageLine) error {
	next := 0
	for _, day := range g.days {
		end := day.AddDate(0, 0, 1)
		first := next
		for next < len(lines) && lines[next].arrival.Before(end) {
			next++
		}
		rel := "usage/" + day.Format(time.DateOnly) + ".jsonl"
		err := g.writeFile(ctx, rel, KindUsage, func(w *bufio.Writer) (int, error) {
			return writeLines(ctx, w, lines[first:next])
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func writeLines(ctx context.Context, w *bufio.Writer, lines []usageLine) (int, error) {
	for i, l := range lines {
		if err := checkCtx(ctx, i+1); err != nil {
			return i, err
		}
		data := l.raw
		if l.event != nil {
			var err error
			if data, err = json.Marshal(trackRecord(l.event)); err != nil {
				return i, err
			}
		}
		if _, err := w.Write(data); err != nil {
			return i, err
		}
		if err := w.WriteByte('\n'); err != nil {
			return i, err
		}
	}
	return len(lines), nil
}

// segmentBatch is the body of a Segment HTTP API batch request.
type segmentBatch struct {
	Batch  []trackJSON `json:"batch"`
	SentAt string      `json:"sentAt"`
}

// writeBatchFiles writes usage/batches/batch-YYYY-MM.json for every month,
// with the batched events that happened in it.
func (g *generator) writeBatchFiles(ctx context.Context, events []*usageEvent) error {
	for _, m := range g.months {
		body := segmentBatch{Batch: []trackJSON{}}
		last := m.days[0]
		for _, e := range events {
			if !e.At.Before(m.start) && e.At.Before(m.end()) {
				body.Batch = append(body.Batch, trackRecord(e))
				if e.At.After(last) {
					last = e.At
				}
			}
		}
		body.SentAt = last.Add(90 * time.Second).Format(segmentTimeLayout)
		rel := fmt.Sprintf("usage/batches/batch-%s.json", m.label())
		err := g.writeFile(ctx, rel, KindUsage, func(w *bufio.Writer) (int, error) {
			return len(body.Batch), writeIndentedJSON(w, body)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
