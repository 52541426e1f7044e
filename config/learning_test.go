package config

import (
	"strings"
	"testing"
)

const accountsHeader11 = "account_id,name,currency,renewal_date,annual_contract_value,workflow," +
	"baseline_handle_time_seconds,baseline_reopen_rate,hourly_cost_rate,autonomy_level,trial"

func TestAccountsLearningPermitted(t *testing.T) {
	cases := []struct {
		name, text string
		want       map[string]bool
	}{
		{"eleven columns", accountsHeader11 + "\na,A,USD,,,w,60,0.1,10,draft,false\n",
			map[string]bool{"a": false}},
		{"twelve columns", accountsHeader11 + ",learning_permitted\n" +
			"a,A,USD,,,w,60,0.1,10,draft,false,true\n" +
			"a,A,USD,,,v,60,0.1,10,draft,false,true\n" +
			"b,B,USD,,,w,60,0.1,10,draft,false,false\n" +
			"c,C,USD,,,w,60,0.1,10,draft,false,\n",
			map[string]bool{"a": true, "b": false, "c": false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			accounts, err := readAccounts("accounts.csv", strings.NewReader(c.text))
			if err != nil {
				t.Fatal(err)
			}
			if len(accounts) != len(c.want) {
				t.Fatalf("accounts = %d, want %d", len(accounts), len(c.want))
			}
			for _, a := range accounts {
				if a.LearningPermitted != c.want[a.ID] {
					t.Errorf("account %s learning_permitted = %v, want %v", a.ID, a.LearningPermitted, c.want[a.ID])
				}
			}
		})
	}
}

func TestAccountsLearningPermittedInvalid(t *testing.T) {
	cases := map[string]string{
		"not a boolean": accountsHeader11 + ",learning_permitted\na,A,USD,,,w,60,0.1,10,draft,false,maybe\n",
		"rows disagree": accountsHeader11 + ",learning_permitted\n" +
			"a,A,USD,,,w,60,0.1,10,draft,false,true\na,A,USD,,,v,60,0.1,10,draft,false,false\n",
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := readAccounts("accounts.csv", strings.NewReader(text))
			if err == nil {
				t.Fatal("readAccounts accepted the file")
			}
			if !strings.Contains(err.Error(), "learning_permitted") {
				t.Errorf("error %q does not name learning_permitted", err)
			}
		})
	}
}
