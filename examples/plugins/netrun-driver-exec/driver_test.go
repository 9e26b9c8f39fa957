package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/drivertest"
	"github.com/netrun/netrun/sim"
)

// The driver is tested directly, not through the plugin protocol: against
// the simulator for login and host keys, and against execServer, a
// loopback SSH server that answers exec requests from a table with chosen
// exit statuses, which the simulator (always status 0) cannot give.

const (
	testUser     = "ops"
	testPassword = "ops-pass-1"
)

// reply is how execServer answers one exec request.
type reply struct {
	stdout, stderr string
	status         uint32
	hang           bool // answer nothing until the client closes the channel
}

// execRequest is an exec request execServer received, with the stdin the
// client sent.
type execRequest struct {
	Command string
	Stdin   string
}

// execServer is an SSH server on 127.0.0.1 with no shell behind it.
type execServer struct {
	srv     *sim.SSHServer
	key     ssh.Signer
	replies map[string]reply // by exact command line; others get status 127

	mu       sync.Mutex
	received []execRequest
}

func startExecServer(t *testing.T, replies map[string]reply) *execServer {
	t.Helper()
	s := &execServer{key: drivertest.NewHostKey(t), replies: replies}
	cfg := &ssh.ServerConfig{
		PasswordCallback: func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			if c.User() == testUser && string(pw) == testPassword {
				return nil, nil
			}
			return nil, errors.New("wrong password")
		},
	}
	cfg.AddHostKey(s.key)
	s.srv = drivertest.ServeSSH(t, cfg, s.serveSession)
	return s
}

// serveSession answers one exec request; the channel's requests end when
// the client closes it, which ends a hanging command.
func (s *execServer) serveSession(ch ssh.Channel, reqs <-chan *ssh.Request) {
	closed := make(chan struct{})
	started := false
	var wg sync.WaitGroup
	for req := range reqs {
		if req.Type != "exec" || started {
			req.Reply(false, nil) // no pty, no shell, no env; signals ignored
			continue
		}
		var payload struct{ Command string }
		if err := ssh.Unmarshal(req.Payload, &payload); err != nil {
			req.Reply(false, nil)
			continue
		}
		started = true
		req.Reply(true, nil)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer ch.Close()
			stdin, _ := io.ReadAll(ch)
			s.mu.Lock()
			s.received = append(s.received, execRequest{payload.Command, string(stdin)})
			s.mu.Unlock()
			r, ok := s.replies[payload.Command]
			if !ok {
				r = reply{stderr: "sh: command not found\n", status: 127}
			}
			if r.hang {
				io.WriteString(ch, "partial output\n")
				<-closed
				return
			}
			io.WriteString(ch, r.stdout)
			io.WriteString(ch.Stderr(), r.stderr)
			ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{r.status}))
		}()
	}
	close(closed)
	wg.Wait()
	ch.Close()
}

func (s *execServer) requests() []execRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]execRequest(nil), s.received...)
}

func (s *execServer) target(settings map[string]any) drivers.Target {
	return drivers.Target{
		Name:        "h1",
		Host:        "127.0.0.1",
		Port:        s.srv.Port(),
		Credentials: drivers.Credentials{Username: testUser, Password: testPassword},
		HostKeys:    []string{string(ssh.MarshalAuthorizedKey(s.key.PublicKey()))},
		Settings:    settings,
	}
}

func open(t *testing.T, target drivers.Target) drivers.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sess, err := execDriver{}.Open(ctx, target)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { sess.Close() })
	return sess
}

