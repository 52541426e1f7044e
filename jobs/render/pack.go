// Package render builds renewal evidence packs from the warehouse views and
// writes them as YAML, JSON and Markdown files.
package render

// Pack is the renewal evidence pack of one account and period. Counts are
// integers; money, percentages and durations are display text in the
// account currency, computed from the exact view values.
type Pack struct {
	Account     string `yaml:"account" json:"account"`
	AccountID   string `yaml:"account_id" json:"account_id"`
	Period      string `yaml:"period" json:"period"`
	Provisional bool   `yaml:"provisional" json:"provisional"`
	// FinalAfter is the date (YYYY-MM-DD, UTC) on which the figures become
	// final: the period end plus verification_window_days. A run whose
	// data reaches that date renders the pack as not provisional.
	FinalAfter          string      `yaml:"final_after" json:"final_after"`
	WorkPerformed       Work        `yaml:"work_performed" json:"work_performed"`
	Value               Value       `yaml:"value" json:"value"`
	Quality             Quality     `yaml:"quality" json:"quality"`
	Adoption            Adoption    `yaml:"adoption" json:"adoption"`
	Cost                Cost        `yaml:"cost" json:"cost"`
	Trust               Trust       `yaml:"trust" json:"trust"`
	ExpansionCandidates []Candidate `yaml:"expansion_candidates" json:"expansion_candidates"`
	// ExpansionThresholds are the pack_settings values that the candidates
	// were selected with.
	ExpansionThresholds ExpansionThresholds `yaml:"expansion_thresholds" json:"expansion_thresholds"`
	// FeedbackIncorporated is nil when the contract does not permit
	// learning from the account's data, and FeedbackIncorporatedNote gives
	// the reason.
	FeedbackIncorporated     *int64 `yaml:"feedback_incorporated" json:"feedback_incorporated"`
	FeedbackIncorporatedNote string `yaml:"feedback_incorporated_note,omitempty" json:"feedback_incorporated_note,omitempty"`
	// FeedbackIncorporatedLabels lists the labels that FeedbackIncorporated
	// counts. It is nil, and left out of YAML and JSON, when the count is.
	FeedbackIncorporatedLabels *FeedbackLabels `yaml:"feedback_incorporated_labels,omitempty" json:"feedback_incorporated_labels,omitempty"`
	// Formulas maps each derived metric to the formula behind it. YAML and
	// JSON encoders write map keys sorted, so output stays deterministic.
	Formulas         map[string]string `yaml:"formulas" json:"formulas"`
	DataQualityNotes []string          `yaml:"data_quality_notes" json:"data_quality_notes"`
	Provenance       Provenance        `yaml:"provenance" json:"provenance"`
}

// FeedbackNotCounted is the note of a pack whose account does not permit
// learning from its data.
const FeedbackNotCounted = "not counted: the contract does not permit learning from this account's data"

// Provenance names the run and inputs that produced a pack.
type Provenance struct {
	RunID        string `yaml:"run_id" json:"run_id"`
	DataThrough  string `yaml:"data_through" json:"data_through"`
	InputsSHA256 string `yaml:"inputs_sha256" json:"inputs_sha256"`
	ViewsSHA256  string `yaml:"views_sha256" json:"views_sha256"`
}

// Work is the count of work the product performed in the period.
type Work struct {
	VerifiedResolvedCases int64 `yaml:"verified_resolved_cases" json:"verified_resolved_cases"`
	ResolvedCases         int64 `yaml:"resolved_cases" json:"resolved_cases"`
	ReopenedCases         int64 `yaml:"reopened_cases" json:"reopened_cases"`
	ReviewedCases         int64 `yaml:"reviewed_cases" json:"reviewed_cases"`
}

// Value is the value metric of the period and its monthly trend.
type Value struct {
	HandleTimeReduction  string       `yaml:"handle_time_reduction" json:"handle_time_reduction"`
	ReopenRateDelta      string       `yaml:"reopen_rate_delta" json:"reopen_rate_delta"`
	EstimatedCostAvoided string       `yaml:"estimated_cost_avoided" json:"estimated_cost_avoided"`
	Trend                []ValuePoint `yaml:"trend" json:"trend"`
}

