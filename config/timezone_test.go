package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const zoneAccounts = `accounts:
  - id: west
    name: West Co
    currency: USD
    time_zone: America/Los_Angeles
  - id: home
    name: Home Co
    currency: EUR
`

func TestAccountTimeZoneDefault(t *testing.T) {
	text := strings.Replace(base, "time_zone: UTC", "time_zone: Europe/Berlin", 1) + zoneAccounts
	cfg, err := loadText(t, text, nil)
	if err != nil {
		t.Fatal(err)
	}
	west, _ := cfg.Account("west")
	if west.TimeZone != "America/Los_Angeles" {
		t.Errorf("west time_zone = %q, want America/Los_Angeles", west.TimeZone)
	}
	home, _ := cfg.Account("home")
	if home.TimeZone != "Europe/Berlin" {
		t.Errorf("home time_zone = %q, want the config's Europe/Berlin", home.TimeZone)
	}
}

func TestAccountTimeZoneInvalid(t *testing.T) {
	text := base + strings.Replace(zoneAccounts, "America/Los_Angeles", "Mars/Olympus", 1)
	_, err := loadText(t, text, nil)
	if err == nil {
		t.Fatal("Load accepted an unknown account time zone")
	}
	for _, want := range []string{":16:", "accounts[0].time_zone", `"Mars/Olympus"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestAccountsFileTimeZone(t *testing.T) {
	header12 := accountsHeader11 + ",learning_permitted"
	cases := []struct {
		name, text string
		want       map[string]string
	}{
		{"eleven columns", accountsHeader11 + "\na,A,USD,,,w,60,0.1,10,draft,false\n", map[string]string{"a": ""}},
		{"twelve columns", header12 + "\na,A,USD,,,w,60,0.1,10,draft,false,true\n", map[string]string{"a": ""}},
		{"thirteen columns", header12 + ",time_zone\n" +
			"a,A,USD,,,w,60,0.1,10,draft,false,true,America/Los_Angeles\n" +
			"a,A,USD,,,v,60,0.1,10,draft,false,true,America/Los_Angeles\n" +
			"b,B,EUR,,,w,60,0.1,10,draft,false,,\n",
			map[string]string{"a": "America/Los_Angeles", "b": ""}},
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
				if a.TimeZone != c.want[a.ID] {
					t.Errorf("account %s time_zone = %q, want %q", a.ID, a.TimeZone, c.want[a.ID])
				}
			}
		})
	}
}

func TestAccountsFileTimeZoneInvalid(t *testing.T) {
	header13 := accountsHeader11 + ",learning_permitted,time_zone\n"
	cases := map[string]struct{ text, line string }{
		"unknown zone": {header13 + "a,A,USD,,,w,60,0.1,10,draft,false,true,Mars/Olympus\n", "accounts.csv:2:"},
		"rows disagree": {header13 + "a,A,USD,,,w,60,0.1,10,draft,false,true,UTC\n" +
			"a,A,USD,,,v,60,0.1,10,draft,false,true,Asia/Tokyo\n", "accounts.csv:3:"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := readAccounts("accounts.csv", strings.NewReader(c.text))
			if err == nil {
				t.Fatal("readAccounts accepted the file")
			}
			for _, want := range []string{c.line, "time_zone"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

func TestAccountsFileGetsConfigZone(t *testing.T) {
	dir := t.TempDir()
	csv := accountsHeader11 + ",learning_permitted,time_zone\n" +
		"a,A,USD,,,w,60,0.1,10,draft,false,true,America/Los_Angeles\n" +
		"b,B,EUR,,,w,60,0.1,10,draft,false,true,\n"
	if err := os.WriteFile(filepath.Join(dir, "accounts.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(base, "time_zone: UTC", "time_zone: Asia/Tokyo", 1) + "accounts_file: accounts.csv\n"
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path, lookupFrom(nil))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := cfg.Account("a")
	if a.TimeZone != "America/Los_Angeles" {
		t.Errorf("a time_zone = %q, want America/Los_Angeles", a.TimeZone)
	}
	b, _ := cfg.Account("b")
	if b.TimeZone != "Asia/Tokyo" {
		t.Errorf("b time_zone = %q, want the config's Asia/Tokyo", b.TimeZone)
	}
}
