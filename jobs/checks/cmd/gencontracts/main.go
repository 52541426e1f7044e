// Command gencontracts writes the JSON Schema contract of every fact table
// to a directory, docs/contracts by default.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"evidencepack/jobs/checks"
	"evidencepack/transforms"
)

func main() {
	dir := flag.String("o", "docs/contracts", "directory to write the contracts to")
	flag.Parse()
	if err := write(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "gencontracts:", err)
		os.Exit(1)
	}
}

func write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, table := range transforms.Tables {
		data, err := checks.Contract(table)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, checks.ContractFile(table)), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
