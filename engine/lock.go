package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// LockFile is the lock that keeps two applies of one runbook from
// overlapping, in the runbook directory.
const LockFile = ".netrun.lock"

// ErrLocked is returned when another run holds the runbook's lock.
var ErrLocked = errors.New("runbook is locked")

// UnreadableLockID names a lock file that cannot be read (its run was
// killed while writing it), for force-unlock.
const UnreadableLockID = "unreadable"

// LockInfo says who holds a lock, for the message the next run shows.
type LockInfo struct {
	ID        string    `json:"id"`
	Operation string    `json:"operation"`
	Who       string    `json:"who"`
	PID       int       `json:"pid"`
	Created   time.Time `json:"created"`
}

// Lock is a held runbook lock.
type Lock struct {
	path string
	Info LockInfo
}

// LockedError names the holder of a lock.
type LockedError struct {
	Info LockInfo
	// Alive is false when the holder's process is gone from this machine
	// (killed, say): the lock is left over and force-unlock removes it.
	Alive bool
}

func (e *LockedError) Error() string {
	if e.Info.ID == UnreadableLockID {
		return fmt.Sprintf("%v: the lock file %s cannot be read (a run was killed while taking it); if no run is in progress, remove it with `netrun force-unlock %s`",
			ErrLocked, LockFile, UnreadableLockID)
	}
	state := "still running"
	if !e.Alive {
		state = "no longer running: it was interrupted; if no run is in progress, remove the lock with `netrun force-unlock " + e.Info.ID + "`"
	}
	return fmt.Sprintf("%v: %s by %s (pid %d) since %s, lock ID %s; %s",
		ErrLocked, e.Info.Operation, e.Info.Who, e.Info.PID, e.Info.Created.Format(time.RFC3339), e.Info.ID, state)
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// AcquireLock takes the runbook's lock for operation. If another run holds
// it, it fails at once, or waits up to timeout for it to be released. The
// lock is a file created exclusively, so it works across processes and
// survives a killed holder, whose lock the next run reports.
func AcquireLock(ctx context.Context, dir, operation string, timeout time.Duration) (*Lock, error) {
	info := LockInfo{ID: newLockID(), Operation: operation, Who: whoami(), PID: os.Getpid(), Created: time.Now().UTC()}
	data, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, LockFile)
	deadline := time.Now().Add(timeout)
	wait := 10 * time.Millisecond
	for {
		err := createExclusive(path, data)
		if err == nil {
			return &Lock{path: path, Info: info}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("taking the runbook lock: %w", err)
		}
		held, rerr := ReadLock(dir)
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
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
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

// ReadLock describes the lock held on dir, or returns fs.ErrNotExist.
func ReadLock(dir string) (*LockedError, error) {
	data, err := os.ReadFile(filepath.Join(dir, LockFile))
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

// Unlock releases the lock.
func (l *Lock) Unlock() error {
	if l == nil {
		return nil
	}
	held, err := ReadLock(filepath.Dir(l.path))
	if err == nil && held.Info.ID != l.Info.ID {
		return fmt.Errorf("the lock was taken over by %s; not removing it", held.Info.ID)
	}
	return os.Remove(l.path)
}

// ForceUnlock removes the lock with the given ID, left by a run that was
// killed. The ID must match, so a lock taken since is not removed by
// mistake.
func ForceUnlock(dir, id string) error {
	held, err := ReadLock(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no lock in %s", dir)
	}
	if err != nil {
		return err
	}
	if held.Info.ID != id {
		return fmt.Errorf("the lock in %s has ID %s, not %s", dir, held.Info.ID, id)
	}
	return os.Remove(filepath.Join(dir, LockFile))
}

func newLockID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func whoami() string {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, err := os.Hostname()
	if err != nil {
		host = "localhost"
	}
	return name + "@" + host
}

// processAlive reports whether pid runs on this machine (signal 0 checks
// without signalling).
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
