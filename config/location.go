package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Location types of a source.
const (
	LocationFiles           = "files"
	LocationPagerDutyAPI    = "pagerduty_api"
	LocationLabelStudioAPI  = "labelstudio_api"
	LocationPostgres        = "postgres"
	LocationGCS             = "gcs"
	LocationBigQueryBilling = "bigquery_billing"
)

// DefaultMaxLookbackDays is the default of location.max_lookback_days.
const DefaultMaxLookbackDays = 7

// LocationTypes lists the valid values of location.type.
var LocationTypes = []string{LocationFiles, LocationPagerDutyAPI, LocationLabelStudioAPI,
	LocationPostgres, LocationGCS, LocationBigQueryBilling}

// locationFormats is the format each live location reads with. An empty
// list means any format.
var locationFormats = map[string][]string{
	LocationPagerDutyAPI:    {"pagerduty"},
	LocationLabelStudioAPI:  {"labelstudio"},
	LocationPostgres:        {"jsonl"},
	LocationBigQueryBilling: {"jsonl"},
}

// Location is the place a source's records are read from: files (the default), an API,
// a database or an object store. Secrets are never written here: the
// fields ending in _env name the environment variable that holds them.
type Location struct {
	// Type is files, pagerduty_api, labelstudio_api, postgres, gcs or
	// bigquery_billing.
	Type string `yaml:"type"`
	// URL is the API base URL: https://api.pagerduty.com by default for
	// pagerduty_api, required for labelstudio_api.
	URL string `yaml:"url"`
	// TokenEnv names the variable with the API token. The defaults are
	// PAGERDUTY_TOKEN and LABEL_STUDIO_TOKEN.
	TokenEnv string `yaml:"token_env"`
	// ProjectID is the Label Studio project whose tasks are read.
	ProjectID int `yaml:"project_id"`
	// PageSize is the number of records per API page. The defaults are
	// 100 for PagerDuty and Label Studio.
	PageSize int `yaml:"page_size"`
	// DSNEnv names the variable with the PostgreSQL connection string.
	// The default is EVIDENCEPACK_PG_DSN.
	DSNEnv string `yaml:"dsn_env"`
	// Table is the PostgreSQL table (schema.table) or the BigQuery billing
	// export table (project.dataset.table).
	Table string `yaml:"table"`
	// Query is a PostgreSQL SELECT read in place of Table.
	Query string `yaml:"query"`
	// CursorColumn is the PostgreSQL column whose high-water mark finds
	// rows added or changed since the last successful run, such as
	// updated_at or a serial id.
	CursorColumn string `yaml:"cursor_column"`
	// Overlap is how far below the high-water mark each run reads again:
	// a duration such as 10m for a timestamp cursor, a count for an
	// integer cursor. The default is 0 for postgres and 10m for
	// labelstudio_api, whose mark is a task updated_at.
	Overlap string `yaml:"overlap"`
	// MaxLookbackDays is how many days before the window a pagerduty_api
	// run fetches when runs were missed since the last fetched date. A
	// longer gap fails the run. The default is 7.
	MaxLookbackDays *int `yaml:"max_lookback_days"`
	// Project is the Google Cloud project that runs BigQuery queries.
	Project string `yaml:"project"`
	// Endpoint replaces the Google API endpoint of gcs and
	// bigquery_billing, for emulators and tests.
	Endpoint string `yaml:"endpoint"`
}

// IsFiles reports whether the source reads local files.
func (l Location) IsFiles() bool { return l.Type == "" || l.Type == LocationFiles }

// OverlapDuration parses Overlap as a duration. Empty is 0.
func (l Location) OverlapDuration() (time.Duration, error) {
	if l.Overlap == "" {
		return 0, nil
	}
	return time.ParseDuration(l.Overlap)
}

// OverlapCount parses Overlap as a whole number. Empty is 0.
func (l Location) OverlapCount() (int64, error) {
	if l.Overlap == "" {
		return 0, nil
	}
	return strconv.ParseInt(l.Overlap, 10, 64)
}

