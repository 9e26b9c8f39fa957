package drivertest

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/platform"
	"github.com/netrun/netrun/drivers/sshconn"
	"github.com/netrun/netrun/sim"
)

// Run is the conformance suite: what every driver does the same against a
// simulated IOS device — log in, enable, run commands, answer the pager and
// questions, configure, keep a masked transcript, refuse unknown host keys,
// time out, honour cancellation, bound what a device sends, explain a
// device closing the session or sending a huge login banner, close. Each
// behaviour is a parallel subtest; newDriver gives the driver under test (it may return the same
// one each time: a Driver is safe for concurrent use).
//
// What only one driver does (scrapli's platform matrix, sshraw's wire
// quirks, the pool's processes) stays in that driver's own tests; what a
// driver does differently by design it names with Skip.
func Run(t *testing.T, newDriver func(testing.TB) drivers.Driver, opts ...Option) {
	st := &suite{newDriver: newDriver, top: t.Name() + "/", skip: map[string]string{}}
	for _, o := range opts {
		o(st)
	}
	for _, tc := range []struct {
		name string
		test func(*testing.T, *suite)
	}{
		{"Auth", testAuth},
		{"ConnectRefused", testConnectRefused},
		{"OpenBounded", testOpenBounded},
		{"HostKey", testHostKey},
		{"OpenErrors", testOpenErrors},
		{"Enable", testEnable},
		{"RunOutput", testRunOutput},
		{"Paging", testPaging},
		{"PromptOverride", testPromptOverride},
		{"Configure", testConfigure},
		{"Timeout", testTimeout},
		{"Cancel", testCancel},
		{"CancelOpen", testCancelOpen},
		{"Drop", testDrop},
		{"Close", testClose},
		{"BannerDelay", testBannerDelay},
		{"Transcript", testTranscript},
		{"Expect", testExpect},
		{"OutputLimit", testOutputLimit},
		{"LoginBanner", testLoginBanner},
		{"CloseAfterAuth", testCloseAfterAuth},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st.skipIfAsked(t)
			tc.test(t, st)
		})
	}
}

// Option adjusts Run.
type Option func(*suite)

// Skip skips the subtest named name (as below Run's test: "OpenBounded",
// "OpenBounded/cancelled"), saying why.
func Skip(name, why string) Option {
	return func(s *suite) { s.skip[name] = why }
}

type suite struct {
	newDriver func(testing.TB) drivers.Driver
	top       string            // Run's test name and a slash
	skip      map[string]string // subtest name below top -> why
}

func (s *suite) skipIfAsked(t *testing.T) {
	t.Helper()
	if why, ok := s.skip[strings.TrimPrefix(t.Name(), s.top)]; ok {
		t.Skip(why)
	}
}

func testAuth(t *testing.T, st *suite) {
	pemKey, pub := PrivateKey(t)
	otherKey, _ := PrivateKey(t)
	for _, tc := range []struct {
		name    string
		dev     sim.Device
		creds   drivers.Credentials
		wantErr error
	}{
		{"password", sim.Device{}, drivers.Credentials{Username: User, Password: Password, Enable: Secret}, nil},
		{"public key", sim.Device{AuthorizedKeys: []ssh.PublicKey{pub}}, drivers.Credentials{Username: User, PrivateKey: pemKey, Enable: Secret}, nil},
		{"wrong password", sim.Device{}, drivers.Credentials{Username: User, Password: "wrong-" + Password, Enable: Secret}, drivers.ErrAuth},
		{"wrong user", sim.Device{}, drivers.Credentials{Username: "admin", Password: Password, Enable: Secret}, drivers.ErrAuth},
		{"unknown key", sim.Device{AuthorizedKeys: []ssh.PublicKey{pub}}, drivers.Credentials{Username: User, PrivateKey: otherKey}, drivers.ErrAuth},
		{"no credentials", sim.Device{}, drivers.Credentials{Username: User}, drivers.ErrAuth},
		{"bad key", sim.Device{}, drivers.Credentials{Username: User, PrivateKey: "not a key"}, drivers.ErrAuth},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sess, err := st.openWant(t, tc.dev, func(tg *drivers.Target) { tg.Credentials = tc.creds }, tc.wantErr)
			if err != nil {
				if strings.Contains(err.Error(), "PRIVATE KEY") {
					t.Errorf("error reveals the key: %v", err)
				}
				if tc.creds.Password != "" && !strings.Contains(err.Error(), `"`+tc.creds.Username+`"`) {
					t.Errorf("error does not name the user: %v", err)
				}
				return
			}
			defer sess.Close()
			if got := MustRun(t, sess, "show clock").Output; got == "" {
				t.Error("show clock: empty output")
			}
		})
	}
}

