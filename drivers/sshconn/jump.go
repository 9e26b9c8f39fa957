package sshconn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
)

// Bastion is one jump host of a run, as Jumps dials it.
type Bastion struct {
	// Target is how the bastion is reached, -sim endpoints already
	// applied; its Name ("jump_host.dc1") names it in errors, and its
	// Logger hears when the connection comes and goes.
	Target drivers.Target
	// Via is the name of the bastion this one is reached through; "" is
	// direct.
	Via string
}

// Jumps holds the SSH connections to a run's jump hosts. Each bastion is
// dialled once, by the first device that needs it, while devices behind it
// wait; every device then opens its own direct-tcpip channel on that one
// connection. A bastion behind another (via) is dialled through its
// parent's connection. A bastion that cannot be reached fails every device
// behind it with the same error, naming the bastion, without redialling; a
// connection that drops after it was up is redialled when next needed.
//
// A Jumps serves one run: create it before the run and Close it after.
type Jumps struct {
	bastions map[string]Bastion
	ctx      context.Context // cancelled by Close: ends dials in flight
	cancel   context.CancelFunc

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

// NewJumps prepares the bastions, by name; nothing is dialled until a
// device needs it.
func NewJumps(bastions map[string]Bastion) *Jumps {
	ctx, cancel := context.WithCancel(context.Background())
	return &Jumps{bastions: bastions, ctx: ctx, cancel: cancel, conns: map[string]*jumpConn{}}
}

// Dialer returns a Target.Dial that opens a channel through the named
// bastion.
func (j *Jumps) Dialer(name string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := j.client(ctx, name)
		if err != nil {
			return nil, err
		}
		conn, err := c.DialContext(ctx, network, addr)
		if err != nil {
			return nil, j.viaError(name, fmt.Errorf("opening a channel to %s: %w", addr, err))
		}
		return conn, nil
	}
}

// client returns the connection to the named bastion, dialling it if no
// one has yet, or waiting for the device that is.
func (j *Jumps) client(ctx context.Context, name string) (*ssh.Client, error) {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return nil, j.viaError(name, errClosed)
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
		return nil, j.viaError(name, fmt.Errorf("waiting for the connection: %w", ctx.Err()))
	}
}

var errClosed = errors.New("jump hosts closed: the run is over")

// connect dials a bastion on the run's context, not a device's: one
// device giving up must not fail the bastion for the others.
func (j *Jumps) connect(name string, jc *jumpConn) {
	defer j.wg.Done()
	defer close(jc.ready)
	b, ok := j.bastions[name]
	if !ok {
		jc.err = fmt.Errorf("via %s: no such jump host", name)
		return
	}
	t := b.Target
	if b.Via != "" {
		t.Dial = j.Dialer(b.Via)
	}
	t = t.WithDefaults()
	addr, log := t.Addr(), t.Logger
	client, err := Dial(j.ctx, t)
	if err != nil {
		jc.err = j.viaError(name, err)
		log.Error("jump host unreachable", "jump_host", name, "addr", addr, "error", err)
		return
	}
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		client.Close()
		jc.err = j.viaError(name, errClosed)
		return
	}
	jc.client = client
	j.wg.Add(1)
	j.mu.Unlock()
	log.Info("jump host connected", "jump_host", name, "addr", addr)
	go func() {
		defer j.wg.Done()
		_ = client.Wait()
		j.mu.Lock()
		defer j.mu.Unlock()
		if j.conns[name] == jc {
			delete(j.conns, name)
		}
		if !j.closed {
			log.Warn("jump host connection closed; it is redialled when next needed", "jump_host", name, "addr", addr)
		}
	}()
}

// Close closes every bastion connection; devices still using one lose it.
// It waits for dials in flight, which it cancels. Close on nil is a no-op.
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

func (j *Jumps) viaError(name string, err error) error {
	e := &viaError{jump: name, addr: "?", err: err}
	if b, ok := j.bastions[name]; ok {
		e.jump, e.addr = b.Target.Name, b.Target.Addr()
	}
	return e
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

// Pin is a host key as a drivers.Target HostKeys pin. -sim trusts its
// simulators' keys by pinning them: a Target stays plain data, so it can
// cross to a worker process in subprocess mode.
func Pin(k ssh.PublicKey) string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))
}
