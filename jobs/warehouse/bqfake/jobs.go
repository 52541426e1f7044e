package bqfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	bq "google.golang.org/api/bigquery/v2"
)

// insertJob stores a job as finished: with FailJob's error result when
// the hook returns one. An id that exists gets HTTP 409, which is how
// BigQuery responds to a retried insert.
func (s *Server) insertJob(w http.ResponseWriter, project string, body, media []byte) {
	var job bq.Job
	if err := json.Unmarshal(body, &job); err != nil {
		writeError(w, http.StatusBadRequest, "invalid", "invalid job: "+err.Error())
		return
	}
	s.mu.Lock()
	if job.JobReference == nil || job.JobReference.JobId == "" {
		job.JobReference = &bq.JobReference{JobId: fmt.Sprintf("fake_job_%d", len(s.jobOrder)+1)}
	}
	job.JobReference.ProjectId = project
	id := job.JobReference.JobId
	if s.jobs[id] != nil {
		s.mu.Unlock()
		writeError(w, http.StatusConflict, "duplicate", "Already Exists: Job "+project+":"+id)
		return
	}
	job.Id = project + ":" + id
	job.Status = &bq.JobStatus{State: "DONE"}
	s.jobs[id] = &job
	s.jobOrder = append(s.jobOrder, id)
	if media != nil {
		s.media[id] = media
	}
	fail := s.FailJob
	s.mu.Unlock()
	var failure *bq.ErrorProto
	if fail != nil {
		failure = fail(&job)
	}
	s.mu.Lock()
	if failure != nil {
		job.Status.ErrorResult = failure
		job.Status.Errors = []*bq.ErrorProto{failure}
	} else {
		s.applyLoad(&job, media)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.snapshot(id))
}

// snapshot returns a copy of a job for encoding outside the lock.
func (s *Server) snapshot(id string) *bq.Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[id]
	if j == nil {
		return nil
	}
	c := *j
	return &c
}

func (s *Server) getJob(w http.ResponseWriter, id string) {
	j := s.snapshot(id)
	if j == nil {
		notFound(w, "Job "+id)
		return
	}
	writeJSON(w, http.StatusOK, j)
}

// query serves jobs.query: it records a query job and returns its rows at
// once.
func (s *Server) query(w http.ResponseWriter, project string, body []byte) {
	var req bq.QueryRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid", "invalid query request: "+err.Error())
		return
	}
	s.mu.Lock()
	id := fmt.Sprintf("fake_query_%d", len(s.jobOrder)+1)
	job := &bq.Job{
		Id:           project + ":" + id,
		JobReference: &bq.JobReference{ProjectId: project, JobId: id, Location: req.Location},
		Configuration: &bq.JobConfiguration{Query: &bq.JobConfigurationQuery{
			Query: req.Query, QueryParameters: req.QueryParameters, ParameterMode: req.ParameterMode}},
		Status: &bq.JobStatus{State: "DONE"},
	}
	s.jobs[id] = job
	s.jobOrder = append(s.jobOrder, id)
	s.mu.Unlock()
	schema, rows := s.results(job)
	writeJSON(w, http.StatusOK, &bq.QueryResponse{
		JobComplete: true, JobReference: job.JobReference, Schema: schema,
		Rows: rows, TotalRows: uint64(len(rows)),
	})
}

func (s *Server) getQueryResults(w http.ResponseWriter, id string) {
	job := s.snapshot(id)
	if job == nil {
		notFound(w, "Job "+id)
		return
	}
	if e := job.Status.ErrorResult; e != nil {
		writeError(w, http.StatusBadRequest, e.Reason, e.Message)
		return
	}
	schema, rows := s.results(job)
	writeJSON(w, http.StatusOK, &bq.GetQueryResultsResponse{
		JobComplete: true, JobReference: job.JobReference, Schema: schema,
		Rows: rows, TotalRows: uint64(len(rows)),
	})
}

// results runs the QueryResult hook on a query job.
func (s *Server) results(job *bq.Job) (*bq.TableSchema, []*bq.TableRow) {
	q := job.Configuration.Query
	if q == nil || s.QueryResult == nil {
		return &bq.TableSchema{}, nil
	}
	schema, values := s.QueryResult(q.Query, q.QueryParameters)
	if schema == nil {
		schema = &bq.TableSchema{}
	}
	rows := make([]*bq.TableRow, len(values))
	for i, vs := range values {
		row := &bq.TableRow{}
		for _, v := range vs {
			cell := &bq.TableCell{}
			if v != nil {
				cell.V = fmt.Sprint(v)
			}
			row.F = append(row.F, cell)
		}
		rows[i] = row
	}
	return schema, rows
}

// FailLoadsInto returns a FailJob hook that fails every load job into
// table or one of its partitions with message.
func FailLoadsInto(table, message string) func(*bq.Job) *bq.ErrorProto {
	return func(j *bq.Job) *bq.ErrorProto {
		l := j.Configuration.Load
		if l == nil || l.DestinationTable == nil {
			return nil
		}
		id := l.DestinationTable.TableId
		if id == table || strings.HasPrefix(id, table+"$") {
			return &bq.ErrorProto{Reason: "invalid", Message: message}
		}
		return nil
	}
}
