package sshraw_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/platform"
	"github.com/netrun/netrun/drivers/sshraw"
	"github.com/netrun/netrun/sim"
)

const (
	user     = "cisco"
	password = "s3cr3t-pw"
	secret   = "en4ble-s3cret"
)

// pagedPlatform is IOS without the on-open commands, so paging stays on.
const pagedPlatform = "sshraw_test_paged"

func TestMain(m *testing.M) {
	p := platform.Platforms["cisco_iosxe"]
	p.Name = pagedPlatform
	p.OnOpen = nil
	platform.Platforms[pagedPlatform] = p
	os.Exit(m.Run())
}

var hostKey = sync.OnceValue(func() ssh.Signer {
	k, err := sim.NewHostKey()
	if err != nil {
		panic(err)
	}
	return k
})

// noSecret as a Device.Enable makes startSim configure enable without a
// secret.
const noSecret = "<none>"

// startSim serves dev on loopback until the test ends. Hostname, user and
// secrets default to the constants above.
func startSim(t testing.TB, dev sim.Device) *sim.Server {
	t.Helper()
	if dev.Hostname == "" {
		dev.Hostname = "r1"
	}
	if dev.Username == "" {
		dev.Username = user
	}
	if dev.Password == "" && len(dev.AuthorizedKeys) == 0 {
		dev.Password = password
	}
	switch dev.Enable {
	case "":
		dev.Enable = secret
	case noSecret:
		dev.Enable = ""
	}
	s, err := sim.Start("127.0.0.1:0", dev, hostKey())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// target trusts the simulator's key and logs in with the default secrets.
func target(s *sim.Server) drivers.Target {
	return drivers.Target{
		Name:            "r1",
		Host:            "127.0.0.1",
		Port:            s.Port(),
		Credentials:     drivers.Credentials{Username: user, Password: password, Enable: secret},
		Timeout:         5 * time.Second,
		HostKeyCallback: ssh.FixedHostKey(s.HostKey()),
	}
}

func newDriver(t testing.TB) *sshraw.Driver {
	t.Helper()
	d, err := sshraw.New()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func open(t testing.TB, tg drivers.Target) drivers.Session {
	t.Helper()
	sess, err := newDriver(t).Open(context.Background(), tg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { sess.Close() })
	return sess
}

func run(t testing.TB, sess drivers.Session, cmd string) drivers.Result {
	t.Helper()
	res, err := sess.Run(context.Background(), cmd)
	if err != nil {
		t.Fatalf("Run(%q): %v", cmd, err)
	}
	return res
}

func privateKey(t testing.TB) (string, ssh.PublicKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(block)), sshPub
}

func assertNoSecrets(t *testing.T, err error) {
	t.Helper()
	for _, s := range []string{password, secret} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error reveals a secret: %v", err)
		}
	}
}

func TestAuth(t *testing.T) {
	t.Parallel()
	pemKey, pub := privateKey(t)
	otherKey, _ := privateKey(t)
	for _, tc := range []struct {
		name    string
		dev     sim.Device
		creds   drivers.Credentials
		wantErr error
	}{
		{"password", sim.Device{}, drivers.Credentials{Username: user, Password: password, Enable: secret}, nil},
		{"public key", sim.Device{AuthorizedKeys: []ssh.PublicKey{pub}}, drivers.Credentials{Username: user, PrivateKey: pemKey, Enable: secret}, nil},
		{"wrong password", sim.Device{}, drivers.Credentials{Username: user, Password: "wrong-" + password, Enable: secret}, drivers.ErrAuth},
		{"wrong user", sim.Device{}, drivers.Credentials{Username: "admin", Password: password, Enable: secret}, drivers.ErrAuth},
		{"unknown key", sim.Device{AuthorizedKeys: []ssh.PublicKey{pub}}, drivers.Credentials{Username: user, PrivateKey: otherKey}, drivers.ErrAuth},
		{"no credentials", sim.Device{}, drivers.Credentials{Username: user}, drivers.ErrAuth},
		{"bad key", sim.Device{}, drivers.Credentials{Username: user, PrivateKey: "not a key"}, drivers.ErrAuth},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := startSim(t, tc.dev)
			tg := target(s)
			tg.Credentials = tc.creds
			sess, err := newDriver(t).Open(context.Background(), tg)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Open: got error %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				t.Log(err)
				assertNoSecrets(t, err)
				if strings.Contains(err.Error(), "PRIVATE KEY") {
					t.Errorf("error reveals the key: %v", err)
				}
				if !strings.HasPrefix(err.Error(), "r1: ") {
					t.Errorf("error does not name the device: %v", err)
				}
				if tc.creds.Password != "" && !strings.Contains(err.Error(), `"`+tc.creds.Username+`"`) {
					t.Errorf("error does not name the user: %v", err)
				}
				return
			}
			defer sess.Close()
			if got := run(t, sess, "show clock").Output; got == "" {
				t.Error("show clock: empty output")
			}
		})
	}
}