func (s *Source) applyLocationDefaults() {
	l := &s.Location
	if l.Type == "" {
		l.Type = LocationFiles
	}
	if formats := locationFormats[l.Type]; s.Format == "" && len(formats) > 0 {
		s.Format = formats[0]
	}
	switch l.Type {
	case LocationPagerDutyAPI:
		l.URL = defaultString(l.URL, "https://api.pagerduty.com")
		l.TokenEnv = defaultString(l.TokenEnv, "PAGERDUTY_TOKEN")
		if l.MaxLookbackDays == nil {
			days := DefaultMaxLookbackDays
			l.MaxLookbackDays = &days
		}
		// A run also fetches the dates of missed runs and of incidents
		// still open at the last fetch, and must replace those partitions.
		s.Replace = defaultString(s.Replace, ReplaceInputDates)
	case LocationLabelStudioAPI:
		l.TokenEnv = defaultString(l.TokenEnv, "LABEL_STUDIO_TOKEN")
		l.Overlap = defaultString(l.Overlap, "10m")
		// A run fetches whole the dates of labels changed since the last
		// run, and must replace those partitions.
		s.Replace = defaultString(s.Replace, ReplaceInputDates)
	case LocationPostgres:
		l.DSNEnv = defaultString(l.DSNEnv, "EVIDENCEPACK_PG_DSN")
		// A run also reads the whole dates that rows changed since the
		// last run fall on, and must replace those partitions.
		s.Replace = defaultString(s.Replace, ReplaceInputDates)
	}
	if l.PageSize == 0 {
		l.PageSize = 100
	}
}

func defaultString(v, fallback string) string {
	if v == "" {
		return fallback
	}
	return v
}

// validateLocation checks the location settings of a source, and its
// paths for the types that read them.
func (s *Source) validateLocation(ck *checker, key string) {
	l := s.Location
	key += ".location"
	if !contains(LocationTypes, l.Type) {
		ck.fail(key+".type", "must be one of %v, got %q", LocationTypes, l.Type)
		return
	}
	if formats := locationFormats[l.Type]; len(formats) > 0 && !contains(formats, s.Format) {
		ck.fail(key+".type", "location %s reads format %s, not %q", l.Type, formats[0], s.Format)
	}
	if l.PageSize < 1 || l.PageSize > 1000 {
		ck.fail(key+".page_size", "must be between 1 and 1000, got %d", l.PageSize)
	}
	switch l.Type {
	case LocationFiles:
		s.requirePaths(ck, key, "")
	case LocationGCS:
		s.requirePaths(ck, key, "gs://")
	case LocationPagerDutyAPI:
		requireURL(ck, key, l.URL)
		if l.MaxLookbackDays != nil && *l.MaxLookbackDays < 0 {
			ck.fail(key+".max_lookback_days", "must be 0 or more, got %d", *l.MaxLookbackDays)
		}
	case LocationLabelStudioAPI:
		requireURL(ck, key, l.URL)
		if l.ProjectID <= 0 {
			ck.fail(key+".project_id", "the Label Studio project id is required")
		}
		if d, err := l.OverlapDuration(); err != nil || d < 0 {
			ck.fail(key+".overlap", "must be a duration of 0 or more such as 10m, got %q", l.Overlap)
		}
	case LocationPostgres:
		s.validatePostgres(ck, key)
	case LocationBigQueryBilling:
		if strings.Count(l.Table, ".") != 2 {
			ck.fail(key+".table", "must be project.dataset.table of the billing export, got %q", l.Table)
		}
		if s.Kind != "costs" {
			ck.fail(key+".type", "bigquery_billing reads kind costs, not %q", s.Kind)
		}
	}
}

func (s *Source) requirePaths(ck *checker, key, prefix string) {
	if len(s.Paths) == 0 {
		ck.fail(strings.TrimSuffix(key, ".location")+".paths", "at least one path is required")
	}
	for i, p := range s.Paths {
		if prefix != "" && !strings.HasPrefix(p, prefix) {
			ck.fail(fmt.Sprintf("%s.paths[%d]", strings.TrimSuffix(key, ".location"), i),
				"must start with %s, got %q", prefix, p)
		}
	}
}

func requireURL(ck *checker, key, url string) {
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		ck.fail(key+".url", "must be an http or https URL, got %q", url)
	}
}

func (s *Source) validatePostgres(ck *checker, key string) {
	l := s.Location
	if (l.Table == "") == (l.Query == "") {
		ck.fail(key+".table", "set exactly one of table and query")
	}
	if l.CursorColumn == "" {
		ck.fail(key+".cursor_column", "the cursor column is required")
	}
	_, errDuration := l.OverlapDuration()
	_, errCount := l.OverlapCount()
	if errDuration != nil && errCount != nil {
		ck.fail(key+".overlap", "must be a duration such as 10m or a whole number, got %q", l.Overlap)
	}
}
