package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"evidencepack/jobs/run"
)

// Secret values of the security runs: each must never appear in any
// output. The key is 48 bytes, above the 32-byte minimum.
const (
	secretHMACKey     = "hmac-key-7c1f0e5a9b3d4c2e8f6a1b0c9d8e7f6a5b4c3d2e"
	secretPattern     = `TOKEN-7Qx9Zr[0-9]{4}`
	secretCredsPath   = "/nonexistent/creds-5Ka8Wm.json"
	secretCredsInside = `{"private_key": "pk-3Rt6Yu9Io"}`
)

func runCLIEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.CommandContext(context.Background(), binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("start evidencepack: %v", err)
	}
	return result{stdout: out.String(), stderr: errOut.String(), code: code}
}

// securityConfig rewrites the demo config of dir to write to result/ and to
// turn on pseudonyms, a redact pattern and a credentials file, the last two
// taken from environment variables. extra is appended as YAML.
func securityConfig(t *testing.T, dir, extra string) {
	t.Helper()
	path := filepath.Join(dir, "config", "demo.yaml")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(raw), "output_dir: ../out", "output_dir: ../result", 1)
	text = strings.Replace(text, "path: ../out/warehouse.duckdb",
		"path: ../result/warehouse.duckdb\n  credentials_file: ${EP_SECRET_CREDS}", 1)
	text += "\npseudonymize:\n  user_ids: true\n  key_env: EP_SECRET_HMAC\n" +
		"redact_patterns:\n  - name: token\n    pattern: '${EP_SECRET_PATTERN}'\n" + extra
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func securityEnv(t *testing.T) []string {
	credsFile := filepath.Join(t.TempDir(), "creds.json")
	if err := os.WriteFile(credsFile, []byte(secretCredsInside), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"EP_SECRET_HMAC=" + secretHMACKey, "EP_SECRET_PATTERN=" + secretPattern,
		"EP_SECRET_CREDS=" + secretCredsPath, "EP_SECRET_CREDS_FILE=" + credsFile}
}

// securityRun runs the demo quarter with the security config and returns
// the workspace and the run's output.
func securityRun(t *testing.T, extra string) (string, result) {
	t.Helper()
	dir := demoWorkspace(t)
	securityConfig(t, dir, extra)
	res := runCLIEnv(t, dir, securityEnv(t), "--log-level", "debug", "run", "--config", "config/demo.yaml",
		"--from", "2026-07-01", "--to", "2026-09-30")
	if res.code != 0 {
		t.Fatalf("run exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	return dir, res
}

func TestSecurityDemoRun(t *testing.T) {
	t.Parallel()
	dir, res := securityRun(t, "")
	out := filepath.Join(dir, "result")
	t.Run("no secret in outputs", func(t *testing.T) { checkNoSecrets(t, out, res) })
	t.Run("file modes", func(t *testing.T) { checkModes(t, out) })
	t.Run("packs isolated", func(t *testing.T) { checkPackIsolation(t, out) })
	t.Run("ids pseudonymized", func(t *testing.T) { checkPseudonyms(t, out) })
	t.Run("free text redacted", func(t *testing.T) { checkRedactions(t, out) })
}

func checkNoSecrets(t *testing.T, out string, res result) {
	secrets := []string{secretHMACKey, secretPattern, "TOKEN-7Qx9Zr", secretCredsPath, "creds-5Ka8Wm",
		secretCredsInside, "pk-3Rt6Yu9Io"}
	streams := map[string]string{"stdout": res.stdout, "stderr": res.stderr}
	for name, text := range streams {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s contains the secret %q", name, s)
			}
		}
	}
	files := 0
	err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains the secret %q", path, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Errorf("searched %d files under %s, want the facts, packs, manifest and warehouse", files, out)
	}
}

