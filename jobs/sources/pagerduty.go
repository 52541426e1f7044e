package sources

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"evidencepack/config"
	"evidencepack/jobs/extract"
	"evidencepack/transforms"
)

// pagerDuty reads the incidents created in the window from the PagerDuty
// REST API v2, page by page, through the pagerduty record mapping.
type pagerDuty struct {
	src    config.Source
	api    *apiClient
	from   time.Time
	until  time.Time
	limit  int
	fetch  Fetch
	hashed *fetchHash
}

func newPagerDuty(src config.Source, opts Options) (*pagerDuty, error) {
	tok, err := token(opts.Getenv, src.Name, src.Location.TokenEnv)
	if err != nil {
		return nil, err
	}
	api := &apiClient{base: src.Location.URL, auth: "Token token=" + tok, tokenEnv: src.Location.TokenEnv,
		accept: "application/vnd.pagerduty+json;version=2", http: opts.HTTPClient, sleep: opts.Sleep,
		log: opts.Logger.With("source", src.Name)}
	return &pagerDuty{src: src, api: api, from: utcDay(opts.From), until: dayAfter(opts.To),
		limit: src.Location.PageSize}, nil
}

// incidentPage is one GET /incidents response.
type incidentPage struct {
	Incidents []json.RawMessage `json:"incidents"`
	More      bool              `json:"more"`
}

// Extract pages through GET /incidents with since and until set to the
// window in UTC until a response has more=false or no incidents.
func (p *pagerDuty) Extract(ctx context.Context, sink transforms.Sink) (*Report, error) {
	endpoint := p.api.base + "/incidents"
	stream, err := extract.NewRecordStream(ctx, p.src, endpoint, sink)
	if err != nil {
		return nil, err
	}
	p.hashed = newFetchHash()
	p.fetch = Fetch{Source: p.src.Name, Endpoint: endpoint}
	for offset, more := 0, true; more; {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("source %s: %w", p.src.Name, err)
		}
		page, err := p.page(ctx, offset)
		if err != nil {
			return nil, err
		}
		for _, raw := range page.Incidents {
			if err := p.addIncident(ctx, stream, raw); err != nil {
				return nil, err
			}
		}
		offset += len(page.Incidents)
		more = page.More && len(page.Incidents) > 0
	}
	p.fetch.Rows, p.fetch.Bytes, p.fetch.SHA256 = stream.Records(), p.hashed.bytes, p.hashed.sum()
	return &Report{Records: stream.Records(), Fetches: []Fetch{p.fetch}}, nil
}

// page fetches the incidents from offset on.
// NOTE: PagerDuty's classic pagination stops at offset 10000, so a window
// with more incidents needs a shorter window per run.
func (p *pagerDuty) page(ctx context.Context, offset int) (*incidentPage, error) {
	q := url.Values{
		"since":     {p.from.Format(time.RFC3339)},
		"until":     {p.until.Format(time.RFC3339)},
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