// openWant opens a session to a simulator of dev with Target changed by
// edit, unless the test asked to skip (see skipIfAsked), and fails the test
// unless Open's error is wantErr; a failed login is also checked by
// checkOpenError.
func (st *suite) openWant(t *testing.T, dev sim.Device, edit func(*drivers.Target), wantErr error) (drivers.Session, error) {
	t.Helper()
	st.skipIfAsked(t)
	tg := Target(StartSim(t, dev))
	edit(&tg)
	sess, err := st.newDriver(t).Open(context.Background(), tg)
	if !errors.Is(err, wantErr) {
		t.Fatalf("Open: got error %v, want %v", err, wantErr)
	}
	if err != nil {
		checkOpenError(t, err)
	}
	return sess, err
}

// checkOpenError checks what every failed login says: the device's name
// first, and no secret.
func checkOpenError(t *testing.T, err error) {
	t.Helper()
	t.Log(err)
	AssertNoSecrets(t, err.Error())
	if !strings.HasPrefix(err.Error(), "r1: ") {
		t.Errorf("error does not name the device: %v", err)
	}
}

func testConnectRefused(t *testing.T, st *suite) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	tg := drivers.Target{Name: "gone", Host: "127.0.0.1", Port: port, Credentials: drivers.Credentials{Username: User, Password: Password}, InsecureSkipHostKey: true}
	_, err = st.newDriver(t).Open(context.Background(), tg)
	if !errors.Is(err, drivers.ErrConnect) {
		t.Fatalf("got %v, want ErrConnect", err)
	}
	AssertNoSecrets(t, err.Error())
}

func testOpenBounded(t *testing.T, st *suite) {
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
			st.skipIfAsked(t)
			tg := drivers.Target{Name: "mute", Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port,
				Credentials: drivers.Credentials{Username: User, Password: Password}, InsecureSkipHostKey: true, Timeout: tc.timeout}
			start := time.Now()
			_, err := st.newDriver(t).Open(tc.ctx, tg)
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

func testHostKey(t *testing.T, st *suite) {
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
			[]string{"unknown host key", ssh.FingerprintSHA256(HostKey().PublicKey()), "ssh-keyscan -p ", "insecure_skip_host_key"}},
		{"missing file", func(s *sim.Server) string { return "-" }, false, drivers.ErrHostKey,
			[]string{"unknown host key", "does not exist", ssh.FingerprintSHA256(HostKey().PublicKey())}},
		{"changed", func(s *sim.Server) string { return line(s, other.PublicKey()) }, false, drivers.ErrHostKey,
			[]string{"CHANGED", ssh.FingerprintSHA256(HostKey().PublicKey()), ssh.FingerprintSHA256(other.PublicKey()), "ssh-keygen -R"}},
		{"insecure skip", func(s *sim.Server) string { return line(s, other.PublicKey()) }, true, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st.skipIfAsked(t)
			s := StartSim(t, sim.Device{})
			tg := Target(s)
			tg.HostKeyCallback, tg.HostKeys = nil, nil
			tg.InsecureSkipHostKey = tc.insecure
			tg.KnownHosts = filepath.Join(t.TempDir(), "known_hosts")
			if content := tc.file(s); content != "-" {
				if err := os.WriteFile(tg.KnownHosts, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var logs drivers.SyncWriter
			tg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			sess, err := st.newDriver(t).Open(context.Background(), tg)
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
			MustRun(t, sess, "show clock")
			if warned := strings.Contains(logs.String(), "level=WARN"); warned != tc.insecure {
				t.Errorf("warning logged = %v, want %v; logs:\n%s", warned, tc.insecure, logs.String())
			}
		})
	}
}

