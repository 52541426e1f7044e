package render

import (
	"bytes"
	"context"
	"database/sql"
	"regexp"
	"strconv"
	"testing"
)

// encodeAll returns the pack in every format, concatenated.
func encodeAll(t *testing.T, p *Pack) []byte {
	t.Helper()
	var out []byte
	for _, format := range Formats {
		data, err := Encode(p, format)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data...)
	}
	return out
}

func TestBatchMatchesSingleAccount(t *testing.T) {
	db := openCase(t, "costs")
	ctx := context.Background()
	for _, period := range []string{"2026-Q3", "2026-07", "2026-08"} {
		packs, err := BuildAll(ctx, db, period, testProvenance)
		if err != nil {
			t.Fatal(err)
		}
		if len(packs) != 3 {
			t.Fatalf("%s: built %d packs, want 3", period, len(packs))
		}
		for _, p := range packs {
			single := buildPack(t, db, p.AccountID, period)
			if !bytes.Equal(encodeAll(t, p), encodeAll(t, single)) {
				t.Errorf("%s %s: batch pack differs from the single-account pack", period, p.AccountID)
			}
		}
	}
}

// TestMaterializedMatchesViews compares the packs built from the TEMP
// copies of the views with the packs built from the views as defined.
func TestMaterializedMatchesViews(t *testing.T) {
	db := openSynthetic(t, 12)
	ctx := context.Background()
	for _, period := range []string{"2026-Q3", "2026-08"} {
		fast, err := buildBatch(ctx, db, nil, period, testProvenance, true)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := buildBatch(ctx, db, nil, period, testProvenance, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(fast) != 12 || len(plain) != 12 {
			t.Fatalf("%s: built %d and %d packs, want 12", period, len(fast), len(plain))
		}
		for i := range fast {
			if !bytes.Equal(encodeAll(t, fast[i]), encodeAll(t, plain[i])) {
				t.Errorf("%s %s: pack from TEMP tables differs from the pack from the views", period, fast[i].AccountID)
			}
		}
	}
}

var (
	accountIDPattern   = regexp.MustCompile(`acct-\d{5}`)
	incidentIDPattern  = regexp.MustCompile(`INC-(\d+)-\d`)
	accountNamePattern = regexp.MustCompile(`Account (\d+)\b`)
)

// TestBatchPacksStayIsolated checks that no pack of BuildAll contains an
// id, incident or name of another account.
func TestBatchPacksStayIsolated(t *testing.T) {
	db := openSynthetic(t, 12)
	packs, err := BuildAll(context.Background(), db, "2026-Q3", testProvenance)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range packs {
		if p.AccountID != syntheticID(i) {
			t.Fatalf("pack %d is for %s, want %s", i, p.AccountID, syntheticID(i))
		}
		if len(p.Trust.Log) != 2 {
			t.Errorf("%s: incident log has %d rows, want 2", p.AccountID, len(p.Trust.Log))
		}
		text := string(encodeAll(t, p))
		for _, id := range accountIDPattern.FindAllString(text, -1) {
			if id != p.AccountID {
				t.Errorf("%s: pack contains account id %s", p.AccountID, id)
			}
		}
		checkIndexes(t, p.AccountID, i, "incident", incidentIDPattern.FindAllStringSubmatch(text, -1))
		checkIndexes(t, p.AccountID, i, "account name", accountNamePattern.FindAllStringSubmatch(text, -1))
	}
}

// checkIndexes reports each match whose account number is not want.
func checkIndexes(t *testing.T, account string, want int, what string, matches [][]string) {
	t.Helper()
	if len(matches) == 0 {
		t.Errorf("%s: pack contains no %s", account, what)
	}
	for _, m := range matches {
		if m[1] != strconv.Itoa(want) {
			t.Errorf("%s: pack contains %s %s of another account", account, what, m[0])
		}
	}
}

func TestBuildAccountsRequests(t *testing.T) {
	db := openCase(t, "costs")
	db.SetMaxOpenConns(1) // so the check below reads the connection that rendered
	ctx := context.Background()
	packs, err := BuildAccounts(ctx, db, []string{"gamma", "acme", "gamma"}, "2026-Q3", testProvenance)
	if err != nil {
		t.Fatal(err)
	}
	if len(packs) != 2 || packs[0].AccountID != "gamma" || packs[1].AccountID != "acme" {
		t.Errorf("packs = %v, want gamma and acme once each, in request order", packIDs(packs))
	}
	packs, err = BuildAccounts(ctx, db, nil, "2026-Q3", testProvenance)
	if err != nil || len(packs) != 0 {
		t.Errorf("no requested account gave %d packs and error %v, want none", len(packs), err)
	}
	if _, err := BuildAccounts(ctx, db, []string{"acme", "nobody"}, "2026-Q3", testProvenance); err == nil {
		t.Errorf("unknown account accepted")
	}
	checkNoTempTables(t, db)
}

func packIDs(packs []*Pack) []string {
	var ids []string
	for _, p := range packs {
		ids = append(ids, p.AccountID)
	}
	return ids
}

// checkNoTempTables fails when a TEMP table outlives the render that
// created it, because it would shadow a view for later queries.
func checkNoTempTables(t *testing.T, db *sql.DB) {
	t.Helper()
	var count int
	if err := db.QueryRow("SELECT COUNT(*) FROM duckdb_tables() WHERE temporary").Scan(&count); err != nil {
		t.Fatal(err)
	}
	if count != 0 {
		t.Errorf("%d TEMP tables left after rendering, want 0", count)
	}
}
