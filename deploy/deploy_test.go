package deploy

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
)

// binary is the evidencepack executable built once for the tests.
var binary string

// installedBinary and installedConfig are the paths the examples use.
const (
	installedBinary = "/usr/local/bin/evidencepack"
	installedConfig = "/etc/evidencepack/config.yaml"
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "evidencepack-deploy-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "evidencepack")
	build := exec.Command("go", "build", "-o", binary, "../cmd/evidencepack")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build evidencepack:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// execute runs argv with the installed binary replaced by the test build
// and returns the exit code and combined output.
func execute(t *testing.T, dir string, argv []string) (int, string) {
	t.Helper()
	if len(argv) == 0 || argv[0] != installedBinary {
		t.Fatalf("command line %q does not start with %s", argv, installedBinary)
	}
	cmd := exec.Command(binary, argv[1:]...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.ExitCode(), out.String()
	}
	if err != nil {
		t.Fatalf("start %v: %v", argv, err)
	}
	return 0, out.String()
}

// checkHelp runs argv with --help appended: every flag of the example
// must parse and the subcommand must exist.
func checkHelp(t *testing.T, argv []string) {
	t.Helper()
	code, out := execute(t, t.TempDir(), append(append([]string(nil), argv...), "--help"))
	if code != 0 {
		t.Errorf("%v --help: exit %d\n%s", argv, code, out)
	}
	if !strings.Contains(out, "Usage:") || !strings.Contains(out, "evidencepack "+argv[1]) {
		t.Errorf("%v --help printed no usage of %s:\n%s", argv, argv[1], out)
	}
}

func checkSpec(t *testing.T, spec string, want time.Time) {
	t.Helper()
	s, err := cron.ParseStandard(spec)
	if err != nil {
		t.Fatalf("cron spec %q: %v", spec, err)
	}
	from := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	if got := s.Next(from); !got.Equal(want) {
		t.Errorf("spec %q: next firing after %s = %s, want %s", spec, from, got, want)
	}
}

// crontabLine returns the schedule and the command of the crontab's one
// entry, without its output redirection.
func crontabLine(t *testing.T) (string, []string) {
	t.Helper()
	data, err := os.ReadFile("crontab")
	if err != nil {
		t.Fatal(err)
	}
	var entries []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			entries = append(entries, line)
		}
	}
	if len(entries) != 1 {
		t.Fatalf("crontab entries = %q, want one", entries)
	}
	fields := strings.Fields(entries[0])
	if len(fields) < 6 {
		t.Fatalf("crontab entry %q has no command", entries[0])
	}
	var argv []string
	for _, f := range fields[5:] {
		if strings.HasPrefix(f, ">") || strings.HasPrefix(f, "2>") {
			break
		}
		argv = append(argv, f)
	}
	return strings.Join(fields[:5], " "), argv
}

// demoConfig writes small demo inputs and the demo config to dir and
// returns the config's path.
func demoConfig(t *testing.T, dir string) string {
	t.Helper()
	text, err := os.ReadFile("../config/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// A few days of demo data carry a large share of deliberately broken
	// records, so the reject budgets are lifted.
	text = regexp.MustCompile(`max_reject_ratio: [0-9.]+`).ReplaceAll(text, []byte("max_reject_ratio: 1"))
	path := filepath.Join(dir, "config", "demo.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, text, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out := execute(t, dir, []string{installedBinary, "demo-data", "--out", "out/demo-input",
		"--accounts", "2", "--scale", "0.2", "--from", "2026-07-01", "--to", "2026-07-02"})
	if code != 0 {
		t.Fatalf("demo-data: exit %d\n%s", code, out)
	}
	return path
}

func TestCrontabLine(t *testing.T) {
	spec, argv := crontabLine(t)
	checkSpec(t, spec, time.Date(2026, 7, 2, 2, 30, 0, 0, time.UTC))
	checkHelp(t, argv)

	// The same command line against a demo config in a temporary
	// directory: it runs yesterday, which the demo data do not cover, so
	// it succeeds with every row outside the window.
	dir := t.TempDir()
	cfg := demoConfig(t, dir)
	real := append([]string(nil), argv...)
	replaced := false
	for i, a := range real {
		if a == installedConfig {
			real[i], replaced = cfg, true
		}
	}
	if !replaced {
		t.Fatalf("crontab command %q does not name %s", argv, installedConfig)
	}
	if code, out := execute(t, dir, real); code != 0 {
		t.Errorf("crontab command on the demo config: exit %d\n%s", code, out)
	}
}