// ValuePoint is one month of the value trend.
type ValuePoint struct {
	Month                 string `yaml:"month" json:"month"`
	VerifiedResolvedCases int64  `yaml:"verified_resolved_cases" json:"verified_resolved_cases"`
	HandleTimeReduction   string `yaml:"handle_time_reduction" json:"handle_time_reduction"`
	EstimatedCostAvoided  string `yaml:"estimated_cost_avoided" json:"estimated_cost_avoided"`
}

// Quality is the result of human review in the period.
type Quality struct {
	ReviewAccuracy       string            `yaml:"review_accuracy" json:"review_accuracy"`
	ReviewedCases        int64             `yaml:"reviewed_cases" json:"reviewed_cases"`
	TopFailureCategories []FailureCategory `yaml:"top_failure_categories" json:"top_failure_categories"`
	ByWorkflow           []WorkflowQuality `yaml:"by_workflow" json:"by_workflow"`
}

// WorkflowQuality is the review result of one workflow with reviewed cases.
type WorkflowQuality struct {
	Workflow       string `yaml:"workflow" json:"workflow"`
	ReviewedCases  int64  `yaml:"reviewed_cases" json:"reviewed_cases"`
	ReviewAccuracy string `yaml:"review_accuracy" json:"review_accuracy"`
}

// FailureCategory is a failure category and the reviewed cases whose
// latest label has it.
type FailureCategory struct {
	Category string `yaml:"category" json:"category"`
	Cases    int64  `yaml:"cases" json:"cases"`
}

// Adoption is the user adoption of the period and its monthly trend.
type Adoption struct {
	ActiveUsers int64           `yaml:"active_users" json:"active_users"`
	Trend       []AdoptionPoint `yaml:"trend" json:"trend"`
}

// AdoptionPoint is one month of the adoption trend.
type AdoptionPoint struct {
	Month       string `yaml:"month" json:"month"`
	ActiveUsers int64  `yaml:"active_users" json:"active_users"`
}

// Cost is the cost of the period in the account currency. Cost lines in
// other currencies are listed apart in OtherCurrencies and never converted.
type Cost struct {
	Currency string `yaml:"currency" json:"currency"`
	// Lines counts the cost lines of the period in the account currency.
	Lines               int64          `yaml:"lines" json:"lines"`
	Total               string         `yaml:"total" json:"total"`
	BilledTotal         string         `yaml:"billed_total" json:"billed_total"`
	CostPerVerifiedCase string         `yaml:"cost_per_verified_case" json:"cost_per_verified_case"`
	Credits             string         `yaml:"credits" json:"credits"`
	ByService           []ServiceCost  `yaml:"by_service" json:"by_service"`
	Trend               []CostPoint    `yaml:"trend" json:"trend"`
	OtherCurrencies     []CurrencyCost `yaml:"other_currencies" json:"other_currencies"`
}

// ServiceCost is the cost of one service.
type ServiceCost struct {
	Service     string `yaml:"service" json:"service"`
	Total       string `yaml:"total" json:"total"`
	BilledTotal string `yaml:"billed_total" json:"billed_total"`
}

// CostPoint is one month of the cost trend, beside the value of the month.
type CostPoint struct {
	Month                string `yaml:"month" json:"month"`
	Total                string `yaml:"total" json:"total"`
	EstimatedCostAvoided string `yaml:"estimated_cost_avoided" json:"estimated_cost_avoided"`
}

// CurrencyCost is the cost booked in a currency other than the account's.
type CurrencyCost struct {
	Currency    string `yaml:"currency" json:"currency"`
	Total       string `yaml:"total" json:"total"`
	BilledTotal string `yaml:"billed_total" json:"billed_total"`
}