func TestConnectRefused(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	tg := drivers.Target{Name: "gone", Host: "127.0.0.1", Port: port, Credentials: drivers.Credentials{Username: user, Password: password}, InsecureSkipHostKey: true}
	_, err = newDriver(t).Open(context.Background(), tg)
	if !errors.Is(err, drivers.ErrConnect) {
		t.Fatalf("got %v, want ErrConnect", err)
	}
	assertNoSecrets(t, err)
}

func TestOpenBounded(t *testing.T) {
	t.Parallel()
	// A port that accepts TCP and never speaks SSH.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		timeout time.Duration
		want    []error
	}{
		{"timeout", context.Background(), 200 * time.Millisecond, []error{drivers.ErrConnect, drivers.ErrTimeout}},
		{"cancelled", cancelled, time.Minute, []error{drivers.ErrConnect, context.Canceled}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tg := drivers.Target{Name: "mute", Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port,
				Credentials: drivers.Credentials{Username: user, Password: password}, InsecureSkipHostKey: true, Timeout: tc.timeout}
			start := time.Now()
			_, err := newDriver(t).Open(tc.ctx, tg)
			for _, w := range tc.want {
				if !errors.Is(err, w) {
					t.Errorf("got %v, want %v", err, w)
				}
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Open took %s", d)
			}
		})
	}
}

// syncBuffer is a log sink safe for the session's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestHostKey(t *testing.T) {
	t.Parallel()
	other, err := sim.NewHostKey()
	if err != nil {
		t.Fatal(err)
	}
	line := func(s *sim.Server, key ssh.PublicKey) string {
		return knownhosts.Line([]string{knownhosts.Normalize(s.Addr())}, key) + "\n"
	}
	for _, tc := range []struct {
		name     string
		file     func(s *sim.Server) string // known_hosts content; "-" = no file
		insecure bool
		wantErr  error
		wantMsg  []string
	}{
		{"known", func(s *sim.Server) string { return line(s, s.HostKey()) }, false, nil, nil},
		{"known among others", func(s *sim.Server) string {
			return "[10.0.0.1]:22 " + string(bytes.TrimSpace(ssh.MarshalAuthorizedKey(other.PublicKey()))) + "\n" + line(s, s.HostKey())
		}, false, nil, nil},
		{"unknown", func(s *sim.Server) string { return "" }, false, drivers.ErrHostKey,
			[]string{"unknown host key", ssh.FingerprintSHA256(hostKey().PublicKey()), "ssh-keyscan -p ", "insecure_skip_host_key"}},
		{"missing file", func(s *sim.Server) string { return "-" }, false, drivers.ErrHostKey,
			[]string{"unknown host key", "does not exist", ssh.FingerprintSHA256(hostKey().PublicKey())}},
		{"changed", func(s *sim.Server) string { return line(s, other.PublicKey()) }, false, drivers.ErrHostKey,
			[]string{"CHANGED", ssh.FingerprintSHA256(hostKey().PublicKey()), ssh.FingerprintSHA256(other.PublicKey()), "ssh-keygen -R"}},
		{"insecure skip", func(s *sim.Server) string { return line(s, other.PublicKey()) }, true, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := startSim(t, sim.Device{})
			tg := target(s)
			tg.HostKeyCallback = nil
			tg.InsecureSkipHostKey = tc.insecure
			tg.KnownHosts = filepath.Join(t.TempDir(), "known_hosts")
			if content := tc.file(s); content != "-" {
				if err := os.WriteFile(tg.KnownHosts, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var logs syncBuffer
			tg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			sess, err := newDriver(t).Open(context.Background(), tg)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Open: got error %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				t.Log(err)
				for _, w := range tc.wantMsg {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error lacks %q: %v", w, err)
					}
				}
				if strings.Contains(err.Error(), "no such file") {
					t.Errorf("error leaks a raw file error: %v", err)
				}
				return
			}
			defer sess.Close()
			run(t, sess, "show clock")
			if warned := strings.Contains(logs.String(), "level=WARN"); warned != tc.insecure {
				t.Errorf("warning logged = %v, want %v; logs:\n%s", warned, tc.insecure, logs.String())
			}
		})
	}
}

