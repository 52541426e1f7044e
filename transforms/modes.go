package transforms

import "os"

// Permissions of the files and directories a run writes under output_dir.
// Facts, quarantine rows, manifests and packs hold customer data, so
// only the owner and the owner's group may read them, and only the owner
// may write. The process umask can narrow these further, never widen
// them.
const (
	FileMode os.FileMode = 0o640
	DirMode  os.FileMode = 0o750
)
