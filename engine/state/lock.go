package state

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/user"
	"syscall"
	"time"
)

// ErrLocked is returned when another run holds the runbook's lock.
var ErrLocked = errors.New("runbook is locked")

// UnreadableLockID names a lock that cannot be read (its run was killed
// while writing it), for force-unlock.
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
