package run

import (
	"slices"

	"evidencepack/jobs/render"
)

// writeIndex writes the period's index page beside the account packs when
// html is among the pack formats, and does nothing otherwise.
func writeIndex(dir, period string, formats []string, packs []*render.Pack) error {
	if !slices.Contains(formats, "html") {
		return nil
	}
	_, err := render.WriteIndex(dir, period, packs)
	return err
}