func TestEnable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		dev     sim.Device
		enable  string
		wantErr error
	}{
		{"right secret", sim.Device{}, secret, nil},
		{"wrong secret", sim.Device{}, "wrong-" + secret, drivers.ErrEnable},
		{"no secret configured", sim.Device{}, "", drivers.ErrEnable},
		{"starts privileged", sim.Device{StartPrivileged: true}, "", nil},
		{"enable needs no secret", sim.Device{Enable: noSecret}, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := startSim(t, tc.dev)
			tg := target(s)
			tg.Credentials.Enable = tc.enable
			sess, err := newDriver(t).Open(context.Background(), tg)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Open: got error %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				t.Log(err)
				assertNoSecrets(t, err)
				return
			}
			defer sess.Close()
			// show running-config needs privilege 15.
			if res := run(t, sess, "show running-config"); res.Failed || !strings.Contains(res.Output, "hostname r1") {
				t.Errorf("not privileged: %+v", res)
			}
		})
	}
}

func TestRunOutput(t *testing.T) {
	t.Parallel()
	s := startSim(t, sim.Device{})
	sess := open(t, target(s))
	for _, tc := range []struct {
		cmd        string
		wantFailed bool
		want       []string // substrings of the output
	}{
		{"show clock", false, []string{"UTC"}},
		{"show version", false, []string{"Cisco IOS"}},
		{"show ip interface brief", false, []string{"GigabitEthernet1"}},
		{"show bogus", true, []string{"% Invalid input detected at '^' marker.", "^"}},
	} {
		res := run(t, sess, tc.cmd)
		if res.Failed != tc.wantFailed {
			t.Errorf("%s: Failed = %v, want %v; output:\n%s", tc.cmd, res.Failed, tc.wantFailed, res.Output)
		}
		for _, w := range tc.want {
			if !strings.Contains(res.Output, w) {
				t.Errorf("%s: output lacks %q:\n%s", tc.cmd, w, res.Output)
			}
		}
		for _, bad := range []string{tc.cmd + "\n", "r1#", "\r", "\x1b", "--More--"} {
			if strings.Contains(res.Output, bad) {
				t.Errorf("%s: output contains %q:\n%s", tc.cmd, bad, res.Output)
			}
		}
		if res.Output != strings.TrimSpace(res.Output) && !strings.HasPrefix(res.Output, " ") {
			t.Errorf("%s: output not trimmed: %q", tc.cmd, res.Output)
		}
		if res.Command != tc.cmd || res.Started.IsZero() || res.Finished.Before(res.Started) {
			t.Errorf("%s: bad result metadata %+v", tc.cmd, res)
		}
	}
	if res := run(t, sess, "show clock"); strings.Count(res.Output, "\n") != 0 {
		t.Errorf("show clock: want one line, got %q", res.Output)
	}
}

func TestPaging(t *testing.T) {
	t.Parallel()
	s := startSim(t, sim.Device{PageLength: 5})
	want := strings.TrimRight(s.RunningConfig(), "\n")

	paged := target(s)
	paged.Platform = pagedPlatform
	got := run(t, open(t, paged), "show running-config")
	if !strings.HasSuffix(got.Output, want) {
		t.Errorf("paged show running-config incomplete:\n got: %q\nwant suffix: %q", got.Output, want)
	}
	if strings.Contains(strings.ToLower(got.Output), "more") {
		t.Errorf("pager text left in output:\n%s", got.Output)
	}

	unpaged := run(t, open(t, target(s)), "show running-config")
	if got.Output != unpaged.Output {
		t.Errorf("paged and unpaged output differ:\n  paged: %q\nunpaged: %q", got.Output, unpaged.Output)
	}
}

func TestPromptOverride(t *testing.T) {
	t.Parallel()
	s := startSim(t, sim.Device{Hostname: "edge-1.lab"})
	for _, tc := range []struct {
		name    string
		prompt  string
		wantErr error
	}{
		{"matching", `(?m)^edge-1\.lab(\(config[^)]*\))?[>#] ?$`, nil},
		{"not matching", `(?m)^core[>#] ?$`, drivers.ErrTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tg := target(s)
			tg.Prompt = tc.prompt
			tg.Timeout = 300 * time.Millisecond
			sess, err := newDriver(t).Open(context.Background(), tg)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Open: got %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				if !strings.Contains(err.Error(), tc.prompt) || !strings.Contains(err.Error(), `edge-1.lab>`) {
					t.Errorf("error lacks the pattern or the last bytes: %v", err)
				}
				return
			}
			defer sess.Close()
			if res := run(t, sess, "show clock"); res.Failed || strings.Contains(res.Output, "edge-1.lab") {
				t.Errorf("show clock: %+v", res)
			}
		})
	}
}