// unit is a systemd unit file: section → key → values in file order.
type unit map[string]map[string][]string

// parseUnit reads the INI syntax of systemd unit files: [Section]
// headers, Key=Value lines, and # or ; comments.
func parseUnit(t *testing.T, path string) unit {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u := unit{}
	section := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line[1 : len(line)-1]
			u[section] = map[string][]string{}
		default:
			key, value, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("%s:%d: %q is neither a section nor Key=Value", path, n, line)
			}
			u[section][key] = append(u[section][key], value)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return u
}

func (u unit) value(t *testing.T, section, key string) string {
	t.Helper()
	values := u[section][key]
	if len(values) != 1 {
		t.Fatalf("[%s] %s = %q, want one value", section, key, values)
	}
	return values[0]
}

func TestSystemdServiceAndTimer(t *testing.T) {
	service := parseUnit(t, "systemd/evidencepack.service")
	if got := service.value(t, "Service", "Type"); got != "oneshot" {
		t.Errorf("service Type = %q, want oneshot", got)
	}
	argv := strings.Fields(service.value(t, "Service", "ExecStart"))
	if len(argv) < 2 || argv[1] != "run" {
		t.Fatalf("service ExecStart = %q, want an evidencepack run", argv)
	}
	checkHelp(t, argv)

	timer := parseUnit(t, "systemd/evidencepack.timer")
	if got := timer.value(t, "Timer", "OnCalendar"); got != "*-*-* 02:30:00" {
		t.Errorf("timer OnCalendar = %q, want *-*-* 02:30:00", got)
	}
	if got := timer.value(t, "Timer", "Unit"); got != "evidencepack.service" {
		t.Errorf("timer Unit = %q, want evidencepack.service", got)
	}
	if got := timer.value(t, "Timer", "Persistent"); got != "true" {
		t.Errorf("timer Persistent = %q, want true", got)
	}
	if got := timer.value(t, "Install", "WantedBy"); got != "timers.target" {
		t.Errorf("timer WantedBy = %q, want timers.target", got)
	}
}

func TestSystemdScheduleService(t *testing.T) {
	service := parseUnit(t, "systemd/evidencepack-schedule.service")
	argv := strings.Fields(service.value(t, "Service", "ExecStart"))
	if len(argv) < 2 || argv[1] != "schedule" {
		t.Fatalf("ExecStart = %q, want evidencepack schedule", argv)
	}
	checkHelp(t, argv)
	if got := service.value(t, "Service", "SuccessExitStatus"); got != "130" {
		t.Errorf("SuccessExitStatus = %q, want 130, the exit code of a run cancelled at stop", got)
	}
	stop, err := time.ParseDuration(strings.TrimSuffix(service.value(t, "Service", "TimeoutStopSec"), "in"))
	if err != nil {
		t.Fatalf("TimeoutStopSec: %v", err)
	}
	if stop <= 10*time.Minute {
		t.Errorf("TimeoutStopSec = %s, want more than the default grace_period of 10m", stop)
	}
}

// yamlFile decodes a YAML file into generic maps.
func yamlFile(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return doc
}

// lookup follows keys (string map keys or int list indexes) through doc.
func lookup(t *testing.T, doc any, keys ...any) any {
	t.Helper()
	cur := doc
	for i, k := range keys {
		switch key := k.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("%v: not a map at %v", keys[:i+1], keys[:i])
			}
			cur = m[key]
		case int:
			list, ok := cur.([]any)
			if !ok || key >= len(list) {
				t.Fatalf("%v: no list item %d", keys[:i+1], key)
			}
			cur = list[key]
		}
		if cur == nil {
			t.Fatalf("%v: missing", keys[:i+1])
		}
	}
	return cur
}

