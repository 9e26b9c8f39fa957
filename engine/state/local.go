package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/netrun/netrun/internal/safefile"
)

// The local store's files, in the runbook directory. Each is plain text or
// indented JSON, so it diffs well in git.
const (
	// File is the state file.
	File = "netrun.state.json"
	// LockFile is the lock that keeps two applies of one runbook from
	// overlapping: an OS file lock on it, which ends with its process, and
	// in it who holds it.
	LockFile = ".netrun.lock"
	// BackupDir holds DEVICE.cfg, each device's running configuration as it
	// was before netrun last changed it: plain text, so git diff shows
	// config history.
	BackupDir = "backups"
	// AppliedDir holds each device's configuration as netrun last left it
	// (verified), which plan -refresh-only compares against for drift.
	AppliedDir = ".netrun/applied"
	// ResultDir holds DEVICE.txt, each device's results of the last apply
	// that reached it as plain text, so git diff shows what changed in
	// what devices answered.
	ResultDir = "results"
	// SimDir holds all three for -sim runs, away from the real ones.
	SimDir = ".netrun/sim"
	// PrivateDir holds what is not meant to be committed (applied
	// configurations, simulated runs, the run log). netrun keeps it
	// ignored by git itself: it writes a .gitignore of "*" into it when it
	// creates it.
	PrivateDir = ".netrun"
)

// Local is the Store in a runbook directory: the state file, the run log
// (runlog.go), the lock file (lock.go), the device configurations as
// DEVICE.cfg files and the device results as DEVICE.txt files. Every file
// is written with mode 0600, atomically.
type Local struct {
	dir       string
	simulated bool
}

// NewLocal returns the store in the runbook directory dir. A simulated
// store (apply -sim) keeps device configurations under .netrun/sim, so
// simulated configurations never mix with the real ones kept in git; the
// state and the lock are the runbook's own either way.
func NewLocal(dir string, simulated bool) *Local {
	return &Local{dir: dir, simulated: simulated}
}

var _ Store = (*Local)(nil)

// WriteState writes the state file atomically: a temporary file in the same
// directory, synced, then renamed over the old one, so a crash leaves either
// the old state or the new, never half of one. The times go to the run log,
// written next.
func (l *Local) WriteState(st *State) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := safefile.WriteAtomic(filepath.Join(l.dir, File), append(data, '\n'), 0o600); err != nil {
		return err
	}
	return l.writeRunLog(st)
}

// ReadState reads the state file; a missing file is fs.ErrNotExist.
func (l *Local) ReadState() (*State, error) {
	data, err := os.ReadFile(filepath.Join(l.dir, File))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no state in %s: run `netrun apply` first: %w", l.dir, fs.ErrNotExist)
		}
		return nil, err
	}
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", File, err)
	}
	l.readRunLog(&st)
	return &st, nil
}

// ConfigLocation is the file of a device's configuration of a kind:
// backups/DEVICE.cfg or .netrun/applied/DEVICE.cfg, under .netrun/sim for
// a simulated store.
func (l *Local) ConfigLocation(kind ConfigKind, device string) string {
	sub := BackupDir
	if kind == Applied {
		sub = AppliedDir
	}
	return l.deviceFile(sub, device, ".cfg")
}

// deviceFile is a device's file in the folder sub, under .netrun/sim for a
// simulated store.
func (l *Local) deviceFile(sub, device, ext string) string {
	if l.simulated {
		sub = filepath.Join(SimDir, filepath.Base(sub))
	}
	return filepath.Join(l.dir, sub, FileName(device)+ext)
}

// PutConfig writes a device's configuration atomically, creating its
// directory.
func (l *Local) PutConfig(kind ConfigKind, device, text string) error {
	return l.writeFile(l.ConfigLocation(kind, device), []byte(text))
}

// ResultLocation is the file of a device's results: results/DEVICE.txt,
// under .netrun/sim for a simulated store.
func (l *Local) ResultLocation(device string) string {
	return l.deviceFile(ResultDir, device, ".txt")
}

// PutResult writes a device's results atomically, creating results/.
func (l *Local) PutResult(device, text string) error {
	return l.writeFile(l.ResultLocation(device), []byte(text))
}

// RemoveResult removes a device's results file; none is not an error.
func (l *Local) RemoveResult(device string) error {
	err := os.Remove(l.ResultLocation(device))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// writeFile writes one of the store's files atomically, mode 0600,
// creating its directory; in .netrun/, first the .gitignore that keeps it
// out of git.
func (l *Local) writeFile(path string, data []byte) error {
	private := filepath.Join(l.dir, PrivateDir)
	if rel, err := filepath.Rel(private, path); err == nil && filepath.IsLocal(rel) {
		if err := ignoredDir(private); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return safefile.WriteAtomic(path, data, 0o600)
}

// ignoredDir makes dir with a .gitignore of "*", unless it has one: git
// then ignores the folder and everything in it, the .gitignore too. One the
// user edited is left alone.
func ignoredDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	path := filepath.Join(dir, ".gitignore")
	if _, err := os.Lstat(path); err == nil {
		return nil
	}
	return safefile.WriteAtomic(path, []byte("*\n"), 0o600)
}

// Config reads a device's configuration; a missing file is fs.ErrNotExist.
func (l *Local) Config(kind ConfigKind, device string) (string, error) {
	data, err := os.ReadFile(l.ConfigLocation(kind, device))
	return string(data), err
}
