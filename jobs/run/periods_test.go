package run

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"evidencepack/config"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestPeriods(t *testing.T) {
	tests := []struct {
		name     string
		grain    string
		from, to string
		want     []string
	}{
		{name: "one quarter", grain: "quarter", from: "2026-07-01", to: "2026-09-30", want: []string{"2026-Q3"}},
		{name: "one day", grain: "quarter", from: "2026-08-15", to: "2026-08-15", want: []string{"2026-Q3"}},
		{name: "across a year", grain: "quarter", from: "2026-12-31", to: "2027-01-01", want: []string{"2026-Q4", "2027-Q1"}},
		{name: "months", grain: "month", from: "2026-07-31", to: "2026-09-01", want: []string{"2026-07", "2026-08", "2026-09"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Periods(tt.grain, date(tt.from), date(tt.to))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Periods(%s, %s, %s) = %v, want %v", tt.grain, tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestResolveInputs(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"usage/2026-07-01.jsonl", "usage/2026-07-02.jsonl", "usage/2026-07-09.jsonl", "costs/a.csv"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("{}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := &config.Config{Dir: dir}
	tests := []struct {
		name    string
		paths   []string
		want    []string
		wantErr string
	}{
		{name: "date template", paths: []string{"usage/{date}.jsonl"},
			want: []string{"usage/2026-07-01.jsonl", "usage/2026-07-02.jsonl"}},
		{name: "glob", paths: []string{"usage/*.jsonl", "usage/2026-07-01.jsonl"},
			want: []string{"usage/2026-07-01.jsonl", "usage/2026-07-02.jsonl", "usage/2026-07-09.jsonl"}},
		{name: "missing literal", paths: []string{"costs/a.csv", "costs/b.csv"}, wantErr: "no input file matches"},
		{name: "empty glob beside a match", paths: []string{"costs/*.csv", "costs/*.parquet"},
			want: []string{"costs/a.csv"}},
		{name: "only empty globs", paths: []string{"costs/*.parquet"}, wantErr: "no input file matches"},
		{name: "template with no file", paths: []string{"labels/{date}.json"}, wantErr: "no input file matches"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := config.Source{Name: "s", Paths: tt.paths}
			got, err := resolveInputs(cfg, src, date("2026-07-01"), date("2026-07-03"))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("resolveInputs error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i := range got {
				got[i], _ = filepath.Rel(dir, got[i])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("resolveInputs = %v, want %v", got, tt.want)
			}
		})
	}
}