// containerArgv joins a container's command and args.
func containerArgv(t *testing.T, container any) []string {
	t.Helper()
	var argv []string
	for _, key := range []string{"command", "args"} {
		for _, a := range lookup(t, container, key).([]any) {
			argv = append(argv, a.(string))
		}
	}
	return argv
}

func TestKubernetesCronJob(t *testing.T) {
	doc := yamlFile(t, "kubernetes/cronjob.yaml")
	if doc["apiVersion"] != "batch/v1" || doc["kind"] != "CronJob" {
		t.Errorf("apiVersion, kind = %v, %v; want batch/v1, CronJob", doc["apiVersion"], doc["kind"])
	}
	checkSpec(t, lookup(t, doc, "spec", "schedule").(string), time.Date(2026, 7, 2, 2, 30, 0, 0, time.UTC))
	if _, err := time.LoadLocation(lookup(t, doc, "spec", "timeZone").(string)); err != nil {
		t.Errorf("timeZone: %v", err)
	}
	if got := lookup(t, doc, "spec", "concurrencyPolicy"); got != "Forbid" {
		t.Errorf("concurrencyPolicy = %v, want Forbid", got)
	}
	job := lookup(t, doc, "spec", "jobTemplate", "spec")
	deadline, ok := lookup(t, job, "activeDeadlineSeconds").(int)
	if !ok || deadline < 3600 || deadline > 86400 {
		t.Errorf("activeDeadlineSeconds = %v, want between an hour and a day", lookup(t, job, "activeDeadlineSeconds"))
	}
	pod := lookup(t, job, "template", "spec")
	if got := lookup(t, pod, "restartPolicy"); got != "Never" {
		t.Errorf("restartPolicy = %v, want Never", got)
	}
	argv := containerArgv(t, lookup(t, pod, "containers", 0))
	checkHelp(t, argv)
	mounts := lookup(t, pod, "containers", 0, "volumeMounts").([]any)
	if len(mounts) != 2 {
		t.Errorf("volumeMounts = %v, want config and data", mounts)
	}
}

func TestCloudRunJob(t *testing.T) {
	doc := yamlFile(t, "cloudrun/job.yaml")
	if doc["apiVersion"] != "run.googleapis.com/v1" || doc["kind"] != "Job" {
		t.Errorf("apiVersion, kind = %v, %v; want run.googleapis.com/v1, Job", doc["apiVersion"], doc["kind"])
	}
	execution := lookup(t, doc, "spec", "template", "spec")
	if got := lookup(t, execution, "taskCount"); got != 1 {
		t.Errorf("taskCount = %v, want 1 so runs never overlap", got)
	}
	task := lookup(t, execution, "template", "spec")
	if got := lookup(t, task, "timeoutSeconds"); got != "14400" {
		t.Errorf("timeoutSeconds = %v, want 14400", got)
	}
	checkHelp(t, containerArgv(t, lookup(t, task, "containers", 0)))
}

func TestCloudSchedulerTrigger(t *testing.T) {
	data, err := os.ReadFile("cloudrun/scheduler.sh")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	flag := func(name string) string {
		m := regexp.MustCompile(`--` + name + ` (?:"([^"]+)"|(\S+))`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("scheduler.sh sets no --%s", name)
		}
		return m[1] + m[2]
	}
	checkSpec(t, flag("schedule"), time.Date(2026, 7, 2, 2, 30, 0, 0, time.UTC))
	if _, err := time.LoadLocation(flag("time-zone")); err != nil {
		t.Errorf("--time-zone: %v", err)
	}
	uri := flag("uri")
	if !strings.HasSuffix(uri, "/jobs/evidencepack:run") {
		t.Errorf("--uri = %q, want the run method of the evidencepack job", uri)
	}
	if got := flag("http-method"); got != "POST" {
		t.Errorf("--http-method = %q, want POST", got)
	}
	if !strings.Contains(text, "gcloud run jobs replace deploy/cloudrun/job.yaml") {
		t.Error("scheduler.sh does not deploy job.yaml")
	}
}
