// Package bqfake is an in-process fake of the BigQuery REST API for tests.
// The real client library talks to it through option.WithEndpoint and
// option.WithoutAuthentication. It serves just enough of datasets, tables,
// jobs (with multipart and resumable media uploads), jobs.query and
// jobs.getQueryResults, finishes every job at once and records every
// request, so tests can assert what the client sent. It keeps the loads
// that each table contains (see Loaded) but runs no query, because the
// QueryResult hook returns the rows.
package bqfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"

	bq "google.golang.org/api/bigquery/v2"
)

// Request is one recorded HTTP request.
type Request struct {
	Method string
	// Path is the URL path without the /bigquery/v2 or
	// /upload/bigquery/v2 prefix.
	Path  string
	Query url.Values
	// Body is the JSON body, or the JSON part of a media upload.
	Body []byte
	// Media is the uploaded file of a load job.
	Media []byte
}

// Server is the fake. Set the hooks before the client sends requests.
type Server struct {
	*httptest.Server

	// FailJob returns the error result of a job, or nil to let it succeed.
	FailJob func(job *bq.Job) *bq.ErrorProto
	// QueryResult returns the schema and rows of a query. Each value is
	// sent as its text form, nil as NULL. Nil means no rows.
	QueryResult func(query string, params []*bq.QueryParameter) (*bq.TableSchema, [][]any)

	mu       sync.Mutex
	requests []Request
	datasets map[string]*bq.Dataset
	tables   map[string]*bq.Table
	jobs     map[string]*bq.Job
	jobOrder []string
	media    map[string][]byte
	uploads  map[string]*upload
	deleted  []string
	// contents holds, per dataset.table, the loads its rows come from.
	contents map[string][]Load
}

// New starts a fake on a loopback port. Close it when done.
func New() *Server {
	s := &Server{
		datasets: map[string]*bq.Dataset{}, tables: map[string]*bq.Table{},
		jobs: map[string]*bq.Job{}, media: map[string][]byte{}, uploads: map[string]*upload{},
		contents: map[string][]Load{},
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Endpoint returns the value for option.WithEndpoint.
func (s *Server) Endpoint() string { return s.URL + "/bigquery/v2/" }

// Requests returns a copy of the recorded requests in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Jobs returns the inserted jobs in insert order.
func (s *Server) Jobs() []*bq.Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*bq.Job, len(s.jobOrder))
	for i, id := range s.jobOrder {
		out[i] = s.jobs[id]
	}
	return out
}

// Media returns the file uploaded with the job of id.
func (s *Server) Media(jobID string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.media[jobID]
}

// Table returns a table as created and updated, or nil.
func (s *Server) Table(dataset, table string) *bq.Table {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tables[dataset+"."+table]
}

// AddDataset creates a dataset, as an administrator would beforehand.
func (s *Server) AddDataset(project, dataset string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.datasets[dataset] = &bq.Dataset{DatasetReference: &bq.DatasetReference{ProjectId: project, DatasetId: dataset}}
}

// Deleted returns the tables and partitions deleted, such as
// "usage_events$20260701".
func (s *Server) Deleted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.deleted...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "badRequest", err.Error())
		return
	}
	upload := strings.HasPrefix(r.URL.Path, "/upload/")
	path := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/upload"), "/bigquery/v2")
	if upload {
		s.serveUpload(w, r, path, body)
		return
	}
	s.record(Request{Method: r.Method, Path: path, Query: r.URL.Query(), Body: body})
	s.route(w, r.Method, strings.Split(strings.Trim(path, "/"), "/"), body)
}

func (s *Server) record(req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
}

// route dispatches on the path segments after /projects/{project}/.
func (s *Server) route(w http.ResponseWriter, method string, seg []string, body []byte) {
	if len(seg) < 3 || seg[0] != "projects" {
		writeError(w, http.StatusNotFound, "notFound", "no route for /"+strings.Join(seg, "/"))
		return
	}
	project, rest := seg[1], seg[2:]
	switch {
	case rest[0] == "datasets":
		s.routeDatasets(w, method, project, rest[1:], body)
	case rest[0] == "jobs" && len(rest) == 1 && method == http.MethodPost:
		s.insertJob(w, project, body, nil)
	case rest[0] == "jobs" && len(rest) == 2 && method == http.MethodGet:
		s.getJob(w, rest[1])
	case rest[0] == "queries" && len(rest) == 1 && method == http.MethodPost:
		s.query(w, project, body)
	case rest[0] == "queries" && len(rest) == 2 && method == http.MethodGet:
		s.getQueryResults(w, rest[1])
	default:
		writeError(w, http.StatusNotFound, "notFound", "no route for "+method+" /"+strings.Join(seg, "/"))
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError writes an error in the shape googleapi.Error decodes.
func writeError(w http.ResponseWriter, status int, reason, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"code": status, "message": message,
		"errors": []map[string]string{{"reason": reason, "message": message}},
	}})
}

func notFound(w http.ResponseWriter, what string) {
	writeError(w, http.StatusNotFound, "notFound", fmt.Sprintf("Not found: %s", what))
}
