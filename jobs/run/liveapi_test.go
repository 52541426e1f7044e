package run

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"evidencepack/config"
)

// liveAPIFake serves GET /api/tasks of Label Studio project 7 and
// GET /incidents of PagerDuty from editable lists, with a settable Date
// header. Tasks are selected by the tasks:updated_at filter of the query
// parameter and incidents by created_at in [since, until), both paged.
type liveAPIFake struct {
	mu        sync.Mutex
	now       time.Time
	tasks     map[int]string
	incidents map[string]map[string]any
	// incidentRanges records since/until of each first incident page.
	incidentRanges []string
	// taskFilters records the tasks:updated_at filter value of each
	// first task page, "" for none.
	taskFilters []string
}

func (f *liveAPIFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Date", f.now.UTC().Format(http.TimeFormat))
	switch {
	case r.URL.Path == "/api/tasks" && r.Header.Get("Authorization") == "Token ls-secret":
		f.serveTasks(w, r)
	case r.URL.Path == "/incidents" && r.Header.Get("Authorization") == "Token token=pd-secret":
		f.serveIncidents(w, r)
	default:
		http.Error(w, `{"detail":"Authentication credentials were not provided."}`, http.StatusUnauthorized)
	}
}

func (f *liveAPIFake) serveTasks(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var from time.Time
	filterValue := ""
	if query := q.Get("query"); query != "" {
		var parsed struct {
			Filters struct {
				Items []struct{ Filter, Operator, Type, Value string } `json:"items"`
			} `json:"filters"`
		}
		err := json.Unmarshal([]byte(query), &parsed)
		items := parsed.Filters.Items
		if err != nil || len(items) != 1 || items[0].Filter != "filter:tasks:updated_at" || items[0].Operator != "greater_or_equal" {
			http.Error(w, `{"detail":"bad query"}`, http.StatusBadRequest)
			return
		}
		filterValue = items[0].Value
		if from, err = time.Parse("2006-01-02T15:04:05.999999Z", filterValue); err != nil {
			http.Error(w, `{"detail":"bad datetime"}`, http.StatusBadRequest)
			return
		}
	}
	page, _ := strconv.Atoi(q.Get("page"))
	size, _ := strconv.Atoi(q.Get("page_size"))
	if page == 1 {
		f.taskFilters = append(f.taskFilters, filterValue)
	}
	var selected []string
	for _, id := range slices.Sorted(maps.Keys(f.tasks)) {
		var task struct {
			UpdatedAt time.Time `json:"updated_at"`
		}
		if err := json.Unmarshal([]byte(f.tasks[id]), &task); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if !task.UpdatedAt.Before(from) {
			selected = append(selected, f.tasks[id])
		}
	}
	start := (page - 1) * size
	if page < 1 || size < 1 || (page > 1 && start >= len(selected)) {
		http.Error(w, `{"detail":"Invalid page."}`, http.StatusNotFound)
		return
	}
	fmt.Fprintf(w, `{"tasks":[%s],"total":%d}`,
		strings.Join(selected[min(start, len(selected)):min(start+size, len(selected))], ","), len(selected))
}

func (f *liveAPIFake) serveIncidents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	since, errSince := time.Parse(time.RFC3339, q.Get("since"))
	until, errUntil := time.Parse(time.RFC3339, q.Get("until"))
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	if errSince != nil || errUntil != nil || limit < 1 {
		http.Error(w, `{"error":{"message":"Invalid Input Provided"}}`, http.StatusBadRequest)
		return
	}
	if offset == 0 {
		f.incidentRanges = append(f.incidentRanges, q.Get("since")+"/"+q.Get("until"))
	}
	var matching []map[string]any
	for _, id := range slices.Sorted(maps.Keys(f.incidents)) {
		created, err := time.Parse(time.RFC3339, f.incidents[id]["created_at"].(string))
		if err == nil && !created.Before(since) && created.Before(until) {
			matching = append(matching, f.incidents[id])
		}
	}
	body, _ := json.Marshal(map[string]any{"incidents": matching[min(offset, len(matching)):min(offset+limit, len(matching))],
		"limit": limit, "offset": offset, "more": offset+limit < len(matching)})
	w.Write(body)
}

// annotation is one Label Studio annotation of a task with its verdict.
type annotation struct {
	id                        int
	verdict, created, updated string
}

