package bqfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	bq "google.golang.org/api/bigquery/v2"
)

func (s *Server) routeDatasets(w http.ResponseWriter, method, project string, rest []string, body []byte) {
	switch {
	case len(rest) == 0 && method == http.MethodPost:
		s.insertDataset(w, body)
	case len(rest) == 1 && method == http.MethodGet:
		s.getDataset(w, rest[0])
	case len(rest) == 2 && rest[1] == "tables" && method == http.MethodPost:
		s.insertTable(w, rest[0], body)
	case len(rest) == 3 && rest[1] == "tables":
		s.routeTable(w, method, rest[0], rest[2], body)
	default:
		writeError(w, http.StatusNotFound, "notFound", "no dataset route")
	}
}

func (s *Server) insertDataset(w http.ResponseWriter, body []byte) {
	var ds bq.Dataset
	if err := json.Unmarshal(body, &ds); err != nil || ds.DatasetReference == nil {
		writeError(w, http.StatusBadRequest, "invalid", "invalid dataset")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := ds.DatasetReference.DatasetId
	if s.datasets[id] != nil {
		writeError(w, http.StatusConflict, "duplicate", "Already Exists: Dataset "+id)
		return
	}
	s.datasets[id] = &ds
	writeJSON(w, http.StatusOK, &ds)
}

func (s *Server) getDataset(w http.ResponseWriter, id string) {
	s.mu.Lock()
	ds := s.datasets[id]
	s.mu.Unlock()
	if ds == nil {
		notFound(w, "Dataset "+id)
		return
	}
	writeJSON(w, http.StatusOK, ds)
}

func (s *Server) insertTable(w http.ResponseWriter, dataset string, body []byte) {
	var t bq.Table
	if err := json.Unmarshal(body, &t); err != nil || t.TableReference == nil {
		writeError(w, http.StatusBadRequest, "invalid", "invalid table")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.datasets[dataset] == nil {
		notFound(w, "Dataset "+dataset)
		return
	}
	key := dataset + "." + t.TableReference.TableId
	if s.tables[key] != nil {
		writeError(w, http.StatusConflict, "duplicate", "Already Exists: Table "+key)
		return
	}
	t.Etag = "etag-1"
	s.tables[key] = &t
	writeJSON(w, http.StatusOK, &t)
}

func (s *Server) routeTable(w http.ResponseWriter, method, dataset, table string, body []byte) {
	key := dataset + "." + table
	switch method {
	case http.MethodGet:
		s.mu.Lock()
		t := s.tables[key]
		s.mu.Unlock()
		if t == nil {
			notFound(w, "Table "+key)
			return
		}
		writeJSON(w, http.StatusOK, t)
	case http.MethodPatch, http.MethodPut:
		s.patchTable(w, key, body)
	case http.MethodDelete:
		s.deleteTable(w, dataset, table)
	default:
		writeError(w, http.StatusMethodNotAllowed, "invalid", method)
	}
}

// patchTable replaces the schema, the only field the warehouse updates.
func (s *Server) patchTable(w http.ResponseWriter, key string, body []byte) {
	var patch bq.Table
	if err := json.Unmarshal(body, &patch); err != nil {
		writeError(w, http.StatusBadRequest, "invalid", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[key]
	if t == nil {
		notFound(w, "Table "+key)
		return
	}
	if patch.Schema != nil {
		t.Schema = patch.Schema
	}
	t.Etag = fmt.Sprintf("%s+", t.Etag)
	writeJSON(w, http.StatusOK, t)
}

// deleteTable deletes a table, or records the deletion of a partition
// named with a $YYYYMMDD decorator.
func (s *Server) deleteTable(w http.ResponseWriter, dataset, table string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	base, partition, _ := strings.Cut(table, "$")
	if s.tables[dataset+"."+base] == nil {
		notFound(w, "Table "+dataset+"."+base)
		return
	}
	if base == table {
		delete(s.tables, dataset+"."+table)
	}
	s.dropPartition(dataset, base, partition)
	s.deleted = append(s.deleted, table)
	w.WriteHeader(http.StatusNoContent)
}
