package render

import (
	"context"
	"fmt"
	"testing"

	"evidencepack/jobs/render/internal/synthetic"
)

// benchAccounts returns the warehouse sizes of the render benchmarks.
func benchAccounts() []int {
	return synthetic.BenchSizes()
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
