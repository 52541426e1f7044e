package run

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"evidencepack/config"
	"evidencepack/transforms"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func testGuard(t *testing.T, cfg *config.Config, src config.Source, key []byte) *privacyGuard {
	t.Helper()
	r := &runner{cfg: cfg, hmacKey: key}
	g, err := r.newPrivacyGuard(src)
	if err != nil {
		t.Fatalf("newPrivacyGuard: %v", err)
	}
	return g
}

func TestPrivacyGuardRejectsBadText(t *testing.T) {
	g := testGuard(t, &config.Config{}, config.Source{Kind: "labels"}, nil)
	cases := map[string]*transforms.ReviewLabel{
		"invalid UTF-8":       {LabelID: "l1", AccountID: "a", FeedbackText: "bad \xff"},
		"contains a NUL byte": {LabelID: "l2", AccountID: "a", CaseID: "c\x00"},
	}
	for reason, l := range cases {
		outcome, rej := g.apply(l)
		if outcome != guardReject || rej.Reason != reason {
			t.Errorf("label %s: outcome %v reason %q, want a reject for %q", l.LabelID, outcome, rej.Reason, reason)
		}
	}
}

func TestPrivacyGuardAccountsAllow(t *testing.T) {
	cfg := &config.Config{AccountsAllow: []string{"acme"}}
	g := testGuard(t, cfg, config.Source{Kind: "costs"}, nil)
	cases := []struct {
		account string
		want    guardOutcome
	}{{"acme", guardKeep}, {"globex", guardNotAllowed}, {transforms.Unattributed, guardKeep}}
	for _, c := range cases {
		if got, _ := g.apply(&transforms.CostLine{LineID: "x", AccountID: c.account}); got != c.want {
			t.Errorf("cost line of %s: outcome %v, want %v", c.account, got, c.want)
		}
	}
	usage := testGuard(t, cfg, config.Source{Kind: "usage"}, nil)
	if got, _ := usage.apply(&transforms.UsageEvent{EventID: "e", AccountID: transforms.Unattributed}); got != guardNotAllowed {
		t.Errorf("usage event of unattributed: outcome %v, want not allowed", got)
	}
}

func TestPrivacyGuardRedactsAndCounts(t *testing.T) {
	cfg := &config.Config{RedactPatterns: []config.RedactPattern{{Name: "ticket", Re: regexp.MustCompile(`TCK-\d+`)}}}
	src := config.Source{Kind: "labels", SensitiveFields: []string{"failure_category"}}
	g := testGuard(t, cfg, src, nil)
	l := &transforms.ReviewLabel{LabelID: "l", AccountID: "a", CaseID: "jane@example.com",
		FeedbackText: "mail jane@example.com about TCK-42", FailureCategory: "call 555-123-4567"}
	if outcome, _ := g.apply(l); outcome != guardKeep {
		t.Fatalf("outcome %v, want keep", outcome)
	}
	if l.FeedbackText != "mail [email] about [ticket]" || l.FailureCategory != "call [phone]" {
		t.Errorf("redacted to %q and %q", l.FeedbackText, l.FailureCategory)
	}
	if l.CaseID != "jane@example.com" {
		t.Errorf("case_id %q was redacted, but it is not a sensitive field here", l.CaseID)
	}
	want := map[string]map[string]int64{"feedback_text": {"email": 1, "ticket": 1}, "failure_category": {"phone": 1}}
	for col, counts := range want {
		for p, n := range counts {
			if g.redactions[col][p] != n {
				t.Errorf("redactions[%s][%s] = %d, want %d", col, p, g.redactions[col][p], n)
			}
		}
	}
}

func TestPrivacyGuardPseudonyms(t *testing.T) {
	cfg := &config.Config{Pseudonymize: config.Pseudonymize{UserIDs: true}}
	g := testGuard(t, cfg, config.Source{Kind: "usage"}, testKey)
	first := &transforms.UsageEvent{EventID: "e1", AccountID: "acme", UserID: "user-7"}
	again := &transforms.UsageEvent{EventID: "e2", AccountID: "acme", UserID: "user-7"}
	other := &transforms.UsageEvent{EventID: "e3", AccountID: "globex", UserID: "user-7"}
	for _, e := range []*transforms.UsageEvent{first, again, other} {
		g.apply(e)
	}
	// HMAC-SHA256(testKey, "acme\x00user-7"), computed with openssl dgst.
	if want := "u_" + acmeUser7[:24]; first.UserID != want {
		t.Errorf("pseudonym = %s, want %s", first.UserID, want)
	}
	if again.UserID != first.UserID {
		t.Errorf("same account and id gave %s and %s", first.UserID, again.UserID)
	}
	if other.UserID == first.UserID {
		t.Errorf("two accounts share the pseudonym %s", other.UserID)
	}
}

func TestPrivacyGuardKeyErrors(t *testing.T) {
	cfg := &config.Config{Pseudonymize: config.Pseudonymize{UserIDs: true}}
	r := &runner{cfg: cfg, hmacKey: []byte("short-secret")}
	_, err := r.newPrivacyGuard(config.Source{Kind: "usage"})
	if !errors.Is(err, config.ErrInvalid) {
		t.Fatalf("error %v, want a config error", err)
	}
	if strings.Contains(err.Error(), "short-secret") || !strings.Contains(err.Error(), config.DefaultHMACKeyEnv) {
		t.Errorf("error %q must name %s and not the key", err, config.DefaultHMACKeyEnv)
	}
}

const acmeUser7 = "c384df740b5335ca5cda3deb730bb90cdeb7672f5ff9f9408068e920cdd24c64"
