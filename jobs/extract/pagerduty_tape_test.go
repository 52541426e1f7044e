package extract

import (
	"os"
	"path/filepath"
	"testing"

	"evidencepack/config"
)

// pagerDutyTapeSources are sources that exercise each derived column of
// pagerDutyReader, with and without overrides.
func pagerDutyTapeSources() map[string]config.Source {
	withAccount := pagerDutySource()
	withAccount.Account = "acct-fixed"
	withOverrides := pagerDutySource()
	withOverrides.Fields = map[string]string{"severity": "urgency", "resolved_at": "updated_at",
		"acknowledged_at": "created_at", "account_id": "service.id"}
	return map[string]config.Source{"default": pagerDutySource(), "account": withAccount, "overrides": withOverrides}
}

func TestPagerDutyTapeMatchesMaps(t *testing.T) {
	files := []string{"testdata/pagerduty_list.json", "testdata/pagerduty_single.json",
		"testdata/pagerduty_airbyte.jsonl", "testdata/pagerduty_tape.jsonl"}
	for name, src := range pagerDutyTapeSources() {
		t.Run(name, func(t *testing.T) {
			for _, file := range files {
				compareReaders(t, src, file)
			}
		})
	}
}

func TestPagerDutyTapeMatchesMapsOnRealData(t *testing.T) {
	dir := realData(t, "incidents")
	src := pagerDutySource()
	src.Fields = nil
	src.Account = "demo"
	for _, file := range jsonTestFiles(t, dir) {
		compareReaders(t, src, file)
	}
}

// FuzzPagerDutyTape compares the tape and map paths of pagerDutyReader on
// arbitrary input, read as JSON and as JSON Lines.
func FuzzPagerDutyTape(f *testing.F) {
	for _, file := range []string{"testdata/pagerduty_list.json", "testdata/pagerduty_tape.jsonl", "testdata/pagerduty_airbyte.jsonl"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		for _, name := range []string{"incidents.json", "incidents.jsonl"} {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			for _, src := range pagerDutyTapeSources() {
				compareReaderOutcomes(t, src, path)
			}
		}
	})
}
