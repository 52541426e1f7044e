package config

// DefaultMemoryLimitMiB is the soft limit on the resident memory of a
// run's extract and write steps, in MiB, when neither memory_limit_mib nor
// the GOMEMLIMIT environment variable sets one. The extract and write
// steps of a 5M-row usage file peak at about 50 MiB of live heap
// (GODEBUG=gctrace=1), so the limit binds only when a run holds far more
// than that. Near the limit the garbage collector runs more often, and
// past it the heap still grows rather than fail.
//
// NOTE: DuckDB's memory in the load and render steps is outside this
// limit; a run of the demo peaks at about 300 MB.
const DefaultMemoryLimitMiB = 256
