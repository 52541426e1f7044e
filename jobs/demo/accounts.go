package demo

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Workflow names and autonomy levels of the demo accounts.
var (
	workflowNames = []string{
		"claims_intake", "claims_status", "prior_authorization",
		"billing_disputes", "member_onboarding", "fraud_review",
	}
	autonomyLevels = []string{"draft", "recommendation", "bounded_automation", "full_workflow"}
)

// Sub-accounts that the demo config maps to accounts, because the cost
// lines in them carry no customer tag.
const (
	subAccountNorthwind = "004417230981"
	subAccountContoso   = "004417230982"
)

// Parts of the generated account names.
var (
	namePrefixes = []string{
		"Acme", "Globex", "Initech", "Umbrella", "Fabrikam", "Tailspin",
		"Wingtip", "Litware", "Proseware", "Lucerne", "Alpine", "Coho",
		"Bluebird", "Harbor", "Summit", "Cedar", "Granite", "Meridian",
		"Riverside", "Lakeshore", "Pinecrest", "Beacon", "Keystone", "Evergreen",
	}
	nameSuffixes = []string{"Health", "Insurance", "Mutual", "Benefits", "Care", "Assurance", "Medical"}
)

// account is one simulated customer account.
type account struct {
	ID, Name      string
	Currency      string
	RenewalDate   time.Time
	ContractCents int64 // annual contract value in cents
	Workflows     []*workflow
	SubAccount    string  // mapped sub-account of untagged cost lines, or empty
	DailyCases    float64 // cases per weekday at the start of the range
	Growth        float64 // volume multiplier from the first to the last day
	UsersStart    int     // active users at the start of the range
	UsersEnd      int     // active users at the end of the range
	Covered       bool    // compute is covered by the billing account's commitment
	UTCOffset     int     // seconds east of UTC that some event timestamps use
	Number        int     // 1-based position in accounts.csv
}

// workflow is one workflow of an account with its baseline and the
// simulated behaviour with the product.
type workflow struct {
	Name            string
	BaselineSeconds int     // baseline handle time
	BaselineReopen  float64 // baseline reopen rate, three decimals
	HourlyCents     int64   // loaded hourly cost in cents
	Autonomy        string
	Trial           bool
	Share           float64 // share of the account's cases
	HandleFactor    float64 // mean handle time as a share of the baseline
	ReopenRate      float64 // share of resolved cases reopened
	Accuracy        float64 // share of reviews with verdict Correct
	ReviewRate      float64 // share of resolved cases reviewed
}

// newAccounts draws n accounts. The first two are the accounts whose cost
// lines sit in the mapped sub-accounts and the third is Acme Health.
func newAccounts(r *rand.Rand, n int) []*account {
	names := accountNames(r, n)
	accounts := make([]*account, n)
	for i, name := range names {
		a := &account{ID: slug(name), Name: name, Number: i + 1}
		drawContract(r, a, i)
		drawVolume(r, a, i)
		drawWorkflows(r, a, i)
		accounts[i] = a
	}
	accounts[0].SubAccount = subAccountNorthwind
	accounts[1].SubAccount = subAccountContoso
	return accounts
}

// accountNames returns n distinct names: the fixed ones, then shuffled
// prefix and suffix pairs, then pairs with a number appended.
func accountNames(r *rand.Rand, n int) []string {
	names := []string{"Northwind Logistics", "Contoso Claims", "Acme Health"}
	var pairs []string
	for _, p := range namePrefixes {
		for _, s := range nameSuffixes {
			if name := p + " " + s; name != "Acme Health" {
				pairs = append(pairs, name)
			}
		}
	}
	r.Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] })
	for round := 1; len(names) < n; round++ {
		for _, p := range pairs {
			if len(names) == n {
				break
			}
			if round > 1 {
				p += " " + strconv.Itoa(round)
			}
			names = append(names, p)
		}
	}
	return names[:n]
}

// slug turns a name into an account id such as acme-health.
func slug(name string) string {
	return strings.ReplaceAll(strings.ToLower(name), " ", "-")
}

// drawContract sets the currency, renewal date and contract value. The
// mapped accounts bill in USD and the third and fourth in EUR and GBP, so
// that the default run always has three currencies.
func drawContract(r *rand.Rand, a *account, i int) {
	switch {
	case i < 2:
		a.Currency = "USD"
	case i == 2:
		a.Currency = "EUR"
	case i == 3:
		a.Currency = "GBP"
	default:
		a.Currency = []string{"USD", "EUR", "GBP"}[weighted(r, []float64{0.7, 0.15, 0.15})]
	}
	switch a.Currency {
	case "EUR":
		a.UTCOffset = 2 * 3600 // central European summer time
	case "GBP":
		a.UTCOffset = 3600 // British summer time
	}
	first := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	a.RenewalDate = first.AddDate(0, 0, r.IntN(273)) // up to 2027-06-30
	a.ContractCents = int64(intBetween(r, 24, 180)) * 10_000 * 100
}