func testOpenErrors(t *testing.T, st *suite) {
	s := StartSim(t, sim.Device{})

	tg := Target(s)
	tg.Credentials.Password = "wrong"
	if _, err := st.newDriver(t).Open(context.Background(), tg); !errors.Is(err, drivers.ErrAuth) {
		t.Errorf("wrong password: got %v, want ErrAuth", err)
	}

	tg = Target(s)
	tg.Platform = "cisco_asa"
	if _, err := st.newDriver(t).Open(context.Background(), tg); !errors.Is(err, drivers.ErrPlatform) {
		t.Errorf("unknown platform: got %v, want ErrPlatform", err)
	}

	tg = Target(s)
	tg.HostKeyCallback = nil
	tg.HostKeys = []string{"SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
	if _, err := st.newDriver(t).Open(context.Background(), tg); !errors.Is(err, drivers.ErrHostKey) {
		t.Errorf("wrong pinned key: got %v, want ErrHostKey", err)
	}
}

func testEnable(t *testing.T, st *suite) {
	for _, tc := range []struct {
		name    string
		dev     sim.Device
		enable  string // the credentials' enable secret
		wantErr error
	}{
		{"right secret", sim.Device{}, Secret, nil},
		{"wrong secret", sim.Device{}, "wrong-" + Secret, drivers.ErrEnable},
		{"no secret configured", sim.Device{}, "", drivers.ErrEnable},
		{"starts privileged", sim.Device{StartPrivileged: true}, "", nil},
		{"enable needs no secret", sim.Device{Enable: NoSecret}, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sess, err := st.openWant(t, tc.dev, func(tg *drivers.Target) {
				tg.Credentials.Enable = tc.enable
				tg.Timeout = time.Second
			}, tc.wantErr)
			if err != nil {
				if strings.Contains(err.Error(), tc.enable) && tc.enable != "" {
					t.Errorf("error reveals the given secret: %v", err)
				}
				return
			}
			defer sess.Close()
			// show running-config needs privilege 15.
			if res := MustRun(t, sess, "show running-config"); res.Failed || !strings.Contains(res.Output, "hostname r1") {
				t.Errorf("not privileged: %+v", res)
			}
		})
	}
}

func testRunOutput(t *testing.T, st *suite) {
	s := StartSim(t, sim.Device{})
	sess := MustOpen(t, st.newDriver(t), Target(s))
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
		res := MustRun(t, sess, tc.cmd)
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
	if res := MustRun(t, sess, "show clock"); strings.Count(res.Output, "\n") != 0 {
		t.Errorf("show clock: want one line, got %q", res.Output)
	}
}

func testPaging(t *testing.T, st *suite) {
	s := StartSim(t, sim.Device{PageLength: 5})
	want := strings.TrimRight(s.RunningConfig(), "\n")

	paged := Target(s)
	paged.Platform = PagedPlatform
	got := MustRun(t, MustOpen(t, st.newDriver(t), paged), "show running-config")
	if !strings.HasSuffix(got.Output, want) {
		t.Errorf("paged show running-config incomplete:\n got: %q\nwant suffix: %q", got.Output, want)
	}
	if strings.Contains(strings.ToLower(got.Output), "more") || strings.Contains(got.Output, "\b") {
		t.Errorf("pager text left in output:\n%q", got.Output)
	}

	unpaged := MustRun(t, MustOpen(t, st.newDriver(t), Target(s)), "show running-config")
	if got.Output != unpaged.Output {
		t.Errorf("paged and unpaged output differ:\n  paged: %q\nunpaged: %q", got.Output, unpaged.Output)
	}
}

func testPromptOverride(t *testing.T, st *suite) {
	s := StartSim(t, sim.Device{Hostname: "edge-1.lab"})
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
			st.skipIfAsked(t)
			tg := Target(s)
			tg.Prompt = tc.prompt
			tg.Timeout = 300 * time.Millisecond
			sess, err := st.newDriver(t).Open(context.Background(), tg)
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
			if res := MustRun(t, sess, "show clock"); res.Failed || strings.Contains(res.Output, "edge-1.lab") {
				t.Errorf("show clock: %+v", res)
			}
		})
	}
}

func testConfigure(t *testing.T, st *suite) {
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
			st.skipIfAsked(t)
			s := StartSim(t, sim.Device{})
			sess := MustOpen(t, st.newDriver(t), Target(s))
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
			if res := MustRun(t, sess, "show running-config"); res.Failed {
				t.Errorf("not back at privileged exec: %+v", res)
			}
		})
	}
}

