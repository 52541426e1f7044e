package transforms

import (
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		in      string
		naive   *time.Location
		want    string
		wantErr string
	}{
		{name: "RFC 3339 Z", in: "2026-07-01T10:00:00Z", want: "2026-07-01T10:00:00Z"},
		{name: "offset", in: "2026-07-01T12:30:00+02:00", want: "2026-07-01T10:30:00Z"},
		{name: "nanoseconds truncated", in: "2026-07-01T10:00:00.123456789Z", want: "2026-07-01T10:00:00.123456Z"},
		{name: "minute precision", in: "2023-11-13T10:00Z", want: "2023-11-13T10:00:00Z"},
		{name: "space and offset", in: "2020-11-09 23:00:00+00:00", want: "2020-11-09T23:00:00Z"},
		{name: "naive rejected", in: "2024-09-18 23:00:00", wantErr: "no time zone"},
		{name: "naive in UTC", in: "2024-09-18 23:00:00", naive: time.UTC, want: "2024-09-18T23:00:00Z"},
		{name: "naive in New York", in: "2026-07-01 08:00:00", naive: ny, want: "2026-07-01T12:00:00Z"},
		{name: "US date", in: "9/2/2023", naive: time.UTC, want: "2023-09-02T00:00:00Z"},
		{name: "garbage", in: "yesterday", wantErr: "not a recognised timestamp"},
		{name: "empty", in: "", wantErr: "empty timestamp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTime(tt.in, tt.naive)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseTime(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTime(%q): %v", tt.in, err)
			}
			if s := got.Format(time.RFC3339Nano); s != tt.want {
				t.Errorf("ParseTime(%q) = %s, want %s", tt.in, s, tt.want)
			}
		})
	}
}

func TestParseEpoch(t *testing.T) {
	tests := []struct {
		name string
		in   string
		unit EpochUnit
		want string
	}{
		{name: "seconds", in: "1502709956", unit: EpochAuto, want: "2017-08-14T11:25:56Z"},
		{name: "milliseconds", in: "1502709956288", unit: EpochAuto, want: "2017-08-14T11:25:56.288Z"},
		{name: "nanoseconds past 2^53", in: "1502709956288000110", unit: EpochAuto, want: "2017-08-14T11:25:56.288Z"},
		{name: "explicit millis", in: "1000", unit: EpochMillis, want: "1970-01-01T00:00:01Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEpoch(tt.in, tt.unit)
			if err != nil {
				t.Fatalf("ParseEpoch(%q): %v", tt.in, err)
			}
			if s := got.Format(time.RFC3339Nano); s != tt.want {
				t.Errorf("ParseEpoch(%q) = %s, want %s", tt.in, s, tt.want)
			}
		})
	}
}
