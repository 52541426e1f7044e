// Package clibench holds BenchmarkRenderCLI, which times `evidencepack
// render` through jobs/run on a synthetic warehouse. It is apart from
// package render so that the render tests build without jobs/run.
package clibench
