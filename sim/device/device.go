// Package device is the simulated devices' command line: IOS, IOS-XE,
// NX-OS, IOS-XR, EOS and Junos CLIs with their prompts, privilege levels,
// abbreviations, pagers, error texts and configuration modes (IOS-XR and
// Junos with a candidate and commit), a running configuration that
// configuration really changes, questions that wait for an answer
// ([confirm]) and the fault knobs that act on commands (latency, hangs,
// dropped connections, floods of output, slow banners). An Instance is one device's state;
// each session runs its CLI over a byte stream.
//
// It is not an SSH server: package sim accepts connections, authenticates
// them and hands each session channel to an Instance. Nor is it a device
// emulator: it implements the handful of commands that runbooks and
// netmiko-style clients exercise, faithfully enough on the wire (echo,
// \r\n, prompts without newline, error texts) to catch client bugs, and
// nothing of routing.
package device

import (
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
)

// Device describes one simulated device. Username, Password,
// AuthorizedKeys and Algorithms are read by the SSH server (package sim),
// which does the logins; the CLI only writes the user into its factory
// configuration.
type Device struct {
	Hostname string // prompt name: "r1" gives r1> r1# r1(config)#
	// Platform is "" or "cisco_iosxe", "cisco_ios", "cisco_nxos",
	// "cisco_iosxr", "arista_eos" or "juniper_junos".
	Platform string
	Username string // "" accepts any user name
	Password string // password and keyboard-interactive auth; "" disables both
	Enable   string // enable secret; "" = enable needs no secret
	// AuthorizedKeys may log in with public-key auth. With no password and no
	// keys the device accepts anyone, which only tests should want.
	AuthorizedKeys  []ssh.PublicKey
	StartPrivileged bool          // log in straight at r1# (priv 15) instead of r1>
	Latency         time.Duration // delay before each command's reply (whole reply sent after it)

	// Fault knobs.

	// BannerDelay delays the first prompt after login.
	BannerDelay time.Duration
	// HangOn lists commands (full or abbreviated; matched on the canonical
	// command) after which the device prints the echo and half the output,
	// then nothing more, never a prompt, until the connection is closed.
	HangOn []string
	// DropOn lists commands whose output is cut half-way and the connection
	// closed.
	DropOn []string
	// Flood maps commands (matched as HangOn's are) to the bytes of output
	// the device prints for them, lines of filler text followed by the
	// prompt; a negative size prints endlessly, until the connection is
	// closed. Paging does not apply.
	Flood map[string]int64
	// BannerSize, when set, is the size in bytes of an SSH authentication
	// banner the server sends before the login completes (package sim
	// sends it), as a device with a long legal notice does.
	BannerSize int
	// PageLength is the default terminal length: lines of output shown
	// before --More--. 0 means 24.
	PageLength int

	// Config, when set, is the running configuration the device starts
	// with instead of the platform's factory one: IOS-family text as show
	// running-config prints it (preamble, "!" and "end" may be left out),
	// or Junos set commands or the brace form of show configuration. Lines
	// are read as configuration mode reads them; sections and lines it does
	// not know are kept verbatim. Hostname, when set, overrides the
	// configuration's hostname, and Enable its enable secret.
	Config string
	// RejectLines are configuration lines (as typed, surrounding spaces
	// ignored) the device refuses with its invalid-input error although
	// they are valid: a device that will not take one line.
	RejectLines []string

	// Algorithms, when not empty, are the only SSH algorithms the device
	// offers in each list that is set, as an old IOS box does
	// (diffie-hellman-group1-sha1, aes128-cbc, ssh-rsa, hmac-sha1). An RSA
	// host key is added when an RSA algorithm is asked for.
	Algorithms drivers.Algorithms
}

// Instance is one simulated device's state: its running and startup
// configuration and its command log, shared by all of its sessions.
type Instance struct {
	dev     Device
	plat    *platform
	model   *model
	started time.Time
	hang    map[string]bool  // canonical forms of Device.HangOn
	drop    map[string]bool  // canonical forms of Device.DropOn
	flood   map[string]int64 // canonical forms of Device.Flood
	reject  map[string]bool  // Device.RejectLines, trimmed

	lines atomic.Int64 // vty line numbers for show users

	logMu    sync.Mutex
	commands []string // last maxLogged command lines received, for tests
}

// New builds a device from its description: the platform's CLI, and
// Device.Config or the platform's factory configuration.
func New(d Device) (*Instance, error) {
	plat, err := lookupPlatform(d.Platform)
	if err != nil {
		return nil, err
	}
	givenHost := d.Hostname
	if d.Hostname == "" {
		d.Hostname = "Router"
	}
	if d.PageLength <= 0 {
		d.PageLength = 24
	}
	in := &Instance{
		dev:     d,
		plat:    plat,
		started: time.Now(),
		hang:    canonicalSet(plat, d.HangOn),
		drop:    canonicalSet(plat, d.DropOn),
		flood:   map[string]int64{},
		reject:  make(map[string]bool, len(d.RejectLines)),
	}
	for cmd, n := range d.Flood {
		for k := range canonicalSet(plat, []string{cmd}) {
			in.flood[k] = n
		}
	}
	for _, l := range d.RejectLines {
		in.reject[strings.TrimSpace(l)] = true
	}
	if in.model, err = in.buildModel(d, givenHost); err != nil {
		return nil, err
	}
	return in, nil
}

// Hostname is the name the device was started with ("Router" when none
// was given), not the one configuration may have set since.
func (in *Instance) Hostname() string { return in.dev.Hostname }

// RunningConfig returns the configuration as show running-config prints it,
// from the "!" after the byte count to "end", with "\n" line endings.
func (in *Instance) RunningConfig() string { return in.model.render() }

// maxLogged bounds the command log so a long benchmark cannot grow it.
const maxLogged = 256

// Commands returns the last command lines the device received (at most 256),
// oldest first; tests wait on it instead of sleeping. Enable secrets are
// not commands and are never recorded.
func (in *Instance) Commands() []string {
	in.logMu.Lock()
	defer in.logMu.Unlock()
	return append([]string(nil), in.commands...)
}

func (in *Instance) logCommand(line string) {
	in.logMu.Lock()
	defer in.logMu.Unlock()
	if len(in.commands) == maxLogged {
		in.commands = append(in.commands[:0], in.commands[1:]...)
	}
	in.commands = append(in.commands, line)
}

// Session is what one CLI session runs over, as the SSH server hands it
// over: a session channel of an authenticated connection.
type Session struct {
	Channel io.ReadWriter
	User    string // the login name, for show users
	Remote  string // the client's address, for show users
	// Stop is closed when the server shuts down, ConnDone when the
	// connection is gone: either ends a wait (latency, banner delay).
	Stop, ConnDone <-chan struct{}
	// Drop closes the whole connection, as DropOn asks.
	Drop func()
}

// Shell runs the interactive CLI until exit, EOF or Stop.
func (in *Instance) Shell(s Session) { newCLI(in, s).shell() }

// Exec runs one command for an SSH exec request: privileged, no paging, no
// prompt. The status is the exit status to report, 1 for a rejected
// command; ok is false when the command never completed (a fault knob
// fired, or the connection or server went first) and no status is due.
func (in *Instance) Exec(s Session, command string) (status uint32, ok bool) {
	return newCLI(in, s).exec(command)
}

// Platforms lists, sorted, the platform names a Device may ask for: those
// with a simulator persona.
func Platforms() []string { return slices.Sorted(maps.Keys(platforms)) }
