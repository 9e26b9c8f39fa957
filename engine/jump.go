package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/sshconn"
	"github.com/netrun/netrun/engine/config"
)

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

// Jumps holds the SSH connections to a run's jump hosts. Each bastion is
// dialled once, by the first device that needs it, while devices behind it
// wait; every device then opens its own direct-tcpip channel on that one
// connection. A bastion behind another (via) is dialled through its
// parent's connection. A bastion that cannot be reached fails every device
// behind it with the same error, naming the bastion, without redialling; a
// connection that drops after it was up is redialled when next needed.
//
// A Jumps serves one run: create it before Apply, pass it in
// Options.Jumps, and Close it after.
type Jumps struct {
	hosts  map[string]*config.JumpHost
	opts   JumpOptions
	ctx    context.Context // cancelled by Close: ends dials in flight
	cancel context.CancelFunc

	mu     sync.Mutex
	closed bool
	conns  map[string]*jumpConn
	wg     sync.WaitGroup // connects in flight and connection watchers
}

// jumpConn is one bastion connection, ready once ready is closed.
type jumpConn struct {
	ready  chan struct{}
	client *ssh.Client
	err    error
}

// NewJumps prepares the jump hosts of rb; nothing is dialled until a
// device needs it.
func NewJumps(rb *config.Runbook, opts JumpOptions) *Jumps {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	j := &Jumps{
		hosts:  map[string]*config.JumpHost{},
		opts:   opts,
		ctx:    ctx,
		cancel: cancel,
		conns:  map[string]*jumpConn{},
	}
	for _, h := range rb.JumpHosts {
		j.hosts[h.Name] = h
	}
	return j
}

// Dialer returns the Target.Dial for d: nil when d is reached directly,
// else a dialer that opens a channel through d's jump host. A nil Jumps
// gives devices with via a dialer that explains what is missing.
func (j *Jumps) Dialer(d *config.Device) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if d.Via == "" {
		return nil
	}
	if j == nil {
		return func(context.Context, string, string) (net.Conn, error) {
			return nil, fmt.Errorf("%s is reached via jump_host.%s, but this run has no jump hosts set up", d.Name, d.Via)
		}
	}
	return j.dialVia(d.Via)
}

func (j *Jumps) dialVia(name string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := j.client(ctx, name)
		if err != nil {
			return nil, err
		}
		conn, err := c.DialContext(ctx, network, addr)
		if err != nil {
			return nil, &viaError{jump: "jump_host." + name, addr: j.addr(name), err: fmt.Errorf("opening a channel to %s: %w", addr, err)}
		}
		return conn, nil
	}
}

// client returns the connection to the named jump host, dialling it if no
// one has yet, or waiting for the device that is.
func (j *Jumps) client(ctx context.Context, name string) (*ssh.Client, error) {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return nil, &viaError{jump: "jump_host." + name, addr: j.addr(name), err: errors.New("jump hosts closed: the run is over")}
	}
	jc, ok := j.conns[name]
	if !ok {
		jc = &jumpConn{ready: make(chan struct{})}
		j.conns[name] = jc
		j.wg.Add(1)
		go j.connect(name, jc)
	}
	j.mu.Unlock()
	select {
	case <-jc.ready:
		return jc.client, jc.err
	case <-ctx.Done():
		return nil, &viaError{jump: "jump_host." + name, addr: j.addr(name), err: fmt.Errorf("waiting for the connection: %w", ctx.Err())}
	}
}

// connect dials a jump host on the run's context, not a device's: one
// device giving up must not fail the bastion for the others.
func (j *Jumps) connect(name string, jc *jumpConn) {
	defer j.wg.Done()
	defer close(jc.ready)
	h, ok := j.hosts[name]
	if !ok {
		jc.err = fmt.Errorf("via jump_host.%s: no such jump_host in the runbook", name)
		return
	}
	t := j.target(h)
	addr := t.Addr()
	client, err := sshconn.Dial(j.ctx, t)
	if err != nil {
		jc.err = &viaError{jump: h.Address(), addr: addr, err: err}
		j.opts.Logger.Error("jump host unreachable", "jump_host", h.Name, "addr", addr, "error", err)
		return
	}
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		client.Close()
		jc.err = &viaError{jump: h.Address(), addr: addr, err: errors.New("jump hosts closed: the run is over")}
		return
	}
	jc.client = client
	j.wg.Add(1)
	j.mu.Unlock()
	j.opts.Logger.Info("jump host connected", "jump_host", h.Name, "addr", addr)
	go func() {
		defer j.wg.Done()
		_ = client.Wait()
		j.mu.Lock()
		defer j.mu.Unlock()
		if j.conns[name] == jc {
			delete(j.conns, name)
		}
		if !j.closed {
			j.opts.Logger.Warn("jump host connection closed; it is redialled when next needed", "jump_host", h.Name, "addr", addr)
		}
	}()
}

// target is the jump host as sshconn sees it.
func (j *Jumps) target(h *config.JumpHost) drivers.Target {
	t := drivers.Target{
		Name:                h.Address(),
		Host:                h.Host,
		Port:                h.Port,
		Credentials:         h.Credentials,
		Timeout:             h.Timeout,
		KnownHosts:          h.KnownHosts,
		InsecureSkipHostKey: h.InsecureSkipHostKey,
		HostKeys:            h.HostKeys,
		AcceptNewHostKeys:   j.opts.AcceptNewHostKeys,
		Algorithms:          h.Algorithms,
		Logger:              j.opts.Logger,
	}
	if t.KnownHosts == "" {
		t.KnownHosts = j.opts.KnownHosts
	}
	if h.Via != "" {
		t.Dial = j.dialVia(h.Via)
	}
	if ep, ok := j.opts.Endpoints[h.Name]; ok {
		t.Host, t.Port = ep.Host, ep.Port
		if ep.HostKey != nil {
			t.HostKeys = []string{pin(ep.HostKey)}
		}
	}
	return t
}

func (j *Jumps) addr(name string) string {
	h, ok := j.hosts[name]
	if !ok {
		return "?"
	}
	t := j.target(h)
	return net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
}

// Close closes every jump host connection; devices still using one lose
// it. It waits for dials in flight, which it cancels.
func (j *Jumps) Close() error {
	if j == nil {
		return nil
	}
	j.mu.Lock()
	j.closed = true
	conns := j.conns
	j.conns = map[string]*jumpConn{}
	j.mu.Unlock()
	j.cancel()
	var errs []error
	for _, jc := range conns {
		<-jc.ready
		if jc.client != nil {
			if err := jc.client.Close(); err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.EOF) {
				errs = append(errs, err)
			}
		}
	}
	j.wg.Wait()
	return errors.Join(errs...)
}

// viaError is a failure to go through a jump host. It names the bastion
// once, wraps the cause (errors.Is(err, drivers.ErrAuth) holds for a
// bastion that refused its credentials), and reads:
//
//	via jump_host.dc1 (10.0.0.1:22): authentication failed for user "jump" ...
type viaError struct {
	jump, addr string
	err        error
}

func (e *viaError) Error() string {
	return fmt.Sprintf("via %s (%s): %s", e.jump, e.addr, strings.TrimPrefix(e.err.Error(), e.jump+": "))
}

func (e *viaError) Unwrap() error { return e.err }
