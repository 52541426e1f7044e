// Package config defines the evidencepack configuration file: its schema,
// loading with environment expansion, defaults and validation.
package config

// Config is one evidencepack configuration file.
type Config struct {
	// TimeZone is the IANA zone that logical dates are counted in. The
	// default is UTC.
	TimeZone string `yaml:"time_zone"`
	// LookbackDays is how many days before the logical date each run
	// reprocesses so that late rows land. The default is 0.
	LookbackDays int `yaml:"lookback_days"`
	// OutputDir is the directory of facts, quarantine files, manifests
	// and packs. The default is "out". Relative paths are taken from the
	// directory of the config file.
	OutputDir string `yaml:"output_dir"`
	// Warehouse selects and configures the warehouse the facts are loaded
	// into.
	Warehouse Warehouse `yaml:"warehouse"`
	// Accounts lists the customer accounts with their contract and
	// baselines.
	Accounts []Account `yaml:"accounts"`
	// AccountsFile is a CSV of accounts read in addition to Accounts.
	AccountsFile string `yaml:"accounts_file"`
	// Sources lists the inputs of each kind.
	Sources []Source `yaml:"sources"`
	// Pack sets how evidence packs are computed and written.
	Pack Pack `yaml:"pack"`
	// RedactPatterns are detectors of personal data added to the built-in
	// ones, applied to the redacted free-text columns of every source.
	RedactPatterns []RedactPattern `yaml:"redact_patterns"`
	// Pseudonymize replaces user and reviewer ids with keyed pseudonyms.
	Pseudonymize Pseudonymize `yaml:"pseudonymize"`
	// AccountsAllow limits the accounts whose facts are loaded; empty
	// means every account. Unattributed cost lines are always kept.
	AccountsAllow []string `yaml:"accounts_allow"`
	// Schedule sets the jobs of `evidencepack schedule`.
	Schedule Schedule `yaml:"schedule"`
	// Observability sets metrics files and lineage events.
	Observability Observability `yaml:"observability"`
	// Checks are the data quality checks added to the built-in ones, or
	// severity overrides of built-in checks with the same name.
	Checks []Check `yaml:"checks"`
	// ChecksDisabled names built-in or configured checks that are not run.
	ChecksDisabled []string `yaml:"checks_disabled"`
	// ChecksScope is the default scope of checks: window (the rows dated
	// in the partitions a run replaced) or table. The default is window.
	ChecksScope string `yaml:"checks_scope"`
	// MemoryLimitMiB is the soft limit, in MiB, on the resident memory
	// of a run's extract and write steps. The Go runtime gets this less
	// the memory outside it (runtime/debug.SetMemoryLimit). 0 keeps a GOMEMLIMIT environment
	// variable, or else uses DefaultMemoryLimitMiB.
	MemoryLimitMiB int `yaml:"memory_limit_mib"`

	// Dir is the directory of the config file; relative paths resolve
	// against it. It is set by Load.
	Dir string `yaml:"-"`
}

// Warehouse configures the warehouse sink.
type Warehouse struct {
	// Kind is "duckdb" (the default) or "bigquery".
	Kind string `yaml:"kind"`
	// Path is the DuckDB database file. The default is
	// "<output_dir>/warehouse.duckdb".
	Path string `yaml:"path"`
	// Project is the Google Cloud project of the BigQuery dataset.
	Project string `yaml:"project"`
	// Dataset is the BigQuery dataset name.
	Dataset string `yaml:"dataset"`
	// Location is the BigQuery dataset location, such as "US".
	Location string `yaml:"location"`
	// CredentialsFile is a service account key file; empty means
	// Application Default Credentials.
	CredentialsFile string `yaml:"credentials_file"`
	// StagingBucket is a GCS bucket that Parquet files are staged in
	// before a BigQuery load.
	StagingBucket string `yaml:"staging_bucket"`
	// StagingPrefix is the object name prefix of staged files.
	StagingPrefix string `yaml:"staging_prefix"`
	// StagingThresholdBytes is the size of a partition's Parquet files
	// above which they are staged in StagingBucket instead of uploaded
	// with the load job; 0 means the default, 64 MiB.
	StagingThresholdBytes int64 `yaml:"staging_threshold_bytes"`
	// PartitionExpirationDays sets the partition expiration of new
	// BigQuery fact tables; 0 means partitions never expire.
	PartitionExpirationDays int `yaml:"partition_expiration_days"`
	// RequirePartitionFilter makes BigQuery reject queries on a fact
	// table that do not filter on dt.
	RequirePartitionFilter bool `yaml:"require_partition_filter"`
}

// Account is one customer account and its contract.
type Account struct {
	ID                  string     `yaml:"id"`
	Name                string     `yaml:"name"`
	Currency            string     `yaml:"currency"`
	RenewalDate         string     `yaml:"renewal_date"`
	AnnualContractValue string     `yaml:"annual_contract_value"`
	Workflows           []Workflow `yaml:"workflows"`
	// LearningPermitted records that the contract permits learning from
	// the account's data, so its review feedback may be counted as
	// incorporated. The default is false.
	LearningPermitted bool `yaml:"learning_permitted"`
	// TimeZone is the IANA zone whose calendar assigns the account's facts
	// to months and quarters. The default is the config's time_zone.
	TimeZone string `yaml:"time_zone"`
}

