package sources

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/extract"
	"evidencepack/transforms"
)

// State keys of the PagerDuty source.
const (
	// pagerDutyFetchedUntil is the end of the creation times fetched: the
	// window end, or the server's clock when that is earlier.
	pagerDutyFetchedUntil = "fetched_until"
	// pagerDutyOpenDates lists, comma-separated, the creation dates
	// (YYYY-MM-DD) of incidents that were not resolved when last fetched.
	pagerDutyOpenDates = "open_dates"
)

// pagerDuty reads the incidents created in the window from the PagerDuty
// REST API v2, page by page, through the pagerduty record mapping.
//
// An incident's date is its created_at date, and GET /incidents selects by
// created_at, so each fetched range of whole days yields whole partitions.
// With replace: input_dates a run also fetches the days since the last
// fetched day when runs were missed, at most max_lookback_days of them.
// It also fetches each earlier day on which an incident was still open at
// the last fetch, so acknowledge and resolve times that come after an
// incident's own window still land.
type pagerDuty struct {
	src    config.Source
	api    *apiClient
	state  map[string]string
	from   time.Time
	until  time.Time
	limit  int
	fetch  Fetch
	hashed *fetchHash
	// open holds the creation dates of the fetched incidents that are
	// not resolved, and the stored open dates after the window.
	open map[time.Time]bool
}

func newPagerDuty(src config.Source, opts Options) (*pagerDuty, error) {
	tok, err := token(opts.Getenv, src.Name, src.Location.TokenEnv)
	if err != nil {
		return nil, err
	}
	api := &apiClient{base: src.Location.URL, auth: "Token token=" + tok, tokenEnv: src.Location.TokenEnv,
		accept: "application/vnd.pagerduty+json;version=2", http: opts.HTTPClient, sleep: opts.Sleep,
		log: opts.Logger.With("source", src.Name)}
	return &pagerDuty{src: src, api: api, state: opts.State, from: utcDay(opts.From), until: dayAfter(opts.To),
		limit: src.Location.PageSize}, nil
}

// incidentPage is one GET /incidents response.
type incidentPage struct {
	Incidents []json.RawMessage `json:"incidents"`
	More      bool              `json:"more"`
}

// dayRange is the creation times from start to end, end excluded, both
// UTC midnights.
type dayRange struct {
	start, end time.Time
}

// Extract fetches every range that plan returns and returns the new marks.
func (p *pagerDuty) Extract(ctx context.Context, sink transforms.Sink) (*Report, error) {
	endpoint := p.api.base + "/incidents"
	p.hashed = newFetchHash()
	p.fetch = Fetch{Source: p.src.Name, Endpoint: endpoint}
	p.open = map[time.Time]bool{}
	ranges, err := p.plan()
	if err != nil {
		return nil, err
	}
	stream, err := extract.NewRecordStream(ctx, p.src, endpoint, sink)
	if err != nil {
		return nil, err
	}
	for _, r := range ranges {
		if err := p.fetchRange(ctx, stream, r); err != nil {
			return nil, err
		}
	}
	state := p.nextState()
	p.fetch.Rows, p.fetch.Bytes, p.fetch.SHA256 = stream.Records(), p.hashed.bytes, p.hashed.sum()
	p.fetch.HighWaterMarks = map[string]string{"previous": p.state[pagerDutyFetchedUntil],
		pagerDutyFetchedUntil: state[pagerDutyFetchedUntil], pagerDutyOpenDates: state[pagerDutyOpenDates]}
	return &Report{Records: stream.Records(), Fetches: []Fetch{p.fetch}, State: state}, nil
}

func (p *pagerDuty) replacesInputDates() bool { return p.src.Replace == config.ReplaceInputDates }

// plan returns the ranges to fetch, oldest first: the window, moved back
// to the last fetched day when runs were missed, and with replace:
// input_dates each earlier day that had an open incident.
func (p *pagerDuty) plan() ([]dayRange, error) {
	since, err := p.since()
	if err != nil {
		return nil, err
	}
	var ranges []dayRange
	for _, d := range p.storedOpenDates() {
		if !d.Before(p.until) {
			p.open[d] = true // after this window: fetched by a later run
			continue
		}
		if !d.Before(since) {
			continue
		}
		if !p.replacesInputDates() {
			p.api.log.Warn("incidents created on this date were open at the last fetch; replace: window loads their later acknowledge and resolve times only in a run whose window covers the date",
				"date", d.Format(time.DateOnly))
			continue
		}
		next := d.AddDate(0, 0, 1)
		if n := len(ranges); n > 0 && ranges[n-1].end.Equal(d) {
			ranges[n-1].end = next
			continue
		}
		ranges = append(ranges, dayRange{start: d, end: next})
	}
	if n := len(ranges); n > 0 && ranges[n-1].end.Equal(since) {
		ranges[n-1].end = p.until
		return ranges, nil
	}
	return append(ranges, dayRange{start: since, end: p.until}), nil
}

