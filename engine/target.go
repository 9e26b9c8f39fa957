package engine

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/sshconn"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/plan"
)

// This file maps the runbook's devices and jump hosts to drivers.Target
// values, with the run's host-key policy. Dialling is the drivers' (and
// sshconn's, for the pooled jump-host connections).

// target builds the driver's view of a device.
func (w *walker) target(pd plan.Device) (drivers.Target, drivers.Driver, error) {
	d := w.rb.Device(pd.Name)
	if d == nil {
		return drivers.Target{}, nil, fmt.Errorf("device %q is in the plan but not in the runbook", pd.Name)
	}
	drv, ok := w.opts.Drivers[d.Driver]
	if !ok {
		return drivers.Target{}, nil, fmt.Errorf("device %s: unknown driver %q (known: %v)", d.Name, d.Driver, w.opts.Drivers.Names())
	}
	t := d.Target(d.Name)
	t.Platform = d.Platform
	t.Prompt = d.Prompt
	t.OutputLimit = d.OutputLimit
	t.Settings = d.Settings
	t.KnownHosts = cmp.Or(t.KnownHosts, w.knownHosts)
	t.AcceptNewHostKeys = w.opts.AcceptNewHostKeys
	t.Dial = w.opts.Jumps.Dialer(d)
	t.Logger = w.opts.Logger
	if ep, ok := w.opts.Endpoints[d.Name]; ok {
		t.Host, t.Port = ep.Host, ep.Port
		if ep.HostKey != nil {
			t.HostKeys = []string{sshconn.Pin(ep.HostKey)}
			t.InsecureSkipHostKey = false
		}
	}
	return t, drv, nil
}

// RunbookKnownHosts is the runbook's own known_hosts file, in its directory.
const RunbookKnownHosts = "known_hosts"

// KnownHostsFile picks the known_hosts file a device's keys are checked
// against: the device's own known_hosts when it names one; else the
// runbook's known_hosts when it exists or when new keys are to be recorded
// (-accept-new-host-keys keeps what it learns with the runbook, in git, not
// in the user's home); else "" for ~/.ssh/known_hosts.
func KnownHostsFile(rb *config.Runbook, deviceFile string, acceptNew bool) string {
	if deviceFile != "" {
		return deviceFile
	}
	own := filepath.Join(rb.Dir, RunbookKnownHosts)
	if acceptNew {
		return own
	}
	if _, err := os.Stat(own); err == nil {
		return own
	}
	return ""
}

// JumpOptions tune how a run reaches its jump hosts.
type JumpOptions struct {
	// AcceptNewHostKeys trusts and records a jump host's unknown key
	// (-accept-new-host-keys); a changed key is still refused.
	AcceptNewHostKeys bool
	// KnownHosts is used for jump hosts that set no known_hosts; "" means
	// ~/.ssh/known_hosts.
	KnownHosts string
	// Endpoints override jump host addresses by jump host name (-sim), as
	// Options.Endpoints do for devices.
	Endpoints map[string]drivers.Endpoint
	Logger    *slog.Logger
}

// Jumps are a run's jump hosts: one pooled connection per bastion
// (sshconn.Jumps), which devices with via reach their device through.
//
// A Jumps serves one run: create it before Apply, pass it in
// Options.Jumps, and Close it after.
type Jumps struct {
	pool  *sshconn.Jumps
	hosts map[string]bool
}

// NewJumps prepares the jump hosts of rb; nothing is dialled until a
// device needs it.
func NewJumps(rb *config.Runbook, opts JumpOptions) *Jumps {
	bastions := make(map[string]sshconn.Bastion, len(rb.JumpHosts))
	hosts := make(map[string]bool, len(rb.JumpHosts))
	for _, h := range rb.JumpHosts {
		bastions[h.Name] = sshconn.Bastion{Target: jumpTarget(h, opts), Via: h.Via}
		hosts[h.Name] = true
	}
	return &Jumps{pool: sshconn.NewJumps(bastions), hosts: hosts}
}

// jumpTarget is the jump host as sshconn sees it.
func jumpTarget(h *config.JumpHost, opts JumpOptions) drivers.Target {
	t := h.Target(h.Address())
	t.KnownHosts = cmp.Or(t.KnownHosts, opts.KnownHosts)
	t.AcceptNewHostKeys = opts.AcceptNewHostKeys
	t.Logger = opts.Logger
	if ep, ok := opts.Endpoints[h.Name]; ok {
		t.Host, t.Port = ep.Host, ep.Port
		if ep.HostKey != nil {
			t.HostKeys = []string{sshconn.Pin(ep.HostKey)}
		}
	}
	return t
}

// Dialer returns the Target.Dial for d: nil when d is reached directly,
// else a dialer that opens a channel through d's jump host. A nil Jumps
// gives devices with via a dialer that explains what is missing.
func (j *Jumps) Dialer(d *config.Device) func(ctx context.Context, network, addr string) (net.Conn, error) {
	switch {
	case d.Via == "":
		return nil
	case j == nil:
		return func(context.Context, string, string) (net.Conn, error) {
			return nil, fmt.Errorf("%s is reached via jump_host.%s, but this run has no jump hosts set up", d.Name, d.Via)
		}
	case !j.hosts[d.Via]:
		return func(context.Context, string, string) (net.Conn, error) {
			return nil, fmt.Errorf("via jump_host.%s: no such jump_host in the runbook", d.Via)
		}
	}
	return j.pool.Dialer(d.Via)
}

// Close closes every jump host connection; devices still using one lose
// it. It waits for dials in flight, which it cancels.
func (j *Jumps) Close() error {
	if j == nil {
		return nil
	}
	return j.pool.Close()
}
