package config

// DefaultMemoryLimitMiB is the soft limit on a run's resident memory, in
// MiB, when neither memory_limit_mib nor the GOMEMLIMIT environment
// variable sets one. The extract and write steps of a 5M-row usage file
// peak at about 50 MiB of live heap (GODEBUG=gctrace=1), so the limit
// binds only when a run holds far more than that. Near the limit the garbage collector
// runs more often, and past it the heap still grows rather than fail.
//
// NOTE: the load and render steps were not measured against this limit.
// A render of many accounts that holds more live heap runs with more
// garbage collection; a higher memory_limit_mib avoids that.
const DefaultMemoryLimitMiB = 256
