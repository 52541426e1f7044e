//go:build unix

package main

import "syscall"

// outputUmask clears the write bit for the group and every bit for others
// on each file the process creates. The job sets its own files to 0640 and
// directories to 0750 anyway. The umask also covers files that libraries
// create, such as the DuckDB database and its write-ahead log, which the
// usual umask 022 would leave world-readable.
const outputUmask = 0o027

func init() {
	syscall.Umask(outputUmask)
}