// drawVolume sets case volume, growth and users. Accounts 1 and 3 are
// large. Account 4 and about one in six others grow fast.
func drawVolume(r *rand.Rand, a *account, i int) {
	switch {
	case i == 0 || i == 2:
		a.DailyCases = uniform(r, 15, 19)
	case r.Float64() < 0.06:
		a.DailyCases = uniform(r, 8, 12)
	default:
		a.DailyCases = logUniform(r, 0.8, 3.5)
	}
	a.Growth = uniform(r, 0.9, 1.25)
	if i == 3 || (i > 3 && r.Float64() < 0.17) {
		a.Growth = uniform(r, 2.2, 3.0)
	}
	a.UsersStart = intBetween(r, 3, 12) + int(a.DailyCases/2)
	a.UsersEnd = a.UsersStart + int(float64(a.UsersStart)*uniform(r, 0.3, 1.5))
	a.Covered = i == 0 || i == 2 || i == 3 || r.Float64() < 0.4
}

// drawWorkflows gives the account 2 to 4 distinct workflows.
func drawWorkflows(r *rand.Rand, a *account, i int) {
	names := append([]string(nil), workflowNames...)
	r.Shuffle(len(names), func(x, y int) { names[x], names[y] = names[y], names[x] })
	count := intBetween(r, 2, 4)
	var shareTotal float64
	for k, name := range names[:count] {
		w := drawWorkflow(r, name)
		w.Share = 1 / float64(k+1)
		shareTotal += w.Share
		a.Workflows = append(a.Workflows, w)
	}
	for _, w := range a.Workflows {
		w.Share /= shareTotal
	}
	if i == 0 {
		// The largest workflow of the first account earns expansion:
		// accurate reviews at a higher review rate.
		a.Workflows[0].Accuracy = uniform(r, 0.96, 0.99)
		a.Workflows[0].ReviewRate = 0.08
		a.Workflows[0].Trial = false
	}
}

func drawWorkflow(r *rand.Rand, name string) *workflow {
	w := &workflow{
		Name:            name,
		BaselineSeconds: intBetween(r, 60, 240) * 10,
		BaselineReopen:  float64(intBetween(r, 50, 200)) / 1000,
		HourlyCents:     int64(intBetween(r, 154, 380)) * 25, // 38.50 to 95.00
		Autonomy:        autonomyLevels[weighted(r, []float64{0.3, 0.35, 0.25, 0.1})],
		Trial:           r.Float64() < 0.15,
		Accuracy:        uniform(r, 0.85, 0.99),
		ReviewRate:      uniform(r, 0.04, 0.06),
		HandleFactor:    uniform(r, 0.45, 0.85),
	}
	if r.Float64() < 0.1 {
		w.HandleFactor = uniform(r, 1.0, 1.15) // slower than before the product
	}
	w.ReopenRate = w.BaselineReopen * uniform(r, 0.4, 1.05)
	return w
}

// accountsHeader is the header row of accounts.csv.
var accountsHeader = []string{
	"account_id", "name", "currency", "renewal_date", "annual_contract_value",
	"workflow", "baseline_handle_time_seconds", "baseline_reopen_rate",
	"hourly_cost_rate", "autonomy_level", "trial", "learning_permitted",
}

// learningPermitted marks two accounts in three as permitting learning
// from their data. Every third account from the second on does not, so
// the packs show both cases.
func learningPermitted(a *account) bool { return a.Number%3 != 2 }

// writeAccounts writes accounts.csv, one row per account and workflow.
func (g *generator) writeAccounts(ctx context.Context) error {
	return g.writeFile(ctx, "accounts.csv", KindAccounts, func(w *bufio.Writer) (int, error) {
		cw := csv.NewWriter(w)
		if err := cw.Write(accountsHeader); err != nil {
			return 0, err
		}
		rows := 0
		for _, a := range g.accounts {
			for _, wf := range a.Workflows {
				if err := cw.Write(accountRow(a, wf)); err != nil {
					return rows, err
				}
				rows++
			}
		}
		cw.Flush()
		return rows, cw.Error()
	})
}

func accountRow(a *account, w *workflow) []string {
	return []string{
		a.ID, a.Name, a.Currency, a.RenewalDate.Format(time.DateOnly),
		formatCents(a.ContractCents), w.Name, strconv.Itoa(w.BaselineSeconds),
		strconv.FormatFloat(w.BaselineReopen, 'f', 3, 64), formatCents(w.HourlyCents),
		w.Autonomy, strconv.FormatBool(w.Trial), strconv.FormatBool(learningPermitted(a)),
	}
}

// formatCents writes an amount in cents as decimal text such as 240000.00.
func formatCents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}
