// Package sim serves simulated network devices over real SSH, in-process:
// IOS, IOS-XE, NX-OS, IOS-XR, EOS and Junos CLIs with their prompts,
// privilege levels, abbreviations, pagers, error texts and configuration
// modes (IOS-XR and Junos with a candidate and commit), a running
// configuration that configuration really changes, questions that wait for
// an answer ([confirm]), legacy-only SSH algorithms, bastions that reach
// devices with no listener of their own (Network), and fault knobs
// (latency, hangs, dropped connections, slow banners). Drivers are tested
// against it, benchmarks run fleets of it, and `netrun apply -sim` talks
// to it; scrapligo's own platform definitions work against it unmodified.
//
// It is not a device emulator: it implements the handful of commands that
// runbooks and netmiko-style clients exercise, faithfully enough on the wire
// (echo, \r\n, prompts without newline, error texts) to catch client bugs,
// and nothing of routing. It is not a driver either; see drivers/sshraw.
package sim

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
)

// Device describes one simulated device.
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

// Server is one simulated device listening on a loopback port, or reachable
// only through a bastion of a Network.
type Server struct {
	dev     Device
	plat    *platform
	hostKey ssh.Signer
	cfg     *ssh.ServerConfig
	ln      net.Listener // nil on a Network
	net     *Network     // set for a device served on a Network
	vaddr   string       // its address there
	model   *model
	started time.Time
	hang    map[string]bool // canonical forms of Device.HangOn
	drop    map[string]bool // canonical forms of Device.DropOn
	reject  map[string]bool // Device.RejectLines, trimmed

	sessions atomic.Int64
	lines    atomic.Int64 // vty line numbers for show users

	logMu    sync.Mutex
	commands []string // last maxLogged command lines received, for tests

	done      chan struct{} // closed by Close: every wait selects on it
	closeOnce sync.Once
	mu        sync.Mutex
	closed    bool
	conns     map[net.Conn]struct{}
	wg        sync.WaitGroup
}

// handshakeTimeout bounds a client that connects and never finishes SSH
// negotiation, so it cannot pin a goroutine forever.
const handshakeTimeout = 30 * time.Second

// NewHostKey returns a fresh ed25519 host key. Generation is cheap, but a
// fleet should still share one key: see StartFleet.
func NewHostKey() (ssh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return ssh.NewSignerFromKey(priv)
}

// Start listens on addr (for example "127.0.0.1:0") and serves the device in
// goroutines until Close. A nil hostKey gets a fresh one.
func Start(addr string, d Device, hostKey ssh.Signer) (*Server, error) {
	s, err := newServer(d, hostKey)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sim: %s: %w", s.dev.Hostname, err)
	}
	s.ln = ln
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

func newServer(d Device, hostKey ssh.Signer) (*Server, error) {
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
	if hostKey == nil {
		if hostKey, err = NewHostKey(); err != nil {
			return nil, err
		}
	}
	s := &Server{
		dev:     d,
		plat:    plat,
		hostKey: hostKey,
		started: time.Now(),
		hang:    canonicalSet(plat, d.HangOn),
		drop:    canonicalSet(plat, d.DropOn),
		done:    make(chan struct{}),
		conns:   make(map[net.Conn]struct{}),
		reject:  make(map[string]bool, len(d.RejectLines)),
	}
	for _, l := range d.RejectLines {
		s.reject[strings.TrimSpace(l)] = true
	}
	if s.model, err = s.buildModel(d, givenHost); err != nil {
		return nil, err
	}
	// IOS announces itself this way; some clients key quirks off it.
	s.cfg = authConfig("SSH-2.0-Cisco-1.25", d.Username, d.Password, d.AuthorizedKeys)
	keys := []ssh.Signer{hostKey}
	if !d.Algorithms.Empty() {
		if keys, err = restrictAlgorithms(s.cfg, hostKey, d.Algorithms); err != nil {
			return nil, fmt.Errorf("sim: %s: %w", d.Hostname, err)
		}
		s.hostKey = keys[0]
	}
	for _, k := range keys {
		s.cfg.AddHostKey(k)
	}
	return s, nil
}

// Addr is the listening address, "127.0.0.1:PORT", or the virtual address
// on a Network ("r1.dc1.sim:22").
func (s *Server) Addr() string {
	if s.ln == nil {
		return s.vaddr
	}
	return s.ln.Addr().String()
}

// Port is the listening TCP port (on a Network, the virtual address's).
func (s *Server) Port() int {
	if s.ln == nil {
		_, p, _ := net.SplitHostPort(s.vaddr)
		n, _ := strconv.Atoi(p)
		return n
	}
	return s.ln.Addr().(*net.TCPAddr).Port
}

// HostKey is the public host key clients should trust.
func (s *Server) HostKey() ssh.PublicKey { return s.hostKey.PublicKey() }

// RunningConfig returns the configuration as show running-config prints it,
// from the "!" after the byte count to "end", with "\n" line endings.
func (s *Server) RunningConfig() string { return s.model.render() }

// Sessions counts the SSH session channels accepted so far (shell or exec).
func (s *Server) Sessions() int64 { return s.sessions.Load() }

// maxLogged bounds the command log so a long benchmark cannot grow it.
const maxLogged = 256

