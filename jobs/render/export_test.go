package render

// LoadSynthetic exports loadSynthetic to the benchmarks of package
// render_test, which import jobs/run and so cannot live in this package.
var LoadSynthetic = loadSynthetic

// BenchAccounts exports benchAccounts to package render_test.
var BenchAccounts = benchAccounts

// SyntheticID exports syntheticID to package render_test.
var SyntheticID = syntheticID
