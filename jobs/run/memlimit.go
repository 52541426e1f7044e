package run

import (
	"log/slog"
	"os"
	"runtime/debug"

	"evidencepack/config"
)

// applyMemoryLimit sets the soft limit on the memory of the Go runtime
// (runtime/debug.SetMemoryLimit) for one run and returns a function that
// restores the previous limit. The limit is memory_limit_mib. When that
// is 0, a limit from the GOMEMLIMIT environment variable is kept, and
// otherwise config.DefaultMemoryLimitMiB applies. Near the limit the
// garbage collector runs more often, so the heap stays close to its live
// size instead of growing to twice that.
//
// NOTE: the limit is process-wide. Two runs in one process at the same
// time, such as two schedule jobs, share the limit that was set last.
func applyMemoryLimit(cfg *config.Config, log *slog.Logger) (restore func()) {
	var mib int64
	switch {
	case cfg.MemoryLimitMiB > 0:
		mib = int64(cfg.MemoryLimitMiB)
	case os.Getenv("GOMEMLIMIT") != "":
		log.Debug("memory limit kept from GOMEMLIMIT", "bytes", debug.SetMemoryLimit(-1))
		return func() {}
	default:
		mib = config.DefaultMemoryLimitMiB
	}
	previous := debug.SetMemoryLimit(mib << 20)
	log.Debug("memory limit set", "mib", mib)
	return func() { debug.SetMemoryLimit(previous) }
}
