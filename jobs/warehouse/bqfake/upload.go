package bqfake

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
)

// upload is an open resumable upload session.
type upload struct {
	project string
	job     []byte
	media   bytes.Buffer
}

// serveUpload serves jobs.insert with media, by uploadType multipart (one
// request holding the job and the file) or resumable (a session started
// with the job, then the file in one or more PUT requests).
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request, path string, body []byte) {
	q := r.URL.Query()
	seg := strings.Split(strings.Trim(path, "/"), "/")
	if len(seg) != 3 || seg[0] != "projects" || seg[2] != "jobs" {
		writeError(w, http.StatusNotFound, "notFound", "no upload route for "+path)
		return
	}
	project := seg[1]
	switch {
	case q.Get("uploadType") == "multipart" && r.Method == http.MethodPost:
		s.multipartUpload(w, r, project, path, body)
	case q.Get("uploadType") == "resumable" && r.Method == http.MethodPost:
		s.startResumable(w, r, project, path, body)
	case q.Get("upload_id") != "" && r.Method == http.MethodPut:
		s.resumeUpload(w, r, q.Get("upload_id"), body)
	default:
		writeError(w, http.StatusBadRequest, "invalid", "unsupported upload "+r.Method+" "+r.URL.RawQuery)
	}
}

func (s *Server) multipartUpload(w http.ResponseWriter, r *http.Request, project, path string, body []byte) {
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid", "invalid content type: "+err.Error())
		return
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var parts [][]byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid", "invalid multipart body: "+err.Error())
			return
		}
		data, err := io.ReadAll(p)
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid", err.Error())
			return
		}
		parts = append(parts, data)
	}
	if len(parts) != 2 {
		writeError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("multipart upload has %d parts, want 2", len(parts)))
		return
	}
	s.record(Request{Method: r.Method, Path: path, Query: r.URL.Query(), Body: parts[0], Media: parts[1]})
	s.insertJob(w, project, parts[0], parts[1])
}

func (s *Server) startResumable(w http.ResponseWriter, r *http.Request, project, path string, body []byte) {
	s.mu.Lock()
	id := strconv.Itoa(len(s.uploads) + 1)
	s.uploads[id] = &upload{project: project, job: body}
	s.mu.Unlock()
	s.record(Request{Method: r.Method, Path: path, Query: r.URL.Query(), Body: body})
	w.Header().Set("Location", s.URL+"/upload/bigquery/v2"+path+"?uploadType=resumable&upload_id="+id)
	w.WriteHeader(http.StatusOK)
}

// resumeUpload appends a chunk. Content-Range is "bytes a-b/total",
// "bytes a-b/*" while the size is unknown, or "bytes */total" to finish.
func (s *Server) resumeUpload(w http.ResponseWriter, r *http.Request, id string, body []byte) {
	s.mu.Lock()
	u := s.uploads[id]
	if u != nil {
		u.media.Write(body)
	}
	s.mu.Unlock()
	if u == nil {
		notFound(w, "upload "+id)
		return
	}
	total := r.Header.Get("Content-Range")
	if i := strings.LastIndex(total, "/"); i >= 0 {
		total = total[i+1:]
	}
	if total == "*" || total != strconv.Itoa(u.media.Len()) {
		w.Header().Set("Range", fmt.Sprintf("bytes=0-%d", u.media.Len()-1))
		w.WriteHeader(http.StatusPermanentRedirect)
		return
	}
	s.record(Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: u.job, Media: u.media.Bytes()})
	s.insertJob(w, u.project, u.job, u.media.Bytes())
}
