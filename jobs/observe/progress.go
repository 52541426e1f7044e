package observe

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
)

// WithProgress returns a logger that logs to base and also prints a short
// progress line to w for each step a run starts and each input file it
// reads. Callers pass a terminal as w; the lines are not meant for log
// files. The progress lines come from run.Run's "step started" and
// "read input" records, which are read even when base's level drops them.
func WithProgress(base *slog.Logger, w io.Writer) *slog.Logger {
	return slog.New(&progressHandler{inner: base.Handler(), out: &progressWriter{w: w}})
}

type progressWriter struct {
	mu    sync.Mutex
	w     io.Writer
	files int
}

type progressHandler struct {
	inner  slog.Handler
	out    *progressWriter
	source string // from a "source" attribute added with With
}

func (h *progressHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= slog.LevelDebug || h.inner.Enabled(ctx, level)
}

func (h *progressHandler) Handle(ctx context.Context, r slog.Record) error {
	h.progress(r)
	if !h.inner.Enabled(ctx, r.Level) {
		return nil
	}
	return h.inner.Handle(ctx, r)
}

func (h *progressHandler) progress(r slog.Record) {
	attrs := map[string]slog.Value{}
	r.Attrs(func(a slog.Attr) bool {
		attrs[a.Key] = a.Value
		return true
	})
	h.out.mu.Lock()
	defer h.out.mu.Unlock()
	switch r.Message {
	case "step started":
		h.out.files = 0
		fmt.Fprintf(h.out.w, "\r\033[Kstep %s\n", attrs["step"])
	case "read input":
		h.out.files++
		fmt.Fprintf(h.out.w, "\r\033[K  %s: %d files, last %s (%s records)", h.source, h.out.files,
			attrs["file"], attrs["records"])
	}
}

func (h *progressHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	next := &progressHandler{inner: h.inner.WithAttrs(attrs), out: h.out, source: h.source}
	for _, a := range attrs {
		if a.Key == "source" {
			next.source = a.Value.String()
		}
	}
	return next
}

func (h *progressHandler) WithGroup(name string) slog.Handler {
	return &progressHandler{inner: h.inner.WithGroup(name), out: h.out, source: h.source}
}
