package schedule

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"evidencepack/config"
	"evidencepack/jobs/run"
)

// LastSuccess returns the latest logical date (date_to) and finish time of
// a succeeded run among the manifests under <output_dir>/runs. ok is false
// when no run has succeeded yet. Manifests that cannot be read or decoded
// are skipped.
func LastSuccess(cfg *config.Config) (date, finished time.Time, ok bool, err error) {
	dir := filepath.Join(cfg.Resolve(cfg.OutputDir), "runs")
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return date, finished, false, nil
	}
	if err != nil {
		return date, finished, false, fmt.Errorf("list run manifests in %s: %w", dir, err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		data, rerr := os.ReadFile(filepath.Join(dir, e.Name()))
		if rerr != nil {
			continue
		}
		var m run.Manifest
		if json.Unmarshal(data, &m) != nil || m.Status != run.StatusSucceeded {
			continue
		}
		to, perr := time.Parse(time.DateOnly, m.To)
		if perr != nil {
			continue
		}
		if !ok || to.After(date) {
			date = to
		}
		if !ok || m.FinishedAt.After(finished) {
			finished = m.FinishedAt
		}
		ok = true
	}
	return date, finished, ok, nil
}

// MissedDates returns the logical dates of the firings of sched after
// the one whose logical date is last, up to and including now, oldest
// first. Several firings on one local day give one date.
func MissedDates(sched cron.Schedule, loc *time.Location, last, now time.Time) []time.Time {
	var dates []time.Time
	// A firing on local day D has logical date D-1, so the first missed
	// firing is on day last+2 or later.
	t := time.Date(last.Year(), last.Month(), last.Day()+2, 0, 0, 0, 0, loc).Add(-time.Nanosecond)
	for {
		next := sched.Next(t)
		if next.IsZero() || next.After(now) {
			break
		}
		dates = append(dates, LogicalDate(next, loc))
		// Jump to the end of the firing's local day.
		local := next.In(loc)
		t = time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, loc).Add(-time.Nanosecond)
	}
	return dates
}

// catchUp runs, for every job in config order, the logical dates missed
// since the last successful run, oldest first. It stops starting runs
// once ctx is done.
func (s *Scheduler) catchUp(ctx context.Context) {
	last, finished, ok, err := LastSuccess(s.cfg)
	if err != nil {
		s.log.Error("catch-up skipped: cannot read the run manifests", "err", err)
		return
	}
	if !ok {
		s.log.Info("catch-up skipped: no successful run recorded under output_dir/runs")
		return
	}
	for _, j := range s.jobs {
		s.metrics.SetLastSuccess(j.cfg.Name, finished)
	}
	// Recover keeps a panicking catch-up run from ending the process,
	// as it does for a firing.
	recoverChain := cron.NewChain(cron.Recover(cronLogger{s.log}))
	for _, j := range s.jobs {
		dates := MissedDates(j.schedule, j.cfg.Location, last, s.opts.Now())
		log := s.log.With("job", j.cfg.Name)
		if limit := *j.cfg.MaxCatchup; len(dates) > limit {
			skipped := dates[:len(dates)-limit]
			log.Warn("catch-up limited to the newest max_catchup dates; backfill the others with evidencepack run --from --to",
				"missed", len(dates), "max_catchup", limit,
				"first_skipped", skipped[0].Format(time.DateOnly),
				"last_skipped", skipped[len(skipped)-1].Format(time.DateOnly))
			dates = dates[len(dates)-limit:]
		}
		if len(dates) == 0 {
			log.Info("nothing to catch up", "last_success_date", last.Format(time.DateOnly))
			continue
		}
		log.Info("catching up missed dates", "count", len(dates),
			"first", dates[0].Format(time.DateOnly), "last", dates[len(dates)-1].Format(time.DateOnly))
		for _, d := range dates {
			if ctx.Err() != nil {
				log.Info("catch-up stopped by shutdown", "next_date", d.Format(time.DateOnly))
				return
			}
			recoverChain.Then(cron.FuncJob(func() { s.runDate(j, d, "catch-up") })).Run()
		}
	}
}
