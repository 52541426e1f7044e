package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// Vocabularies of the fact tables.
var (
	Kinds          = []string{"usage", "labels", "costs", "incidents"}
	Formats        = []string{"focus", "segment", "labelstudio", "pagerduty", "csv", "jsonl"}
	EventTypes     = []string{"case_opened", "case_resolved", "case_escalated", "case_reopened", "suggestion_accepted", "audit_export_completed"}
	Verdicts       = []string{"correct", "partially_correct", "incorrect"}
	Severities     = []string{"sev1", "sev2", "sev3", "sev4"}
	AutonomyLevels = []string{"draft", "recommendation", "bounded_automation", "full_workflow"}
	PackFormats    = []string{"yaml", "json", "md", "html"}
)

// formatKinds lists the kinds each specific format can produce.
var formatKinds = map[string][]string{
	"focus":       {"costs"},
	"segment":     {"usage"},
	"labelstudio": {"labels"},
	"pagerduty":   {"incidents"},
	"csv":         Kinds,
	"jsonl":       Kinds,
}

// DefaultMaxRejectRatio is the share of quarantined records a source may
// have before a run fails, when the source sets none.
const DefaultMaxRejectRatio = 0.05

func (c *Config) applyDefaults() {
	if c.TimeZone == "" {
		c.TimeZone = "UTC"
	}
	for i := range c.Accounts {
		c.Accounts[i].applyDefaults(c.TimeZone)
	}
	if c.OutputDir == "" {
		c.OutputDir = "out"
	}
	if c.Warehouse.Kind == "" {
		c.Warehouse.Kind = "duckdb"
	}
	if c.Warehouse.Kind == "duckdb" && c.Warehouse.Path == "" {
		c.Warehouse.Path = filepath.Join(c.OutputDir, "warehouse.duckdb")
	}
	if c.Pack.Period == "" {
		c.Pack.Period = "quarter"
	}
	if len(c.Pack.Formats) == 0 {
		c.Pack.Formats = PackFormats
	}
	if c.Pack.VerificationWindowDays == 0 {
		c.Pack.VerificationWindowDays = 7
	}
	c.Pack.Expansion.applyDefaults()
	c.Schedule.applyDefaults()
	c.Observability.applyDefaults()
	for i := range c.Sources {
		if c.Sources[i].MaxRejectRatio == nil {
			r := DefaultMaxRejectRatio
			c.Sources[i].MaxRejectRatio = &r
		}
		c.Sources[i].applyLocationDefaults()
		if c.Sources[i].Replace == "" {
			c.Sources[i].Replace = defaultReplace(c.Sources[i].Kind)
		}
	}
}

func defaultReplace(kind string) string {
	if kind == "costs" {
		return ReplaceInputDates
	}
	return ReplaceWindow
}

func (e *Expansion) applyDefaults() {
	if e.MinReviewedCases == 0 {
		e.MinReviewedCases = 50
	}
	if e.MinReviewAccuracy == 0 {
		e.MinReviewAccuracy = 0.95
	}
	if e.MaxIncidents == 0 {
		e.MaxIncidents = 2
	}
	if e.MinUsageGrowth == 0 {
		e.MinUsageGrowth = 0.5
	}
}

// checker collects validation problems with the line of each key.
type checker struct {
	file  string
	lines map[string]int
	errs  []error
}

func (ck *checker) fail(key, format string, args ...any) {
	ck.errs = append(ck.errs, &Error{File: ck.file, Line: ck.line(key), Key: key,
		Msg: fmt.Sprintf(format, args...)})
}

// line returns the line of key, or of its nearest parent that has one.
func (ck *checker) line(key string) int {
	for k := key; k != ""; {
		if l, ok := ck.lines[k]; ok {
			return l
		}
		parent := parentKey(k)
		if parent == k {
			break
		}
		k = parent
	}
	return 0
}

var lastSegment = regexp.MustCompile(`(\.[^.\[]+|\[\d+\])$`)

func parentKey(k string) string {
	return lastSegment.ReplaceAllString(k, "")
}