// checkModes asserts that every file of the run is 0640 and every
// directory 0750, the output directory included.
func checkModes(t *testing.T, out string) {
	err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o640)
		if d.IsDir() {
			want = 0o750
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s has mode %o, want %o", path, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// accountTokens maps each id that belongs to exactly one account (account
// ids, case ids, cost line ids, incident ids) to that account.
func accountTokens(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	owners := map[string]map[string]bool{}
	queries := []string{
		"SELECT account_id, account_id FROM accounts",
		"SELECT DISTINCT account_id, case_id FROM usage_events WHERE case_id IS NOT NULL",
		"SELECT DISTINCT account_id, case_id FROM review_labels WHERE case_id IS NOT NULL",
		"SELECT DISTINCT account_id, line_id FROM cost_lines",
		"SELECT DISTINCT account_id, incident_id FROM incidents",
	}
	for _, q := range queries {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			var account, token string
			if err := rows.Scan(&account, &token); err != nil {
				t.Fatal(err)
			}
			if owners[token] == nil {
				owners[token] = map[string]bool{}
			}
			owners[token][account] = true
		}
		rows.Close()
	}
	tokens := map[string]string{}
	for token, accounts := range owners {
		if len(accounts) == 1 {
			for a := range accounts {
				tokens[token] = a
			}
		}
	}
	return tokens
}

func accountNames(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	names := map[string]string{}
	rows, err := db.Query("SELECT account_id, name FROM accounts")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			t.Fatal(err)
		}
		names[id] = name
	}
	return names
}

var tokenSplit = regexp.MustCompile(`[^A-Za-z0-9_.:\-]+`)

