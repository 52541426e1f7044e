package observe

import (
	"context"
	"log/slog"
)

// RunLogger returns base with run_id, job and logical_date on every line.
// run.Run logs the manifest's content-derived run id under run_id as well,
// so on this logger that record attribute is renamed manifest_run_id and
// each JSON line keeps one run_id key.
func RunLogger(base *slog.Logger, runID, job, logicalDate string) *slog.Logger {
	h := &renameHandler{inner: base.Handler(), from: "run_id", to: "manifest_run_id"}
	return slog.New(h).With("run_id", runID, "job", job, "logical_date", logicalDate)
}

// renameHandler renames one attribute of each record before passing it
// on. Attributes added with With are left alone.
type renameHandler struct {
	inner    slog.Handler
	from, to string
}

func (h *renameHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

func (h *renameHandler) Handle(ctx context.Context, r slog.Record) error {
	renamed := false
	r.Attrs(func(a slog.Attr) bool {
		renamed = renamed || a.Key == h.from
		return !renamed
	})
	if !renamed {
		return h.inner.Handle(ctx, r)
	}
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == h.from {
			a.Key = h.to
		}
		out.AddAttrs(a)
		return true
	})
	return h.inner.Handle(ctx, out)
}

func (h *renameHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &renameHandler{inner: h.inner.WithAttrs(attrs), from: h.from, to: h.to}
}

func (h *renameHandler) WithGroup(name string) slog.Handler {
	return &renameHandler{inner: h.inner.WithGroup(name), from: h.from, to: h.to}
}
