package extract

import (
	"context"
	"fmt"
	"testing"

	"evidencepack/transforms"
)

// discardSink drops every outcome.
type discardSink struct{}

func (discardSink) Fact(transforms.Fact) error     { return nil }
func (discardSink) Reject(transforms.Reject) error { return nil }

// benchSegmentLines returns Segment track events shaped like the
// usage-jsonl input of cmd/evidencepack-bench.
func benchSegmentLines(n int) [][]byte {
	events := []string{"Case Opened", "Case Resolved", "Case Escalated", "Case Reopened", "Suggestion Accepted"}
	levels := []string{"draft", "recommendation", "bounded_automation", "full_workflow"}
	lines := make([][]byte, n)
	for i := range lines {
		account := fmt.Sprintf("account-%02d", i%25)
		lines[i] = fmt.Appendf(nil, `{"type":"track","messageId":"msg-%09d","timestamp":"2026-07-%02dT%02d:%02d:%02d.%03dZ",`+
			`"userId":"usr-%s-%03d","event":"%s","properties":{"account_id":"%s","workflow":"claims_status",`+
			`"case_id":"CS-%s-%06d","autonomy_level":"%s","handle_time_seconds":%d},"context":{"groupId":"%s"}}`,
			i, 1+i%28, i%24, i%60, (i*7)%60, i%1000, account[8:], i%50, events[i%len(events)], account,
			account[8:], i%100000, levels[i%len(levels)], 100+i%2000, account)
	}
	return lines
}

func BenchmarkSegmentRecord(b *testing.B) {
	src := segmentSource()
	src.EventTypes["Case Reopened"] = "case_reopened"
	src.EventTypes["Suggestion Accepted"] = "suggestion_accepted"
	lines := benchSegmentLines(4096)
	for _, decodeMaps := range []bool{false, true} {
		b.Run(fmt.Sprintf("maps=%v", decodeMaps), func(b *testing.B) {
			conv, err := newConverter(src)
			if err != nil {
				b.Fatal(err)
			}
			r := &segmentReader{conv: conv, decodeMaps: decodeMaps}
			paths := withOverrides(segmentFields, src.Fields)
			compiled := compilePaths(paths)
			em := newEmitter(context.Background(), conv, "bench.jsonl", discardSink{})
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				o, err := em.next()
				if err != nil {
					b.Fatal(err)
				}
				if err := r.record(em, o, jsonRecord{raw: lines[i%len(lines)]}, paths, compiled); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