func (c *Config) validate(path string, data []byte) error {
	ck := &checker{file: path, lines: keyLines(data)}
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		ck.fail("time_zone", "unknown time zone %q", c.TimeZone)
	}
	if c.LookbackDays < 0 || c.LookbackDays > 366 {
		ck.fail("lookback_days", "must be between 0 and 366, got %d", c.LookbackDays)
	}
	if c.MemoryLimitMiB < 0 {
		ck.fail("memory_limit_mib", "must be 0 (the default) or a positive number of MiB, got %d", c.MemoryLimitMiB)
	}
	c.Warehouse.validate(ck)
	for i := range c.Accounts {
		c.Accounts[i].validate(ck, fmt.Sprintf("accounts[%d]", i))
	}
	if len(c.Sources) == 0 {
		ck.fail("sources", "at least one source is required")
	}
	names := map[string]bool{}
	for i, s := range c.Sources {
		key := fmt.Sprintf("sources[%d]", i)
		if names[s.Name] {
			ck.fail(key+".name", "duplicate source name %q", s.Name)
		}
		names[s.Name] = true
		s.validate(ck, key)
	}
	c.Pack.validate(ck)
	c.Schedule.validate(ck, c.TimeZone)
	c.Observability.validate(ck)
	c.validatePrivacy(ck)
	c.validateChecks(ck)
	return errors.Join(ck.errs...)
}

func (w *Warehouse) validate(ck *checker) {
	switch w.Kind {
	case "duckdb":
	case "bigquery":
		if w.Project == "" {
			ck.fail("warehouse.project", "required when kind is bigquery")
		}
		if w.Dataset == "" {
			ck.fail("warehouse.dataset", "required when kind is bigquery")
		}
		if w.StagingThresholdBytes < 0 {
			ck.fail("warehouse.staging_threshold_bytes", "must be 0 or more, got %d", w.StagingThresholdBytes)
		}
		if w.PartitionExpirationDays < 0 {
			ck.fail("warehouse.partition_expiration_days", "must be 0 or more, got %d", w.PartitionExpirationDays)
		}
	default:
		ck.fail("warehouse.kind", "must be duckdb or bigquery, got %q", w.Kind)
	}
}

var safeID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`)

// ValidAccountID reports whether id is usable as an account id: letters,
// digits, '.', '_' and '-', starting with a letter or digit, so it is also
// a safe file name.
func ValidAccountID(id string) bool {
	return safeID.MatchString(id) && id != "." && id != ".."
}

// applyDefaults gives an account without a time zone the config's.
func (a *Account) applyDefaults(timeZone string) {
	if a.TimeZone == "" {
		a.TimeZone = timeZone
	}
}

func (a *Account) validate(ck *checker, key string) {
	if !ValidAccountID(a.ID) {
		ck.fail(key+".id", "invalid account id %q: use letters, digits, '.', '_' and '-'", a.ID)
	}
	if a.Currency != "" && !regexp.MustCompile(`^[A-Z]{3}$`).MatchString(a.Currency) {
		ck.fail(key+".currency", "must be an ISO 4217 code such as USD, got %q", a.Currency)
	}
	if a.RenewalDate != "" {
		if _, err := time.Parse(time.DateOnly, a.RenewalDate); err != nil {
			ck.fail(key+".renewal_date", "must be a date YYYY-MM-DD, got %q", a.RenewalDate)
		}
	}
	checkDecimal(ck, key+".annual_contract_value", a.AnnualContractValue)
	if a.TimeZone != "" {
		if _, err := time.LoadLocation(a.TimeZone); err != nil {
			ck.fail(key+".time_zone", "unknown time zone %q: use an IANA name such as America/Los_Angeles", a.TimeZone)
		}
	}
	for j, w := range a.Workflows {
		w.validate(ck, fmt.Sprintf("%s.workflows[%d]", key, j))
	}
}

func (w *Workflow) validate(ck *checker, key string) {
	if w.Name == "" {
		ck.fail(key+".name", "required")
	}
	if w.BaselineHandleTimeSeconds < 0 {
		ck.fail(key+".baseline_handle_time_seconds", "must not be negative")
	}
	if w.BaselineReopenRate < 0 || w.BaselineReopenRate > 1 {
		ck.fail(key+".baseline_reopen_rate", "must be between 0 and 1, got %v", w.BaselineReopenRate)
	}
	checkDecimal(ck, key+".hourly_cost_rate", w.HourlyCostRate)
	if w.AutonomyLevel != "" && !contains(AutonomyLevels, w.AutonomyLevel) {
		ck.fail(key+".autonomy_level", "must be one of %v, got %q", AutonomyLevels, w.AutonomyLevel)
	}
}

func checkDecimal(ck *checker, key, v string) {
	if v == "" {
		return
	}
	if _, err := decimal.NewFromString(v); err != nil {
		ck.fail(key, "must be a decimal number such as 1200.50, got %q", v)
	}
}

func (s *Source) validate(ck *checker, key string) {
	if !regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`).MatchString(s.Name) {
		ck.fail(key+".name", "must be lower-case letters, digits and '_', starting with a letter, got %q", s.Name)
	}
	if !contains(Kinds, s.Kind) {
		ck.fail(key+".kind", "must be one of %v, got %q", Kinds, s.Kind)
	}
	kinds, ok := formatKinds[s.Format]
	switch {
	case !ok:
		ck.fail(key+".format", "must be one of %v, got %q", Formats, s.Format)
	case !contains(kinds, s.Kind):
		ck.fail(key+".format", "format %s cannot produce kind %s", s.Format, s.Kind)
	}
	s.validateLocation(ck, key)
	if s.TimeZone != "" {
		if _, err := time.LoadLocation(s.TimeZone); err != nil {
			ck.fail(key+".time_zone", "unknown time zone %q", s.TimeZone)
		}
	}
	if r := *s.MaxRejectRatio; r < 0 || r > 1 {
		ck.fail(key+".max_reject_ratio", "must be between 0 and 1, got %v", r)
	}
	if s.Replace != ReplaceWindow && s.Replace != ReplaceInputDates {
		ck.fail(key+".replace", "must be %s or %s, got %q", ReplaceWindow, ReplaceInputDates, s.Replace)
	}
	s.validateVocabularies(ck, key)
	s.validateSensitiveFields(ck, key)
}

