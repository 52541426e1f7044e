package render

// Sentences that replace a section whose period has no rows, so that a
// reader does not take zeros for measured figures.
const (
	noIncidents    = "No incidents were opened in this period."
	noReviewLabels = "No review labels in this period."
	noCostLines    = "No cost lines in this period."
)

// noCostLinesText returns the sentence for a period without cost lines in
// the account currency. When lines in other currencies exist, it names the
// account currency, because the section still lists those lines.
func noCostLinesText(c Cost) string {
	if len(c.OtherCurrencies) == 0 {
		return noCostLines
	}
	return "No cost lines in " + c.Currency + " in this period."
}
