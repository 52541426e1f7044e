package extract

import "evidencepack/config"

// MappedColumns returns, for a source read from CSV or Parquet columns,
// the input columns each fact column is read from, in order of
// preference: the FOCUS columns for format focus, the configured fields
// for format csv. It returns nil for formats read from JSON.
func MappedColumns(src config.Source) map[string][]string {
	switch src.Format {
	case "focus":
		return withOverrides(focusColumns, src.Fields)
	case "csv":
		return withOverrides(fieldPaths{}, src.Fields)
	}
	return nil
}
