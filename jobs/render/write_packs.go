package render

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"evidencepack/transforms"
)

// writeWorkers is how many files WritePacks encodes and writes at a time
// when it syncs each file. Most of the time of a file is then the wait
// for its fsync, so more workers than CPUs let the file system and the
// disk serve several syncs at once. NOTE: on one ext4 disk of a 2-CPU
// machine, 4 to 64 workers wrote pack-sized files at about the same rate,
// 6 times that of one worker. Other file systems may prefer another count.
const writeWorkers = 16

// batchSyncMinFiles is the number of files from which WritePacks syncs
// the file system once for all of them, where it can, instead of each
// file. Each fsync writes the metadata of its file and flushes the disk
// cache on its own, and one syncfs does both once for all files.
const batchSyncMinFiles = 64

// WritePacks writes every pack as Write does and returns the paths of
// each pack, in the order of packs. It checks every account id, period and
// format before it writes a file. Files are encoded and written by several
// goroutines. A file that already contains the encoded bytes,
// as keepUnchanged checks, is left in place. Every other file is written to
// a temporary file, which is synced before it is renamed into place. On
// Linux with at least batchSyncMinFiles files, one syncfs syncs all of
// them, kept files included. Otherwise each file, kept or written, gets
// its own fsync. Each pack directory is synced once after the last
// rename. On an error it stops starting new files, waits for the files in
// progress and returns the paths written or kept so far with the error of
// the first pack, in the order of packs, that failed.
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
	if len(done) >= batchSyncMinFiles && canSyncFilesystem {
		writeBatch(ctx, dir, dirs, packs, formats, done, errs)
	} else {
		runFileTasks(ctx, writeWorkers, len(done), func(task int) error {
			errs[task] = writePackFile(dir, packs[task/n], formats[task%n])
			done[task] = errs[task] == nil
			return errs[task]
		})
	}
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

// writeBatch writes the files of WritePacks that keepUnchanged does not
// keep to temporary files, syncs their file system once and then renames
// them into place. After the syncfs it marks the tasks it renamed or kept
// in done. It sets errs as WritePacks does. An error of the whole batch,
// such as a failed syncfs, is set on the first task. After a failure
// before the renames it renames nothing, and it never leaves a temporary
// file behind.
func writeBatch(ctx context.Context, dir string, dirs []string, packs []*Pack, formats []string, done []bool, errs []error) {
	n := len(formats)
	// The directories are opened first, because syncfs returns the write
	// errors since its descriptor was opened.
	var opened []*os.File
	defer func() {
		for _, f := range opened {
			f.Close()
		}
	}()
	for _, d := range dirs {
		f, err := os.Open(d)
		if err != nil {
			errs[0] = fmt.Errorf("open %s: %w", d, err)
			return
		}
		opened = append(opened, f)
	}

	temps := make([]string, len(done))
	kept := make([]bool, len(done))
	defer func() {
		for task, tmp := range temps {
			if tmp != "" && !done[task] {
				os.Remove(tmp)
			}
		}
	}()
	// Without fsync the tasks wait on no disk, so more goroutines than
	// CPUs would only contend for the directory lock.
	workers := runtime.GOMAXPROCS(0)
	runFileTasks(ctx, workers, len(done), func(task int) error {
		p, format := packs[task/n], formats[task%n]
		errs[task] = withEncoded(p, format, func(data []byte) error {
			path := packPath(dir, p, format)
			// The syncfs below syncs a kept file.
			if kept[task], _ = keepUnchanged(path, data, false); kept[task] {
				return nil
			}
			var err error
			temps[task], err = writeTemp(path, data, false)
			return err
		})
		return errs[task]
	})
	if slices.ContainsFunc(errs, func(err error) bool { return err != nil }) || ctx.Err() != nil {
		return
	}
	for i, f := range opened {
		if err := syncFilesystem(f); err != nil {
			errs[0] = fmt.Errorf("sync the file system of %s: %w", dirs[i], err)
			return
		}
	}

	runFileTasks(ctx, workers, len(done), func(task int) error {
		if kept[task] {
			done[task] = true
			return nil
		}
		path := packPath(dir, packs[task/n], formats[task%n])
		if err := os.Rename(temps[task], path); err != nil {
			errs[task] = fmt.Errorf("rename into %s: %w", path, err)
			return errs[task]
		}
		done[task] = true
		return nil
	})
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

// encodeBuffers holds the buffers that pack files are encoded into, so
// that writing thousands of files does not allocate a buffer for each.
var encodeBuffers = sync.Pool{New: func() any {
	buf := make([]byte, 0, 64<<10)
	return &buf
}}

// writePackFile encodes one format of a pack and replaces its file,
// unless keepUnchanged keeps it. Either way the file is synced.
func writePackFile(dir string, p *Pack, format string) error {
	return withEncoded(p, format, func(data []byte) error {
		path := packPath(dir, p, format)
		if kept, err := keepUnchanged(path, data, true); kept || err != nil {
			return err
		}
		return replaceFile(path, data)
	})
}

// withEncoded encodes one format of a pack into a buffer of
// encodeBuffers and calls use with it. The buffer is reused after use
// returns.
func withEncoded(p *Pack, format string, use func(data []byte) error) error {
	buf := encodeBuffers.Get().(*[]byte)
	defer encodeBuffers.Put(buf)
	data, err := appendEncoded((*buf)[:0], p, format)
	*buf = data[:0]
	if err != nil {
		return fmt.Errorf("pack %s %s: %w", p.AccountID, p.Period, err)
	}
	return use(data)
}

// runFileTasks calls do for the tasks 0 to n-1 on up to workers
// goroutines. After the first error, or once ctx is done, it starts no
// more tasks and waits for the running ones.
func runFileTasks(ctx context.Context, workers, n int, do func(task int) error) {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	tasks := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, n) {
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
