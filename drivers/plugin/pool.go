package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/netrun/netrun/drivers"
)

// Pool runs at most size processes of one executable, a plugin or netrun
// itself as a worker. Each process runs one device session at a time, so a
// crash fails only that device; a session pins its process from Open to
// Close. Processes start on demand and are reused by later sessions.
//
// A Pool is a drivers.Driver for the driver named by NewPool's name (a
// plugin's), and a drivers.Describer whose schema and version come from the
// process itself. For a worker serving a registry, Driver gives one
// drivers.Driver per driver name, all sharing the pool's processes.
type Pool struct {
	name string
	cmd  func() *exec.Cmd
	cfg  poolConfig

	slots chan struct{} // one token per session or Info in progress
	done  chan struct{} // closed by Close

	mu       sync.Mutex
	closed   bool
	idle     []*proc
	all      map[*proc]bool
	starting sync.WaitGroup

	infoMu sync.Mutex
	info   *Info
}

// Info is what a plugin or worker says of itself.
type Info struct {
	Name     string         // driver name given to Serve; "" for a worker
	Version  string         // the plugin's (or worker's) version
	Protocol int            // ProtocolVersion it speaks
	Schema   drivers.Schema // device settings it accepts
	Drivers  []string       // driver names it serves, sorted
}

type poolConfig struct {
	stderr       io.Writer
	secrets      []string // longest first
	logger       *slog.Logger
	startTimeout time.Duration
	cancelGrace  time.Duration
}

// PoolOption configures a Pool.
type PoolOption func(*poolConfig)

// WithStderr copies the stderr of every process to w, each line prefixed
// with the executable's name and pid. Without it stderr is only kept for
// the tail shown when a process dies.
func WithStderr(w io.Writer) PoolOption {
	return func(c *poolConfig) { c.stderr = w }
}

// WithSecrets masks secrets in every stderr line of the processes, wherever
// it goes (WithStderr, the logger, the error of a process that died): a
// driver that panics with its credentials in the message must not show
// them.
func WithSecrets(secrets []string) PoolOption {
	return func(c *poolConfig) {
		c.secrets = slices.Clone(secrets)
		sort.SliceStable(c.secrets, func(i, j int) bool { return len(c.secrets[i]) > len(c.secrets[j]) })
	}
}

// WithLogger logs process starts and deaths, and each stderr line at Debug.
func WithLogger(l *slog.Logger) PoolOption {
	return func(c *poolConfig) { c.logger = l }
}

// WithStartTimeout bounds a process's start and handshake (default 20s).
func WithStartTimeout(d time.Duration) PoolOption {
	return func(c *poolConfig) { c.startTimeout = d }
}

// WithCancelGrace is how long a cancelled call may take to return before its
// process is killed (default 1s). The session then fails; others go on.
func WithCancelGrace(d time.Duration) PoolOption {
	return func(c *poolConfig) { c.cancelGrace = d }
}

// NewPool returns a pool of at most size processes made by cmd (called once
// per process start; the pool filters its environment (childEnv: no
// NETRUN_VAR_* nor other secrets), adds the handshake and puts the process
// in its own process group). name is the driver name Open asks for.
// No process starts until Open or Info.
func NewPool(name string, cmd func() *exec.Cmd, size int, opts ...PoolOption) *Pool {
	cfg := poolConfig{startTimeout: 20 * time.Second, cancelGrace: time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	return &Pool{
		name:  name,
		cmd:   cmd,
		cfg:   cfg,
		slots: make(chan struct{}, max(size, 1)),
		done:  make(chan struct{}),
		all:   make(map[*proc]bool),
	}
}

// Open opens a session on an idle process, or on a new one while fewer than
// size run; beyond that it waits for a session to close, as long as ctx
// allows.
func (p *Pool) Open(ctx context.Context, t drivers.Target) (drivers.Session, error) {
	return p.open(ctx, p.name, t)
}

// Driver returns the driver called name in the pool's processes, for a pool
// of workers serving a registry.
func (p *Pool) Driver(name string) drivers.Driver {
	return poolDriver{p, name}
}

type poolDriver struct {
	pool *Pool
	name string
}

func (d poolDriver) Open(ctx context.Context, t drivers.Target) (drivers.Session, error) {
	return d.pool.open(ctx, d.name, t)
}

// Info starts (or reuses) a process to ask it its name, version, protocol
// and schema; the answer is kept for the pool's life.
func (p *Pool) Info(ctx context.Context) (Info, error) {
	p.infoMu.Lock()
	defer p.infoMu.Unlock()
	if p.info != nil {
		return *p.info, nil
	}
	pr, err := p.acquire(ctx)
	if err != nil {
		return Info{}, err
	}
	var reply infoReply
	id := pr.nextCall()
	if err := pr.call(ctx, "Info", id, infoArgs{Call: id}, &reply); err != nil {
		err = pr.failure(ctx, "Info", "", err)
		p.release(pr)
		return Info{}, err
	}
	p.release(pr)
	p.info = &Info{
		Name:     reply.Name,
		Version:  reply.Version,
		Protocol: reply.Protocol,
		Schema:   reply.Schema,
		Drivers:  reply.Drivers,
	}
	return *p.info, nil
}

// Schema is the plugin's device settings schema (empty when it cannot be
// asked: Info gives the error).
func (p *Pool) Schema() drivers.Schema {
	info, _ := p.describe()
	return info.Schema
}

// Version is the plugin's version ("" when it cannot be asked).
func (p *Pool) Version() string {
	info, _ := p.describe()
	return info.Version
}

func (p *Pool) describe() (Info, error) {
	ctx, cancel := context.WithTimeout(context.Background(), p.cfg.startTimeout+10*time.Second)
	defer cancel()
	return p.Info(ctx)
}

// Close kills every process, sessions open or not, and waits until they are
// gone. Sessions still open fail with ErrPoolClosed.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	close(p.done)
	procs := make([]*proc, 0, len(p.all))
	for pr := range p.all {
		procs = append(procs, pr)
	}
	p.idle = nil
	p.mu.Unlock()

	var wg sync.WaitGroup
	for _, pr := range procs {
		wg.Go(pr.kill)
	}
	wg.Wait()
	p.starting.Wait() // a start in progress kills its process itself
	return nil
}

