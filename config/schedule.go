package config

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule configures the long-running `evidencepack schedule` process.
type Schedule struct {
	// Jobs are the scheduled jobs. Each firing runs the whole config for
	// one logical date.
	Jobs []ScheduleJob `yaml:"jobs"`
	// GracePeriod is how long a running run may go on after SIGTERM or
	// SIGINT before its context is cancelled. The default is 10m.
	GracePeriod *time.Duration `yaml:"grace_period"`
	// Listen is the host:port that serves /metrics and /healthz. The
	// default is 127.0.0.1:9464.
	Listen string `yaml:"listen"`
	// Retry sets how failed attempts with a transient error are retried.
	Retry Retry `yaml:"retry"`
}

// ScheduleJob is one cron entry.
type ScheduleJob struct {
	// Name identifies the job in logs, metrics and lineage events.
	Name string `yaml:"name"`
	// Cron is a standard five-field spec such as "30 2 * * *", or a
	// descriptor such as @daily or "@every 1h". It may start with
	// CRON_TZ=Zone instead of setting TimeZone.
	Cron string `yaml:"cron"`
	// TimeZone is the IANA zone the spec and the logical date are read
	// in. The default is the config's time_zone.
	TimeZone string `yaml:"time_zone"`
	// LookbackDays overrides the config's lookback_days for this job.
	LookbackDays *int `yaml:"lookback_days"`
	// MaxCatchup is the maximum number of missed logical dates run on
	// start. 0 disables catch-up. The default is 7.
	MaxCatchup *int `yaml:"max_catchup"`

	// Location is the job's zone, set by Load.
	Location *time.Location `yaml:"-"`
	// Spec is Cron with the zone as a CRON_TZ= prefix, set by Load.
	Spec string `yaml:"-"`
}

// Retry sets exponential backoff with full jitter between attempts.
type Retry struct {
	// MaxAttempts is the maximum number of attempts per logical date,
	// counting the first. The default is 3.
	MaxAttempts int `yaml:"max_attempts"`
	// InitialBackoff is the upper bound of the first wait. The default
	// is 30s.
	InitialBackoff time.Duration `yaml:"initial_backoff"`
	// MaxBackoff caps the upper bound of every wait. The default is 10m.
	MaxBackoff time.Duration `yaml:"max_backoff"`
	// AttemptTimeout cancels one attempt after this long, and the attempt
	// counts as a transient failure. 0, the default, sets no limit.
	AttemptTimeout time.Duration `yaml:"attempt_timeout"`
}

// Observability configures metrics files and lineage events.
type Observability struct {
	// MetricsTextfile is a *.prom file that `evidencepack run` writes its
	// metrics to, in the node_exporter textfile collector format.
	MetricsTextfile string `yaml:"metrics_textfile"`
	// Lineage sets where OpenLineage run events go.
	Lineage Lineage `yaml:"lineage"`
}

// Lineage is the destination of OpenLineage run events: a JSON lines
// file, an HTTP endpoint, both or neither.
type Lineage struct {
	// File is appended one event per line.
	File string `yaml:"file"`
	// URL receives each event as an HTTP POST with a JSON body, such as
	// http://marquez:5000/api/v1/lineage.
	URL string `yaml:"url"`
	// Namespace is the OpenLineage job namespace. The default is
	// "evidencepack".
	Namespace string `yaml:"namespace"`
}

// Defaults of the schedule section.
const (
	DefaultListen         = "127.0.0.1:9464"
	DefaultGracePeriod    = 10 * time.Minute
	DefaultMaxAttempts    = 3
	DefaultInitialBackoff = 30 * time.Second
	DefaultMaxBackoff     = 10 * time.Minute
	DefaultMaxCatchup     = 7
	DefaultLineageNS      = "evidencepack"
)

func (s *Schedule) applyDefaults() {
	if s.GracePeriod == nil {
		d := DefaultGracePeriod
		s.GracePeriod = &d
	}
	if s.Listen == "" {
		s.Listen = DefaultListen
	}
	if s.Retry.MaxAttempts == 0 {
		s.Retry.MaxAttempts = DefaultMaxAttempts
	}
	if s.Retry.InitialBackoff == 0 {
		s.Retry.InitialBackoff = DefaultInitialBackoff
	}
	if s.Retry.MaxBackoff == 0 {
		s.Retry.MaxBackoff = max(DefaultMaxBackoff, s.Retry.InitialBackoff)
	}
	for i := range s.Jobs {
		if s.Jobs[i].MaxCatchup == nil {
			n := DefaultMaxCatchup
			s.Jobs[i].MaxCatchup = &n
		}
	}
}

