//go:build !linux

package render

import (
	"errors"
	"os"
)

// canSyncFilesystem is true where syncFilesystem works.
const canSyncFilesystem = false

func syncFilesystem(*os.File) error {
	return errors.New("syncfs is only available on Linux")
}
