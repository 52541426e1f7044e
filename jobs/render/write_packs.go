package render

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"evidencepack/transforms"
)

// writeWorkers is how many files WritePacks encodes and writes at a time.
// Most of the time of a file is the wait for its fsync, so more workers
// than CPUs let the file system commit several files in one journal
// write. NOTE: on one ext4 disk of a 2-CPU machine, 4 to 64 workers wrote
// pack-sized files at about the same rate, 6 times that of one worker.
// Other file systems may prefer another count.
const writeWorkers = 16

// WritePacks writes every pack as Write does and returns the paths of
// each pack, in the order of packs. It checks every account id, period and
// format before it writes a file. Files are encoded and written by several
// goroutines, and each pack directory is synced once after its last
// rename. On an error it stops starting new files, waits for the files in
// progress and returns the paths written so far with the error of the
// first pack, in the order of packs, that failed.
func WritePacks(ctx context.Context, dir string, packs []*Pack, formats []string) ([][]string, error) {
	paths := make([][]string, len(packs))
	if len(formats) == 0 {
		formats = Formats
	}

	dirs, err := packDirs(dir, packs, formats)
	if err != nil {
		return paths, err
	}
	for _, d := range dirs {
		if err := os.MkdirAll(d, transforms.DirMode); err != nil {
			return paths, fmt.Errorf("create pack directory: %w", err)
		}
	}

	// Each task is one format of one pack. Only the goroutine that runs a
	// task writes its entries of done and errs.
	n := len(formats)
	done := make([]bool, len(packs)*n)
	errs := make([]error, len(packs)*n)
	runFileTasks(ctx, len(done), func(task int) error {
		errs[task] = writePackFile(dir, packs[task/n], formats[task%n])
		done[task] = errs[task] == nil
		return errs[task]
	})
	for task, ok := range done {
		if ok {
			p := packs[task/n]
			paths[task/n] = append(paths[task/n], packPath(dir, p, formats[task%n]))
		}
	}

	syncErr := syncDirs(dirs)
	for _, err := range errs {
		if err != nil {
			return paths, err
		}
	}
	if err := ctx.Err(); err != nil {
		return paths, fmt.Errorf("write packs: %w", err)
	}
	return paths, syncErr
}

// packDirs checks the packs and formats and returns the directories the
// files go to, one per period, sorted.
func packDirs(dir string, packs []*Pack, formats []string) ([]string, error) {
	for _, format := range formats {
		if !slices.Contains(Formats, format) {
			return nil, fmt.Errorf("unknown pack format %q: use one of %s", format, strings.Join(Formats, ", "))
		}
	}
	var dirs []string
	for _, p := range packs {
		if err := checkFileName(p.AccountID); err != nil {
			return nil, err
		}
		if _, err := ParsePeriod(p.Period); err != nil {
			return nil, err
		}
		d := filepath.Join(dir, p.Period)
		if !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	slices.Sort(dirs)
	return dirs, nil
}

func packPath(dir string, p *Pack, format string) string {
	return filepath.Join(dir, p.Period, p.AccountID+"."+format)
}

// writePackFile encodes one format of a pack and replaces its file.
func writePackFile(dir string, p *Pack, format string) error {
	data, err := Encode(p, format)
	if err != nil {
		return fmt.Errorf("pack %s %s: %w", p.AccountID, p.Period, err)
	}
	return replaceFile(packPath(dir, p, format), data)
}

// runFileTasks calls do for the tasks 0 to n-1 on up to writeWorkers
// goroutines. After the first error, or once ctx is done, it starts no
// more tasks and waits for the running ones.
func runFileTasks(ctx context.Context, n int, do func(task int) error) {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	tasks := make(chan int)
	var wg sync.WaitGroup
	for range min(writeWorkers, n) {
		wg.Go(func() {
			for task := range tasks {
				if do(task) != nil {
					stop()
				}
			}
		})
	}
send:
	for task := range n {
		if ctx.Err() != nil {
			break
		}
		select {
		case tasks <- task:
		case <-ctx.Done():
			break send
		}
	}
	close(tasks)
	wg.Wait()
}

// syncDirs syncs each directory and returns the errors joined.
func syncDirs(dirs []string) error {
	var errs []error
	for _, d := range dirs {
		errs = append(errs, syncDir(d))
	}
	return errors.Join(errs...)
}
