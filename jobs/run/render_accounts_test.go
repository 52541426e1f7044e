package run

import (
	"errors"
	"strings"
	"testing"

	"evidencepack/config"
)

func TestCheckRenderAccounts(t *testing.T) {
	accounts := []config.Account{{ID: "acme"}, {ID: "beta"}, {ID: "gamma"}}
	cases := []struct {
		name     string
		allow    []string
		accounts []string
		want     string // substring of the error; empty for no error
	}{
		{"every account, no allow list", nil, []string{"acme", "beta", "gamma"}, ""},
		{"allowed accounts", []string{"beta", "gamma"}, []string{"gamma", "beta"}, ""},
		{"account not in config", nil, []string{"acme", "delta"}, `account "delta" is not in the config`},
		{"account not allowed", []string{"beta"}, []string{"beta", "acme"}, `account "acme" is not in accounts_allow`},
		{"allowed but not in config", []string{"delta"}, []string{"delta"}, `account "delta" is not in the config`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := &config.Config{Accounts: accounts, AccountsAllow: c.allow}
			err := checkRenderAccounts(cfg, c.accounts)
			if c.want == "" {
				if err != nil {
					t.Fatalf("error %v, want none", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if !errors.Is(err, config.ErrInvalid) {
				t.Errorf("error %v is not config.ErrInvalid", err)
			}
		})
	}
}

func TestAllowedAccountsKeepsConfigOrder(t *testing.T) {
	accounts := []config.Account{{ID: "gamma"}, {ID: "acme"}, {ID: "beta"}}
	cases := []struct {
		name  string
		allow []string
		want  []string
	}{
		{"no allow list", nil, []string{"gamma", "acme", "beta"}},
		{"allow list", []string{"beta", "gamma", "delta"}, []string{"gamma", "beta"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := allowedAccounts(&config.Config{Accounts: accounts, AccountsAllow: c.allow})
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("allowedAccounts = %v, want %v", got, c.want)
			}
		})
	}
}