// Trust is the incident record of the period.
type Trust struct {
	Incidents             int64      `yaml:"incidents" json:"incidents"`
	BySeverity            BySeverity `yaml:"by_severity" json:"by_severity"`
	MedianResolutionTime  string     `yaml:"median_resolution_time" json:"median_resolution_time"`
	Unresolved            int64      `yaml:"unresolved" json:"unresolved"`
	AuditExportsCompleted int64      `yaml:"audit_exports_completed" json:"audit_exports_completed"`
	Log                   []Incident `yaml:"log" json:"log"`
}

// Incident is one incident opened in the period. Times are UTC in RFC 3339;
// ResolvedAt is empty and ResolutionTime "open" while it is unresolved.
type Incident struct {
	IncidentID     string `yaml:"incident_id" json:"incident_id"`
	Severity       string `yaml:"severity" json:"severity"`
	OpenedAt       string `yaml:"opened_at" json:"opened_at"`
	ResolvedAt     string `yaml:"resolved_at" json:"resolved_at"`
	ResolutionTime string `yaml:"resolution_time" json:"resolution_time"`
	Status         string `yaml:"status" json:"status"`
	Service        string `yaml:"service" json:"service"`
	Workflow       string `yaml:"workflow" json:"workflow"`
}

// BySeverity counts incidents per severity. Other counts incidents with no
// severity or one outside sev1 to sev4.
type BySeverity struct {
	Sev1  int64 `yaml:"sev1" json:"sev1"`
	Sev2  int64 `yaml:"sev2" json:"sev2"`
	Sev3  int64 `yaml:"sev3" json:"sev3"`
	Sev4  int64 `yaml:"sev4" json:"sev4"`
	Other int64 `yaml:"other" json:"other"`
}

// Candidate is a workflow proposed for expansion. Kind is autonomy (move
// to ToLevel), volume (fast growth) or workflow (in trial).
type Candidate struct {
	Workflow  string            `yaml:"workflow" json:"workflow"`
	Kind      string            `yaml:"kind" json:"kind"`
	FromLevel string            `yaml:"from_level,omitempty" json:"from_level,omitempty"`
	ToLevel   string            `yaml:"to_level,omitempty" json:"to_level,omitempty"`
	Evidence  CandidateEvidence `yaml:"evidence" json:"evidence"`
}

// ExpansionThresholds are the limits of pack.expansion in the config. An
// autonomy candidate needs at least MinReviewedCases reviewed cases, a
// review accuracy of at least MinReviewAccuracy, and at most
// MaxSev1Incidents sev1 and MaxIncidents incidents in all. A volume
// candidate needs resolved cases to grow by at least MinUsageGrowth from
// the first to the last month of a quarter. Shares are display text.
type ExpansionThresholds struct {
	MinReviewedCases  int64  `yaml:"min_reviewed_cases" json:"min_reviewed_cases"`
	MinReviewAccuracy string `yaml:"min_review_accuracy" json:"min_review_accuracy"`
	MaxSev1Incidents  int64  `yaml:"max_sev1_incidents" json:"max_sev1_incidents"`
	MaxIncidents      int64  `yaml:"max_incidents" json:"max_incidents"`
	MinUsageGrowth    string `yaml:"min_usage_growth" json:"min_usage_growth"`
}

// CandidateEvidence is the figures a candidate was proposed on. The month
// counts and growth are set for quarters only.
type CandidateEvidence struct {
	ReviewedCases           int64  `yaml:"reviewed_cases" json:"reviewed_cases"`
	ReviewAccuracy          string `yaml:"review_accuracy" json:"review_accuracy"`
	Incidents               int64  `yaml:"incidents" json:"incidents"`
	Sev1Incidents           int64  `yaml:"sev1_incidents" json:"sev1_incidents"`
	ResolvedCases           int64  `yaml:"resolved_cases" json:"resolved_cases"`
	FirstMonthResolvedCases *int64 `yaml:"first_month_resolved_cases,omitempty" json:"first_month_resolved_cases,omitempty"`
	LastMonthResolvedCases  *int64 `yaml:"last_month_resolved_cases,omitempty" json:"last_month_resolved_cases,omitempty"`
	UsageGrowth             string `yaml:"usage_growth,omitempty" json:"usage_growth,omitempty"`
	Trial                   bool   `yaml:"trial" json:"trial"`
}
