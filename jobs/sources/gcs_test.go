package sources

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/fsouza/fake-gcs-server/fakestorage"

	"evidencepack/config"
	"evidencepack/transforms"
)

const gcsUsageHeader = "event_id,occurred_at,account_id,workflow,case_id,user_id,event_type,autonomy_level,handle_time_seconds\n"

// fakeGCS starts an in-process Cloud Storage emulator on loopback with the
// given objects in the bucket ep-exports.
func fakeGCS(t *testing.T, objects map[string]string) *fakestorage.Server {
	t.Helper()
	var initial []fakestorage.Object
	for name, content := range objects {
		initial = append(initial, fakestorage.Object{
			ObjectAttrs: fakestorage.ObjectAttrs{BucketName: "ep-exports", Name: name},
			Content:     []byte(content),
		})
	}
	// The client reads objects through the XML API at the endpoint's
	// host, which the emulator serves only for requests to its PublicHost.
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		Scheme: "http", Host: "127.0.0.1", Port: 0, PublicHost: "127.0.0.1", InitialObjects: initial,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	return srv
}

func gcsUsageSource(endpoint string, paths ...string) config.Source {
	return config.Source{Name: "gcs_usage", Kind: "usage", Format: "csv", Paths: paths,
		Location: config.Location{Type: config.LocationGCS, Endpoint: endpoint}}
}

func TestGCSReadsMatchingObjects(t *testing.T) {
	a := gcsUsageHeader +
		"e1,2026-07-01T10:00:00Z,acme,claims,c1,u1,case_resolved,draft,300\n" +
		"e2,not-a-time,acme,claims,c2,u1,case_resolved,draft,300\n"
	b := gcsUsageHeader +
		"e3,2026-07-02T10:00:00Z,acme,claims,c3,u1,case_opened,draft,120\n"
	srv := fakeGCS(t, map[string]string{
		"usage/2026-07/a.csv":     a,
		"usage/2026-07/b.csv":     b,
		"usage/2026-07/notes.txt": "not a CSV file",
		"usage/2026-07/old/c.csv": gcsUsageHeader + "e9,2026-07-03T10:00:00Z,acme,claims,c9,u1,case_opened,draft,1\n",
		"other/d.csv":             gcsUsageHeader + "e8,2026-07-03T10:00:00Z,acme,claims,c8,u1,case_opened,draft,1\n",
	})
	temp := t.TempDir()
	src, err := Open(gcsUsageSource(srv.URL()+"/storage/v1/", "gs://ep-exports/usage/2026-07/*.csv"),
		Options{TempDir: temp})
	if err != nil {
		t.Fatal(err)
	}
	sink := &memorySink{}
	report, err := src.Extract(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}

	var ids []string
	for _, f := range sink.facts {
		ids = append(ids, f.(*transforms.UsageEvent).EventID)
	}
	sort.Strings(ids)
	if strings.Join(ids, ",") != "e1,e3" {
		t.Errorf("facts %v, want e1 and e3 because the glob matches only usage/2026-07/*.csv", ids)
	}
	if report.Records != 3 {
		t.Errorf("report records %d, want 3", report.Records)
	}
	if len(sink.rejects) != 1 {
		t.Fatalf("rejects %v, want the row with an invalid occurred_at", sink.rejects)
	}
	if got := sink.rejects[0].File; got != "gs://ep-exports/usage/2026-07/a.csv" {
		t.Errorf("reject file %q, want the object's gs:// URI", got)
	}
	for _, f := range sink.facts {
		if file := f.Origin().File; !strings.HasPrefix(file, "gs://ep-exports/usage/2026-07/") {
			t.Errorf("fact origin file %q, want the object's gs:// URI", file)
		}
	}

	if len(report.Fetches) != 2 {
		t.Fatalf("fetches %+v, want one per matching object", report.Fetches)
	}
	contents := map[string]string{"usage/2026-07/a.csv": a, "usage/2026-07/b.csv": b}
	wantRows := map[string]int64{"usage/2026-07/a.csv": 2, "usage/2026-07/b.csv": 1}
	for i, name := range []string{"usage/2026-07/a.csv", "usage/2026-07/b.csv"} {
		fetch := report.Fetches[i]
		if fetch.Endpoint != "gs://ep-exports/"+name {
			t.Errorf("fetch %d endpoint %q, want gs://ep-exports/%s in name order", i, fetch.Endpoint, name)
		}
		obj, err := srv.GetObject("ep-exports", name)
		if err != nil {
			t.Fatal(err)
		}
		if fetch.Generation == 0 || fetch.Generation != obj.Generation {
			t.Errorf("%s generation %d, want the object's generation %d", name, fetch.Generation, obj.Generation)
		}
		sum := sha256.Sum256([]byte(contents[name]))
		if fetch.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("%s sha256 %s, want the SHA-256 of the object's bytes", name, fetch.SHA256)
		}
		if fetch.Bytes != int64(len(contents[name])) {
			t.Errorf("%s bytes %d, want %d", name, fetch.Bytes, len(contents[name]))
		}
		if fetch.Rows != wantRows[name] {
			t.Errorf("%s rows %d, want %d", name, fetch.Rows, wantRows[name])
		}
	}

	left, _ := filepath.Glob(filepath.Join(temp, "*"))
	if len(left) != 0 {
		t.Errorf("downloads left in the temporary directory: %v", left)
	}
}

func TestGCSRejectsInvalidPath(t *testing.T) {
	srv := fakeGCS(t, nil)
	src, err := Open(gcsUsageSource(srv.URL()+"/storage/v1/", "gs://ep-exports"), Options{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Extract(context.Background(), &memorySink{})
	if err == nil || !strings.Contains(err.Error(), "gs://bucket/object-glob") {
		t.Errorf("error %v, want one naming the expected gs://bucket/object-glob form", err)
	}
}

func TestGCSMissingBucketFails(t *testing.T) {
	srv := fakeGCS(t, nil)
	src, err := Open(gcsUsageSource(srv.URL()+"/storage/v1/", "gs://no-such-bucket/usage/*.csv"),
		Options{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Extract(context.Background(), &memorySink{})
	if err == nil || !strings.Contains(err.Error(), "gs://no-such-bucket/usage/") {
		t.Errorf("error %v, want a listing error naming the bucket and prefix", err)
	}
}

func TestGCSTempDirDefault(t *testing.T) {
	// The downloads go to os.TempDir() when Options.TempDir is empty, so the
	// test points TMPDIR at a directory of its own to see them removed.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	srv := fakeGCS(t, map[string]string{"usage/x.csv": gcsUsageHeader +
		"e1,2026-07-01T10:00:00Z,acme,claims,c1,u1,case_resolved,draft,300\n"})
	src, err := Open(gcsUsageSource(srv.URL()+"/storage/v1/", "gs://ep-exports/usage/*.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sink := &memorySink{}
	if _, err := src.Extract(context.Background(), sink); err != nil {
		t.Fatal(err)
	}
	if len(sink.facts) != 1 {
		t.Errorf("facts %d, want 1", len(sink.facts))
	}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("%d entries left in TMPDIR, want the download removed", len(entries))
	}
}