// since returns the start of the window's range: the window start, or
// the last fetched day when the last successful run fetched up to a day
// before the window. That gap is fetched when it spans at most
// max_lookback_days and the source replaces its input dates. Otherwise
// the run fails, naming the dates to run.
func (p *pagerDuty) since() (time.Time, error) {
	stored := p.state[pagerDutyFetchedUntil]
	if stored == "" {
		return p.from, nil
	}
	fetchedUntil, err := time.Parse(time.RFC3339, stored)
	if err != nil {
		return time.Time{}, fmt.Errorf("source %s: stored mark %s %q is not an RFC 3339 time; remove it from source_state so the next run fetches its window only: %w",
			p.src.Name, pagerDutyFetchedUntil, stored, err)
	}
	gapStart := utcDay(fetchedUntil)
	if !gapStart.Before(p.from) {
		return p.from, nil
	}

	days := int(p.from.Sub(gapStart).Hours() / 24)
	first, last := gapStart.Format(time.DateOnly), p.from.AddDate(0, 0, -1).Format(time.DateOnly)
	if !p.replacesInputDates() {
		return time.Time{}, fmt.Errorf("source %s: no run fetched the incidents created from %s to %s, since the last successful run fetched up to %s; "+
			"run `evidencepack run --from %s --to %s`, or set replace: input_dates so that runs fetch missed dates",
			p.src.Name, first, last, stored, first, last)
	}

	maxDays := config.DefaultMaxLookbackDays
	if p.src.Location.MaxLookbackDays != nil {
		maxDays = *p.src.Location.MaxLookbackDays
	}
	if days > maxDays {
		return time.Time{}, fmt.Errorf("source %s: no run fetched the incidents created from %s to %s (%d days), more than location.max_lookback_days %d; "+
			"run `evidencepack run --from %s --to %s`, or raise max_lookback_days",
			p.src.Name, first, last, days, maxDays, first, last)
	}
	p.api.log.Warn("fetching the incidents of missed runs", "from", first, "to", last, "days", days)
	return gapStart, nil
}

// storedOpenDates returns the stored open dates in order, skipping text
// that is not a date.
func (p *pagerDuty) storedOpenDates() []time.Time {
	var dates []time.Time
	for _, text := range strings.Split(p.state[pagerDutyOpenDates], ",") {
		d, err := time.Parse(time.DateOnly, strings.TrimSpace(text))
		if err != nil {
			continue
		}
		dates = append(dates, d)
	}
	slices.SortFunc(dates, func(a, b time.Time) int { return a.Compare(b) })
	return slices.CompactFunc(dates, time.Time.Equal)
}

// nextState returns the marks to store. fetched_until is the window end,
// or the Date of the first response when that is earlier, so a window
// that ends in the future is fetched again. It never moves back.
// open_dates is always set, also to "", so a stored list is replaced.
// NOTE: a date stays in open_dates, and is fetched by every run, for as
// long as one of its incidents stays unresolved.
func (p *pagerDuty) nextState() map[string]string {
	until := p.until
	if served := p.api.firstServed; !served.IsZero() && served.Before(until) {
		until = served
	}
	fetchedUntil := until.Format(time.RFC3339)
	if previous, err := time.Parse(time.RFC3339, p.state[pagerDutyFetchedUntil]); err == nil && previous.After(until) {
		fetchedUntil = p.state[pagerDutyFetchedUntil]
	}
	open := make([]string, 0, len(p.open))
	for d := range p.open {
		open = append(open, d.Format(time.DateOnly))
	}
	slices.Sort(open)
	return map[string]string{pagerDutyFetchedUntil: fetchedUntil, pagerDutyOpenDates: strings.Join(open, ",")}
}

// fetchRange pages through GET /incidents with since and until set to r
// until a response has more=false or no incidents.
func (p *pagerDuty) fetchRange(ctx context.Context, stream *extract.RecordStream, r dayRange) error {
	for offset, more := 0, true; more; {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("source %s: %w", p.src.Name, err)
		}
		page, err := p.page(ctx, r, offset)
		if err != nil {
			return err
		}
		for _, raw := range page.Incidents {
			if err := p.addIncident(ctx, stream, raw); err != nil {
				return err
			}
		}
		offset += len(page.Incidents)
		more = page.More && len(page.Incidents) > 0
	}
	return nil
}

