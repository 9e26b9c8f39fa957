package plugin

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"

	"github.com/netrun/netrun/drivers"
)

// Serve runs a driver plugin; call it from the plugin's main. name is the
// driver name (device blocks say driver = "NAME"; netrun finds the plugin as
// an executable named netrun-driver-NAME), version the plugin's own version,
// shown by `netrun version`, and schema the device attributes the driver
// accepts, which `netrun validate` checks and Open receives in
// Target.Settings.
//
// d.Open receives a Target without its functions and writers (see the
// package documentation), and each of its Sessions is used by one device at
// a time. Errors should wrap the drivers sentinel errors (drivers.ErrAuth,
// drivers.ErrTimeout, ...) with %w: their identity crosses to netrun. Contexts
// carry netrun's deadlines and are cancelled on Ctrl-C; honour them.
//
// Serve returns when netrun closes the plugin, after closing the sessions
// left open. Run directly, not by netrun, it prints a notice and exits 1. A
// panic kills the plugin process: netrun reports it, with the plugin's
// stderr, as a failure of the one device it was serving.
func Serve(name, version string, d drivers.Driver, schema drivers.Schema) {
	serve(&server{
		name:    name,
		version: version,
		schema:  schema,
		reg:     drivers.Registry{name: d},
		single:  true,
	})
}

// ServeRegistry serves every driver of reg over the same protocol as Serve;
// Open picks the driver by name. It is for netrun itself re-run as a
// subprocess-mode worker.
func ServeRegistry(version string, reg drivers.Registry) {
	serve(&server{version: version, reg: reg})
}

func serve(s *server) {
	s.sessions = make(map[uint64]*remoteSession)
	s.calls = make(map[uint64]context.CancelFunc)
	s.early = make(map[uint64]bool)
	s.stderr = os.Stderr
	stop := make(chan struct{})
	go exitWithParent(stop)
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig: handshake,
		Plugins:         goplugin.PluginSet{pluginKey: &rpcPlugin{srv: s}},
		// go-plugin's own log lines would fill the stderr tail shown
		// when a process dies; keep only its errors.
		Logger: hclog.New(&hclog.LoggerOptions{Level: hclog.Error, Output: os.Stderr}),
	})
	close(stop)
	s.closeAll()
}

// exitWithParent ends the process when the netrun that started it is gone
// (killed without a chance to kill its workers), so none is left behind.
func exitWithParent(stop <-chan struct{}) {
	parent := os.Getppid()
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if os.Getppid() != parent {
				os.Exit(3)
			}
		}
	}
}

// server is the RPC receiver in the plugin or worker process.
type server struct {
	name    string // "" for a registry
	version string
	schema  drivers.Schema
	reg     drivers.Registry
	single  bool // served by Serve: its one driver answers any driver name

	stderr     *os.File // the process's real stderr
	stderrOnce sync.Once

	mu       sync.Mutex
	next     uint64
	sessions map[uint64]*remoteSession
	calls    map[uint64]context.CancelFunc // calls in flight, by host call id
	early    map[uint64]bool               // Cancel that arrived before its call
	maxCall  uint64
}

type remoteSession struct {
	session    drivers.Session
	transcript io.Closer
	logs       *logSink // nil without a Target.Logger
	name       string
	limit      int64 // the target's output limit
}

// restoreStderr undoes go-plugin's redirection of os.Stderr into its RPC
// stream: what a plugin writes there just before it crashes would be lost
// with the stream, and that is the text the host shows for the crash. The
// real stderr is read by the host all the same.
func (s *server) restoreStderr() {
	s.stderrOnce.Do(func() { os.Stderr = s.stderr })
}

// Info answers the handshake questions: who, which version, what schema.
func (s *server) Info(_ infoArgs, reply *infoReply) error {
	s.restoreStderr()
	reply.Name = s.name
	reply.Version = s.version
	reply.Protocol = ProtocolVersion
	reply.Schema = s.schema
	reply.Drivers = s.reg.Names()
	return nil
}

// begin registers a call so Cancel can find it, and gives it its context.
func (s *server) begin(call uint64, deadline int64) (context.Context, func()) {
	s.restoreStderr()
	ctx, cancel := context.WithCancel(context.Background())
	if deadline != 0 {
		var dcancel context.CancelFunc
		ctx, dcancel = context.WithDeadline(ctx, time.Unix(0, deadline))
		c := cancel
		cancel = func() { dcancel(); c() }
	}
	s.mu.Lock()
	s.calls[call] = cancel
	s.maxCall = max(s.maxCall, call)
	if s.early[call] {
		delete(s.early, call)
		cancel()
	}
	s.mu.Unlock()
	return ctx, func() {
		s.mu.Lock()
		delete(s.calls, call)
		s.mu.Unlock()
		cancel()
	}
}

// Cancel cancels the context of a call in flight. net/rpc serves each request
// in its own goroutine, so Cancel may overtake the call it names: a Cancel
// for an id not yet seen is kept for when it arrives.
func (s *server) Cancel(args cancelArgs, _ *struct{}) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cancel, ok := s.calls[args.Call]; ok {
		cancel()
	} else if args.Call > s.maxCall {
		s.early[args.Call] = true
	}
	return nil
}

func (s *server) driver(name string) (drivers.Driver, error) {
	if d, ok := s.reg[name]; ok && d != nil {
		return d, nil
	}
	if s.single {
		for _, d := range s.reg {
			return d, nil
		}
	}
	return nil, fmt.Errorf("no driver %q in this process (it serves %v)", name, s.reg.Names())
}

