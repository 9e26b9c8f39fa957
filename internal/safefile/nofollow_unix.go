//go:build unix

package safefile

import (
	"os"
	"syscall"
)

// noFollow makes an open fail on a symbolic link at the final component.
const noFollow = syscall.O_NOFOLLOW

// renameOpen moves the open file f to path.
func renameOpen(f *os.File, path string) (*os.File, error) {
	return f, os.Rename(f.Name(), path)
}