// setTask stores a task of account acme saved last at updated.
func (f *liveAPIFake) setTask(id int, updated string, annotations ...annotation) {
	f.mu.Lock()
	defer f.mu.Unlock()
	parts := make([]string, len(annotations))
	for i, a := range annotations {
		parts[i] = fmt.Sprintf(`{"id":%d,"completed_by":14,"was_cancelled":false,"created_at":%q,"updated_at":%q,
"result":[{"id":"r","type":"choices","from_name":"verdict","to_name":"answer","value":{"choices":[%q]}}]}`,
			a.id, a.created, a.updated, a.verdict)
	}
	f.tasks[id] = fmt.Sprintf(`{"id":%d,"project":7,"created_at":"2026-07-01T00:00:00Z","updated_at":%q,
"data":{"account_id":"acme","workflow":"claims","case_id":"case-%d"},"annotations":[%s]}`,
		id, updated, id, strings.Join(parts, ","))
}

// setLabeledTask stores a task with one annotation, numbered 1000 + id,
// created at created and saved last, with its task, at updated.
func (f *liveAPIFake) setLabeledTask(id int, verdict, created, updated string) {
	f.setTask(id, updated, annotation{id: 1000 + id, verdict: verdict, created: created, updated: updated})
}

// setIncident stores a PagerDuty incident of urgency high.
func (f *liveAPIFake) setIncident(id, status, created, acknowledged, resolved string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	inc := map[string]any{"id": id, "type": "incident", "status": status, "urgency": "high",
		"title": "Incident " + id, "created_at": created, "acknowledgements": []any{},
		"service": map[string]any{"id": "PSVC", "type": "service_reference", "summary": "Claims"}}
	if acknowledged != "" {
		inc["acknowledgements"] = []any{map[string]any{"at": acknowledged}}
	}
	if resolved != "" {
		inc["resolved_at"] = resolved
	}
	f.incidents[id] = inc
}

func (f *liveAPIFake) setNow(now string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now, _ = time.Parse(time.RFC3339, now)
}

// takeRequests returns and clears the recorded task filters and incident
// ranges.
func (f *liveAPIFake) takeRequests() (taskFilters, incidentRanges []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	taskFilters, incidentRanges = f.taskFilters, f.incidentRanges
	f.taskFilters, f.incidentRanges = nil, nil
	return taskFilters, incidentRanges
}

