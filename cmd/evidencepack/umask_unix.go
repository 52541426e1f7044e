//go:build unix

package main

import "syscall"

// outputUmask clears the write bit for the group and every bit for others
// on each file the process creates. Files the job writes itself are set to
// 0640 and directories to 0750 anyway; the umask also covers the files
// that libraries create, such as the DuckDB database and its write-ahead
// log, which would otherwise be world-readable under the usual umask 022.
const outputUmask = 0o027

func init() {
	syscall.Umask(outputUmask)
}
