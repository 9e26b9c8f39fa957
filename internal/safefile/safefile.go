// Package safefile writes the files netrun leaves on disk (state, plans,
// backups, applied configurations, transcripts, known_hosts, the lock) so
// that a symbolic link at a file's name is never written through: a link
// planted at transcripts/r1.log pointing at a file elsewhere must not make
// netrun overwrite that file. It is not a general file library: only the
// three ways netrun writes a file are here.
package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteAtomic writes data to path through a temporary file in the same
// directory, synced, then renamed over the old file, so a crash leaves
// either the old content or the new. The rename replaces a symbolic link at
// path rather than following it.
func WriteAtomic(path string, data []byte, perm fs.FileMode) error {
	f, err := createTemp(path, perm)
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Create creates path empty for writing a stream (a transcript), replacing
// whatever was there, a symbolic link included, without writing through it:
// a new file is made under a temporary name and renamed to path at once, so
// what is written is at path from the first byte on and stays there if the
// process dies. The returned file's Name is the temporary name.
func Create(path string, perm fs.FileMode) (*os.File, error) {
	f, err := createTemp(path, perm)
	if err != nil {
		return nil, err
	}
	f, err = renameOpen(f, path)
	if err != nil {
		os.Remove(f.Name())
		f.Close()
		return nil, err
	}
	return f, nil
}

// OpenFile is os.OpenFile for a file that must be written in place, such
// as one appended to under a lock (known_hosts) or the lock itself: a
// symbolic link at path is refused with an error naming it, not followed.
func OpenFile(path string, flag int, perm fs.FileMode) (*os.File, error) {
	if isLink(path) {
		return nil, errLink(path)
	}
	f, err := os.OpenFile(path, flag|noFollow, perm)
	if err != nil && isLink(path) { // planted since the check
		return nil, errLink(path)
	}
	return f, err
}

// ErrSymlink is what OpenFile returns, wrapped with the path, for a
// symbolic link.
var ErrSymlink = errors.New("it is a symbolic link, and netrun does not write through one: remove the link or name the file it points to")

func errLink(path string) error {
	return &fs.PathError{Op: "open", Path: path, Err: ErrSymlink}
}

// createTemp makes a new file next to path with mode perm. Creating it
// exclusively means a link planted at the temporary name is not followed
// either.
func createTemp(path string, perm fs.FileMode) (*os.File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

func isLink(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode()&fs.ModeSymlink != 0
}