// liveAPIConfig writes and loads a config whose labels come from Label
// Studio and incidents from PagerDuty at url, both with their default
// replace mode, and whose cost lines come from bill/*.csv, read last.
func liveAPIConfig(t *testing.T, dir, url string) *config.Config {
	t.Helper()
	text := fmt.Sprintf(`output_dir: out
accounts:
  - id: acme
    name: Acme
    currency: USD
sources:
  - name: review
    kind: labels
    format: labelstudio
    verdicts: {Correct: correct, Incorrect: incorrect}
    location: {type: labelstudio_api, url: %[1]q, project_id: 7, token_env: EP_LIVEAPI_LS_TOKEN, page_size: 2}
  - name: pager
    kind: incidents
    format: pagerduty
    account: acme
    severities: {high: sev2}
    location: {type: pagerduty_api, url: %[1]q, token_env: EP_LIVEAPI_PD_TOKEN, page_size: 2}
  - name: bill
    kind: costs
    format: focus
    paths: [bill/*.csv]
    attribution: {sub_accounts: {"111": acme}}
pack:
  period: month
  formats: [json]
`, url)
	path := filepath.Join(dir, "live.yaml")
	writeText(t, path, text)
	writeText(t, filepath.Join(dir, "bill", "june.csv"), focusHeader+focusDay(1, "Usage", "1.00"))
	cfg, err := config.Load(path, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	t.Setenv("EP_LIVEAPI_LS_TOKEN", "ls-secret")
	t.Setenv("EP_LIVEAPI_PD_TOKEN", "pd-secret")
	return cfg
}

// storedState returns every stored mark as "source/key" -> value.
func storedState(t *testing.T, cfg *config.Config) map[string]string {
	t.Helper()
	db := openWarehouseReadOnly(t, cfg)
	defer db.Close()
	rows, err := db.Query(`SELECT source, key, value FROM source_state`)
	if err != nil {
		t.Fatalf("read source_state: %v", err)
	}
	defer rows.Close()
	state := map[string]string{}
	for rows.Next() {
		var source, key, value string
		if err := rows.Scan(&source, &key, &value); err != nil {
			t.Fatal(err)
		}
		state[source+"/"+key] = value
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return state
}

// warehouseRows returns one "id dt value count" line per id of a fact
// table, in order.
func warehouseRows(t *testing.T, cfg *config.Config, query string) []string {
	t.Helper()
	db := openWarehouseReadOnly(t, cfg)
	defer db.Close()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, dt, value string
		var n int
		if err := rows.Scan(&id, &dt, &value, &n); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s %s %d", id, dt, value, n))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

const (
	labelRowsQuery = `SELECT label_id, CAST(dt AS VARCHAR), verdict, count(*) FROM review_labels
GROUP BY ALL ORDER BY label_id`
	incidentRowsQuery = `SELECT incident_id, CAST(dt AS VARCHAR), COALESCE(strftime(resolved_at, '%Y-%m-%dT%H:%M:%SZ'), 'open'),
count(*) FROM incidents GROUP BY ALL ORDER BY incident_id`
)

// TestLiveAPIMarksAdvanceOnlyOnCommit runs 1 to 10 July, then 11 to 20
// July twice: the first attempt fails after both API sources were read,
// the second succeeds. Between the first two runs the label of task 2,
// dated 3 July, is edited, a task dated 15 July is added, the open
// incident I2 of 9 July is resolved and incident I3 of 15 July is opened.
// The failed run must leave the marks and facts of the first run. The good
// run must read from those marks and leave every label and incident once,
// with the new values. That includes the labels of 1 and 2 July, which it
// does not read again: task 8, read again because it was saved on 5 July,
// also holds a label of 1 July, which must not replace that date.
func TestLiveAPIMarksAdvanceOnlyOnCommit(t *testing.T) {
	fake := &liveAPIFake{tasks: map[int]string{}, incidents: map[string]map[string]any{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	dir := t.TempDir()
	cfg := liveAPIConfig(t, dir, srv.URL)
	ctx := context.Background()

	fake.setNow("2026-07-11T02:00:00Z")
	fake.setLabeledTask(1, "Correct", "2026-07-02T10:00:00Z", "2026-07-02T10:00:01Z")
	fake.setLabeledTask(2, "Correct", "2026-07-03T10:00:00Z", "2026-07-03T10:00:01Z")
	fake.setLabeledTask(3, "Correct", "2026-07-03T11:00:00Z", "2026-07-03T11:00:01Z")
	fake.setLabeledTask(4, "Incorrect", "2026-07-09T10:00:00Z", "2026-07-09T10:00:01Z")
	fake.setLabeledTask(7, "Correct", "2026-07-01T10:00:00Z", "2026-07-01T10:00:01Z")
	fake.setTask(8, "2026-07-05T10:00:01Z",
		annotation{id: 1008, verdict: "Correct", created: "2026-07-01T11:00:00Z", updated: "2026-07-01T11:00:00Z"},
		annotation{id: 2008, verdict: "Incorrect", created: "2026-07-05T10:00:00Z", updated: "2026-07-05T10:00:00Z"})
	fake.setIncident("I1", "resolved", "2026-07-04T10:00:00Z", "2026-07-04T10:05:00Z", "2026-07-04T11:00:00Z")
	fake.setIncident("I2", "triggered", "2026-07-09T22:00:00Z", "", "")
	if _, err := Run(ctx, cfg, Options{From: date("2026-07-01"), To: date("2026-07-10")}); err != nil {
		t.Fatalf("first run: %v", err)
	}
	firstState := storedState(t, cfg)
	wantFirst := map[string]string{
		"review/tasks_updated_at": "2026-07-09T10:00:01Z",
		"pager/fetched_until":     "2026-07-11T00:00:00Z",
		"pager/open_dates":        "2026-07-09",
	}
	if !maps.Equal(firstState, wantFirst) {
		t.Fatalf("first run stored %v, want %v", firstState, wantFirst)
	}
	firstLabels := warehouseRows(t, cfg, labelRowsQuery)
	firstIncidents := warehouseRows(t, cfg, incidentRowsQuery)
	fake.takeRequests()

	fake.setNow("2026-07-21T02:00:00Z")
	fake.setTask(2, "2026-07-12T08:00:01Z",
		annotation{id: 1002, verdict: "Incorrect", created: "2026-07-03T10:00:00Z", updated: "2026-07-12T08:00:00Z"})
	fake.setLabeledTask(5, "Correct", "2026-07-15T09:00:00Z", "2026-07-15T09:00:01Z")
	fake.setIncident("I2", "resolved", "2026-07-09T22:00:00Z", "2026-07-11T23:00:00Z", "2026-07-12T01:00:00Z")
	fake.setIncident("I3", "resolved", "2026-07-15T08:00:00Z", "2026-07-15T08:10:00Z", "2026-07-15T09:00:00Z")
	bill := filepath.Join(dir, "bill")
	if err := os.Rename(bill, bill+".away"); err != nil {
		t.Fatal(err)
	}
	m, err := Run(ctx, cfg, Options{From: date("2026-07-11"), To: date("2026-07-20")})
	if err == nil {
		t.Fatal("run succeeded although the cost files are missing")
	}
	if m == nil || m.Status != StatusFailed || len(m.Fetches) != 2 {
		t.Fatalf("manifest %+v, want a failed run that fetched both APIs", m)
	}
	for _, f := range m.Fetches {
		if f.HighWaterMarks["tasks_updated_at"] == "2026-07-15T09:00:01Z" || f.HighWaterMarks["fetched_until"] == "2026-07-21T00:00:00Z" {
			continue
		}
		t.Errorf("failed run fetch %s marks %v, want the new marks it did not store", f.Source, f.HighWaterMarks)
	}
	if got := storedState(t, cfg); !maps.Equal(got, firstState) {
		t.Errorf("after the failed run source_state is %v, want the first run's %v", got, firstState)
	}
	if got := warehouseRows(t, cfg, labelRowsQuery); !slices.Equal(got, firstLabels) {
		t.Errorf("after the failed run review_labels is %v, want %v", got, firstLabels)
	}
	if got := warehouseRows(t, cfg, incidentRowsQuery); !slices.Equal(got, firstIncidents) {
		t.Errorf("after the failed run incidents is %v, want %v", got, firstIncidents)
	}
	fake.takeRequests()

	if err := os.Rename(bill+".away", bill); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, cfg, Options{From: date("2026-07-11"), To: date("2026-07-20")}); err != nil {
		t.Fatalf("run after restoring the cost files: %v", err)
	}
	taskFilters, incidentRanges := fake.takeRequests()
	// The probe reads the tasks updated since the mark minus 10m. Task 2
	// changed and holds a label of 3 July, so the listing reads from 3 July.
	wantFilters := []string{"2026-07-09T09:50:01.000000Z", "2026-07-03T00:00:00.000000Z"}
	if !slices.Equal(taskFilters, wantFilters) {
		t.Errorf("task requests filtered from %v, want %v", taskFilters, wantFilters)
	}
	// I2 was open, so 9 July is fetched again with the window.
	wantRanges := []string{"2026-07-09T00:00:00Z/2026-07-10T00:00:00Z", "2026-07-11T00:00:00Z/2026-07-21T00:00:00Z"}
	if !slices.Equal(incidentRanges, wantRanges) {
		t.Errorf("incident requests %v, want %v", incidentRanges, wantRanges)
	}
	wantState := map[string]string{
		"review/tasks_updated_at": "2026-07-15T09:00:01Z",
		"pager/fetched_until":     "2026-07-21T00:00:00Z",
		"pager/open_dates":        "",
	}
	if got := storedState(t, cfg); !maps.Equal(got, wantState) {
		t.Errorf("good run stored %v, want %v", got, wantState)
	}
	wantLabels := []string{
		"1001 2026-07-02 correct 1",
		"1002 2026-07-03 incorrect 1",
		"1003 2026-07-03 correct 1",
		"1004 2026-07-09 incorrect 1",
		"1005 2026-07-15 correct 1",
		"1007 2026-07-01 correct 1",
		"1008 2026-07-01 correct 1",
		"2008 2026-07-05 incorrect 1",
	}
	if got := warehouseRows(t, cfg, labelRowsQuery); !slices.Equal(got, wantLabels) {
		t.Errorf("review_labels %v, want %v", got, wantLabels)
	}
	wantIncidents := []string{
		"I1 2026-07-04 2026-07-04T11:00:00Z 1",
		"I2 2026-07-09 2026-07-12T01:00:00Z 1",
		"I3 2026-07-15 2026-07-15T09:00:00Z 1",
	}
	if got := warehouseRows(t, cfg, incidentRowsQuery); !slices.Equal(got, wantIncidents) {
		t.Errorf("incidents %v, want %v", got, wantIncidents)
	}
}
