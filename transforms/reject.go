package transforms

import "fmt"

// Reject is an input record that could not become a fact. It is written to
// the quarantine file of its source.
type Reject struct {
	Origin
	Column string // input column or JSON path of the bad value; empty for the whole record
	Reason string // why the record was rejected
	Raw    string // the raw value, or the raw record when Column is empty
}

// Error formats the reject as a message naming the file, record and field.
func (r Reject) Error() string {
	if r.Column == "" {
		return fmt.Sprintf("%s: record %d: %s", r.File, r.Record, r.Reason)
	}
	return fmt.Sprintf("%s: record %d: field %s: %s (value %q)", r.File, r.Record, r.Column, r.Reason, r.Raw)
}

// Sink receives the outcome of each input record: exactly one call of Fact
// or Reject per record, so that records read = facts + rejects.
type Sink interface {
	Fact(Fact) error
	Reject(Reject) error
}

// FieldError is a bad value in one field, returned by the parsing helpers
// and turned into a Reject by the reader that knows the record.
type FieldError struct {
	Column string
	Raw    string
	Reason string
}

// Error formats the field error.
func (e *FieldError) Error() string {
	return fmt.Sprintf("field %s: %s (value %q)", e.Column, e.Reason, e.Raw)
}

// RejectFor turns a field error into a reject of the record at origin.
func RejectFor(o Origin, err *FieldError) Reject {
	return Reject{Origin: o, Column: err.Column, Reason: err.Reason, Raw: err.Raw}
}