func testTimeout(t *testing.T, st *suite) {
	s := StartSim(t, sim.Device{HangOn: []string{"show version"}})
	tg := Target(s)
	tg.Timeout = 300 * time.Millisecond
	sess := MustOpen(t, st.newDriver(t), tg)
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
	for range 2 {
		if err := sess.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
}

func testCancel(t *testing.T, st *suite) {
	s := StartSim(t, sim.Device{HangOn: []string{"show version"}})
	tg := Target(s)
	tg.Timeout = time.Minute
	sess := MustOpen(t, st.newDriver(t), tg)

	d, err := RunCancelled(sess, "show version")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if d > 5*time.Second {
		t.Errorf("cancel took %s", d)
	}
	if _, err := sess.Run(context.Background(), "show clock"); !errors.Is(err, drivers.ErrClosed) {
		t.Errorf("Run after cancel: got %v, want ErrClosed", err)
	}

	// A caller's deadline shorter than the device timeout is a timeout too.
	sess = MustOpen(t, st.newDriver(t), tg)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = sess.Run(ctx, "show version")
	if !errors.Is(err, drivers.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: got %v, want ErrTimeout and DeadlineExceeded", err)
	}
}

func testCancelOpen(t *testing.T, st *suite) {
	s := StartSim(t, sim.Device{BannerDelay: time.Minute})
	tg := Target(s)
	tg.Timeout = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	if _, err := st.newDriver(t).Open(ctx, tg); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancel took %s", d)
	}
}

func testDrop(t *testing.T, st *suite) {
	s := StartSim(t, sim.Device{DropOn: []string{"show running-config"}})
	sess := MustOpen(t, st.newDriver(t), Target(s))
	_, err := sess.Run(context.Background(), "show running-config")
	if !errors.Is(err, drivers.ErrClosed) {
		t.Fatalf("got %v, want ErrClosed", err)
	}
	if !strings.Contains(err.Error(), "ending \"") {
		t.Errorf("error lacks the last bytes: %v", err)
	}
	t.Log(err)
}

func testClose(t *testing.T, st *suite) {
	s := StartSim(t, sim.Device{})
	sess := MustOpen(t, st.newDriver(t), Target(s))
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

func testBannerDelay(t *testing.T, st *suite) {
	s := StartSim(t, sim.Device{BannerDelay: 200 * time.Millisecond})
	MustRun(t, MustOpen(t, st.newDriver(t), Target(s)), "show clock")

	tg := Target(s)
	tg.Timeout = 50 * time.Millisecond
	if _, err := st.newDriver(t).Open(context.Background(), tg); !errors.Is(err, drivers.ErrTimeout) {
		t.Errorf("banner slower than the timeout: got %v, want ErrTimeout", err)
	}
}

func testTranscript(t *testing.T, st *suite) {
	// The device echoes a configured secret back in the running config.
	s := StartSim(t, sim.Device{})
	var buf drivers.SyncWriter
	tg := Target(s)
	tg.Transcript = &buf
	sess := MustOpen(t, st.newDriver(t), tg)
	MustRun(t, sess, "show clock")
	if _, err := sess.Configure(context.Background(), []string{"username ops secret " + Password}); err != nil {
		t.Fatal(err)
	}
	sess.Close()
	text := buf.String()
	AssertNoSecrets(t, text)
	for _, w := range []string{">>> enable\n", ">>> " + drivers.Mask + "\n", ">>> show clock\n", "UTC", ">>> username ops secret " + drivers.Mask + "\n"} {
		if !strings.Contains(text, w) {
			t.Errorf("transcript lacks %q:\n%s", w, text)
		}
	}
}

func testExpect(t *testing.T, st *suite) {
	s := StartSim(t, sim.Device{})
	tg := Target(s)
	tg.Platform = ExpectPlatform
	sess := MustOpen(t, st.newDriver(t), tg)
	res := MustRun(t, sess, "copy running-config startup-config")
	if res.Failed || !strings.Contains(res.Output, "Destination filename") || strings.Contains(res.Output, "r1#") {
		t.Errorf("copy with the platform's default answer: %+v", res)
	}
	if res := MustRun(t, sess, "show clock"); res.Failed || strings.Contains(res.Output, "copy") {
		t.Errorf("session unusable after the dialog: %+v", res)
	}

	// A command's own answers.
	res = MustRun(t, sess, "copy running-config startup-config",
		drivers.WithExpect(drivers.Expect{Prompt: `Destination filename \[[^\]]*\]\?`, Answer: "startup-config"}))
	if res.Failed || !strings.Contains(res.Output, "Destination filename") {
		t.Errorf("copy with the command's answer: %+v", res)
	}

	// Unanswered: a timeout showing the question.
	tg = Target(s)
	tg.Timeout = 300 * time.Millisecond
	sess = MustOpen(t, st.newDriver(t), tg)
	_, err := sess.Run(context.Background(), "copy running-config startup-config")
	if !errors.Is(err, drivers.ErrTimeout) || !strings.Contains(err.Error(), "Destination filename [startup-config]?") {
		t.Errorf("unanswered question: got %v, want ErrTimeout showing it", err)
	}
	t.Log(err)
}

// testOutputLimit: a device that prints endlessly fails its command with
// the limit named, and the session is closed (the device is still
// sending); a large output within a raised limit is kept whole.
func testOutputLimit(t *testing.T, st *suite) {
	const big = 20 << 20
	s := StartSim(t, sim.Device{Flood: map[string]int64{"show flood": -1, "show big": big}})
	// Tens of MiB take a while for a driver that reads in small chunks on
	// a loaded machine: the bound is the limit, not the clock.
	tg := Target(s)
	tg.Timeout = 2 * time.Minute
	t.Run("endless", func(t *testing.T) {
		t.Parallel()
		st.skipIfAsked(t)
		sess := MustOpen(t, st.newDriver(t), tg)
		_, err := sess.Run(context.Background(), "show flood")
		if !errors.Is(err, drivers.ErrOutputLimit) {
			t.Fatalf("got %v, want ErrOutputLimit", err)
		}
		for _, w := range []string{"r1: ", `"show flood"`, "exceeded 16 MiB"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error lacks %q: %v", w, err)
			}
		}
		if _, err := sess.Run(context.Background(), "show clock"); !errors.Is(err, drivers.ErrClosed) {
			t.Errorf("Run after the limit: got %v, want ErrClosed", err)
		}
	})
	t.Run("device limit", func(t *testing.T) {
		t.Parallel()
		st.skipIfAsked(t)
		tg := tg
		tg.OutputLimit = 1 << 20
		sess := MustOpen(t, st.newDriver(t), tg)
		_, err := sess.Run(context.Background(), "show big")
		if !errors.Is(err, drivers.ErrOutputLimit) || !strings.Contains(err.Error(), "exceeded 1 MiB") {
			t.Fatalf("got %v, want ErrOutputLimit naming 1 MiB", err)
		}
	})
	t.Run("raised", func(t *testing.T) {
		t.Parallel()
		st.skipIfAsked(t)
		sess := MustOpen(t, st.newDriver(t), tg)
		res := MustRun(t, sess, "show big", drivers.WithOutputLimit(32<<20))
		if n := len(res.Output); n < big*9/10 || n > big { // lines lose their \r and trailing blank
			t.Errorf("output is %d bytes, want about %d", n, big)
		}
		MustRun(t, sess, "show clock")
	})
}

