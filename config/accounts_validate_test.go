package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Values that parse but break a rule must name the accounts file, the
// row and the account, and return at once.
func TestAccountsFileInvalidValues(t *testing.T) {
	const header = "account_id,name,currency,renewal_date,annual_contract_value,workflow,baseline_handle_time_seconds,baseline_reopen_rate,hourly_cost_rate,autonomy_level,trial\n"
	const good = "globex,Globex,EUR,2027-03-01,120000.00,claims_status,900,0.1,48.00,draft,false\n"
	tests := []struct {
		name string
		row  string
		want []string
	}{
		{"lower-case currency", "a1,A,usd,2027-03-01,100,wf,1200,0.1,50.00,draft,false\n",
			[]string{"accounts.csv:3:", `account "a1".currency`, `"usd"`}},
		{"impossible date", "a1,A,USD,2026-13-01,100,wf,1200,0.1,50.00,draft,false\n",
			[]string{"accounts.csv:3:", `account "a1".renewal_date`}},
		{"contract value not a number", "a1,A,USD,2027-03-01,abc,wf,1200,0.1,50.00,draft,false\n",
			[]string{"accounts.csv:3:", `account "a1".annual_contract_value`}},
		{"unknown autonomy level on a second workflow row", good + "a1,A,USD,2027-03-01,100,wf,1200,0.1,50.00,draft,false\n" +
			"a1,A,USD,2027-03-01,100,wf2,1200,0.1,50.00,robot,false\n",
			[]string{"accounts.csv:5:", `account "a1".workflows[1].autonomy_level`, "robot"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			csvPath := filepath.Join(dir, "accounts.csv")
			if err := os.WriteFile(csvPath, []byte(header+good+tt.row), 0o644); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "config.yaml")
			text := strings.Replace(base, "warehouse:", "accounts_file: "+csvPath+"\nwarehouse:", 1)
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := Load(path, lookupFrom(nil))
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("Load did not return within 30 s")
			}
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}