func (s *Source) validateVocabularies(ck *checker, key string) {
	checkMap := func(name string, m map[string]string, allowed []string) {
		for k, v := range m {
			if !contains(allowed, v) {
				ck.fail(key+"."+name+"."+k, "must be one of %v, got %q", allowed, v)
			}
		}
	}
	checkMap("event_types", s.EventTypes, EventTypes)
	checkMap("verdicts", s.Verdicts, Verdicts)
	checkMap("severities", s.Severities, Severities)
	for k, v := range s.ServiceAccounts {
		if !ValidAccountID(v) {
			ck.fail(key+".service_accounts."+k, "invalid account id %q", v)
		}
	}
	for k, v := range s.Attribution.SubAccounts {
		if !ValidAccountID(v) {
			ck.fail(key+".attribution.sub_accounts."+k, "invalid account id %q", v)
		}
	}
	if len(s.CSV.Delimiter) > 1 {
		ck.fail(key+".csv.delimiter", "must be one character, got %q", s.CSV.Delimiter)
	}
}

func (p *Pack) validate(ck *checker) {
	if p.Period != "quarter" && p.Period != "month" {
		ck.fail("pack.period", "must be quarter or month, got %q", p.Period)
	}
	for i, f := range p.Formats {
		if !contains(PackFormats, f) {
			ck.fail(fmt.Sprintf("pack.formats[%d]", i), "must be one of %v, got %q", PackFormats, f)
		}
	}
	if p.VerificationWindowDays < 0 || p.VerificationWindowDays > 365 {
		ck.fail("pack.verification_window_days", "must be between 1 and 365, got %d", p.VerificationWindowDays)
	}
	e := p.Expansion
	if e.MinReviewAccuracy < 0 || e.MinReviewAccuracy > 1 {
		ck.fail("pack.expansion.min_review_accuracy", "must be between 0 and 1, got %v", e.MinReviewAccuracy)
	}
	if e.MinReviewedCases < 0 || e.MaxSev1Incidents < 0 || e.MaxIncidents < 0 || e.MinUsageGrowth < 0 {
		ck.fail("pack.expansion", "thresholds must not be negative")
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// keyLines maps each key path of the YAML document to its line.
func keyLines(data []byte) map[string]int {
	lines := map[string]int{}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return lines
	}
	walkLines(doc.Content[0], "", lines)
	return lines
}

func walkLines(n *yaml.Node, prefix string, lines map[string]int) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			if prefix != "" {
				key = prefix + "." + key
			}
			lines[key] = n.Content[i].Line
			walkLines(n.Content[i+1], key, lines)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			key := prefix + "[" + strconv.Itoa(i) + "]"
			lines[key] = c.Line
			walkLines(c, key, lines)
		}
	}
}
