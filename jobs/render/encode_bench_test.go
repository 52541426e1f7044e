package render

import (
	"context"
	"testing"
)

// BenchmarkEncode encodes the 2026-Q3 pack of a synthetic account in
// each format.
func BenchmarkEncode(b *testing.B) {
	db := openSynthetic(b, 3)
	p, err := Build(context.Background(), db, syntheticID(0), "2026-Q3", testProvenance)
	if err != nil {
		b.Fatal(err)
	}
	for _, format := range Formats {
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Encode(p, format); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
