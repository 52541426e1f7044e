package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// uniform returns a float drawn uniformly from [lo, hi).
func uniform(r *rand.Rand, lo, hi float64) float64 {
	return lo + r.Float64()*(hi-lo)
}

// intBetween returns an int drawn uniformly from [lo, hi], both included.
func intBetween(r *rand.Rand, lo, hi int) int {
	return lo + r.IntN(hi-lo+1)
}

// logUniform returns a float whose logarithm is uniform on [ln lo, ln hi).
func logUniform(r *rand.Rand, lo, hi float64) float64 {
	return math.Exp(uniform(r, math.Log(lo), math.Log(hi)))
}

// durationBetween returns a duration drawn uniformly from [lo, hi),
// truncated to the millisecond.
func durationBetween(r *rand.Rand, lo, hi time.Duration) time.Duration {
	return (lo + time.Duration(r.Int64N(int64(hi-lo)))).Truncate(time.Millisecond)
}

// stochasticRound rounds x down or up so that the expected result is x.
func stochasticRound(r *rand.Rand, x float64) int {
	n := math.Floor(x)
	if r.Float64() < x-n {
		n++
	}
	return int(n)
}

// pick returns a uniformly chosen element of items.
func pick[T any](r *rand.Rand, items []T) T {
	return items[r.IntN(len(items))]
}

// weighted returns an index drawn with the given relative weights.
func weighted(r *rand.Rand, weights []float64) int {
	var total float64
	for _, w := range weights {
		total += w
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// uuid returns a random version 4 UUID drawn from r.
func uuid(r *rand.Rand) string {
	hi, lo := r.Uint64(), r.Uint64()
	hi = hi&^0xf000 | 0x4000
	lo = lo&^(0xc<<60) | 0x8<<60
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x",
		hi>>32, hi>>16&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

// token returns n characters drawn from alphabet.
func token(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

const (
	upperDigits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	mixedChars  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)
