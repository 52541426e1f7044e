package run

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
)

// q3Packs returns the provisional flag and data_through of every JSON
// pack of 2026-Q3 that run m wrote, by account.
func q3Packs(t *testing.T, m *Manifest) map[string]packState {
	t.Helper()
	out := map[string]packState{}
	for _, p := range m.Packs {
		if p.Format != "json" || p.Period != "2026-Q3" {
			continue
		}
		data, err := os.ReadFile(p.Path)
		if err != nil {
			t.Fatal(err)
		}
		var pack struct {
			Provisional bool `json:"provisional"`
			Provenance  struct {
				DataThrough string `json:"data_through"`
			} `json:"provenance"`
		}
		if err := json.Unmarshal(data, &pack); err != nil {
			t.Fatalf("%s: %v", p.Path, err)
		}
		out[p.AccountID] = packState{provisional: pack.Provisional, dataThrough: pack.Provenance.DataThrough}
	}
	if len(out) == 0 {
		t.Fatal("the run wrote no JSON pack of 2026-Q3")
	}
	return out
}

type packState struct {
	provisional bool
	dataThrough string
}

// TestCorrectionRunKeepsPacksFinal runs a window past the end of 2026-Q3
// and then one earlier day again, as a correction does. The quarter's
// packs must stay final, with the first run's end of the data.
func TestCorrectionRunKeepsPacksFinal(t *testing.T) {
	cfg := demoConfig(t)
	wide := q3Packs(t, runWindow(t, cfg, "2026-07-01", "2026-10-08"))
	for account, st := range wide {
		if st.provisional || st.dataThrough != "2026-10-08" {
			t.Fatalf("after the wide run, %s: provisional %v, data_through %q; want final through 2026-10-08",
				account, st.provisional, st.dataThrough)
		}
	}
	again := q3Packs(t, runWindow(t, cfg, "2026-07-10", "2026-07-10"))
	for account, st := range again {
		if st.provisional {
			t.Errorf("after the correction run, %s is provisional, want final", account)
		}
		if st.dataThrough != "2026-10-08" {
			t.Errorf("after the correction run, %s data_through = %q, want 2026-10-08", account, st.dataThrough)
		}
	}
	if len(again) != len(wide) {
		t.Errorf("the correction run wrote %d Q3 packs, want %d", len(again), len(wide))
	}
}

// TestRenderWithoutWarehouse renders before any run: it fails naming the
// run to make first and leaves no warehouse file behind.
func TestRenderWithoutWarehouse(t *testing.T) {
	cfg := demoConfig(t)
	_, err := Render(context.Background(), cfg, RenderOptions{Periods: []string{"2026-Q3"}})
	if !errors.Is(err, ErrWarehouse) || !strings.Contains(err.Error(), "run `evidencepack run` first") {
		t.Errorf("Render = %v, want a warehouse error naming the run to make first", err)
	}
	if _, err := os.Stat(cfg.Resolve(cfg.Warehouse.Path)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("warehouse file after the failed render: %v, want none", err)
	}
}
