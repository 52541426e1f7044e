package transforms

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/compress"
)

// pageSample returns n bytes of one of several kinds of page content:
// random bytes, few distinct bytes, repeated identifiers and a slow ramp.
func pageSample(rng *rand.Rand, kind, n int) []byte {
	src := make([]byte, n)
	switch kind % 4 {
	case 0:
		for i := range src {
			src[i] = byte(rng.IntN(256))
		}
	case 1:
		for i := range src {
			src[i] = "abcdefgh"[rng.IntN(8)]
		}
	case 2:
		words := []string{"evt-", "acme-health", "claims_intake", "case_opened", "user-", "\x00\x01\x02"}
		var b strings.Builder
		for b.Len() < n {
			b.WriteString(words[rng.IntN(len(words))])
			fmt.Fprintf(&b, "%d", rng.IntN(100_000))
		}
		copy(src, b.String())
	case 3:
		for i := range src {
			src[i] = byte(i / 1000)
		}
	}
	return src
}

// TestPageZstdMatchesArrowCodec compresses pages of sizes around every
// boundary of the encoder, below and above pageZstdWindow, with the
// registered codec and with arrow-go's, one after the other on the same
// encoders, and requires the same bytes.
func TestPageZstdMatchesArrowCodec(t *testing.T) {
	page := mustPageCodec(t)
	sizes := []int{0, 1, 100, 1023, 1024, 1025, 5000, 128 << 10, 128<<10 + 1, 300_000,
		1 << 20, 1<<20 + 7, pageZstdWindow - 1, pageZstdWindow, pageZstdWindow + 1, 3 << 20}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range sizes {
		for kind := range 4 {
			for rep := range 2 {
				src := pageSample(rng, kind, n)
				want := page.Codec.EncodeLevel(nil, src, compress.DefaultCompressionLevel)
				if got := page.EncodeLevel(nil, src, compress.DefaultCompressionLevel); !bytes.Equal(got, want) {
					t.Errorf("%d bytes of kind %d, round %d: EncodeLevel wrote %d bytes that differ from arrow-go's %d",
						n, kind, rep, len(got), len(want))
				}
				if got := page.Encode(make([]byte, 0, 64), src); !bytes.Equal(got, want) {
					t.Errorf("%d bytes of kind %d, round %d: Encode differs from arrow-go's EncodeLevel", n, kind, rep)
				}
				if back := page.Decode(nil, want); !bytes.Equal(back, src) {
					t.Errorf("%d bytes of kind %d: decoding gave %d bytes", n, kind, len(back))
				}
			}
		}
	}
}

// FuzzPageZstdMatchesArrowCodec compares the two codecs on any input.
func FuzzPageZstdMatchesArrowCodec(f *testing.F) {
	f.Add([]byte("evt-000001,acme-health,claims_intake"), uint8(0))
	f.Add(bytes.Repeat([]byte("abc"), 50_000), uint8(3))
	f.Fuzz(func(t *testing.T, src []byte, repeat uint8) {
		page := mustPageCodec(t)
		src = bytes.Repeat(src, int(repeat)%8+1)
		want := page.Codec.EncodeLevel(nil, src, compress.DefaultCompressionLevel)
		if got := page.EncodeLevel(nil, src, compress.DefaultCompressionLevel); !bytes.Equal(got, want) {
			t.Errorf("%d bytes: compressed to %d bytes that differ from arrow-go's %d", len(src), len(got), len(want))
		}
	})
}

func mustPageCodec(t *testing.T) *pageZstdCodec {
	t.Helper()
	registered, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		t.Fatal(err)
	}
	page, ok := registered.(*pageZstdCodec)
	if !ok {
		t.Fatalf("registered zstd codec is %T, want *pageZstdCodec", registered)
	}
	return page
}
