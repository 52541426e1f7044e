package run

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cancelOnStep is a log handler that cancels a run when it logs the start
// of the named step, so a test can interrupt a run at a known point.
type cancelOnStep struct {
	slog.Handler
	step   string
	cancel context.CancelFunc
}

func (h cancelOnStep) Handle(ctx context.Context, rec slog.Record) error {
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "step" && a.Value.String() == h.step && rec.Message == "step started" {
			h.cancel()
		}
		return true
	})
	return nil
}

func (h cancelOnStep) Enabled(context.Context, slog.Level) bool { return true }

func TestFailedRerunKeepsSuccessManifest(t *testing.T) {
	cfg := demoConfig(t)
	first := runWindow(t, cfg, "2026-07-01", "2026-07-07")
	successPath := filepath.Join(cfg.Resolve(cfg.OutputDir), "runs", first.RunID+".json")
	before, err := os.ReadFile(successPath)
	if err != nil {
		t.Fatalf("read manifest of the first run: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := slog.New(cancelOnStep{Handler: slog.DiscardHandler, step: "render", cancel: cancel})
	m, err := Run(ctx, cfg, Options{From: date("2026-07-01"), To: date("2026-07-07"), Logger: log})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run error = %v, want context.Canceled", err)
	}
	if m.RunID != first.RunID {
		t.Fatalf("interrupted run id = %s, want %s: the same work", m.RunID, first.RunID)
	}

	after, err := os.ReadFile(successPath)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Error("the interrupted re-run rewrote the manifest of the successful run")
	}
	if !strings.Contains(m.File, "-failed-") {
		t.Errorf("failed manifest path = %s, want a name of its own", m.File)
	}
	data, err := os.ReadFile(m.File)
	if err != nil {
		t.Fatalf("read failed manifest: %v", err)
	}
	var failed Manifest
	if err := json.Unmarshal(data, &failed); err != nil {
		t.Fatal(err)
	}
	if failed.Status != StatusFailed || failed.FailedStep != "render" {
		t.Errorf("failed manifest status %s step %s, want failed at render", failed.Status, failed.FailedStep)
	}
}
