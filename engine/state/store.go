package state

import (
	"context"
	"time"
)

// Store keeps a runbook's state, its lock, and its devices' configurations
// and results.
// Every write is whole or not at all: a run killed while writing leaves the
// old value or the new, never half of one.
type Store interface {
	// ReadState returns what the last apply left; an error wrapping
	// fs.ErrNotExist when no apply has run.
	ReadState() (*State, error)
	// WriteState replaces the state.
	WriteState(st *State) error

	// Lock takes the runbook's lock for operation. If another run holds it,
	// Lock fails at once with a *LockedError (which unwraps to ErrLocked),
	// or waits up to timeout for it to be released. The lock ends with
	// the run however the run ends: a killed run leaves none behind.
	Lock(ctx context.Context, operation string, timeout time.Duration) (*Lock, error)
	// ReadLock describes the lock held now, or returns fs.ErrNotExist.
	ReadLock() (*LockedError, error)
	// ForceUnlock removes the lock with the given ID, still held by a run
	// that hangs or whose end the store cannot see. The ID must match, so
	// a lock taken since is not removed by mistake.
	ForceUnlock(id string) error

	// PutConfig keeps a device's configuration of a kind. The text is
	// stored as given: callers mask secrets first.
	PutConfig(kind ConfigKind, device, text string) error
	// Config returns what PutConfig kept; an error wrapping fs.ErrNotExist
	// when nothing was.
	Config(kind ConfigKind, device string) (string, error)
	// ConfigLocation says where a device's configuration of a kind is kept,
	// for messages that send the user to it.
	ConfigLocation(kind ConfigKind, device string) string

	// PutResult keeps a device's results of the last apply that reached
	// it, as plain text (DeviceState.Text), beside the state for people
	// and for git diff. Callers mask secrets first, as for PutConfig.
	PutResult(device, text string) error
	// RemoveResult removes what PutResult kept (state rm); nothing kept is
	// not an error.
	RemoveResult(device string) error
	// ResultLocation says where a device's results are kept.
	ResultLocation(device string) string
}

// ConfigKind is which of a device's configurations a Store keeps.
type ConfigKind string

const (
	// Backup is the running configuration as it was before netrun last
	// changed the device.
	Backup ConfigKind = "backup"
	// Applied is the configuration as netrun last left it, verified:
	// plan -refresh-only compares the device against it for drift.
	Applied ConfigKind = "applied"
)

// Open returns the store of the runbook in dir: the one place a backend is
// chosen, so a second backend is one file beside Local and a case here.
// Today every runbook keeps its state in its own directory.
func Open(dir string, simulated bool) Store {
	return NewLocal(dir, simulated)
}
