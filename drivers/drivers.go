// Package drivers defines what the engine knows of a device driver: a Driver
// opens a Session to one device, and a Session runs commands and configuration
// on it. Drivers hide their SSH or library details behind this interface; the
// engine never sees a socket. The package also holds the registry of drivers
// by name and the per-platform data (prompts, pager, failure strings) that
// drivers share, Prepare, the defaults and platform lookup every driver's
// Open starts with, Configure and Terminal for the drivers' functional
// options, and SyncWriter, the goroutine-safe writer sessions and the CLI
// write through.
//
// It is not a driver itself: see drivers/sshraw, and sim/ for the
// simulated devices drivers are tested against.
package drivers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"slices"
	"sort"
	"strconv"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers/platform"
)

// Sentinel errors a driver wraps with %w so callers can test with errors.Is.
var (
	ErrAuth    = errors.New("authentication failed")
	ErrHostKey = errors.New("host key verification failed")
	ErrTimeout = errors.New("timed out")
	ErrEnable  = errors.New("enable failed")
	ErrConnect = errors.New("connection failed")
	ErrClosed  = errors.New("session closed")
	// ErrOutputLimit: a command's output passed its limit (OutputLimit);
	// the session is closed, since the device is still sending.
	ErrOutputLimit = errors.New("output limit exceeded")
	ErrPlatform    = platform.ErrUnknown
)

// Credentials are the secrets used to log in to a device. They are never
// logged or printed; Secrets lists the values to mask.
type Credentials struct {
	Username   string
	Password   string
	Enable     string // enable secret
	PrivateKey string // PEM text of a private key
}