func (o *Observability) applyDefaults() {
	if o.Lineage.Namespace == "" {
		o.Lineage.Namespace = DefaultLineageNS
	}
}

var jobName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)

// validate checks the schedule section. defaultZone is the config's
// time_zone, the zone of jobs that set none.
func (s *Schedule) validate(ck *checker, defaultZone string) {
	names := map[string]bool{}
	for i := range s.Jobs {
		key := fmt.Sprintf("schedule.jobs[%d]", i)
		j := &s.Jobs[i]
		if names[j.Name] {
			ck.fail(key+".name", "duplicate job name %q", j.Name)
		}
		names[j.Name] = true
		j.validate(ck, key, defaultZone)
	}
	if *s.GracePeriod < 0 {
		ck.fail("schedule.grace_period", "must not be negative, got %s", *s.GracePeriod)
	}
	if _, port, err := net.SplitHostPort(s.Listen); err != nil || port == "" {
		ck.fail("schedule.listen", "must be host:port such as 127.0.0.1:9464, got %q", s.Listen)
	}
	r := s.Retry
	if r.MaxAttempts < 1 || r.MaxAttempts > 100 {
		ck.fail("schedule.retry.max_attempts", "must be between 1 and 100, got %d", r.MaxAttempts)
	}
	if r.InitialBackoff < 0 {
		ck.fail("schedule.retry.initial_backoff", "must not be negative, got %s", r.InitialBackoff)
	}
	if r.MaxBackoff < r.InitialBackoff {
		ck.fail("schedule.retry.max_backoff", "must be at least initial_backoff %s, got %s",
			r.InitialBackoff, r.MaxBackoff)
	}
	if r.AttemptTimeout < 0 {
		ck.fail("schedule.retry.attempt_timeout", "must not be negative, got %s", r.AttemptTimeout)
	}
}

func (j *ScheduleJob) validate(ck *checker, key, defaultZone string) {
	if !jobName.MatchString(j.Name) {
		ck.fail(key+".name", "must be lower-case letters, digits, '_' and '-', starting with a letter, got %q", j.Name)
	}
	if j.LookbackDays != nil && (*j.LookbackDays < 0 || *j.LookbackDays > 366) {
		ck.fail(key+".lookback_days", "must be between 0 and 366, got %d", *j.LookbackDays)
	}
	if n := *j.MaxCatchup; n < 0 || n > 366 {
		ck.fail(key+".max_catchup", "must be between 0 and 366, got %d", n)
	}

	spec := strings.TrimSpace(j.Cron)
	if spec == "" {
		ck.fail(key+".cron", "required, such as \"30 2 * * *\" or @daily")
		return
	}
	zone := j.TimeZone
	if specZone, ok := cronZone(spec); ok {
		if zone != "" && zone != specZone {
			ck.fail(key+".time_zone", "set the zone in time_zone or as CRON_TZ= in cron, not both (%q and %q)",
				zone, specZone)
			return
		}
		zone = specZone
		_, spec, _ = strings.Cut(spec, " ")
		spec = strings.TrimSpace(spec)
	}
	if zone == "" {
		zone = defaultZone
	}

	loc, err := time.LoadLocation(zone)
	if err != nil {
		ck.fail(key+".time_zone", "unknown time zone %q", zone)
		return
	}
	j.Location = loc
	j.Spec = "CRON_TZ=" + zone + " " + spec
	if _, err := cron.ParseStandard(j.Spec); err != nil {
		ck.fail(key+".cron", "invalid cron spec %q: %v; use five fields (minute hour day-of-month month day-of-week) or a descriptor such as @daily",
			j.Cron, err)
	}
}

// cronZone returns the zone of a spec that starts with CRON_TZ= or TZ=.
func cronZone(spec string) (string, bool) {
	for _, prefix := range []string{"CRON_TZ=", "TZ="} {
		if strings.HasPrefix(spec, prefix) {
			zone, _, _ := strings.Cut(spec[len(prefix):], " ")
			return zone, true
		}
	}
	return "", false
}

var lineageNamespace = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$`)

func (o *Observability) validate(ck *checker) {
	if f := o.MetricsTextfile; f != "" && filepath.Ext(f) != ".prom" {
		ck.fail("observability.metrics_textfile", "must end in .prom, the only files the node_exporter textfile collector reads, got %q", f)
	}
	if u := o.Lineage.URL; u != "" {
		parsed, err := url.Parse(u)
		if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
			ck.fail("observability.lineage.url", "must be an http or https URL, got %q", u)
		}
	}
	if !lineageNamespace.MatchString(o.Lineage.Namespace) {
		ck.fail("observability.lineage.namespace", "must be letters, digits and '_.:/-', got %q", o.Lineage.Namespace)
	}
}
