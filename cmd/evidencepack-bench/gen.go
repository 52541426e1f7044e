package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// benchDays is the number of UTC days the generated rows spread over,
// starting at benchFrom.
const benchDays = 28

var benchFrom = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)

// recordsPerFile is how many records each generated JSON export file
// holds, as exports are paged in practice.
const recordsPerFile = 10_000

var (
	workflows  = []string{"claims_intake", "prior_authorization", "fraud_review", "billing_disputes", "claims_status"}
	autonomy   = []string{"draft", "recommendation", "bounded_automation", "full_workflow"}
	eventNames = []string{"Case Opened", "Case Resolved", "Case Escalated", "Case Reopened", "Suggestion Accepted"}
	eventTypes = []string{"case_opened", "case_resolved", "case_escalated", "case_reopened", "suggestion_accepted"}
	verdicts   = []string{"Correct", "Partially correct", "Incorrect"}
	priorities = []string{"P1", "P2", "P3", "P4"}
)

// benchAccounts is the number of accounts in the generated data.
const benchAccounts = 20

func accountID(i int) string { return fmt.Sprintf("account-%02d", i) }

// row is the random content shared by every format: one record's
// account, workflow, time and small choices.
type row struct {
	i        int // the row's own index, or the duplicated row's
	account  string
	workflow string
	at       time.Time
	pick     int
	seconds  int
}

// rowSource draws the rows of one case deterministically from a seed.
type rowSource struct {
	rng    *rand.Rand
	rows   int
	recent [64]row // the last rows drawn, by i modulo 64
}

func newRowSource(rows int) *rowSource {
	return &rowSource{rng: rand.New(rand.NewPCG(20260701, uint64(rows))), rows: rows}
}

// duplicateEvery and duplicateLag place the duplicates: every 100th row
// is a second delivery of the row 37 before it, with the same content.
const (
	duplicateEvery = 100
	duplicateLag   = 37
)

// row returns row i, which must follow row i-1. Rows are spread evenly
// over benchDays in time order.
func (s *rowSource) row(i int) row {
	if i%duplicateEvery == duplicateEvery-1 && i >= duplicateLag {
		r := s.recent[(i-duplicateLag)%len(s.recent)]
		s.recent[i%len(s.recent)] = r
		return r
	}
	step := int64(benchDays*24*time.Hour) / int64(s.rows)
	r := row{i: i, pick: s.rng.IntN(1 << 20), seconds: 30 + s.rng.IntN(1800)}
	a := s.rng.IntN(benchAccounts)
	r.account = accountID(a)
	r.workflow = workflows[a%len(workflows)]
	r.at = benchFrom.Add(time.Duration(step*int64(i) + s.rng.Int64N(int64(time.Second))))
	s.recent[i%len(s.recent)] = r
	return r
}

func ts(t time.Time) string { return t.Format("2006-01-02T15:04:05.000Z") }

