package config

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Resolve returns p as an absolute path, taking a relative p from the
// directory of the config file.
func (c *Config) Resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// Account returns the account with the given id.
func (c *Config) Account(id string) (*Account, bool) {
	for i := range c.Accounts {
		if c.Accounts[i].ID == id {
			return &c.Accounts[i], true
		}
	}
	return nil, false
}

// accountColumns are the columns of an accounts file. One row is one
// workflow of an account; the account columns repeat on each row. The
// last two columns, learning_permitted and time_zone, are optional, so
// files written before they were added still load.
var accountColumns = []string{
	"account_id", "name", "currency", "renewal_date", "annual_contract_value",
	"workflow", "baseline_handle_time_seconds", "baseline_reopen_rate",
	"hourly_cost_rate", "autonomy_level", "trial", "learning_permitted", "time_zone",
}

// Indexes of the optional columns of an accounts file.
const (
	learningColumn = 11
	timeZoneColumn = 12
)

// loadAccountsFile reads AccountsFile, when set, and merges its rows into
// Accounts. Accounts named in both places are an error.
func (c *Config) loadAccountsFile() error {
	if c.AccountsFile == "" {
		return nil
	}
	path := c.Resolve(c.AccountsFile)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%w: accounts_file: %w", ErrInvalid, err)
	}
	defer f.Close()
	fromConfig := map[string]bool{}
	for _, a := range c.Accounts {
		fromConfig[a.ID] = true
	}
	accounts, err := readAccounts(path, f)
	if err != nil {
		return err
	}
	for _, a := range accounts {
		a.applyDefaults(c.TimeZone)
		if fromConfig[a.ID] {
			return &Error{File: path, Key: "account_id",
				Msg: fmt.Sprintf("account %q is also defined in the config file", a.ID)}
		}
		c.Accounts = append(c.Accounts, *a)
	}
	return nil
}

func readAccounts(path string, r io.Reader) ([]*Account, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, &Error{File: path, Line: 1, Key: "header", Msg: "cannot read CSV header: " + err.Error()}
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	if !slices.Equal(header, accountColumns) && !slices.Equal(header, accountColumns[:timeZoneColumn]) &&
		!slices.Equal(header, accountColumns[:learningColumn]) {
		return nil, &Error{File: path, Line: 1, Key: "header",
			Msg: "columns must be " + strings.Join(accountColumns, ",") + " (learning_permitted and time_zone are optional)"}
	}
	var order []*Account
	byID := map[string]*Account{}
	lines := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, &Error{File: path, Line: line, Key: "record", Msg: err.Error()}
		}
		a, err := accountRow(path, line, rec, byID)
		if err != nil {
			return nil, err
		}
		key := accountKey(a.ID)
		if _, seen := byID[a.ID]; !seen {
			byID[a.ID] = a
			order = append(order, a)
			lines[key] = line
		}
		lines[fmt.Sprintf("%s.workflows[%d]", key, len(a.Workflows)-1)] = line
	}
	return order, validateAccounts(path, lines, order)
}

// accountKey names an account of an accounts file in validation errors.
func accountKey(id string) string { return fmt.Sprintf("account %q", id) }

func accountRow(path string, line int, rec []string, byID map[string]*Account) (*Account, error) {
	fail := func(col int, msg string) error {
		return &Error{File: path, Line: line, Key: accountColumns[col], Msg: msg}
	}
	learning, err := learningPermitted(rec)
	if err != nil {
		return nil, fail(learningColumn, err.Error())
	}
	zone := ""
	if len(rec) > timeZoneColumn {
		zone = rec[timeZoneColumn]
	}
	if _, err := time.LoadLocation(zone); zone != "" && err != nil {
		return nil, fail(timeZoneColumn, fmt.Sprintf("unknown time zone %q: use an IANA name such as America/Los_Angeles", zone))
	}
	a := byID[rec[0]]
	if a == nil {
		a = &Account{ID: rec[0], Name: rec[1], Currency: rec[2], RenewalDate: rec[3], AnnualContractValue: rec[4],
			LearningPermitted: learning, TimeZone: zone}
	} else if a.Name != rec[1] || a.Currency != rec[2] {
		return nil, fail(1, fmt.Sprintf("account %q has a different name or currency on another row", rec[0]))
	} else if a.LearningPermitted != learning {
		return nil, fail(learningColumn, fmt.Sprintf("account %q has a different learning_permitted on another row", rec[0]))
	} else if a.TimeZone != zone {
		return nil, fail(timeZoneColumn, fmt.Sprintf("account %q has a different time_zone on another row", rec[0]))
	}
	w := Workflow{Name: rec[5], HourlyCostRate: rec[8], AutonomyLevel: rec[9]}
	if w.BaselineHandleTimeSeconds, err = strconv.ParseFloat(rec[6], 64); err != nil {
		return nil, fail(6, fmt.Sprintf("not a number: %q", rec[6]))
	}
	if w.BaselineReopenRate, err = strconv.ParseFloat(rec[7], 64); err != nil {
		return nil, fail(7, fmt.Sprintf("not a number: %q", rec[7]))
	}
	if w.Trial, err = strconv.ParseBool(rec[10]); err != nil {
		return nil, fail(10, fmt.Sprintf("must be true or false: %q", rec[10]))
	}
	a.Workflows = append(a.Workflows, w)
	return a, nil
}

// validateAccounts checks the accounts of an accounts file. The lines map
// gives the row of each account and workflow key.
func validateAccounts(path string, lines map[string]int, accounts []*Account) error {
	ck := &checker{file: path, lines: lines}
	for _, a := range accounts {
		a.validate(ck, accountKey(a.ID))
	}
	return errors.Join(ck.errs...)
}

// learningPermitted parses the optional learning_permitted cell of a row.
// A missing column or an empty cell is false.
func learningPermitted(rec []string) (bool, error) {
	if len(rec) <= learningColumn || rec[learningColumn] == "" {
		return false, nil
	}
	v, err := strconv.ParseBool(rec[learningColumn])
	if err != nil {
		return false, fmt.Errorf("must be true or false: %q", rec[learningColumn])
	}
	return v, nil
}
