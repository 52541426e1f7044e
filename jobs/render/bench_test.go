package render

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// benchAccounts returns the warehouse sizes of the render benchmarks:
// 1, 100 and 1000 accounts, and 10000 when EVIDENCEPACK_BENCH_10K is set,
// because loading and rendering that size takes minutes.
func benchAccounts() []int {
	sizes := []int{1, 100, 1000}
	if os.Getenv("EVIDENCEPACK_BENCH_10K") != "" {
		sizes = append(sizes, 10000)
	}
	return sizes
}

// BenchmarkRender builds the 2026-Q3 packs of every account of a
// synthetic warehouse with BuildAll. ns/account is ns/op divided by the
// number of accounts.
func BenchmarkRender(b *testing.B) {
	for _, n := range benchAccounts() {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			db := openSynthetic(b, n)
			ctx := context.Background()
			b.ResetTimer()
			for b.Loop() {
				packs, err := BuildAll(ctx, db, "2026-Q3", testProvenance)
				if err != nil {
					b.Fatal(err)
				}
				if len(packs) != n {
					b.Fatalf("built %d packs, want %d", len(packs), n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/account")
		})
	}
}

// BenchmarkRenderOneAccount builds the 2026-Q3 pack of one account with
// Build in warehouses of each size.
func BenchmarkRenderOneAccount(b *testing.B) {
	for _, n := range benchAccounts() {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			db := openSynthetic(b, n)
			ctx := context.Background()
			b.ResetTimer()
			for b.Loop() {
				if _, err := Build(ctx, db, syntheticID(n/2), "2026-Q3", testProvenance); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
