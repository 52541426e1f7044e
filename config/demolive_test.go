package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// demoLiveCopy copies config/demo-live.yaml into a temporary directory laid
// out like the repository, with the test accounts file where the demo
// inputs would be, and returns the copy's path.
func demoLiveCopy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"config", filepath.Join("out", "demo-input")} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	copyFile := func(from, to string) {
		t.Helper()
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("demo-live.yaml", filepath.Join(dir, "config", "demo-live.yaml"))
	copyFile("testdata/accounts.csv", filepath.Join(dir, "out", "demo-input", "accounts.csv"))
	return filepath.Join(dir, "config", "demo-live.yaml")
}

func TestDemoLiveConfigLocations(t *testing.T) {
	cfg, err := Load(demoLiveCopy(t), lookupFrom(map[string]string{"EVIDENCEPACK_PD_URL": "http://127.0.0.1:8080"}))
	if err != nil {
		t.Fatalf("load demo-live.yaml: %v", err)
	}
	locations := map[string]Location{}
	for _, s := range cfg.Sources {
		locations[s.Name] = s.Location
	}

	usage := locations["product_events"]
	if usage.Type != LocationPostgres || usage.Table != "usage_events" || usage.DSNEnv != "EVIDENCEPACK_PG_DSN" {
		t.Errorf("product_events location %+v, want the usage_events table through EVIDENCEPACK_PG_DSN", usage)
	}
	if usage.CursorColumn != "updated_at" || usage.Overlap != "10m" {
		t.Errorf("product_events cursor %q overlap %q, want updated_at and 10m", usage.CursorColumn, usage.Overlap)
	}
	incidents := locations["pagerduty"]
	if incidents.Type != LocationPagerDutyAPI || incidents.URL != "http://127.0.0.1:8080" {
		t.Errorf("pagerduty location %+v, want the API at the URL from EVIDENCEPACK_PD_URL", incidents)
	}
	if incidents.TokenEnv != "EVIDENCEPACK_PD_TOKEN" {
		t.Errorf("pagerduty token_env %q, want EVIDENCEPACK_PD_TOKEN", incidents.TokenEnv)
	}
	for _, name := range []string{"review_queue", "cloud_bill"} {
		if !locations[name].IsFiles() {
			t.Errorf("%s location %+v, want the demo files", name, locations[name])
		}
	}
}

func TestDemoLiveConfigNeedsPagerDutyURL(t *testing.T) {
	_, err := Load(demoLiveCopy(t), lookupFrom(nil))
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("error %v, want an invalid config", err)
	}
	if !strings.Contains(err.Error(), "EVIDENCEPACK_PD_URL") {
		t.Errorf("error %q does not name EVIDENCEPACK_PD_URL", err)
	}
}
