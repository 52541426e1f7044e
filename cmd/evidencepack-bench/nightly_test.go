package main

import (
	"slices"
	"testing"
	"time"
)

func TestMedianSteps(t *testing.T) {
	runs := [][]stepTiming{
		{{"extract", 1.0}, {"load", 0.5}},
		{{"extract", 3.0}, {"load", 0.25}},
		{{"extract", 2.0}, {"load", 0.75}},
	}
	walls := []time.Duration{2 * time.Second, 4 * time.Second, 3 * time.Second}
	names, medians := medianSteps(runs, walls)
	if want := []string{"extract", "load", "outside the steps"}; !slices.Equal(names, want) {
		t.Errorf("names = %v, want %v", names, want)
	}
	// Outside the steps: 0.5, 0.75 and 0.25 seconds.
	if want := []float64{2.0, 0.5, 0.5}; !slices.Equal(medians, want) {
		t.Errorf("medians = %v, want %v", medians, want)
	}
}

func TestFormatStepsWithoutManifests(t *testing.T) {
	n := &nightlyResult{empty: []time.Duration{time.Second}, history: []time.Duration{time.Second}}
	if got := n.formatSteps(); got != "" {
		t.Errorf("formatSteps without manifests = %q, want no table", got)
	}
}