func TestSimulator(t *testing.T) {
	t.Parallel()
	srv := drivertest.StartSim(t, sim.Device{Username: testUser, Password: testPassword})
	base := drivers.Target{
		Name:        "r1",
		Host:        "127.0.0.1",
		Port:        srv.Port(),
		Credentials: drivers.Credentials{Username: testUser, Password: testPassword},
		HostKeys:    []string{string(ssh.MarshalAuthorizedKey(srv.HostKey()))},
		// The simulator's exec runs a CLI command, not a shell: send the
		// command as written.
		Settings: map[string]any{"shell": ""},
	}

	t.Run("run", func(t *testing.T) {
		sess := open(t, base)
		for _, cmd := range []string{"show clock", "show version"} {
			res, err := sess.Run(context.Background(), cmd)
			if err != nil {
				t.Fatalf("Run(%q): %v", cmd, err)
			}
			if res.Failed || res.Command != cmd || strings.TrimSpace(res.Output) == "" || strings.Contains(res.Output, "\r") {
				t.Errorf("Run(%q) = %+v", cmd, res)
			}
		}
		if got := srv.Commands(); !cmp.Equal(got[len(got)-2:], []string{"show clock", "show version"}) {
			t.Errorf("simulator received %q", got)
		}
	})

	ctx := context.Background()
	tests := []struct {
		name   string
		modify func(*drivers.Target)
		want   error
	}{
		{"wrong password", func(tg *drivers.Target) { tg.Credentials.Password = "nope" }, drivers.ErrAuth},
		{"other host key pinned", func(tg *drivers.Target) {
			tg.HostKeys = []string{ssh.FingerprintSHA256(drivertest.NewHostKey(t).PublicKey())}
		}, drivers.ErrHostKey},
		{"no host key policy", func(tg *drivers.Target) {
			tg.HostKeys, tg.KnownHosts = nil, t.TempDir()+"/known_hosts"
		}, drivers.ErrHostKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := base
			tt.modify(&tg)
			sess, err := execDriver{}.Open(ctx, tg)
			if err == nil {
				sess.Close()
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("Open: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestExitStatus(t *testing.T) {
	t.Parallel()
	srv := startExecServer(t, map[string]reply{
		`/bin/sh -c 'uname -a'`:                {stdout: "Linux h1 6.1.0 x86_64\n"},
		`/bin/sh -c 'systemctl is-active frr'`: {stdout: "inactive\n", status: 3},
	})
	sess := open(t, srv.target(nil))
	tests := []struct {
		command    string
		wantFailed bool
		wantOutput string
	}{
		{"uname -a", false, "Linux h1 6.1.0 x86_64\n"},
		{"systemctl is-active frr", true, "inactive\n"},
		{"nosuch", true, "sh: command not found\n"},
	}
	for _, tt := range tests {
		res, err := sess.Run(context.Background(), tt.command)
		if err != nil {
			t.Fatalf("Run(%q): %v", tt.command, err)
		}
		if res.Failed != tt.wantFailed || res.Output != tt.wantOutput || res.Command != tt.command || res.Finished.Before(res.Started) {
			t.Errorf("Run(%q) = %+v, want failed=%v output %q", tt.command, res, tt.wantFailed, tt.wantOutput)
		}
	}
}

// TestCommandLine checks the exact exec request each setting gives.
func TestCommandLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		settings map[string]any
		command  string
		want     string
	}{
		{"defaults", nil, "ip -br addr", `/bin/sh -c 'ip -br addr'`},
		{"quotes", nil, `echo 'a b' | tr a-z A-Z`, `/bin/sh -c 'echo '\''a b'\'' | tr a-z A-Z'`},
		{"shell", map[string]any{"shell": "/bin/bash"}, "show ip route", `/bin/bash -c 'show ip route'`},
		{"shell with space", map[string]any{"shell": "/opt/my shell"}, "x", `'/opt/my shell' -c 'x'`},
		{"as written", map[string]any{"shell": ""}, "show version", `show version`},
		{"env", map[string]any{"env": map[string]any{"LANG": "C", "PAGER": "cat -v", "Q": "it's"}},
			"vtysh -c 'show bgp summary'",
			`LANG='C' PAGER='cat -v' Q='it'\''s' /bin/sh -c 'vtysh -c '\''show bgp summary'\'''`},
		{"sudo", map[string]any{"sudo": true}, "cat /etc/shadow | wc -l", `sudo -n /bin/sh -c 'cat /etc/shadow | wc -l'`},
		{"sudo env shell", map[string]any{"sudo": true, "env": map[string]any{"B": "2", "A": "1"}, "shell": "/bin/bash"},
			"config save -y", `sudo -n A='1' B='2' /bin/bash -c 'config save -y'`},
		{"sudo as written", map[string]any{"sudo": true, "shell": "", "env": map[string]any{"A": "$HOME"}},
			"show version", `sudo -n A='$HOME' show version`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startExecServer(t, map[string]reply{tt.want: {stdout: "ok\n"}})
			sess := open(t, srv.target(tt.settings))
			res, err := sess.Run(context.Background(), tt.command)
			if err != nil {
				t.Fatal(err)
			}
			want := []execRequest{{Command: tt.want}}
			if diff := cmp.Diff(want, srv.requests()); diff != "" || res.Failed {
				t.Errorf("requests (-want +got):\n%s\nresult %+v", diff, res)
			}
		})
	}
}

// Settings reach plugins as JSON: the decoded form must work as well.
func TestSettingsFromJSON(t *testing.T) {
	t.Parallel()
	var m map[string]any
	if err := json.Unmarshal([]byte(`{"shell":"/bin/bash","env":{"X":"1"},"sudo":true}`), &m); err != nil {
		t.Fatal(err)
	}
	s, err := parseSettings(m)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.runLine("id"), `sudo -n X='1' /bin/bash -c 'id'`; got != want {
		t.Errorf("runLine = %s, want %s", got, want)
	}
}

func TestBadSettings(t *testing.T) {
	t.Parallel()
	srv := startExecServer(t, nil)
	for _, settings := range []map[string]any{
		{"env": map[string]any{"NOT-A-NAME": "x"}},
		{"env": map[string]any{"A": 1.0}},
		{"env": "A=1"},
		{"sudo": "yes"},
		{"shell": 1.0},
		{"shel": "/bin/sh"},
	} {
		sess, err := execDriver{}.Open(context.Background(), srv.target(settings))
		if err == nil {
			sess.Close()
			t.Errorf("Open with %v: no error", settings)
		}
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("the server got %d requests", n)
	}
}

func TestConfigure(t *testing.T) {
	t.Parallel()
	lines := []string{"cd /etc/frr", "sed -i s/old/new/ frr.conf", "systemctl reload frr"}

	t.Run("script", func(t *testing.T) {
		t.Parallel()
		srv := startExecServer(t, map[string]reply{`sudo -n /bin/sh -s`: {stdout: "reloaded\n"}})
		sess := open(t, srv.target(map[string]any{"sudo": true}))
		res, err := sess.Configure(context.Background(), lines)
		if err != nil {
			t.Fatal(err)
		}
		if res.Failed || res.Output != "reloaded\n" || res.Command != strings.Join(lines, "\n") {
			t.Errorf("Configure = %+v", res)
		}
		want := []execRequest{{Command: "sudo -n /bin/sh -s", Stdin: "set -e\n" + strings.Join(lines, "\n") + "\n"}}
		if diff := cmp.Diff(want, srv.requests()); diff != "" {
			t.Errorf("requests (-want +got):\n%s", diff)
		}
	})

	t.Run("script fails", func(t *testing.T) {
		t.Parallel()
		srv := startExecServer(t, map[string]reply{`/bin/sh -s`: {stderr: "sed: can't read frr.conf\n", status: 2}})
		sess := open(t, srv.target(nil))
		res, err := sess.Configure(context.Background(), lines)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Failed || res.Output != "sed: can't read frr.conf\n" {
			t.Errorf("Configure = %+v", res)
		}
	})

	t.Run("line by line", func(t *testing.T) {
		t.Parallel()
		srv := startExecServer(t, map[string]reply{
			"hostname leaf1":          {stdout: "a\n"},
			"interface swp1 mtu 9216": {stdout: "b\n", status: 1},
			"write memory":            {stdout: "never\n"},
		})
		sess := open(t, srv.target(map[string]any{"shell": ""}))
		res, err := sess.Configure(context.Background(), []string{"hostname leaf1", "interface swp1 mtu 9216", "write memory"})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Failed || res.Output != "a\nb\n" {
			t.Errorf("Configure = %+v", res)
		}
		want := []execRequest{{Command: "hostname leaf1"}, {Command: "interface swp1 mtu 9216"}}
		if diff := cmp.Diff(want, srv.requests()); diff != "" {
			t.Errorf("requests (-want +got):\n%s", diff)
		}
	})
}

func TestContext(t *testing.T) {
	t.Parallel()
	replies := map[string]reply{
		`/bin/sh -c 'tail -f /var/log/syslog'`: {hang: true},
		`/bin/sh -c 'true'`:                    {},
	}

	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		srv := startExecServer(t, replies)
		tg := srv.target(nil)
		tg.Timeout = 200 * time.Millisecond
		sess := open(t, tg)
		start := time.Now()
		res, err := sess.Run(context.Background(), "tail -f /var/log/syslog")
		if !errors.Is(err, drivers.ErrTimeout) {
			t.Fatalf("Run: %v, want ErrTimeout", err)
		}
		if d := time.Since(start); d > closeGrace {
			t.Errorf("Run returned after %s", d)
		}
		if res.Output != "partial output\n" {
			t.Errorf("Output = %q, want what came before the timeout", res.Output)
		}
		// Only the command's channel was closed: the session goes on.
		if res, err := sess.Run(context.Background(), "true"); err != nil || res.Failed {
			t.Errorf("Run after a timeout = %+v, %v", res, err)
		}
	})

	t.Run("deadline", func(t *testing.T) {
		t.Parallel()
		srv := startExecServer(t, replies)
		sess := open(t, srv.target(nil))
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		if _, err := sess.Run(ctx, "tail -f /var/log/syslog"); !errors.Is(err, drivers.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Run: %v, want ErrTimeout and context.DeadlineExceeded", err)
		}
	})

	t.Run("cancel", func(t *testing.T) {
		t.Parallel()
		srv := startExecServer(t, replies)
		sess := open(t, srv.target(nil))
		if _, err := drivertest.RunCancelled(sess, "tail -f /var/log/syslog"); !errors.Is(err, context.Canceled) {
			t.Fatalf("Run: %v, want context.Canceled", err)
		}
	})

	t.Run("closed", func(t *testing.T) {
		t.Parallel()
		srv := startExecServer(t, replies)
		sess := open(t, srv.target(nil))
		if err := sess.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := sess.Run(context.Background(), "true"); !errors.Is(err, drivers.ErrClosed) {
			t.Errorf("Run after Close: %v, want ErrClosed", err)
		}
	})
}

func TestSchema(t *testing.T) {
	t.Parallel()
	var got []string
	for _, a := range (execDriver{}).Schema().Attributes {
		got = append(got, a.Name+" "+a.Type)
		if a.Description == "" || a.Required {
			t.Errorf("%s: want a description and optional", a.Name)
		}
	}
	want := []string{"shell string", "env map(string)", "sudo bool"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("schema (-want +got):\n%s", diff)
	}
}