// writeFile streams a file through a buffered writer, writing it under a
// temporary name and renaming it when complete.
func writeFile(path string, fill func(w *bufio.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	tmp := path + ".partial"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("create %s: %w", tmp, err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fill(w); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	return os.Rename(tmp, path)
}

// eachRow calls fn for rows first..last-1, checking ctx every 4096 rows.
func eachRow(ctx context.Context, s *rowSource, first, last int, fn func(row) error) error {
	for i := first; i < last; i++ {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := fn(s.row(i)); err != nil {
			return err
		}
	}
	return nil
}

func genUsageCSV(ctx context.Context, dir string, rows int) error {
	s := newRowSource(rows)
	return writeFile(filepath.Join(dir, "usage.csv"), func(w *bufio.Writer) error {
		w.WriteString("id,ts,account,workflow,case,user,type,autonomy,seconds\n")
		return eachRow(ctx, s, 0, rows, func(r row) error {
			_, err := fmt.Fprintf(w, "evt-%09d,%s,%s,%s,CS-%s-%06d,usr-%s-%03d,%s,%s,%d\n",
				r.i, ts(r.at), r.account, r.workflow, r.account[8:], r.pick%100000, r.account[8:], r.pick%50,
				eventTypes[r.pick%len(eventTypes)], autonomy[r.pick%len(autonomy)], r.seconds)
			return err
		})
	})
}

func genUsageJSONL(ctx context.Context, dir string, rows int) error {
	s := newRowSource(rows)
	return writeFile(filepath.Join(dir, "usage.jsonl"), func(w *bufio.Writer) error {
		return eachRow(ctx, s, 0, rows, func(r row) error {
			_, err := fmt.Fprintf(w, `{"type":"track","messageId":"msg-%09d","timestamp":"%s","userId":"usr-%s-%03d",`+
				`"event":"%s","properties":{"account_id":"%s","workflow":"%s","case_id":"CS-%s-%06d",`+
				`"autonomy_level":"%s","handle_time_seconds":%d},"context":{"groupId":"%s"}}`+"\n",
				r.i, ts(r.at), r.account[8:], r.pick%50, eventNames[r.pick%len(eventNames)], r.account,
				r.workflow, r.account[8:], r.pick%100000, autonomy[r.pick%len(autonomy)], r.seconds, r.account)
			return err
		})
	})
}

// genPaged writes rows in files of recordsPerFile records, each framed by
// open and close, with records separated by commas.
func genPaged(ctx context.Context, dir, prefix string, rows int, open, close string,
	record func(w *bufio.Writer, r row) error) error {
	s := newRowSource(rows)
	for first := 0; first < rows; first += recordsPerFile {
		last := min(first+recordsPerFile, rows)
		path := filepath.Join(dir, fmt.Sprintf("%s-%05d.json", prefix, first/recordsPerFile))
		err := writeFile(path, func(w *bufio.Writer) error {
			w.WriteString(open)
			n := 0
			err := eachRow(ctx, s, first, last, func(r row) error {
				if n > 0 {
					w.WriteByte(',')
				}
				n++
				return record(w, r)
			})
			w.WriteString(close)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func genLabels(ctx context.Context, dir string, rows int) error {
	return genPaged(ctx, filepath.Join(dir, "labels"), "export", rows, "[\n", "\n]\n", func(w *bufio.Writer, r row) error {
		created := r.at
		updated := created.Add(time.Duration(r.seconds) * time.Second)
		_, err := fmt.Fprintf(w, `{"id":%d,"data":{"case_id":"CS-%s-%06d","account_id":"%s","workflow":"%s",`+
			`"output":"Draft decision for case %d: criteria met, recommend approval."},"annotations":[{"id":%d,`+
			`"completed_by":%d,"result":[{"id":"r%d","type":"choices","value":{"choices":["%s"]},"origin":"manual",`+
			`"to_name":"output","from_name":"verdict"}],"was_cancelled":false,"ground_truth":false,`+
			`"created_at":"%s","updated_at":"%s","lead_time":%d,"task":%d,"project":7}],"predictions":[],`+
			`"created_at":"%s","updated_at":"%s","project":7}`+"\n",
			100000000+r.i, r.account[8:], r.pick%100000, r.account, r.workflow, r.i, r.i, 300+r.pick%40, r.i,
			verdicts[r.pick%len(verdicts)], ts(created), ts(updated), r.seconds, 100000000+r.i, ts(created), ts(updated))
		return err
	})
}

func genIncidents(ctx context.Context, dir string, rows int) error {
	return genPaged(ctx, filepath.Join(dir, "incidents"), "incidents", rows, "{\"incidents\":[\n", "\n]}\n", func(w *bufio.Writer, r row) error {
		acked := r.at.Add(time.Duration(r.seconds) * time.Second)
		resolved := acked.Add(time.Hour)
		_, err := fmt.Fprintf(w, `{"id":"Q%09d","type":"incident","summary":"[#%d] Queue backlog in %s",`+
			`"incident_number":%d,"title":"Queue backlog in %s","created_at":"%s","updated_at":"%s",`+
			`"status":"resolved","service":{"id":"PSV%02d","type":"service_reference","summary":"%s"},`+
			`"resolved_at":"%s","acknowledgements":[{"at":"%s","acknowledger":{"id":"PU7K2QX","type":"user_reference"}}],`+
			`"urgency":"high","priority":{"summary":"%s"},"incident_type":{"name":"%s"}}`+"\n",
			r.i, r.i, r.workflow, r.i, r.workflow, ts(r.at), ts(resolved), r.pick%benchAccounts, r.account,
			ts(resolved), ts(acked), priorities[r.pick%len(priorities)], r.workflow)
		return err
	})
}

// focusHeader lists the FOCUS columns of the generated cost export.
const focusHeader = "BilledCost,BillingCurrency,ChargeCategory,ChargePeriodEnd,ChargePeriodStart," +
	"ConsumedQuantity,ConsumedUnit,EffectiveCost,ProviderName,ServiceName,SkuId,SubAccountId,Tags\n"

func genCosts(ctx context.Context, dir string, rows int) error {
	s := newRowSource(rows)
	return writeFile(filepath.Join(dir, "costs.csv"), func(w *bufio.Writer) error {
		w.WriteString(focusHeader)
		return eachRow(ctx, s, 0, rows, func(r row) error {
			start := r.at.Truncate(time.Hour)
			quantity := 1000 + r.i
			cost := strconv.FormatFloat(float64(quantity)*0.0000031250, 'f', 10, 64)
			_, err := fmt.Fprintf(w, "%s,USD,Usage,%s,%s,%d,Tokens,%s,Nimbus Cloud,Nimbus Generative AI API,"+
				"gen-large-input-tokens,0044172309%02d,\"{\"\"customer\"\":\"\"%s\"\",\"\"env\"\":\"\"prod\"\"}\"\n",
				cost, start.Format(time.DateTime), start.Add(time.Hour).Format(time.DateTime), quantity, cost,
				r.pick%benchAccounts, r.account)
			return err
		})
	})
}
