package engine

import (
	"io"
	"log/slog"
	"time"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/engine/state"
)

// Options tune an apply.
type Options struct {
	Parallelism int
	Drivers     drivers.Registry
	// Endpoints overrides device addresses by device name (-sim).
	Endpoints map[string]drivers.Endpoint
	// Progress receives the textbook's "===> time Connection: NAME (host)" and
	// "<=== time Received: NAME (host)" lines; nil means none.
	Progress io.Writer
	Logger   *slog.Logger
	// Secrets are masked in every output and error the report holds.
	Secrets []string
	// Simulated marks a -sim run: its configurations go under
	// .netrun/sim, not backups/, and its state records no config digests.
	Simulated bool
	// Store keeps device backups and applied configurations, and drift
	// reads state from it; nil is the runbook directory
	// (state.Open(rb.Dir, Simulated)).
	Store state.Store
	// OnDevice, when set, is called as each device finishes (from the
	// device's goroutine), so callers can record results as they come.
	OnDevice func(DeviceResult)
	// Events, when set, is called as devices start, steps complete and
	// devices complete (from each device's goroutine): live views and the
	// -json stream read the run through it.
	Events func(Event)
	// TranscriptDir, when set, receives one file per device with what was
	// sent and received (secrets masked): DEVICE.log.
	TranscriptDir string
	Now           func() time.Time
	// Jumps carries devices with via through their jump hosts: the caller
	// makes it with NewJumps and closes it after Apply.
	Jumps *Jumps
	// AcceptNewHostKeys trusts and records unknown device host keys
	// (-accept-new-host-keys); a changed key is still refused.
	AcceptNewHostKeys bool
}
