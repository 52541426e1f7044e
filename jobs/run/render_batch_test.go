package run

import (
	"bytes"
	"context"
	"testing"

	"evidencepack/jobs/render"
)

// TestBatchPacksMatchDemoAccounts renders the demo accounts of a quarter
// run with one batch and with one Build per account, in every format.
func TestBatchPacksMatchDemoAccounts(t *testing.T) {
	cfg := demoConfig(t)
	runWindow(t, cfg, "2026-07-01", "2026-09-30")
	db := openWarehouseReadOnly(t, cfg)
	defer db.Close()
	ctx := context.Background()
	prov := render.Provenance{RunID: "run-test"}
	for _, period := range []string{"2026-Q3", "2026-08"} {
		packs, err := render.BuildAccounts(ctx, db, allowedAccounts(cfg), period, prov)
		if err != nil {
			t.Fatal(err)
		}
		if len(packs) != len(cfg.Accounts) {
			t.Fatalf("%s: batch built %d packs, want %d", period, len(packs), len(cfg.Accounts))
		}
		for _, batch := range packs {
			single, err := render.Build(ctx, db, batch.AccountID, period, prov)
			if err != nil {
				t.Fatal(err)
			}
			for _, format := range render.Formats {
				if !bytes.Equal(encodePack(t, batch, format), encodePack(t, single, format)) {
					t.Errorf("%s %s: batch %s differs from the single-account pack", period, batch.AccountID, format)
				}
			}
		}
	}
}

func encodePack(t *testing.T, p *render.Pack, format string) []byte {
	t.Helper()
	data, err := render.Encode(p, format)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
