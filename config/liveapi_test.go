package config

import (
	"strconv"
	"strings"
	"testing"
)

// apiSources are a labels source read from Label Studio and an incidents
// source read from PagerDuty, added to base. Cases edit them by replacing
// one line.
const apiSources = `  - name: review
    kind: labels
    format: labelstudio
    location:
      type: labelstudio_api
      url: http://127.0.0.1:8080
      project_id: 3
  - name: pager
    kind: incidents
    format: pagerduty
    account: acme
    location:
      type: pagerduty_api
      url: http://127.0.0.1:8081
`

func loadAPIConfig(t *testing.T, old, replacement string) (*Config, error) {
	t.Helper()
	text := strings.Replace(base, "pack:\n", apiSources+"pack:\n", 1)
	edited := strings.Replace(text, old, replacement, 1)
	if old != "" && edited == text {
		t.Fatalf("case does not change the config: %q not found", old)
	}
	return loadReplaceConfig(t, edited)
}

func TestAPILocationDefaults(t *testing.T) {
	cfg, err := loadAPIConfig(t, "", "")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	labels, incidents := cfg.Sources[1], cfg.Sources[2]
	if labels.Replace != ReplaceInputDates {
		t.Errorf("labelstudio_api replace = %q, want %q", labels.Replace, ReplaceInputDates)
	}
	if labels.Location.Overlap != "10m" {
		t.Errorf("labelstudio_api overlap = %q, want 10m", labels.Location.Overlap)
	}
	if incidents.Replace != ReplaceInputDates {
		t.Errorf("pagerduty_api replace = %q, want %q", incidents.Replace, ReplaceInputDates)
	}
	if got := incidents.Location.MaxLookbackDays; got == nil || *got != DefaultMaxLookbackDays {
		t.Errorf("pagerduty_api max_lookback_days = %v, want %d", got, DefaultMaxLookbackDays)
	}
}

func TestAPILocationSettingsKept(t *testing.T) {
	tests := []struct {
		name, old, new string
		setting        func(*Config) string
		want           string
	}{
		{name: "replace window on labels", old: "    format: labelstudio\n", new: "    format: labelstudio\n    replace: window\n",
			setting: func(c *Config) string { return c.Sources[1].Replace }, want: ReplaceWindow},
		{name: "overlap on labels", old: "      project_id: 3\n", new: "      project_id: 3\n      overlap: 1h\n",
			setting: func(c *Config) string { return c.Sources[1].Location.Overlap }, want: "1h"},
		{name: "replace window on incidents", old: "    account: acme\n", new: "    account: acme\n    replace: window\n",
			setting: func(c *Config) string { return c.Sources[2].Replace }, want: ReplaceWindow},
		{name: "max_lookback_days 0", old: "      url: http://127.0.0.1:8081\n",
			new: "      url: http://127.0.0.1:8081\n      max_lookback_days: 0\n",
			setting: func(c *Config) string {
				if d := c.Sources[2].Location.MaxLookbackDays; d != nil {
					return strconv.Itoa(*d)
				}
				return "unset"
			}, want: "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := loadAPIConfig(t, tt.old, tt.new)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got := tt.setting(cfg); got != tt.want {
				t.Errorf("got %q, want the configured %q", got, tt.want)
			}
		})
	}
}

func TestAPILocationErrors(t *testing.T) {
	tests := []struct {
		name, old, new string
		wantMsg        []string
	}{
		{name: "overlap not a duration", old: "      project_id: 3\n", new: "      project_id: 3\n      overlap: \"5\"\n",
			wantMsg: []string{"sources[1].location.overlap", `"5"`}},
		{name: "negative overlap", old: "      project_id: 3\n", new: "      project_id: 3\n      overlap: -1m\n",
			wantMsg: []string{"sources[1].location.overlap", `"-1m"`}},
		{name: "negative max_lookback_days", old: "      url: http://127.0.0.1:8081\n",
			new:     "      url: http://127.0.0.1:8081\n      max_lookback_days: -2\n",
			wantMsg: []string{"sources[2].location.max_lookback_days", "-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadAPIConfig(t, tt.old, tt.new)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, want := range tt.wantMsg {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}
