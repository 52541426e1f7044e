package extract

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"evidencepack/transforms"
)

// focusColumns are the FOCUS columns read for each cost line column, in
// order of preference. FOCUS 1.3 renames ProviderName to
// ServiceProviderName; both are read.
var focusColumns = fieldPaths{
	"charge_period_start":    {"ChargePeriodStart"},
	"charge_period_end":      {"ChargePeriodEnd"},
	"provider":               {"ProviderName", "ServiceProviderName"},
	"service":                {"ServiceName"},
	"sku":                    {"SkuId"},
	"charge_category":        {"ChargeCategory"},
	"charge_frequency":       {"ChargeFrequency"},
	"consumed_quantity":      {"ConsumedQuantity"},
	"consumed_unit":          {"ConsumedUnit"},
	"billed_cost":            {"BilledCost"},
	"effective_cost":         {"EffectiveCost"},
	"currency":               {"BillingCurrency"},
	"tags":                   {"Tags"},
	"sub_account_id":         {"SubAccountId"},
	"commitment_discount_id": {"CommitmentDiscountId"},
}

// focusRequired are the cost line columns whose FOCUS column must be in
// the header: without them no row of the file can become a cost line.
var focusRequired = []string{"billed_cost", "currency", "charge_period_start", "charge_period_end", "charge_category"}

// focusReader reads FinOps FOCUS 1.0 to 1.2 cost exports, as CSV or
// Parquet by file extension.
//
// FOCUS has no line id column, so a line's id is the hash of its source
// name and raw row (see rowHash): it is stable across runs, and two
// byte-identical rows get the same id and are removed as duplicates.
// Timestamps without an offset are read as UTC, as FOCUS specifies. The
// cells NULL, null and the empty string read as null.
//
// NOTE: encoding/csv drops the quotes, so a quoted "NULL" string also
// reads as null.
type focusReader struct {
	conv     *converter
	paths    fieldPaths
	nullText map[string]bool
}

func newFOCUSReader(conv *converter) (Reader, error) {
	r := &focusReader{
		conv:     conv,
		paths:    withOverrides(focusColumns, conv.src.Fields),
		nullText: map[string]bool{"NULL": true, "null": true},
	}
	for _, v := range conv.src.CSV.NullValues {
		r.nullText[v] = true
	}
	if conv.naive == nil {
		conv.naive = time.UTC
	}
	return checkKind(r, conv.src, KindCosts)
}

// Read streams one FOCUS CSV or Parquet file.
func (r *focusReader) Read(ctx context.Context, file string, sink transforms.Sink) (int64, error) {
	em := newEmitter(ctx, r.conv, file, sink)
	var err error
	switch ext := strings.ToLower(filepath.Ext(file)); ext {
	case ".csv":
		err = streamCSV(em, ',', r.paths, r.checkHeader, func(em *emitter) csvRowFunc {
			return func(o transforms.Origin, h *csvHeader, row []string) error {
				return r.emitRow(em, o, h, row, nil)
			}
		})
	case ".parquet":
		err = r.readParquet(em)
	default:
		err = fmt.Errorf("read %s: unknown FOCUS file extension %q, expected .csv or .parquet", file, ext)
	}
	return em.records, err
}

// checkHeader fails when a required FOCUS column is absent, naming all
// such columns.
func (r *focusReader) checkHeader(h *csvHeader) error {
	var absent []string
	for _, column := range focusRequired {
		if !anyPresent(h.index, r.paths[column]) {
			absent = append(absent, strings.Join(r.paths[column], " or "))
		}
	}
	if len(absent) > 0 {
		return fmt.Errorf("missing required FOCUS columns %s (header has %s)",
			strings.Join(absent, ", "), strings.Join(h.names, ", "))
	}
	return nil
}

func anyPresent(index map[string]int, names []string) bool {
	for _, name := range names {
		if _, ok := index[name]; ok {
			return true
		}
	}
	return false
}

// emitRow builds and reports the cost line of one table row. nulls marks
// Parquet nulls and is nil for CSV.
func (r *focusReader) emitRow(em *emitter, o transforms.Origin, h *csvHeader, values []string, nulls []bool) error {
	fields := &rowFields{columns: h.columns, values: values, nulls: nulls, nullText: r.nullText}
	hash := rowHash(r.conv.src.Name, h.names, values, nulls)
	line, err := r.conv.costLine(fields, o, hash)
	return em.outcome(o, line, err)
}
