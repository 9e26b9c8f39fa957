// Package sim serves simulated network devices over real SSH, in-process:
// the CLIs of package sim/device behind an SSH server with password,
// keyboard-interactive and public-key logins, legacy-only SSH algorithms,
// bastions that reach devices with no listener of their own (Network),
// fleets on consecutive loopback ports, and the simulators that stand in
// for a runbook's devices (ServeRunbook, for `netrun apply -sim`). Drivers
// are tested against it and benchmarks run fleets of it; scrapligo's own
// platform definitions work against it unmodified. ServeSSH is the same
// SSH service without a device, for tests of what no device simulates.
//
// It is not the device model: prompts, commands and configurations are
// sim/device's, which knows nothing of SSH. It is not a driver either; see
// drivers/sshraw. It never listens beyond loopback nor dials out.
package sim

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/sim/device"
)

// Device describes one simulated device: see device.Device.
type Device = device.Device

// Server is one simulated device listening on a loopback port, or reachable
// only through a bastion of a Network.
type Server struct {
	inst    *device.Instance
	hostKey ssh.Signer
	cfg     *ssh.ServerConfig
	svc     service

	sessions atomic.Int64
}

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
	if err := s.svc.listen(addr, s.serveConn); err != nil {
		return nil, fmt.Errorf("sim: %s: %w", s.inst.Hostname(), err)
	}
	return s, nil
}

func newServer(d Device, hostKey ssh.Signer) (*Server, error) {
	inst, err := device.New(d)
	if err != nil {
		return nil, err
	}
	if hostKey == nil {
		if hostKey, err = NewHostKey(); err != nil {
			return nil, err
		}
	}
	s := &Server{inst: inst, hostKey: hostKey}
	s.svc.init()
	// IOS announces itself this way; some clients key quirks off it.
	s.cfg = authConfig("SSH-2.0-Cisco-1.25", d.Username, d.Password, d.AuthorizedKeys)
	if n := d.BannerSize; n > 0 {
		banner := loginBanner(n)
		s.cfg.BannerCallback = func(ssh.ConnMetadata) string { return banner }
	}
	keys := []ssh.Signer{hostKey}
	if !d.Algorithms.Empty() {
		if keys, err = restrictAlgorithms(s.cfg, hostKey, d.Algorithms); err != nil {
			return nil, fmt.Errorf("sim: %s: %w", inst.Hostname(), err)
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
func (s *Server) Addr() string { return s.svc.addr() }

// Port is the listening TCP port (on a Network, the virtual address's).
func (s *Server) Port() int { return s.svc.port() }

// HostKey is the public host key clients should trust.
func (s *Server) HostKey() ssh.PublicKey { return s.hostKey.PublicKey() }

// RunningConfig returns the configuration as show running-config prints it,
// from the "!" after the byte count to "end", with "\n" line endings.
func (s *Server) RunningConfig() string { return s.inst.RunningConfig() }

// StartupConfig returns the saved configuration, as RunningConfig prints
// it: the configuration the device started with until a copy
// running-config startup-config or write memory (a commit on IOS-XR and
// Junos) saves the running one.
func (s *Server) StartupConfig() string { return s.inst.StartupConfig() }

// SetRunningConfig replaces the running configuration with text, as
// someone else changing the device out of band would; see
// device.Instance.SetRunningConfig.
func (s *Server) SetRunningConfig(text string) error { return s.inst.SetRunningConfig(text) }

// Sessions counts the SSH session channels accepted so far (shell or exec).
func (s *Server) Sessions() int64 { return s.sessions.Load() }

// Commands returns the last command lines the device received (at most 256),
// oldest first; tests wait on it instead of sleeping. Enable secrets are
// not commands and are never recorded.
func (s *Server) Commands() []string { return s.inst.Commands() }

// Close stops listening, closes every connection and waits for all of the
// server's goroutines to end.
func (s *Server) Close() error { return s.svc.stop(s) }

// handoff serves a forwarded connection (host); false once closed.
func (s *Server) handoff(nc net.Conn) bool { return s.svc.handoff(nc, s.serveConn) }

// loginBanner is n bytes of legal notice, in lines.
func loginBanner(n int) string {
	line := "Authorized access only. Activity may be monitored and reported.\r\n"
	return strings.Repeat(line, n/len(line)+1)[:n]
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

func (s *Server) serveConn(nc net.Conn) {
	sc, chans, ok := s.svc.handshake(nc, s.cfg)
	if !ok {
		return // bad credentials or a broken client: the SSH layer said so
	}
	// connDone ends waits (latency, banner delay) of this connection's
	// sessions once the connection is gone.
	connDone := make(chan struct{})
	s.svc.sessions(chans, func(ch ssh.Channel, creqs <-chan *ssh.Request) {
		s.sessions.Add(1)
		s.svc.wg.Add(1)
		go s.serveSession(sc, ch, creqs, connDone)
	})
	close(connDone)
	sc.Close()
}

// serveSession answers a session channel's requests: pty-req, env and
// window-change are accepted and ignored, shell starts the CLI, exec runs one
// command.
func (s *Server) serveSession(sc *ssh.ServerConn, ch ssh.Channel, reqs <-chan *ssh.Request, connDone chan struct{}) {
	defer s.svc.wg.Done()
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
			sess := device.Session{
				Channel: ch, User: sc.User(), Remote: sc.RemoteAddr().String(),
				Stop: s.svc.done, ConnDone: connDone,
				Drop: func() { sc.Close() },
			}
			s.svc.wg.Add(1)
			go func(exec bool) {
				defer s.svc.wg.Done()
				if !exec {
					s.inst.Shell(sess)
				} else if status, ok := s.inst.Exec(sess, cmd.Command); ok {
					ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{status}))
				}
				ch.Close()
			}(req.Type == "exec")
		default:
			req.Reply(false, nil)
		}
	}
}
