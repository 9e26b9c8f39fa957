// Package sshraw is netrun's raw SSH driver (driver = "ssh"): it logs in to a
// network device with golang.org/x/crypto/ssh, opens an interactive PTY shell,
// and drives the CLI the way an engineer at a terminal would — waiting for the
// prompt (a regular expression matched against the tail of the output),
// raising privilege with enable, turning paging off, answering --More--, and
// cleaning echo, prompts, carriage returns and ANSI codes out of the output.
//
// Everything it knows of a CLI comes from drivers/platform data. It is not a
// terminal emulator (it keeps text, not screen state), not a general SSH
// client (no exec channels, file transfer or port forwarding), and it does not
// decide which commands to run: the engine does.
package sshraw

import (
	"context"
	"fmt"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/sshconn"
)

// Driver opens raw SSH sessions. The zero value is not usable; call New. A
// Driver is safe for concurrent use by many goroutines.
type Driver struct {
	term  drivers.Terminal
	chunk int
}

// Option configures a Driver.
type Option func(*Driver) error

// WithTerminalSize sets the PTY size requested from the device (default
// drivers.DefaultTerminal, 511x24). Wide lines keep the device from
// wrapping long output and echoed commands.
func WithTerminalSize(cols, rows int) Option {
	return func(d *Driver) error { return d.term.Resize("sshraw", cols, rows) }
}

// WithReadChunk sets the size of each of the two buffers the session reader
// reads device output into (default 2048 bytes).
func WithReadChunk(n int) Option {
	return func(d *Driver) error {
		if n < 64 {
			return fmt.Errorf("sshraw: read chunk %d is below 64 bytes", n)
		}
		d.chunk = n
		return nil
	}
}

// New returns a Driver configured by opts.
func New(opts ...Option) (*Driver, error) {
	return drivers.Configure(&Driver{term: drivers.DefaultTerminal, chunk: 2048}, opts)
}

var _ drivers.Driver = (*Driver)(nil)

// Open dials t, authenticates, verifies the host key, starts a shell, waits
// for the first prompt, raises privilege if the device starts at user exec,
// and runs the platform's on-open commands. Connect and login are bounded by
// t.Timeout (or drivers.DefaultTimeout) and by ctx.
func (d *Driver) Open(ctx context.Context, t drivers.Target) (drivers.Session, error) {
	t, plat, err := drivers.Prepare(t)
	if err != nil {
		return nil, err
	}
	name, addr, timeout, log := t.Name, t.Addr(), t.Timeout, t.Logger
	pat, err := compilePlatform(plat)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}

	// One window for connect, handshake and shell: sshconn bounds its part
	// by the same timeout, the shell gets what is left.
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	sc, chans, reqs, err := sshconn.Handshake(ctx, t)
	if err != nil {
		return nil, err
	}
	ch, err := d.startShell(cctx, sc, chans, reqs)
	if err != nil {
		sc.Close()
		return nil, sshconn.ShellError(ctx, cctx, name, addr, timeout, err)
	}
	log.Debug("ssh shell started", "device", name, "addr", addr, "user", t.Credentials.Username)

	s := newSession(d.chunk, sc, ch, name, pat, t.Credentials, timeout, log, drivers.NewTranscript(t.Transcript, t.Credentials.Secrets()))
	s.limit = t.OutputLimit
	s.cur = s.limit
	if err := s.login(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// startShell opens a session channel with a PTY and a shell on sc.
// x/crypto/ssh takes no context: when ctx ends first the connection is
// closed, which ends the requests in flight.
func (d *Driver) startShell(ctx context.Context, sc ssh.Conn, chans <-chan ssh.NewChannel, reqs <-chan *ssh.Request) (ssh.Channel, error) {
	stop := context.AfterFunc(ctx, func() { sc.Close() })
	defer stop()
	ch, creqs, err := sc.OpenChannel("session", nil)
	if err != nil {
		go serve(chans, reqs, nil)
		return nil, fmt.Errorf("opening session: %w", err)
	}
	go serve(chans, reqs, creqs)

	pty := ssh.Marshal(&ptyRequest{Term: "vt100", Columns: uint32(d.term.Cols), Rows: uint32(d.term.Rows), Modes: "\x00"})
	if err := request(ch, "pty-req", pty); err != nil {
		return nil, fmt.Errorf("requesting a PTY: %w", err)
	}
	if err := request(ch, "shell", nil); err != nil {
		return nil, fmt.Errorf("starting a shell: %w", err)
	}
	if !stop() {
		return nil, ctx.Err()
	}
	return ch, nil
}

// ptyRequest is the RFC 4254 section 6.2 "pty-req" payload.
type ptyRequest struct {
	Term              string
	Columns, Rows     uint32
	WidthPx, HeightPx uint32
	Modes             string
}

func request(ch ssh.Channel, name string, payload []byte) error {
	ok, err := ch.SendRequest(name, true, payload)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("device refused %q", name)
	}
	return nil
}

// serve answers what the device may send besides shell output — global
// requests (keepalives), channel opens, channel requests (exit-status) — so
// that x/crypto/ssh's buffers never fill and stall the connection. One
// goroutine instead of the three ssh.NewClient and ssh.Session would start.
func serve(chans <-chan ssh.NewChannel, reqs, creqs <-chan *ssh.Request) {
	for chans != nil || reqs != nil || creqs != nil {
		select {
		case nc, ok := <-chans:
			if !ok {
				chans = nil
				continue
			}
			nc.Reject(ssh.Prohibited, "netrun accepts no channels")
		case r, ok := <-reqs:
			reqs = refuse(reqs, r, ok)
		case r, ok := <-creqs:
			creqs = refuse(creqs, r, ok)
		}
	}
}

// refuse answers no to r, received from c with ok, and returns c, or nil
// once c is closed so that serve stops selecting on it.
func refuse(c <-chan *ssh.Request, r *ssh.Request, ok bool) <-chan *ssh.Request {
	if !ok {
		return nil
	}
	if r.WantReply {
		r.Reply(false, nil)
	}
	return c
}
