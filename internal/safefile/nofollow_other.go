//go:build !unix

package safefile

import "os"

// noFollow is 0 where the system has no O_NOFOLLOW: OpenFile's check
// before opening is all there is.
const noFollow = 0

// renameOpen moves f to path. Windows refuses to rename a file that is
// open, so f is closed, renamed and opened again.
func renameOpen(f *os.File, path string) (*os.File, error) {
	name := f.Name()
	if err := f.Close(); err != nil {
		return f, err
	}
	if err := os.Rename(name, path); err != nil {
		return f, err
	}
	g, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return f, err
	}
	return g, nil
}
