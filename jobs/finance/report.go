package finance

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"text/tabwriter"

	"evidencepack/transforms"
)

// ReconcileFile is the file name of a reconciliation in the period's
// finance directory.
const ReconcileFile = "reconcile.csv"

var reconcileHeader = []string{
	"period", "account_id", "currency", "source_lines", "loaded_lines",
	"source_billed_cost", "loaded_billed_cost", "difference",
	"attributed_billed_cost", "unattributed_billed_cost", "credits",
}

func (r Row) cells(period string) []string {
	return []string{
		period, SafeText(r.AccountID), SafeText(r.Currency),
		strconv.FormatInt(r.SourceLines, 10), strconv.FormatInt(r.LoadedLines, 10),
		r.SourceBilled.String(), r.LoadedBilled.String(), r.Difference.String(),
		r.Attributed.String(), r.Unattributed.String(), r.Credits.String(),
	}
}

// WriteCSV writes the report to <outputDir>/finance/<period>/reconcile.csv
// and returns the path. Amounts are exact decimal text.
func (r *Report) WriteCSV(outputDir string) (string, error) {
	path := filepath.Join(Dir(outputDir, r.Period.Label), ReconcileFile)
	records := make([][]string, 0, len(r.Rows))
	for _, row := range r.Rows {
		records = append(records, row.cells(r.Period.Label))
	}
	return path, writeCSVAtomic(path, reconcileHeader, records)
}

// Print writes the report as an aligned table followed by the rejected
// records per source, the lines outside accounts_allow and the outcome.
func (r *Report) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "account\tcurrency\tsource lines\tloaded lines\tsource billed\tloaded billed\tdifference\tattributed\tunattributed\tcredits\t")
	for _, row := range r.Rows {
		c := row.cells(r.Period.Label)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
			row.AccountID, row.Currency, c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10])
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("print reconciliation: %w", err)
	}
	for _, s := range sortedKeys(r.Rejected) {
		where := "listed below"
		if r.RejectedCSV != "" {
			where = "listed in " + r.RejectedCSV
		}
		fmt.Fprintf(w, "source %s: %d records rejected by the reader (%s); they are in neither total\n",
			s, r.Rejected[s], where)
		r.printRejects(w, s)
	}
	for _, currency := range sortedKeys(r.NotAllowed) {
		a := r.NotAllowed[currency]
		fmt.Fprintf(w, "%s: %d lines billed %s of accounts outside accounts_allow; a run drops them, so they are in neither total\n",
			currency, a.Lines, a.BilledCost)
	}
	if diffs := r.Differences(); len(diffs) > 0 {
		_, err := fmt.Fprintf(w, "%s: %d rows differ\n", r.Period.Label, len(diffs))
		return err
	}
	_, err := fmt.Fprintf(w, "%s: every loaded total equals its source total\n", r.Period.Label)
	return err
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// RejectedFile is the file name of the records that the cost readers
// rejected, in the period's finance directory. Its columns are those of a
// run's quarantine file.
const RejectedFile = "rejected.csv"

// maxPrintedRejects is how many rejected records Print lists per source.
const maxPrintedRejects = 10

// WriteRejects writes the rejected records to
// <outputDir>/finance/<period>/rejected.csv and returns the path. Without
// rejects it removes the file of an earlier reconcile and returns "".
func (r *Report) WriteRejects(outputDir string) (string, error) {
	path := filepath.Join(Dir(outputDir, r.Period.Label), RejectedFile)
	if len(r.Rejects) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("remove stale %s: %w", path, err)
		}
		return "", nil
	}
	records := make([][]string, 0, len(r.Rejects))
	for _, rej := range r.Rejects {
		records = append(records, []string{
			transforms.CSVSafe(rej.Source), transforms.CSVSafe(rej.File), strconv.FormatInt(rej.Record, 10),
			transforms.CSVSafe(rej.Column), transforms.CSVSafe(rej.Reason), transforms.CSVSafe(rej.Raw),
		})
	}
	return path, writeCSVAtomic(path, transforms.QuarantineColumns, records)
}

// printRejects lists the first rejected records of a source with their
// file, record number, field and reason.
func (r *Report) printRejects(w io.Writer, source string) {
	printed := 0
	for _, rej := range r.Rejects {
		if rej.Source != source {
			continue
		}
		if printed == maxPrintedRejects {
			fmt.Fprintf(w, "  ... and %d more\n", r.Rejected[source]-int64(printed))
			return
		}
		fmt.Fprintf(w, "  %s\n", rej.Error())
		printed++
	}
}