func (p *Pool) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// acquire takes a slot and a process for it: an idle one or a new one.
func (p *Pool) acquire(ctx context.Context) (*proc, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for a free %s process: %w", p.name, ctx.Err())
	case <-p.done:
		return nil, ErrPoolClosed
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		<-p.slots
		return nil, ErrPoolClosed
	}
	for len(p.idle) > 0 {
		pr := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if pr.client.Exited() {
			// Died while idle (OOM killer, someone's kill): not the
			// next device's failure.
			delete(p.all, pr)
			go pr.kill()
			continue
		}
		p.mu.Unlock()
		return pr, nil
	}
	p.starting.Add(1)
	p.mu.Unlock()

	type started struct {
		pr  *proc
		err error
	}
	ch := make(chan started, 1)
	go func() {
		defer p.starting.Done()
		pr, err := p.start()
		ch <- started{pr, err}
	}()
	select {
	case s := <-ch:
		if s.err != nil {
			<-p.slots
			return nil, s.err
		}
		return s.pr, nil
	case <-ctx.Done():
		// The process keeps starting and joins the idle ones.
		go func() {
			if s := <-ch; s.err == nil {
				p.release(s.pr)
			} else {
				<-p.slots
			}
		}()
		return nil, fmt.Errorf("starting a %s process: %w", p.name, ctx.Err())
	}
}

// release gives back a slot and its process: to the idle ones if healthy,
// killed otherwise.
func (p *Pool) release(pr *proc) {
	p.mu.Lock()
	if pr.dead.Load() || p.closed {
		delete(p.all, pr)
		p.mu.Unlock()
		pr.kill()
	} else {
		p.idle = append(p.idle, pr)
		p.mu.Unlock()
	}
	<-p.slots
}

func (p *Pool) open(ctx context.Context, driver string, t drivers.Target) (drivers.Session, error) {
	w, err := toWireTarget(t)
	if err != nil {
		return nil, err
	}
	var transcript *os.File
	if t.Transcript != nil {
		// The writer stays here: the remote side writes a file that
		// Close copies into it.
		transcript, err = os.CreateTemp("", "netrun-transcript-*")
		if err != nil {
			return nil, fmt.Errorf("device %s: transcript: %w", t.Name, err)
		}
		w.TranscriptPath = transcript.Name()
	}
	pr, err := p.acquire(ctx)
	if err != nil {
		dropTranscript(transcript, nil)
		return nil, fmt.Errorf("device %s: %w", t.Name, err)
	}
	id := pr.nextCall()
	args := openArgs{Call: id, Deadline: deadline(ctx), Driver: driver, Target: w}
	var reply openReply
	err = pr.call(ctx, "Open", id, args, &reply)
	replay(t.Logger, reply.Logs)
	if err != nil {
		err = pr.failure(ctx, "Open", t.Name, err)
		p.release(pr)
		dropTranscript(transcript, t.Transcript)
		return nil, err
	}
	if reply.Err != nil {
		p.release(pr)
		dropTranscript(transcript, t.Transcript)
		return nil, reply.Err.toError()
	}
	return &session{pool: p, pr: pr, id: reply.Session, target: t.Name, logger: t.Logger,
		transcript: transcript, out: t.Transcript}, nil
}

