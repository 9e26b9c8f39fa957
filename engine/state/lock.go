package state

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

	"github.com/gofrs/flock"

	"github.com/netrun/netrun/internal/safefile"
)

// ErrLocked is returned when another run holds the runbook's lock.
var ErrLocked = errors.New("runbook is locked")

// UnreadableLockID names a held lock whose file does not say who holds it
// yet (its run is taking it), for force-unlock.
const UnreadableLockID = "unreadable"

// LockInfo says who holds a lock, for the message the next run shows.
type LockInfo struct {
	ID        string    `json:"id"`
	Operation string    `json:"operation"`
	Who       string    `json:"who"`
	PID       int       `json:"pid"`
	Created   time.Time `json:"created"`
}

// newLockInfo describes a lock this process is about to take.
func newLockInfo(operation string) LockInfo {
	return LockInfo{ID: newLockID(), Operation: operation, Who: whoami(), PID: os.Getpid(), Created: time.Now().UTC()}
}

// Lock is a held runbook lock.
type Lock struct {
	Info   LockInfo
	unlock func() error
}

// Unlock releases the lock; a nil lock is none to release.
func (l *Lock) Unlock() error {
	if l == nil {
		return nil
	}
	return l.unlock()
}

// LockedError names the holder of a lock.
type LockedError struct {
	Info LockInfo
	// Alive is false when the holder's process is gone from this machine
	// although the file lock is still held: a process it started keeps the
	// lock file open.
	Alive bool
}

func (e *LockedError) Error() string {
	if e.Info.ID == UnreadableLockID {
		return fmt.Sprintf("%v: a run is taking the lock just now (%s does not say by whom yet); if no run is in progress, remove it with `netrun force-unlock %s`",
			ErrLocked, LockFile, UnreadableLockID)
	}
	state := "still running"
	if !e.Alive {
		state = "its process is no longer running, but the lock is still held (by a process it started?); if no run is in progress, remove the lock with `netrun force-unlock " + e.Info.ID + "`"
	}
	return fmt.Sprintf("%v: %s by %s (pid %d) since %s, lock ID %s; %s",
		ErrLocked, e.Info.Operation, e.Info.Who, e.Info.PID, e.Info.Created.Format(time.RFC3339), e.Info.ID, state)
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// The local lock is an OS file lock (flock) on LockFile, which the kernel
// releases when its process ends however it ends (SIGKILL, SIGPIPE, a
// crash), so a killed run never leaves a lock behind. The file also holds
// the holder's LockInfo, for the message another run shows; a file whose
// flock nobody holds is what a killed run left, not a lock, and the next
// run takes it.

// Lock takes the runbook's lock, waiting up to timeout while another run
// holds it.
func (l *Local) Lock(ctx context.Context, operation string, timeout time.Duration) (*Lock, error) {
	info := newLockInfo(operation)
	path := filepath.Join(l.dir, LockFile)
	deadline := time.Now().Add(timeout)
	wait := 10 * time.Millisecond
	for {
		fl, err := tryLock(path, info)
		if err != nil {
			return nil, fmt.Errorf("taking the runbook lock: %w", err)
		}
		if fl != nil {
			return &Lock{Info: info, unlock: func() error { return unlock(fl, path) }}, nil
		}
		held := readHolder(path)
		if held == nil {
			continue // released just now: take it
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

// tryLock takes the flock on path and writes info into the file; nil
// without an error when another run (in this process or another) holds it.
func tryLock(path string, info LockInfo) (*flock.Flock, error) {
	fl := flock.New(path, flock.SetFlag(os.O_CREATE|os.O_RDWR|syscall.O_NOFOLLOW), flock.SetPermissions(0o600))
	for {
		ok, err := fl.TryLock()
		if err != nil || !ok {
			return nil, err
		}
		// A run unlocking removes the file while it holds the lock: what
		// we locked may be that removed file, not the one at path now.
		if sameFile(fl, path) {
			break
		}
		if err := fl.Unlock(); err != nil {
			return nil, err
		}
	}
	data, err := json.MarshalIndent(info, "", "  ")
	if err == nil {
		err = rewrite(path, append(data, '\n'))
	}
	if err != nil {
		_ = fl.Unlock()
		return nil, err
	}
	return fl, nil
}

// sameFile says whether fl's open file is still the one at path.
func sameFile(fl *flock.Flock, path string) bool {
	locked, err := fl.Stat()
	if err != nil {
		return false
	}
	now, err := os.Lstat(path)
	return err == nil && os.SameFile(locked, now)
}

// rewrite replaces the content of the (locked) file at path. It writes in
// place, not through a temporary file and a rename: a rename would put
// another, unlocked file at path. A reader seeing it half written, or a run
// killed while writing it, is safe: readHolder goes by the flock, and a
// held lock it cannot read is "being taken".
func rewrite(path string, data []byte) error {
	f, err := safefile.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// unlock releases a lock Lock took: it removes the file first, while it
// still holds the flock (a run waiting on the removed file notices and
// retries), unless force-unlock removed it and another run took it since.
func unlock(fl *flock.Flock, path string) error {
	defer fl.Unlock()
	if !sameFile(fl, path) {
		if held := readHolder(path); held != nil {
			return fmt.Errorf("the lock was taken over by %s; not removing it", held.Info.ID)
		}
		return nil
	}
	return os.Remove(path)
}

// readHolder describes the lock held on path, or returns nil when no
// process holds it (no file, or one a killed run left).
func readHolder(path string) *LockedError {
	probe := flock.New(path, flock.SetFlag(os.O_RDONLY|syscall.O_NOFOLLOW))
	free, err := probe.TryRLock()
	if free || errors.Is(err, fs.ErrNotExist) {
		_ = probe.Unlock()
		return nil
	}
	_ = probe.Close()
	data, err := os.ReadFile(path)
	var info LockInfo
	if err != nil || json.Unmarshal(data, &info) != nil || info.ID == "" {
		// Held, but its holder has not written who it is yet.
		return &LockedError{Info: LockInfo{ID: UnreadableLockID, Operation: "an unknown run"}, Alive: true}
	}
	alive := true // a lock from another machine: its process cannot be checked
	if host, err := os.Hostname(); err == nil && strings.HasSuffix(info.Who, "@"+host) {
		alive = processAlive(info.PID)
	}
	return &LockedError{Info: info, Alive: alive}
}

// ReadLock describes the lock held on the runbook, or returns
// fs.ErrNotExist.
func (l *Local) ReadLock() (*LockedError, error) {
	if held := readHolder(filepath.Join(l.dir, LockFile)); held != nil {
		return held, nil
	}
	return nil, fs.ErrNotExist
}

// ForceUnlock removes the lock with the given ID, held or not: the run
// holding it goes on, but no longer excludes another.
func (l *Local) ForceUnlock(id string) error {
	held, err := l.ReadLock()
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no lock in %s (a lock file no process holds is not a lock: the next apply takes it)", l.dir)
	}
	if err != nil {
		return err
	}
	if held.Info.ID != id {
		return fmt.Errorf("the lock in %s has ID %s, not %s", l.dir, held.Info.ID, id)
	}
	return os.Remove(filepath.Join(l.dir, LockFile))
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