// Open opens a session with the named driver.
func (s *server) Open(args openArgs, reply *openReply) error {
	ctx, done := s.begin(args.Call, args.Deadline)
	defer done()
	rs, err := s.open(ctx, args)
	reply.Logs = rs.logs.take()
	if err != nil {
		reply.Err = toWire(err)
		return nil
	}
	s.mu.Lock()
	s.next++
	reply.Session = s.next
	s.sessions[s.next] = rs
	s.mu.Unlock()
	return nil
}

func (s *server) open(ctx context.Context, args openArgs) (*remoteSession, error) {
	d, err := s.driver(args.Driver)
	if err != nil {
		return &remoteSession{}, fmt.Errorf("device %s: %w", args.Target.Name, err)
	}
	rs := &remoteSession{}
	t, transcript, err := fromWire(args.Target)
	if err != nil {
		return rs, err
	}
	// The driver gets the target as sent; the limit is the one it has.
	dt := t.WithDefaults()
	rs.name, rs.limit = dt.Name, dt.OutputLimit
	if args.Target.Log {
		rs.logs = &logSink{}
		t.Logger = slog.New(&captureHandler{level: slog.Level(args.Target.LogLevel), sink: rs.logs})
	}
	rs.session, err = d.Open(ctx, t)
	if err != nil {
		if transcript != nil {
			transcript.Close()
		}
		return rs, err
	}
	if transcript != nil {
		rs.transcript = transcript
	}
	return rs, nil
}

func fromWire(w wireTarget) (drivers.Target, *os.File, error) {
	t := drivers.Target{
		Name:                w.Name,
		Host:                w.Host,
		Port:                w.Port,
		Platform:            w.Platform,
		Credentials:         w.Credentials,
		Prompt:              w.Prompt,
		Timeout:             time.Duration(w.Timeout),
		OutputLimit:         w.OutputLimit,
		KnownHosts:          w.KnownHosts,
		InsecureSkipHostKey: w.InsecureSkipHostKey,
		HostKeys:            w.HostKeys,
		AcceptNewHostKeys:   w.AcceptNewHostKeys,
		Algorithms:          w.Algorithms,
	}
	if len(w.SettingsJSON) > 0 {
		if err := json.Unmarshal(w.SettingsJSON, &t.Settings); err != nil {
			return t, nil, fmt.Errorf("device %s: decoding driver settings: %v", w.Name, err)
		}
	}
	var f *os.File
	if w.TranscriptPath != "" {
		var err error
		f, err = os.OpenFile(w.TranscriptPath, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return t, nil, fmt.Errorf("device %s: transcript: %v", w.Name, err)
		}
		t.Transcript = f
	}
	return t, f, nil
}

func (s *server) session(id uint64) (*remoteSession, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs, ok := s.sessions[id]
	if !ok {
		return nil, fmt.Errorf("session %d: %w", id, drivers.ErrClosed)
	}
	return rs, nil
}

// Run runs one command on a session.
func (s *server) Run(args runArgs, reply *resultReply) error {
	ctx, done := s.begin(args.Call, args.Deadline)
	defer done()
	rs, err := s.session(args.Session)
	if err == nil {
		var opts []drivers.RunOption
		if len(args.Expect) > 0 {
			opts = append(opts, drivers.WithExpect(args.Expect...))
		}
		if args.OutputLimit > 0 {
			opts = append(opts, drivers.WithOutputLimit(args.OutputLimit))
		}
		reply.Result, err = rs.session.Run(ctx, args.Command, opts...)
		reply.Result, err = rs.bound(reply.Result, err, cmp.Or(args.OutputLimit, rs.limit), &args.Command)
		reply.Logs = rs.logs.take()
	}
	reply.Err = toWire(err)
	return nil
}

// Configure pushes configuration lines on a session.
func (s *server) Configure(args configureArgs, reply *resultReply) error {
	ctx, done := s.begin(args.Call, args.Deadline)
	defer done()
	rs, err := s.session(args.Session)
	if err == nil {
		reply.Result, err = rs.session.Configure(ctx, args.Lines)
		reply.Result, err = rs.bound(reply.Result, err, rs.limit, nil)
		reply.Logs = rs.logs.take()
	}
	reply.Err = toWire(err)
	return nil
}

// Close closes a session.
func (s *server) Close(args closeArgs, reply *errReply) error {
	s.mu.Lock()
	rs, ok := s.sessions[args.Session]
	delete(s.sessions, args.Session)
	s.mu.Unlock()
	if ok {
		reply.Err = toWire(rs.close())
		reply.Logs = rs.logs.take()
	}
	return nil
}

// bound holds a driver that does not bound its output (a plugin's own) to
// the limit, so that no reply carries more across the wire than netrun
// would keep. The session is closed, as a bounding driver closes it.
// command is the command run, nil for a configuration push; the message is
// built only when the limit is passed.
func (rs *remoteSession) bound(res drivers.Result, err error, limit int64, command *string) (drivers.Result, error) {
	if err != nil || int64(len(res.Output)) <= limit {
		return res, err
	}
	rs.session.Close()
	what := "the configuration push"
	if command != nil {
		what = "command " + strconv.Quote(*command)
	}
	return drivers.Result{Command: res.Command}, drivers.OutputLimitError(rs.name, what, limit)
}

func (rs *remoteSession) close() error {
	err := rs.session.Close()
	if rs.transcript != nil {
		if cerr := rs.transcript.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func (s *server) closeAll() {
	s.mu.Lock()
	sessions := s.sessions
	s.sessions = map[uint64]*remoteSession{}
	s.mu.Unlock()
	for _, rs := range sessions {
		rs.close()
	}
}
