package main

import (
	"fmt"
	"os"

	"evidencepack/config"
	"evidencepack/transforms"
)

// hmacKey reads the pseudonym key from the environment variable that
// pseudonymize.key_env names, when pseudonymize.user_ids is on. Errors
// name the variable and the key's length, never the key.
func hmacKey(cfg *config.Config) ([]byte, error) {
	if !cfg.Pseudonymize.UserIDs {
		return nil, nil
	}
	name := cfg.Pseudonymize.HMACKeyEnv()
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return nil, fmt.Errorf("%w: pseudonymize.user_ids is on but environment variable %s is not set: "+
			"export a random key of at least %d bytes, such as the output of `openssl rand -hex 32`",
			config.ErrInvalid, name, transforms.MinPseudonymKeyBytes)
	}
	if len(v) < transforms.MinPseudonymKeyBytes {
		return nil, fmt.Errorf("%w: environment variable %s contains a pseudonym key of %d bytes, need at least %d",
			config.ErrInvalid, name, len(v), transforms.MinPseudonymKeyBytes)
	}
	return []byte(v), nil
}
