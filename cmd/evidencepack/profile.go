package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// addProfileFlags adds --cpuprofile and --memprofile to cmd.
func addProfileFlags(cmd *cobra.Command) {
	cmd.Flags().String("cpuprofile", "", "write a CPU profile of the command to this file, for go tool pprof")
	cmd.Flags().String("memprofile", "", "write a heap profile, taken when the command ends, to this file")
}

// startProfiles starts the CPU profile that --cpuprofile names. The
// returned stop function ends it and writes the --memprofile heap profile.
func startProfiles(cmd *cobra.Command) (stop func() error, err error) {
	cpuPath, _ := cmd.Flags().GetString("cpuprofile")
	memPath, _ := cmd.Flags().GetString("memprofile")
	var cpu *os.File
	if cpuPath != "" {
		if cpu, err = os.Create(cpuPath); err != nil {
			return nil, fmt.Errorf("create --cpuprofile file: %w", err)
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			return nil, fmt.Errorf("start CPU profile: %w", err)
		}
	}
	return func() error {
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Close(); err != nil {
				return fmt.Errorf("close --cpuprofile file: %w", err)
			}
		}
		if memPath == "" {
			return nil
		}
		return writeHeapProfile(memPath)
	}, nil
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create --memprofile file: %w", err)
	}
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("write heap profile: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close --memprofile file: %w", err)
	}
	return nil
}