// Commands returns the last command lines the device received (at most 256),
// oldest first; tests wait on it instead of sleeping. Enable secrets are
// not commands and are never recorded.
func (s *Server) Commands() []string {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return append([]string(nil), s.commands...)
}

func (s *Server) logCommand(line string) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	if len(s.commands) == maxLogged {
		s.commands = append(s.commands[:0], s.commands[1:]...)
	}
	s.commands = append(s.commands, line)
}

// Close stops listening, closes every connection and waits for all of the
// server's goroutines to end.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		if s.net != nil {
			s.net.unregister(s.vaddr, s)
		}
		s.mu.Lock()
		s.closed = true
		close(s.done)
		if s.ln != nil {
			err = s.ln.Close()
		}
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return err
}

// authConfig accepts password and keyboard-interactive logins with password
// (when set) and public keys from keys; with neither it accepts anyone.
// An empty username accepts any user name.
func authConfig(version, username, password string, keys []ssh.PublicKey) *ssh.ServerConfig {
	cfg := &ssh.ServerConfig{ServerVersion: version}
	userOK := func(u string) bool {
		return username == "" || subtle.ConstantTimeCompare([]byte(u), []byte(username)) == 1
	}
	errDenied := errors.New("sim: access denied")
	if password != "" {
		pwOK := func(user string, pw []byte) bool {
			return userOK(user) && subtle.ConstantTimeCompare(pw, []byte(password)) == 1
		}
		cfg.PasswordCallback = func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			if pwOK(c.User(), pw) {
				return nil, nil
			}
			return nil, errDenied
		}
		// IOS offers keyboard-interactive with a single password question;
		// some clients only try that.
		cfg.KeyboardInteractiveCallback = func(c ssh.ConnMetadata, ask ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			ans, err := ask(c.User(), "", []string{"Password: "}, []bool{false})
			if err != nil {
				return nil, err
			}
			if len(ans) == 1 && pwOK(c.User(), []byte(ans[0])) {
				return nil, nil
			}
			return nil, errDenied
		}
	}
	if len(keys) > 0 {
		cfg.PublicKeyCallback = func(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if userOK(c.User()) {
				m := key.Marshal()
				for _, k := range keys {
					if bytes.Equal(m, k.Marshal()) {
						return nil, nil
					}
				}
			}
			return nil, errDenied
		}
	}
	if password == "" && len(keys) == 0 {
		cfg.NoClientAuth = true
	}
	return cfg
}

func (s *Server) accept() {
	defer s.wg.Done()
	var backoff time.Duration
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors, most likely, with a big fleet and
			// its clients in one process: back off as net/http does,
			// rather than stop serving.
			if backoff = min(max(2*backoff, 5*time.Millisecond), time.Second); !s.pause(backoff) {
				return
			}
			continue
		}
		backoff = 0
		if !s.handoff(nc) {
			return
		}
	}
}

// handoff serves an accepted or forwarded connection; false (and the
// connection closed) once the server is closed.
func (s *Server) handoff(nc net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		nc.Close()
		return false
	}
	s.conns[nc] = struct{}{}
	s.wg.Add(1)
	go s.serveConn(nc)
	return true
}

// pause waits d unless the server closes first.
func (s *Server) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return false
	}
}

func (s *Server) serveConn(nc net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, nc)
		s.mu.Unlock()
		nc.Close()
	}()
	nc.SetDeadline(time.Now().Add(handshakeTimeout))
	sc, chans, reqs, err := ssh.NewServerConn(nc, s.cfg)
	if err != nil {
		return // bad credentials or a broken client: the SSH layer said so
	}
	nc.SetDeadline(time.Time{})
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ssh.DiscardRequests(reqs)
	}()
	// connDone ends waits (latency, banner delay) of this connection's
	// sessions once the connection is gone.
	connDone := make(chan struct{})
	for nch := range chans {
		if nch.ChannelType() != "session" {
			nch.Reject(ssh.UnknownChannelType, "only session channels")
			continue
		}
		ch, creqs, err := nch.Accept()
		if err != nil {
			continue
		}
		s.sessions.Add(1)
		s.wg.Add(1)
		go s.serveSession(sc, ch, creqs, connDone)
	}
	close(connDone)
	sc.Close()
}

// serveSession answers a session channel's requests: pty-req, env and
// window-change are accepted and ignored, shell starts the CLI, exec runs one
// command.
func (s *Server) serveSession(sc *ssh.ServerConn, ch ssh.Channel, reqs <-chan *ssh.Request, connDone chan struct{}) {
	defer s.wg.Done()
	started := false
	for req := range reqs {
		switch req.Type {
		case "pty-req", "env", "window-change":
			req.Reply(true, nil)
		case "shell", "exec":
			var cmd struct{ Command string }
			if started || (req.Type == "exec" && ssh.Unmarshal(req.Payload, &cmd) != nil) {
				req.Reply(false, nil)
				continue
			}
			started = true
			req.Reply(true, nil)
			c := newCLI(s, sc, ch, connDone)
			s.wg.Add(1)
			go func(exec bool) {
				defer s.wg.Done()
				if exec {
					c.exec(cmd.Command)
				} else {
					c.shell()
				}
				ch.Close()
			}(req.Type == "exec")
		default:
			req.Reply(false, nil)
		}
	}
}
