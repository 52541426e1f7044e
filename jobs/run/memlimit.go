package run

import (
	"log/slog"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"

	"evidencepack/config"
)

// applyMemoryLimit sets a soft limit on the resident memory of the
// extract and write steps of one run and returns a function that restores
// the previous limit. DuckDB's memory in the load and render steps is
// outside it. The limit is memory_limit_mib, or config.DefaultMemoryLimitMiB
// when that is 0 and no GOMEMLIMIT environment variable is set; a
// GOMEMLIMIT is kept as it is. The Go runtime's limit
// (runtime/debug.SetMemoryLimit) is that limit less the resident memory
// that the runtime does not manage, measured when the run starts: the
// program's code, C libraries and their heaps. Near its limit the garbage
// collector runs more often, so the heap stays close to its live size
// instead of growing to twice that.
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
	outside := residentOutsideGo()
	limit := goMemoryLimit(mib<<20, outside)
	if outside > mib<<20/2 {
		log.Warn("memory_limit_mib is less than twice the memory outside the Go runtime, so the Go runtime gets half of it",
			"memory_limit_mib", mib, "outside_go_mib", outside>>20, "go_limit_mib", limit>>20)
	}
	previous := debug.SetMemoryLimit(limit)
	log.Debug("memory limit set", "mib", mib, "outside_go_bytes", outside, "go_limit_bytes", limit)
	return func() { debug.SetMemoryLimit(previous) }
}

// goMemoryLimit returns the Go runtime's share of a limit on the whole
// process when outside bytes are resident outside the runtime. It leaves
// the runtime at least half of the limit, so that a large C heap at the
// start of a run does not make the garbage collector run without pause.
func goMemoryLimit(limit, outside int64) int64 {
	return max(limit-outside, limit/2)
}

// residentOutsideGo returns the bytes of the process's resident memory
// that the Go runtime does not account for. It is 0 where
// /proc/self/statm cannot be read.
var residentOutsideGo = func() int64 {
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(statm))
	if len(fields) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil {
		return 0
	}
	samples := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	metrics.Read(samples)
	goResident := int64(samples[0].Value.Uint64() - samples[1].Value.Uint64())
	return max(pages*int64(os.Getpagesize())-goResident, 0)
}
