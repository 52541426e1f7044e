package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"evidencepack/config"
)

func addConfigFlag(cmd *cobra.Command) {
	cmd.Flags().StringP("config", "c", "", "path of the YAML config file (required)")
	_ = cmd.MarkFlagRequired("config")
}

// loadConfig reads the file named by --config and returns the config and
// its raw bytes.
func loadConfig(cmd *cobra.Command) (*config.Config, []byte, error) {
	path, _ := cmd.Flags().GetString("config")
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: read config: %w", config.ErrInvalid, err)
	}
	cfg, err := config.Load(path, os.LookupEnv)
	if err != nil {
		return nil, nil, err
	}
	return cfg, raw, nil
}