// checkPackIsolation reads every pack file and fails on any id or name of
// an account other than the pack's own.
func checkPackIsolation(t *testing.T, out string) {
	db := openReadOnly(t, filepath.Join(out, "warehouse.duckdb"))
	tokens := accountTokens(t, db)
	names := accountNames(t, db)
	packs, _ := filepath.Glob(filepath.Join(out, "packs", "*", "*.*"))
	if len(packs) < 75 {
		t.Fatalf("found %d pack files, want yaml, json and md for every account", len(packs))
	}
	for _, path := range packs {
		own := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		if _, isAccount := names[own]; !isAccount {
			continue // the period's index page lists every account on purpose
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range tokenSplit.Split(string(data), -1) {
			if owner, ok := tokens[strings.Trim(tok, ".:-")]; ok && owner != own {
				t.Errorf("%s names %q of account %s", path, tok, owner)
			}
		}
		for id, name := range names {
			if id != own && !strings.Contains(names[own], name) && bytes.Contains(data, []byte(name)) {
				t.Errorf("%s names account %s (%s)", path, id, name)
			}
		}
	}
}

func openReadOnly(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", path+"?access_mode=read_only")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var pseudonymID = regexp.MustCompile(`^u_[0-9a-f]{24}$`)

func checkPseudonyms(t *testing.T, out string) {
	db := openReadOnly(t, filepath.Join(out, "warehouse.duckdb"))
	for _, q := range []string{
		"SELECT DISTINCT user_id FROM usage_events WHERE user_id IS NOT NULL",
		"SELECT DISTINCT reviewer_id FROM review_labels WHERE reviewer_id IS NOT NULL",
	} {
		ids := queryColumn(t, db, q)
		if len(ids) == 0 {
			t.Errorf("%s returned no ids", q)
		}
		for _, id := range ids {
			if !pseudonymID.MatchString(id) {
				t.Errorf("%s: %q is not a pseudonym", q, id)
				break
			}
		}
	}
}

func queryColumn(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

var emailLike = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+\.[A-Za-z]{2,}`)

func checkRedactions(t *testing.T, out string) {
	m := latestManifest(t, filepath.Join(out, "runs"))
	red := m.Sources["review_queue"].Redactions["feedback_text"]
	if red["email"] == 0 || red["phone"] == 0 {
		t.Errorf("review_queue redactions = %v, want e-mail and phone counts (the demo plants both)", red)
	}
	db := openReadOnly(t, filepath.Join(out, "warehouse.duckdb"))
	for _, text := range queryColumn(t, db, "SELECT feedback_text FROM review_labels WHERE feedback_text IS NOT NULL") {
		if emailLike.MatchString(text) {
			t.Errorf("feedback_text %q still holds an e-mail address", text)
		}
	}
}

func TestAccountsAllow(t *testing.T) {
	t.Parallel()
	allowed := []string{"northwind-logistics", "acme-health"}
	dir, _ := securityRun(t, "accounts_allow: ["+strings.Join(allowed, ", ")+"]\n")
	out := filepath.Join(dir, "result")
	m := latestManifest(t, filepath.Join(out, "runs"))
	var notAllowed int64
	for name, s := range m.Sources {
		if s.Records != s.Facts+s.Rejected+s.Duplicates+s.OutOfWindow+s.NotAllowed {
			t.Errorf("source %s: %d read != %d facts + %d quarantined + %d duplicates + %d outside + %d not allowed",
				name, s.Records, s.Facts, s.Rejected, s.Duplicates, s.OutOfWindow, s.NotAllowed)
		}
		notAllowed += s.NotAllowed
	}
	if notAllowed == 0 {
		t.Error("no record counted as not_allowed")
	}
	db := openReadOnly(t, filepath.Join(out, "warehouse.duckdb"))
	want := map[string]bool{"northwind-logistics": true, "acme-health": true, "unattributed": true}
	for _, table := range []string{"usage_events", "review_labels", "cost_lines", "incidents"} {
		for _, a := range queryColumn(t, db, "SELECT DISTINCT account_id FROM "+table) {
			if !want[a] {
				t.Errorf("%s holds rows of account %s, outside accounts_allow", table, a)
			}
		}
	}
	if n := queryColumn(t, db, "SELECT line_id FROM cost_lines WHERE account_id = 'unattributed' LIMIT 1"); len(n) == 0 {
		t.Error("unattributed cost lines were dropped; they must stay so totals reconcile")
	}
	packs, _ := filepath.Glob(filepath.Join(out, "packs", "*", "*.*"))
	for _, p := range packs {
		if own := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p)); !want[own] && own != "index" {
			t.Errorf("pack %s written for an account outside accounts_allow", p)
		}
	}
	checkIndexAllowed(t, out, want)
	if len(packs) == 0 {
		t.Error("no packs written for the allowed accounts")
	}
}

// checkIndexAllowed fails when a period's index page links a pack of an
// account outside accounts_allow.
func checkIndexAllowed(t *testing.T, out string, allowed map[string]bool) {
	t.Helper()
	indexes, _ := filepath.Glob(filepath.Join(out, "packs", "*", "index.*"))
	for _, path := range indexes {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"cedar-care", "contoso-claims", "wingtip-care"} {
			if !allowed[id] && bytes.Contains(data, []byte(id)) {
				t.Errorf("%s names account %s, outside accounts_allow", path, id)
			}
		}
	}
}

func TestHMACKeyRequired(t *testing.T) {
	dir := t.TempDir()
	cfg := "sources:\n  - name: events\n    kind: usage\n    format: jsonl\n    paths: [events.jsonl]\n" +
		"pseudonymize:\n  user_ids: true\n"
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"run", "--config", "c.yaml", "--date", "2026-07-01"}
	res := runCLIEnv(t, dir, []string{"EVIDENCEPACK_HMAC_KEY="}, args...)
	if res.code != exitConfig || !strings.Contains(res.stderr, "environment variable EVIDENCEPACK_HMAC_KEY is not set") {
		t.Errorf("missing key: exit %d, stderr %q; want exit %d naming the variable", res.code, res.stderr, exitConfig)
	}
	short := "short-key-Zq81"
	res = runCLIEnv(t, dir, []string{"EVIDENCEPACK_HMAC_KEY=" + short}, args...)
	if res.code != exitConfig || !strings.Contains(res.stderr, "key of 14 bytes, need at least 32") {
		t.Errorf("short key: exit %d, stderr %q; want exit %d naming the length", res.code, res.stderr, exitConfig)
	}
	if strings.Contains(res.stderr+res.stdout, short) {
		t.Errorf("output contains the key: %s", res.stderr)
	}
}

// TestManifestCountsNotAllowed keeps the manifest field name stable for
// dashboards that read it.
func TestManifestCountsNotAllowed(t *testing.T) {
	var s run.SourceStats
	s.NotAllowed = 3
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"not_allowed":3`) {
		t.Errorf("SourceStats JSON = %s, want not_allowed", data)
	}
}
