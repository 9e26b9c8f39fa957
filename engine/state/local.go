package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/netrun/netrun/internal/safefile"
)

// The local store's files, in the runbook directory. Each is plain text or
// indented JSON, so it diffs well in git.
const (
	// File is the state file.
	File = "netrun.state.json"
	// LockFile is the lock that keeps two applies of one runbook from
	// overlapping.
	LockFile = ".netrun.lock"
	// BackupDir holds DEVICE.cfg, each device's running configuration as it
	// was before netrun last changed it: plain text, so git diff shows
	// config history.
	BackupDir = "backups"
	// AppliedDir holds each device's configuration as netrun last left it
	// (verified), which plan -refresh-only compares against for drift.
	AppliedDir = ".netrun/applied"
	// SimDir holds both for -sim runs, away from the real ones.
	SimDir = ".netrun/sim"
)

// Local is the Store in a runbook directory: the state file, the lock file,
// and the device configurations as DEVICE.cfg files. Every file is written
// with mode 0600, atomically.
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
// the old state or the new, never half of one.
func (l *Local) WriteState(st *State) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(l.dir, File), append(data, '\n'), 0o600)
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
	return &st, nil
}

// Lock takes the runbook's lock. The lock is a file created exclusively, so
// it works across processes and survives a killed holder, whose lock the
// next run reports.
func (l *Local) Lock(ctx context.Context, operation string, timeout time.Duration) (*Lock, error) {
	info := newLockInfo(operation)
	data, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return nil, err
	}
	path := filepath.Join(l.dir, LockFile)
	deadline := time.Now().Add(timeout)
	wait := 10 * time.Millisecond
	for {
		err := createExclusive(path, data)
		if err == nil {
			return &Lock{Info: info, unlock: func() error { return l.unlock(info.ID) }}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("taking the runbook lock: %w", err)
		}
		held, rerr := l.ReadLock()
		if errors.Is(rerr, fs.ErrNotExist) {
			continue // released just now: take it
		}
		if rerr != nil {
			return nil, fmt.Errorf("taking the runbook lock: %w", rerr)
		}
		if timeout <= 0 || time.Now().After(deadline) {
			return nil, held
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (gave up waiting: %v)", held, ctx.Err())
		case <-time.After(min(wait, time.Until(deadline))):
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}

func createExclusive(path string, data []byte) error {
	f, err := safefile.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// ReadLock describes the lock held on the runbook, or returns
// fs.ErrNotExist.
func (l *Local) ReadLock() (*LockedError, error) {
	data, err := os.ReadFile(filepath.Join(l.dir, LockFile))
	if err != nil {
		return nil, err
	}
	var info LockInfo
	if err := json.Unmarshal(data, &info); err != nil {
		// A run killed between creating the lock and writing it: there is
		// nobody to ask, and force-unlock takes this ID.
		return &LockedError{Info: LockInfo{ID: UnreadableLockID, Operation: "an unknown run"}, Alive: false}, nil
	}
	alive := true // a lock from another machine: its process cannot be checked
	if host, err := os.Hostname(); err == nil && strings.HasSuffix(info.Who, "@"+host) {
		alive = processAlive(info.PID)
	}
	return &LockedError{Info: info, Alive: alive}, nil
}

// unlock releases this run's lock, unless another run has taken it over.
func (l *Local) unlock(id string) error {
	held, err := l.ReadLock()
	if err == nil && held.Info.ID != id {
		return fmt.Errorf("the lock was taken over by %s; not removing it", held.Info.ID)
	}
	return os.Remove(filepath.Join(l.dir, LockFile))
}

// ForceUnlock removes the lock with the given ID.
func (l *Local) ForceUnlock(id string) error {
	held, err := l.ReadLock()
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no lock in %s", l.dir)
	}
	if err != nil {
		return err
	}
	if held.Info.ID != id {
		return fmt.Errorf("the lock in %s has ID %s, not %s", l.dir, held.Info.ID, id)
	}
	return os.Remove(filepath.Join(l.dir, LockFile))
}

// ConfigLocation is the file of a device's configuration of a kind:
// backups/DEVICE.cfg or .netrun/applied/DEVICE.cfg, under .netrun/sim for
// a simulated store.
func (l *Local) ConfigLocation(kind ConfigKind, device string) string {
	sub := BackupDir
	if kind == Applied {
		sub = AppliedDir
	}
	if l.simulated {
		sub = filepath.Join(SimDir, filepath.Base(sub))
	}
	return filepath.Join(l.dir, sub, FileName(device)+".cfg")
}

// PutConfig writes a device's configuration atomically, creating its
// directory.
func (l *Local) PutConfig(kind ConfigKind, device, text string) error {
	path := l.ConfigLocation(kind, device)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return WriteFileAtomic(path, []byte(text), 0o600)
}

// Config reads a device's configuration; a missing file is fs.ErrNotExist.
func (l *Local) Config(kind ConfigKind, device string) (string, error) {
	data, err := os.ReadFile(l.ConfigLocation(kind, device))
	return string(data), err
}