func toWireTarget(t drivers.Target) (wireTarget, error) {
	if t.Dial != nil {
		return wireTarget{}, fmt.Errorf("device %s: a custom dialer (jump host) cannot be passed to a plugin or worker process: run this device in goroutine mode", t.Name)
	}
	if t.HostKeyCallback != nil && len(t.HostKeys) == 0 {
		return wireTarget{}, fmt.Errorf("device %s: a host key callback cannot be passed to a plugin or worker process: pin the keys in HostKeys instead", t.Name)
	}
	w := wireTarget{
		Name:                t.Name,
		Host:                t.Host,
		Port:                t.Port,
		Platform:            t.Platform,
		Credentials:         t.Credentials,
		Prompt:              t.Prompt,
		Timeout:             int64(t.Timeout),
		OutputLimit:         t.OutputLimit,
		KnownHosts:          t.KnownHosts,
		InsecureSkipHostKey: t.InsecureSkipHostKey,
		HostKeys:            t.HostKeys,
		AcceptNewHostKeys:   t.AcceptNewHostKeys,
		Algorithms:          t.Algorithms,
	}
	if len(t.Settings) > 0 {
		b, err := json.Marshal(t.Settings)
		if err != nil {
			return w, fmt.Errorf("device %s: encoding driver settings: %v", t.Name, err)
		}
		w.SettingsJSON = b
	}
	if t.Logger != nil {
		for _, l := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
			if t.Logger.Enabled(context.Background(), l) {
				w.Log, w.LogLevel = true, int(l)
				break
			}
		}
	}
	return w, nil
}

// dropTranscript copies what the remote side wrote to out, if any, and
// removes the file.
func dropTranscript(f *os.File, out io.Writer) {
	if f == nil {
		return
	}
	if out != nil {
		f.Seek(0, io.SeekStart)
		io.Copy(out, f)
	}
	f.Close()
	os.Remove(f.Name())
}

func deadline(ctx context.Context) int64 {
	if d, ok := ctx.Deadline(); ok {
		return d.UnixNano()
	}
	return 0
}

// session is a drivers.Session whose driver runs in a pool process.
type session struct {
	pool       *Pool
	pr         *proc
	id         uint64
	target     string
	logger     *slog.Logger
	transcript *os.File
	out        io.Writer

	mu     sync.Mutex // Close may come from another goroutine than Run
	err    error      // set when the process died: the session is over
	closed bool
}

func (s *session) usable() error {
	if s.closed {
		return fmt.Errorf("device %s: %w", s.target, drivers.ErrClosed)
	}
	return s.err
}

func (s *session) Run(ctx context.Context, command string, opts ...drivers.RunOption) (drivers.Result, error) {
	var o drivers.RunOptions
	for _, opt := range opts {
		opt(&o)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.pr.nextCall()
	args := runArgs{Call: id, Deadline: deadline(ctx), Session: s.id, Command: command, Expect: o.Expect, OutputLimit: o.OutputLimit}
	return s.result(ctx, "Run", id, args, command)
}

func (s *session) Configure(ctx context.Context, lines []string) (drivers.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.pr.nextCall()
	args := configureArgs{Call: id, Deadline: deadline(ctx), Session: s.id, Lines: lines}
	return s.result(ctx, "Configure", id, args, "")
}

func (s *session) result(ctx context.Context, method string, id uint64, args any, command string) (drivers.Result, error) {
	failed := drivers.Result{Command: command}
	if err := s.usable(); err != nil {
		return failed, err
	}
	if err := ctx.Err(); err != nil {
		return failed, fmt.Errorf("device %s: %w", s.target, err)
	}
	var reply resultReply
	if err := s.pr.call(ctx, method, id, args, &reply); err != nil {
		s.err = s.pr.failure(ctx, method, s.target, err)
		return failed, s.err
	}
	replay(s.logger, reply.Logs)
	return reply.Result, reply.Err.toError()
}

// Close closes the remote session and gives its process back to the pool.
// After the process died it only releases it: the failure was reported.
func (s *session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var err error
	if s.err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		id := s.pr.nextCall()
		var reply errReply
		if cerr := s.pr.call(ctx, "Close", id, closeArgs{Call: id, Session: s.id}, &reply); cerr != nil {
			if !s.pool.isClosed() {
				err = s.pr.failure(ctx, "Close", s.target, cerr)
			}
		} else {
			replay(s.logger, reply.Logs)
			err = reply.Err.toError()
		}
		cancel()
	}
	s.pool.release(s.pr)
	dropTranscript(s.transcript, s.out)
	return err
}

var _ drivers.Describer = (*Pool)(nil)

// errPoolClosedDuring is what a session's call returns when Close killed its
// process.
func errPoolClosedDuring(target string) error {
	if target == "" {
		return fmt.Errorf("%w: %w", ErrPoolClosed, drivers.ErrClosed)
	}
	return fmt.Errorf("device %s: %w: %w", target, ErrPoolClosed, drivers.ErrClosed)
}

var errKilled = errors.New("killed after cancellation")