// page fetches the incidents of r from offset on.
// NOTE: PagerDuty's classic pagination stops at offset 10000, so a range
// with more incidents needs a shorter window per run.
func (p *pagerDuty) page(ctx context.Context, r dayRange, offset int) (*incidentPage, error) {
	q := url.Values{
		"since":     {r.start.Format(time.RFC3339)},
		"until":     {r.end.Format(time.RFC3339)},
		"limit":     {strconv.Itoa(p.limit)},
		"offset":    {strconv.Itoa(offset)},
		"time_zone": {"UTC"},
	}
	body, err := p.api.get(ctx, "/incidents", q)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", p.src.Name, err)
	}
	p.fetch.Pages++
	p.hashed.Write(body)
	var page incidentPage
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, fmt.Errorf("source %s: GET %s/incidents offset %d: invalid JSON response: %w", p.src.Name, p.api.base, offset, err)
	}
	return &page, nil
}

// addIncident completes an incident from its log entries when it lacks
// its acknowledgement or resolution time, and maps it.
func (p *pagerDuty) addIncident(ctx context.Context, stream *extract.RecordStream, raw json.RawMessage) error {
	incident, err := decodeJSONObject(raw)
	if err != nil {
		return stream.Add(raw) // the mapping rejects it with the reason
	}
	p.noteOpen(incident)
	if needsLogEntries(incident) {
		if err := p.completeFromLog(ctx, incident); err != nil {
			return err
		}
		if raw, err = json.Marshal(incident); err != nil {
			return fmt.Errorf("source %s: encode incident: %w", p.src.Name, err)
		}
	}
	return stream.Add(raw)
}

// noteOpen records the creation date of an incident that is not resolved.
func (p *pagerDuty) noteOpen(incident map[string]any) {
	if status, _ := incident["status"].(string); status == "resolved" {
		return
	}
	text, _ := incident["created_at"].(string)
	if created, err := time.Parse(time.RFC3339, text); err == nil {
		p.open[utcDay(created.UTC())] = true
	}
}

// needsLogEntries reports whether an acknowledged or resolved incident
// lacks acknowledgements, or a resolved one lacks resolved_at.
func needsLogEntries(incident map[string]any) bool {
	status, _ := incident["status"].(string)
	if status != "acknowledged" && status != "resolved" {
		return false
	}
	acks, _ := incident["acknowledgements"].([]any)
	_, hasResolved := incident["resolved_at"].(string)
	return len(acks) == 0 || (status == "resolved" && !hasResolved)
}

// logEntryPage is one GET /incidents/{id}/log_entries response.
type logEntryPage struct {
	LogEntries []struct {
		Type      string `json:"type"`
		CreatedAt string `json:"created_at"`
	} `json:"log_entries"`
	More bool `json:"more"`
}

// completeFromLog sets acknowledgements from the first acknowledge log
// entry and resolved_at from the last resolve log entry.
func (p *pagerDuty) completeFromLog(ctx context.Context, incident map[string]any) error {
	id, _ := incident["id"].(string)
	var firstAck, lastResolve string
	for offset, more := 0, true; more; {
		page, err := p.logPage(ctx, id, offset)
		if err != nil {
			return err
		}
		for _, e := range page.LogEntries {
			switch e.Type {
			case "acknowledge_log_entry":
				firstAck = earlier(firstAck, e.CreatedAt)
			case "resolve_log_entry":
				lastResolve = later(lastResolve, e.CreatedAt)
			}
		}
		offset += len(page.LogEntries)
		more = page.More && len(page.LogEntries) > 0
	}
	if acks, _ := incident["acknowledgements"].([]any); len(acks) == 0 && firstAck != "" {
		incident["acknowledgements"] = []any{map[string]any{"at": firstAck}}
	}
	if _, ok := incident["resolved_at"].(string); !ok && lastResolve != "" && incident["status"] == "resolved" {
		incident["resolved_at"] = lastResolve
	}
	return nil
}

func (p *pagerDuty) logPage(ctx context.Context, id string, offset int) (*logEntryPage, error) {
	q := url.Values{"limit": {strconv.Itoa(p.limit)}, "offset": {strconv.Itoa(offset)}, "time_zone": {"UTC"}}
	path := "/incidents/" + url.PathEscape(id) + "/log_entries"
	body, err := p.api.get(ctx, path, q)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", p.src.Name, err)
	}
	p.fetch.Pages++
	p.hashed.Write(body)
	var page logEntryPage
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, fmt.Errorf("source %s: GET %s%s: invalid JSON response: %w", p.src.Name, p.api.base, path, err)
	}
	return &page, nil
}

// earlier and later compare RFC 3339 UTC times, which the time_zone=UTC
// parameter makes PagerDuty return, as text.
func earlier(a, b string) string {
	if a == "" || (b != "" && b < a) {
		return b
	}
	return a
}

func later(a, b string) string {
	if b > a {
		return b
	}
	return a
}

func decodeJSONObject(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	return obj, nil
}
