// Package plugin is netrun's one out-of-process path for device sessions: it
// runs drivers in other processes and talks to them over
// github.com/hashicorp/go-plugin (net/rpc with gob, multiplexed by yamux over
// a Unix socket). Two kinds of process speak the same protocol:
//
//   - external driver plugins, executables named netrun-driver-NAME that call
//     Serve from main (this is the SDK for plugin authors: implement
//     drivers.Driver, call Serve);
//   - subprocess-mode workers, the netrun binary re-run as a hidden command
//     that calls ServeRegistry with its built-in drivers.
//
// On the host side a Pool runs at most a fixed number of such processes, each
// serving one device session at a time, so a process that panics or is killed
// fails only the session it was running (ErrWorkerDied, with the tail of its
// stderr) and the next Open starts a fresh process. A Pool is a
// drivers.Driver; the engine does not know a session is remote. Its
// processes start with a filtered environment (env.go: credentials come
// over the wire, never through NETRUN_VAR_*), and their stderr lines are
// masked with the secrets given by WithSecrets.
//
// What crosses the wire is everything in drivers.Target that is data: the
// functions and writers (HostKeyCallback, Dial, Transcript, Logger) cannot.
// Open refuses a Target with Dial set (jump hosts run in the host process)
// and one with HostKeyCallback set unless HostKeys pins the keys the remote
// side should accept instead. A Transcript writer stays on the host: the
// remote side writes a temporary file that session Close (or a failed Open)
// copies into it, so even a crashed process leaves its transcript. Logger
// records travel back in replies.
//
// The wire: one go-plugin service, "Plugin", with the net/rpc methods Info,
// Open(driver, target) → session id, Run(session, command, expect) →
// drivers.Result, Configure(session, lines) → drivers.Result, Close(session)
// and Cancel(call). Requests carry the context's deadline and a call id;
// Cancel, sent on the same connection while a call is in flight, cancels that
// call's context in the remote process, and if the call does not return
// within the pool's cancel grace the process is killed. Errors travel in
// replies as text plus codes for the drivers sentinel errors and context
// errors, so errors.Is works on the host; a net/rpc error means the process
// died. Log records of Target.Logger travel in replies too.
//
// It is not a driver and knows nothing of SSH, and it is not a general RPC
// framework: the protocol carries exactly drivers.Driver and drivers.Session.
package plugin

import (
	"context"
	"errors"
	"io"
	"net/rpc"

	goplugin "github.com/hashicorp/go-plugin"

	"github.com/netrun/netrun/drivers"
)

// ProtocolVersion is the version of netrun's plugin protocol, checked in the
// go-plugin handshake. It changes when the RPCs below change incompatibly.
const ProtocolVersion = 1

// Errors of this package, for errors.Is.
var (
	// ErrWorkerDied: the plugin or worker process running a session exited,
	// crashed or was killed; the error shows the tail of its stderr.
	ErrWorkerDied = errors.New("plugin or worker process died")
	// ErrIncompatible: the executable is not a netrun plugin, or speaks
	// another ProtocolVersion.
	ErrIncompatible = errors.New("incompatible plugin")
	// ErrPoolClosed: Open or Info on a closed Pool.
	ErrPoolClosed = errors.New("plugin pool closed")
)

// handshake keeps netrun plugins and other go-plugin executables (Terraform
// providers, Packer plugins) from talking to each other by mistake. The
// cookie only says "started by netrun"; it is not a secret.
var handshake = goplugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "NETRUN_PLUGIN_MAGIC_COOKIE",
	MagicCookieValue: "c2d5f0e6-netrun-driver-plugin",
}

// pluginKey is the name under which the one go-plugin service is dispensed.
const pluginKey = "driver"

// rpcPlugin adapts the protocol to go-plugin's Plugin interface: the server
// side registers srv as the RPC receiver, the client side keeps the raw
// *rpc.Client so calls can be issued asynchronously and cancelled.
type rpcPlugin struct {
	srv *server
}

func (p *rpcPlugin) Server(*goplugin.MuxBroker) (any, error) { return p.srv, nil }

func (p *rpcPlugin) Client(_ *goplugin.MuxBroker, c *rpc.Client) (any, error) { return c, nil }