func TestConfigure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		lines      []string
		wantFailed bool
		want       []string // in the running config after
		notWant    []string
	}{
		{"applies", []string{"interface Loopback7", "description netrun test", "ip address 10.7.7.7 255.255.255.255"}, false,
			[]string{"interface Loopback7\n description netrun test\n ip address 10.7.7.7 255.255.255.255\n"}, nil},
		{"stops at a bad line", []string{"hostname r9", "frobnicate the widgets", "ip domain name example.net"}, true,
			[]string{"hostname r9\n"}, []string{"example.net"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := startSim(t, sim.Device{})
			sess := open(t, target(s))
			res, err := sess.Configure(context.Background(), tc.lines)
			if err != nil {
				t.Fatalf("Configure: %v", err)
			}
			if res.Failed != tc.wantFailed {
				t.Errorf("Failed = %v, want %v; output %q", res.Failed, tc.wantFailed, res.Output)
			}
			if tc.wantFailed && !strings.Contains(res.Output, "% Invalid input") {
				t.Errorf("failed output lacks the device's error: %q", res.Output)
			}
			rc := s.RunningConfig()
			for _, w := range tc.want {
				if !strings.Contains(rc, w) {
					t.Errorf("running config lacks %q:\n%s", w, rc)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(rc, w) {
					t.Errorf("running config has %q:\n%s", w, rc)
				}
			}
			// Back at privileged exec, under whatever hostname the config set.
			if res := run(t, sess, "show running-config"); res.Failed {
				t.Errorf("not back at privileged exec: %+v", res)
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	s := startSim(t, sim.Device{HangOn: []string{"show version"}})
	tg := target(s)
	tg.Timeout = 300 * time.Millisecond
	sess := open(t, tg)
	start := time.Now()
	_, err := sess.Run(context.Background(), "show version")
	if !errors.Is(err, drivers.ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("timeout took %s", d)
	}
	for _, w := range []string{"r1: ", `"show version"`, platform.Platforms["cisco_iosxe"].PromptPattern, "300ms", "ending \""} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q: %v", w, err)
		}
	}
	t.Log(err)
	if _, err := sess.Run(context.Background(), "show clock"); !errors.Is(err, drivers.ErrClosed) {
		t.Errorf("Run after timeout: got %v, want ErrClosed", err)
	}
	if err := sess.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := sess.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	s := startSim(t, sim.Device{HangOn: []string{"show version"}})
	tg := target(s)
	tg.Timeout = time.Minute
	sess := open(t, tg)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := sess.Run(ctx, "show version")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancel took %s", d)
	}
	if _, err := sess.Run(context.Background(), "show clock"); !errors.Is(err, drivers.ErrClosed) {
		t.Errorf("Run after cancel: got %v, want ErrClosed", err)
	}
}

func TestDrop(t *testing.T) {
	t.Parallel()
	s := startSim(t, sim.Device{DropOn: []string{"show running-config"}})
	sess := open(t, target(s))
	_, err := sess.Run(context.Background(), "show running-config")
	if !errors.Is(err, drivers.ErrClosed) {
		t.Fatalf("got %v, want ErrClosed", err)
	}
	if !strings.Contains(err.Error(), "ending \"") {
		t.Errorf("error lacks the last bytes: %v", err)
	}
	t.Log(err)
}

func TestClose(t *testing.T) {
	t.Parallel()
	s := startSim(t, sim.Device{})
	sess := open(t, target(s))
	for range 2 {
		if err := sess.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	if _, err := sess.Run(context.Background(), "show clock"); !errors.Is(err, drivers.ErrClosed) {
		t.Errorf("Run after Close: got %v, want ErrClosed", err)
	}
	if _, err := sess.Configure(context.Background(), []string{"hostname x"}); !errors.Is(err, drivers.ErrClosed) {
		t.Errorf("Configure after Close: got %v, want ErrClosed", err)
	}
}

func TestBannerDelay(t *testing.T) {
	t.Parallel()
	s := startSim(t, sim.Device{BannerDelay: 200 * time.Millisecond})
	run(t, open(t, target(s)), "show clock")

	tg := target(s)
	tg.Timeout = 50 * time.Millisecond
	if _, err := newDriver(t).Open(context.Background(), tg); !errors.Is(err, drivers.ErrTimeout) {
		t.Errorf("banner slower than the timeout: got %v, want ErrTimeout", err)
	}
}

// TestSecretsLongestFirst: an enable secret that contains the password
// comes first, so error excerpts and transcripts mask it whole rather than
// leaving its tail ("******123").
func TestSecretsLongestFirst(t *testing.T) {
	t.Parallel()
	creds := drivers.Credentials{Password: "cisco", Enable: "cisco123"}
	if got := creds.Secrets(); len(got) != 2 || got[0] != "cisco123" {
		t.Fatalf("Secrets() = %q, want the longest first", got)
	}
}