// Secrets returns the non-empty secret values, longest first, for masking:
// a secret that contains another (an enable secret "cisco123" and a
// password "cisco") is masked whole.
func (c Credentials) Secrets() []string {
	var out []string
	for _, s := range []string{c.Password, c.Enable, c.PrivateKey} {
		if s != "" {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// Endpoint replaces where a device is reached; -sim uses it to send each
// device to its in-process simulator and to trust that simulator's key.
type Endpoint struct {
	Host    string
	Port    int
	HostKey ssh.PublicKey
}

// Target is everything a driver needs to open a session to one device.
type Target struct {
	Name        string // device name in the runbook, used in errors
	Host        string
	Port        int
	Platform    string // key into platform.Platforms; "" means cisco_iosxe
	Credentials Credentials

	// Prompt overrides the platform's prompt regular expression.
	Prompt string
	// Timeout bounds each command (and the login); 0 means DefaultTimeout.
	Timeout time.Duration
	// OutputLimit bounds what is kept of one command's output (and of the
	// login's), in bytes; 0 means DefaultOutputLimit. Past it the command
	// fails with ErrOutputLimit and the session is closed.
	OutputLimit int64

	// KnownHosts is the known_hosts file to verify the host key against;
	// "" means ~/.ssh/known_hosts.
	KnownHosts string
	// InsecureSkipHostKey disables host key verification (logged as a warning).
	InsecureSkipHostKey bool
	// HostKeyCallback, when set, replaces known_hosts verification; -sim uses
	// it to trust the simulator's own keys.
	HostKeyCallback ssh.HostKeyCallback
	// HostKeys pins the keys accepted for this device: authorized_keys
	// style lines ("ssh-ed25519 AAAA...") or SHA256 fingerprints
	// ("SHA256:..."). When set, known_hosts is not consulted.
	HostKeys []string
	// AcceptNewHostKeys trusts a key seen for the first time and records it
	// in KnownHosts (trust on first use); a changed key is still refused.
	AcceptNewHostKeys bool

	// Algorithms extends the secure defaults for this device only, for old
	// devices (names as OpenSSH spells them).
	Algorithms Algorithms

	// Dial opens the device's TCP connection; nil means a direct dial. A jump
	// host sets it to a dialer that tunnels through the bastion.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)

	// Transcript, when set, receives exactly what was sent to and received
	// from the device's CLI, with Credentials' secrets masked by the driver.
	Transcript io.Writer

	// Settings are the device's driver-specific attributes, for drivers
	// that declare a Schema (plugins): JSON-like values (string, float64,
	// bool, []any, map[string]any) keyed by attribute name.
	Settings map[string]any

	// Logger receives driver events; nil means discard. Secrets must never be
	// passed to it.
	Logger *slog.Logger
}

// Algorithms are SSH algorithms added to the secure defaults, for one
// device. Empty means the defaults only.
type Algorithms struct {
	KeyExchanges      []string
	Ciphers           []string
	HostKeyAlgorithms []string
	MACs              []string
}

// Empty reports whether no algorithm is added.
func (a Algorithms) Empty() bool {
	return len(a.KeyExchanges)+len(a.Ciphers)+len(a.HostKeyAlgorithms)+len(a.MACs) == 0
}

// Addr is host:port.
func (t Target) Addr() string {
	return net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
}

// DefaultTimeout bounds a command when neither device nor command sets one.
const DefaultTimeout = 30 * time.Second

// DefaultOutputLimit bounds one command's output when neither device nor
// command sets a limit: memory stays bounded whatever a device sends.
const DefaultOutputLimit = 16 << 20

// OutputLimitError is the error for output past limit bytes while doing
// what ("command \"show log\""), wrapping ErrOutputLimit.
func OutputLimitError(device, what string, limit int64) error {
	return limitError(fmt.Sprintf("%s: output of %s exceeded %s", device, what, FormatSize(limit)))
}

// limitError says what passed its limit without repeating ErrOutputLimit's
// own words, and is still ErrOutputLimit to errors.Is.
type limitError string

func (e limitError) Error() string { return string(e) }
func (e limitError) Unwrap() error { return ErrOutputLimit }

// FormatSize renders a byte count for a message: "16 MiB", "512 KiB",
// "100B".
func FormatSize(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + " " + u.name
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

// Result is what a device answered to one command or one configuration push.
// A device that rejects input (% Invalid input) gives Failed=true with the raw
// text kept in Output; a Go error is for I/O, auth and timeouts.
type Result struct {
	Command string `json:"command"`
	Output  string `json:"output"`
	Failed  bool   `json:"failed,omitempty"`
	// Rejected is the input the device rejected (a command, a
	// configuration line, or the commit), when Failed.
	Rejected string    `json:"rejected,omitempty"`
	Started  time.Time `json:"-"`
	Finished time.Time `json:"-"`
}

// Driver opens sessions to devices.
type Driver interface {
	Open(ctx context.Context, t Target) (Session, error)
}

// Expect answers an interactive question a command may ask; platforms
// declare default ones (platform.Expect).
type Expect = platform.Expect

// RunOptions tune one Run.
type RunOptions struct {
	// Expect lists the questions this command may ask, tried in order, in
	// addition to the platform's defaults.
	Expect []Expect
	// OutputLimit replaces the target's OutputLimit for this command; 0
	// keeps it.
	OutputLimit int64
}

// RunOption sets a RunOptions field.
type RunOption func(*RunOptions)

// WithExpect adds answers to interactive questions for one command.
func WithExpect(e ...Expect) RunOption {
	return func(o *RunOptions) { o.Expect = append(o.Expect, e...) }
}

// WithOutputLimit bounds this command's output to limit bytes (0 keeps the
// target's limit).
func WithOutputLimit(limit int64) RunOption {
	return func(o *RunOptions) { o.OutputLimit = limit }
}

// Session is one open connection to a device, at privileged exec, reused for
// all of that device's steps. A Session is used by one goroutine at a time.
type Session interface {
	// Run sends one command at privileged exec and returns its output with
	// the echo and the trailing prompt removed.
	Run(ctx context.Context, command string, opts ...RunOption) (Result, error)
	// Configure enters configuration mode, sends lines, and leaves it.
	Configure(ctx context.Context, lines []string) (Result, error)
	Close() error
}

// SchemaAttribute is one driver-specific device attribute.
type SchemaAttribute struct {
	Name string `json:"name"`
	// Type is "string", "number", "bool", "list(string)" or "map(string)".
	Type        string `json:"type"`
	Required    bool   `json:"required,omitempty"`
	Description string `json:"description,omitempty"`
}

// Schema declares the attributes a driver accepts in device blocks, so
// validate checks them with located diagnostics.
type Schema struct {
	Attributes []SchemaAttribute `json:"attributes"`
}

// Describer is implemented by drivers that take device settings or report
// a version (plugins).
type Describer interface {
	Schema() Schema
	Version() string
}

// Registry maps driver names (the device's `driver` attribute) to drivers.
type Registry map[string]Driver

// Names returns the registered driver names, sorted.
func (r Registry) Names() []string { return slices.Sorted(maps.Keys(r)) }