// testLoginBanner: an SSH login banner within the protocol's packet limit
// is accepted; a larger one is reported as such, not as a bare protocol
// error.
func testLoginBanner(t *testing.T, st *suite) {
	MustOpen(t, st.newDriver(t), Target(StartSim(t, sim.Device{BannerSize: 100 << 10}))).Close()
	_, err := st.newDriver(t).Open(context.Background(), Target(StartSim(t, sim.Device{BannerSize: 1 << 20})))
	if !errors.Is(err, drivers.ErrConnect) || !strings.Contains(err.Error(), "login banner") || !strings.HasPrefix(err.Error(), "r1: ") {
		t.Fatalf("got %v, want ErrConnect about the login banner", err)
	}
	t.Log(err)
}

// testCloseAfterAuth: a device that accepts the login and then closes the
// session (a full vty pool, an AAA refusal after auth) is reported as
// that, naming the device once.
func testCloseAfterAuth(t *testing.T, st *suite) {
	cfg := &ssh.ServerConfig{NoClientAuth: true}
	cfg.AddHostKey(HostKey())
	for _, tc := range []struct {
		name  string
		reply bool // whether the PTY and shell are granted before the close
	}{{"refused", false}, {"granted", true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st.skipIfAsked(t)
			srv := ServeSSH(t, cfg, func(ch ssh.Channel, reqs <-chan *ssh.Request) {
				if tc.reply {
					for r := range reqs {
						r.Reply(true, nil)
						if r.Type == "shell" {
							break
						}
					}
				}
				ch.Close()
			})
			tg := drivers.Target{
				Name: "closeafterauth", Host: "127.0.0.1", Port: srv.Port(),
				Credentials: drivers.Credentials{Username: User, Password: Password},
				HostKeys:    []string{sshconn.Pin(HostKey().PublicKey())},
				Timeout:     10 * time.Second,
			}
			_, err := st.newDriver(t).Open(context.Background(), tg)
			if !errors.Is(err, drivers.ErrClosed) {
				t.Fatalf("got %v, want ErrClosed", err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "closeafterauth: ") || strings.Count(msg, "closeafterauth") != 1 ||
				!strings.Contains(msg, "closed the session after authentication") || strings.Contains(msg, ": :") {
				t.Errorf("got %q, want the device named once and what it did", msg)
			}
			t.Log(err)
		})
	}
}
