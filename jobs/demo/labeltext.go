package demo

import (
	"fmt"
	"math/rand/v2"
)

// outputTemplates are AI output formats per workflow with the case id as %s.
var outputTemplates = map[string][]string{
	"claims_intake": {
		"Intake summary for %s: claimant identified, policy active on the loss date, photos attached. Routed to the property adjuster queue.",
		"Created claim record for %s with loss type water damage and an estimated amount below the fast-track limit.",
	},
	"claims_status": {
		"Status reply for %s: the claim is with the adjuster, inspection booked, payment expected within ten business days.",
		"Told the caller on %s that the claim is approved and the payment was issued by bank transfer.",
	},
	"prior_authorization": {
		"Prior authorization draft for %s: procedure code 73721 meets the imaging criteria; recommend approval for 30 days.",
		"Authorization %s pended: the clinical notes lack the conservative therapy history the policy requires.",
	},
	"billing_disputes": {
		"Dispute %s: duplicate charge confirmed on the March statement; refund of the second charge recommended.",
		"Dispute %s rejected: the charge matches the signed rider and the billing schedule.",
	},
	"member_onboarding": {
		"Onboarding checklist for %s complete: identity verified, dependants added, welcome pack queued.",
		"Member %s enrolled in the silver plan from the first of next month; primary care provider still missing.",
	},
	"fraud_review": {
		"Fraud screen for %s: provider billing pattern within the normal range; no referral needed.",
		"Case %s referred to the special investigations unit: three claims with the same invoice number.",
	},
}

// feedbackTemplates are reviewer comments per failure category. The
// empty key contains comments on correct outputs.
var feedbackTemplates = map[string][]string{
	"": {
		"Good summary, matches the file.",
		"Correct, but the tone could be warmer.",
	},
	"hallucination": {
		"Output cites a payment that does not exist in the ledger.",
		"Invented an inspection date; nothing is booked yet.",
	},
	"missed_policy": {
		"Missed the waiting period clause in the policy.",
		"Should have applied the out-of-network rule before recommending approval.",
	},
	"wrong_code": {
		"Wrong procedure code: the notes describe a knee MRI, not a shoulder MRI.",
		"Loss type coded as fire instead of smoke damage.",
	},
	"formatting": {
		"Amounts are missing the currency symbol.",
		"The summary repeats the claimant name three times.",
	},
}

// outputText returns the AI output shown to the reviewer for case c.
func outputText(r *rand.Rand, c *simCase) string {
	return fmt.Sprintf(pick(r, outputTemplates[c.Workflow.Name]), c.ID)
}

// feedbackText returns a reviewer comment that fits the review's verdict.
func feedbackText(r *rand.Rand, rv *review) string {
	return pick(r, feedbackTemplates[rv.category])
}
