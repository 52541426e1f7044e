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
	if !strings.Contains(m.File, "-cancelled-") {
		t.Errorf("cancelled manifest path = %s, want a name of its own", m.File)
	}
	data, err := os.ReadFile(m.File)
	if err != nil {
		t.Fatalf("read cancelled manifest: %v", err)
	}
	var cancelled Manifest
	if err := json.Unmarshal(data, &cancelled); err != nil {
		t.Fatal(err)
	}
	if cancelled.Status != StatusCancelled {
		t.Errorf("manifest status = %s, want %s", cancelled.Status, StatusCancelled)
	}
	if cancelled.FailedStep != "render" {
		t.Errorf("manifest step = %q, want render", cancelled.FailedStep)
	}
	if cancelled.Error != context.Canceled.Error() {
		t.Errorf("manifest error = %q, want %q without an error class", cancelled.Error, context.Canceled.Error())
	}
}

func TestRunStatus(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"success", nil, StatusSucceeded},
		{"input error", stepErr("extract", ErrInput, errors.New("read x.csv: bad header")), StatusFailed},
		{"cancelled", stepErr("write", ErrOutput, context.Canceled), StatusCancelled},
		{"deadline", stepErr("load", ErrWarehouse, context.DeadlineExceeded), StatusFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := runStatus(tt.err); got != tt.want {
				t.Errorf("runStatus(%v) = %s, want %s", tt.err, got, tt.want)
			}
		})
	}
}

func TestCancelledStepDropsErrorClass(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	interrupted := stepErr("load", ErrWarehouse, errors.New("INTERRUPT Error: Interrupted!"))
	if got := cancelledStep(ctx, "load", interrupted); got != interrupted {
		t.Errorf("before cancel: cancelledStep = %v, want the step error unchanged", got)
	}
	cancel()
	got := cancelledStep(ctx, "", interrupted)
	var se *StepError
	if !errors.As(got, &se) || se.Step != "load" {
		t.Fatalf("cancelledStep = %#v, want a StepError of step load", got)
	}
	if !errors.Is(got, context.Canceled) {
		t.Errorf("cancelledStep = %v, want it to wrap context.Canceled", got)
	}
	if errors.Is(got, ErrWarehouse) {
		t.Errorf("cancelledStep = %v, still classed as a warehouse error", got)
	}
	if err := stepErr("write", ErrOutput, context.Canceled); errors.Is(err, ErrOutput) {
		t.Errorf("stepErr of a cancellation = %v, classed as an output error", err)
	}
}
