package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const scheduleBase = `time_zone: Europe/Berlin
sources:
  - name: events
    kind: usage
    format: segment
    paths: [in/*.jsonl]
`

func loadScheduleText(t *testing.T, text string) (*Config, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(path, func(string) (string, bool) { return "", false })
}

func TestScheduleDefaults(t *testing.T) {
	cfg, err := loadScheduleText(t, scheduleBase+`
schedule:
  jobs:
    - name: nightly
      cron: "30 2 * * *"
    - name: ny
      cron: "CRON_TZ=America/New_York @daily"
      lookback_days: 2
`)
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Schedule
	if s.Listen != DefaultListen || *s.GracePeriod != DefaultGracePeriod {
		t.Errorf("listen, grace_period = %s, %s; want the defaults", s.Listen, *s.GracePeriod)
	}
	if s.Retry.MaxAttempts != 3 || s.Retry.InitialBackoff != 30*time.Second || s.Retry.MaxBackoff != 10*time.Minute {
		t.Errorf("retry = %+v, want 3 attempts, 30s, 10m", s.Retry)
	}
	if got := s.Jobs[0].Spec; got != "CRON_TZ=Europe/Berlin 30 2 * * *" {
		t.Errorf("nightly spec = %q, want the config's zone prefixed", got)
	}
	if got := s.Jobs[1].Location.String(); got != "America/New_York" {
		t.Errorf("ny location = %s, want America/New_York from CRON_TZ", got)
	}
	if *s.Jobs[0].MaxCatchup != DefaultMaxCatchup {
		t.Errorf("max_catchup = %d, want %d", *s.Jobs[0].MaxCatchup, DefaultMaxCatchup)
	}
	if cfg.Observability.Lineage.Namespace != DefaultLineageNS {
		t.Errorf("lineage namespace = %q, want %q", cfg.Observability.Lineage.Namespace, DefaultLineageNS)
	}
}

func TestScheduleInvalidValues(t *testing.T) {
	cases := []struct {
		name, section, want string
	}{
		{"bad cron", `
schedule:
  jobs:
    - name: nightly
      cron: "61 2 * * *"`, `:11: schedule.jobs[0].cron: invalid cron spec "61 2 * * *"`},
		{"six fields", `
schedule:
  jobs:
    - name: nightly
      cron: "0 30 2 * * *"`, "schedule.jobs[0].cron: invalid cron spec"},
		{"missing cron", `
schedule:
  jobs:
    - name: nightly`, "schedule.jobs[0].cron: required"},
		{"unknown zone", `
schedule:
  jobs:
    - name: nightly
      cron: "@daily"
      time_zone: Mars/Olympus`, `:12: schedule.jobs[0].time_zone: unknown time zone "Mars/Olympus"`},
		{"two zones", `
schedule:
  jobs:
    - name: nightly
      cron: "CRON_TZ=UTC @daily"
      time_zone: Europe/Paris`, "set the zone in time_zone or as CRON_TZ= in cron, not both"},
		{"duplicate name", `
schedule:
  jobs:
    - {name: nightly, cron: "@daily"}
    - {name: nightly, cron: "@hourly"}`, `schedule.jobs[1].name: duplicate job name "nightly"`},
		{"bad name", `
schedule:
  jobs:
    - {name: "Nightly Run", cron: "@daily"}`, "schedule.jobs[0].name: must be lower-case"},
		{"bad listen", `
schedule:
  listen: localhost`, `schedule.listen: must be host:port`},
		{"backoff order", `
schedule:
  retry: {initial_backoff: 5m, max_backoff: 1m}`, "schedule.retry.max_backoff: must be at least initial_backoff 5m0s"},
		{"zero attempts", `
schedule:
  retry: {max_attempts: -1}`, "schedule.retry.max_attempts: must be between 1 and 100"},
		{"bad duration", `
schedule:
  grace_period: soon`, ":9: (value): cannot unmarshal !!str `soon` into time.Duration"},
		{"textfile extension", `
observability:
  metrics_textfile: /var/lib/node_exporter/evidencepack.txt`, "observability.metrics_textfile: must end in .prom"},
		{"lineage url", `
observability:
  lineage: {url: "ftp://example.com/lineage"}`, "observability.lineage.url: must be an http or https URL"},
		{"unknown key", `
schedule:
  jobs:
    - {name: nightly, cron: "@daily", catchup: 3}`, "catchup: unknown key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadScheduleText(t, scheduleBase+c.section+"\n")
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v, want it to contain %q", err, c.want)
			}
		})
	}
}