// Workflow is the baseline of one workflow of an account, measured before
// the product was used.
type Workflow struct {
	Name string `yaml:"name"`
	// BaselineHandleTimeSeconds is the mean handle time of a case without
	// the product.
	BaselineHandleTimeSeconds float64 `yaml:"baseline_handle_time_seconds"`
	// BaselineReopenRate is the share of resolved cases reopened without
	// the product, from 0 to 1.
	BaselineReopenRate float64 `yaml:"baseline_reopen_rate"`
	// HourlyCostRate is the loaded cost of one hour of human handling, in
	// the account's currency, as decimal text.
	HourlyCostRate string `yaml:"hourly_cost_rate"`
	// AutonomyLevel is the current autonomy level: draft, recommendation,
	// bounded_automation or full_workflow.
	AutonomyLevel string `yaml:"autonomy_level"`
	// Trial marks a workflow the account is trying before buying it.
	Trial bool `yaml:"trial"`
}

// Source is one input: its kind, its format and where its files are.
type Source struct {
	// Name identifies the source in facts, manifests and quarantine files.
	Name string `yaml:"name"`
	// Kind is usage, labels, costs or incidents.
	Kind string `yaml:"kind"`
	// Format is focus, segment, labelstudio, pagerduty, csv or jsonl.
	Format string `yaml:"format"`
	// Paths are file globs, relative to the config file, or gs:// globs
	// for location gcs. A path may contain {date}, replaced with each
	// logical date as YYYY-MM-DD.
	Paths []string `yaml:"paths"`
	// Account assigns every record of the source to one account when the
	// records do not name one.
	Account string `yaml:"account"`
	// Fields maps fact columns to input fields, overriding the format's
	// defaults. JSON fields are dotted paths such as properties.case_id.
	Fields map[string]string `yaml:"fields"`
	// TimeZone is the zone of timestamps that carry no offset. Empty
	// means such timestamps are rejected, except for formats whose
	// specification fixes UTC (FOCUS).
	TimeZone string `yaml:"time_zone"`
	// EventTypes maps source event names to usage event types.
	EventTypes map[string]string `yaml:"event_types"`
	// Verdicts maps label choice values to verdicts.
	Verdicts map[string]string `yaml:"verdicts"`
	// Severities maps incident priority names or urgencies to sev1..sev4.
	Severities map[string]string `yaml:"severities"`
	// ServiceAccounts maps incident service ids or names to accounts.
	ServiceAccounts map[string]string `yaml:"service_accounts"`
	// Attribution assigns cost lines to accounts.
	Attribution Attribution `yaml:"attribution"`
	// MaxRejectRatio is the highest share of records that may be
	// quarantined before the run fails. The default is 0.05.
	MaxRejectRatio *float64 `yaml:"max_reject_ratio"`
	// CSV sets options of the csv format.
	CSV CSVOptions `yaml:"csv"`
	// SensitiveFields are text columns of the facts redacted in addition
	// to feedback_text and title, such as case_id.
	SensitiveFields []string `yaml:"sensitive_fields"`
	// Replace selects the date partitions a run replaces for this source:
	// ReplaceWindow or ReplaceInputDates. The default is ReplaceInputDates
	// for costs and for the postgres, pagerduty_api and labelstudio_api
	// locations, and ReplaceWindow otherwise.
	Replace string `yaml:"replace"`
	// Freshness sets how old the source's newest fact may be at the end
	// of the run's window; nil checks nothing.
	Freshness *Freshness `yaml:"freshness"`
	// Location is the place the records are read from. The default
	// reads Paths.
	Location Location `yaml:"location"`
}

// Values of Source.Replace.
const (
	// ReplaceWindow replaces the partitions of the run's window only, and
	// rows dated outside it are counted as outside the window.
	ReplaceWindow = "window"
	// ReplaceInputDates also replaces every partition that the source's
	// rows fall in, for month-to-date exports that restate earlier days.
	ReplaceInputDates = "input_dates"
)

// Attribution assigns cost lines to customer accounts. A tag match wins
// over a sub-account match; lines matching neither are unattributed.
type Attribution struct {
	// TagKey is the key in the FOCUS Tags column that holds the account id.
	TagKey string `yaml:"tag_key"`
	// SubAccounts maps SubAccountId values to account ids.
	SubAccounts map[string]string `yaml:"sub_accounts"`
}

// CSVOptions sets how plain CSV files are read.
type CSVOptions struct {
	// Delimiter is the field separator. The default is ",".
	Delimiter string `yaml:"delimiter"`
	// NullValues are cell texts read as NULL, such as "NULL" or "\N".
	NullValues []string `yaml:"null_values"`
}

// Pack sets how evidence packs are computed and written.
type Pack struct {
	// Period is "quarter" (the default) or "month".
	Period string `yaml:"period"`
	// Formats are the pack files written: yaml, json, md. The default is
	// all three.
	Formats []string `yaml:"formats"`
	// VerificationWindowDays is how long a resolved case must stay
	// un-reopened to count as verified. The default is 7.
	VerificationWindowDays int `yaml:"verification_window_days"`
	// Expansion sets when a workflow is proposed for the next autonomy
	// level or for more volume.
	Expansion Expansion `yaml:"expansion"`
}

// Expansion holds the thresholds of expansion candidates.
type Expansion struct {
	// MinReviewedCases is the fewest reviewed cases in the period. The
	// default is 50.
	MinReviewedCases int `yaml:"min_reviewed_cases"`
	// MinReviewAccuracy is the lowest review accuracy, from 0 to 1. The
	// default is 0.95.
	MinReviewAccuracy float64 `yaml:"min_review_accuracy"`
	// MaxSev1Incidents is the most sev1 incidents on the workflow in the
	// period. The default is 0.
	MaxSev1Incidents int `yaml:"max_sev1_incidents"`
	// MaxIncidents is the most incidents of any severity on the workflow in
	// the period. The default is 2.
	MaxIncidents int `yaml:"max_incidents"`
	// MinUsageGrowth is the growth of resolved cases from the first to the
	// last month of the period, from 0 up, that marks fast growth. The
	// default is 0.5.
	MinUsageGrowth float64 `yaml:"min_usage_growth"`
}