// The wire types below are aliases of unnamed struct types: net/rpc accepts
// only exported or unnamed argument types, and aliases keep them out of the
// package's API. Every request carries Call, the host's id for the call, so
// Cancel can name it; Deadline is the zero time when the context has none.
// Errors travel in the reply (wireError), never as net/rpc errors: a net/rpc
// error means the transport broke, that is, the process died.

type infoArgs = struct{ Call uint64 }

type infoReply = struct {
	Name     string
	Version  string
	Protocol int
	Schema   drivers.Schema
	Drivers  []string
}

// wireTarget is drivers.Target without its functions and writers. Settings
// travel as JSON text because they are JSON-like values (any) that gob would
// need registered types for.
type wireTarget = struct {
	Name                string
	Host                string
	Port                int
	Platform            string
	Credentials         drivers.Credentials
	Prompt              string
	Timeout             int64 // time.Duration
	OutputLimit         int64
	KnownHosts          string
	InsecureSkipHostKey bool
	HostKeys            []string
	AcceptNewHostKeys   bool
	Algorithms          drivers.Algorithms
	SettingsJSON        []byte
	// TranscriptPath, when set, is a file the remote side creates and
	// writes the session's transcript to.
	TranscriptPath string
	// Log is set when Target.Logger was, LogLevel the lowest level it
	// takes (not a *int: gob sends a pointer to 0 as nil). Records come
	// back in replies.
	Log      bool
	LogLevel int
}

type openArgs = struct {
	Call     uint64
	Deadline int64 // Unix nanoseconds; 0 means none
	Driver   string
	Target   wireTarget
}

type openReply = struct {
	Session uint64
	Err     *wireError
	Logs    []logRecord
}

type runArgs = struct {
	Call     uint64
	Deadline int64
	Session  uint64
	Command  string
	Expect   []drivers.Expect
	// OutputLimit is the command's own limit, 0 for the target's.
	OutputLimit int64
}

type configureArgs = struct {
	Call     uint64
	Deadline int64
	Session  uint64
	Lines    []string
}

type resultReply = struct {
	Result drivers.Result
	Err    *wireError
	Logs   []logRecord
}

type closeArgs = struct {
	Call    uint64
	Session uint64
}

type errReply = struct {
	Err  *wireError
	Logs []logRecord
}

type cancelArgs = struct{ Call uint64 }

// wireError is an error as it crosses the wire: its text and the codes of the
// well-known errors it wraps, so errors.Is still works on the host.
type wireError struct {
	Message string
	Codes   []string
}

// codes names the errors whose identity survives the wire.
var codes = []struct {
	code string
	err  error
}{
	{"auth", drivers.ErrAuth},
	{"hostkey", drivers.ErrHostKey},
	{"timeout", drivers.ErrTimeout},
	{"enable", drivers.ErrEnable},
	{"connect", drivers.ErrConnect},
	{"closed", drivers.ErrClosed},
	{"output_limit", drivers.ErrOutputLimit},
	{"platform", drivers.ErrPlatform},
	{"canceled", context.Canceled},
	{"deadline", context.DeadlineExceeded},
	{"eof", io.EOF},
}

func toWire(err error) *wireError {
	if err == nil {
		return nil
	}
	w := &wireError{Message: err.Error()}
	if w.Message == "" {
		w.Message = "unknown error" // gob would send an empty wireError as nil
	}
	for _, c := range codes {
		if errors.Is(err, c.err) {
			w.Codes = append(w.Codes, c.code)
		}
	}
	return w
}

func (w *wireError) toError() error {
	if w == nil {
		return nil
	}
	e := &remoteError{msg: w.Message}
	for _, code := range w.Codes {
		for _, c := range codes {
			if c.code == code {
				e.wrapped = append(e.wrapped, c.err)
			}
		}
	}
	return e
}

// remoteError is an error returned by the remote driver: its message as the
// driver wrote it, wrapping the well-known errors it wrapped there.
type remoteError struct {
	msg     string
	wrapped []error
}

func (e *remoteError) Error() string   { return e.msg }
func (e *remoteError) Unwrap() []error { return e.wrapped }
