package scrapli_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/platform"
	"github.com/netrun/netrun/drivers/scrapli"
	"github.com/netrun/netrun/drivers/sshraw"
	"github.com/netrun/netrun/sim"
)

const (
	user     = "cisco"
	password = "s3cr3t-pw"
	secret   = "en4ble-s3cret"
)

// Test-only platforms: IOS without on-open commands, so paging stays on,
// and IOS without default answers, so copy's question goes unanswered.
const (
	pagedPlatform  = "scrapli_test_paged"
	expectPlatform = "scrapli_test_expect"
	pagedSuffix    = "_scrapli_test_paged"
)

func TestMain(m *testing.M) {
	p := platform.Platforms["cisco_iosxe"]
	p.Name, p.OnOpen = pagedPlatform, nil
	platform.Platforms[pagedPlatform] = p
	for _, tc := range platformCases {
		p := platform.Platforms[tc.platform]
		p.Name, p.OnOpen = tc.platform+pagedSuffix, nil
		platform.Platforms[p.Name] = p
	}
	// A platform whose default answers the copy's question, for the test of
	// DefaultExpect (no built-in platform has one).
	p = platform.Platforms["cisco_iosxe"]
	p.Name = expectPlatform
	p.DefaultExpect = []drivers.Expect{{Prompt: `Destination filename \[[^\]]*\]\?`, Answer: ""}}
	platform.Platforms[expectPlatform] = p
	os.Exit(m.Run())
}

var hostKey = sync.OnceValue(func() ssh.Signer {
	k, err := sim.NewHostKey()
	if err != nil {
		panic(err)
	}
	return k
})

// startSim serves dev on loopback until the test ends, with the constants
// above as defaults; a platform the simulator does not play yet skips the
// test.
func startSim(t testing.TB, dev sim.Device) *sim.Server {
	t.Helper()
	if dev.Hostname == "" {
		dev.Hostname = "r1"
	}
	if dev.Username == "" {
		dev.Username = user
	}
	if dev.Password == "" {
		dev.Password = password
	}
	if dev.Enable == "" {
		dev.Enable = secret
	}
	s, err := sim.Start("127.0.0.1:0", dev, hostKey())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func target(s *sim.Server, platform string) drivers.Target {
	return drivers.Target{
		Name:            "r1",
		Host:            "127.0.0.1",
		Port:            s.Port(),
		Platform:        platform,
		Credentials:     drivers.Credentials{Username: user, Password: password, Enable: secret},
		Timeout:         5 * time.Second,
		HostKeyCallback: ssh.FixedHostKey(s.HostKey()),
	}
}

func open(t testing.TB, d drivers.Driver, tg drivers.Target) drivers.Session {
	t.Helper()
	sess, err := d.Open(context.Background(), tg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { sess.Close() })
	return sess
}

func newDriver(t testing.TB) *scrapli.Driver {
	t.Helper()
	d, err := scrapli.New()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func run(t testing.TB, sess drivers.Session, cmd string, opts ...drivers.RunOption) drivers.Result {
	t.Helper()
	res, err := sess.Run(context.Background(), cmd, opts...)
	if err != nil {
		t.Fatalf("Run(%q): %v", cmd, err)
	}
	return res
}

func assertNoSecrets(t *testing.T, text string) {
	t.Helper()
	for _, s := range []string{password, secret} {
		if strings.Contains(text, s) {
			t.Errorf("secret %q revealed in: %s", s, text)
		}
	}
}

// platformCase is what each platform runs: a short and a long show, a
// command the device rejects, and a configuration change visible in the
// long show afterwards.
type platformCase struct {
	platform string
	prompt   string // must never appear in outputs
	long     string
	bad      string
	config   []string
	want     string // in the long show after config
}

var platformCases = []platformCase{
	{"cisco_iosxe", "r1#", "show running-config", "show foo",
		[]string{"interface GigabitEthernet2", "description via netrun", "exit", "ntp server 10.0.0.7"}, "description via netrun"},
	{"cisco_ios", "r1#", "show running-config", "show foo",
		[]string{"interface GigabitEthernet0/1", "description via netrun", "exit", "ntp server 10.0.0.7"}, "description via netrun"},
	{"cisco_nxos", "r1#", "show running-config", "show foo",
		[]string{"interface Ethernet1/2", "description via netrun", "exit", "ntp server 10.0.0.7"}, "description via netrun"},
	{"cisco_iosxr", "RP/0/RP0/CPU0:r1#", "show running-config", "show foo",
		[]string{"interface GigabitEthernet0/0/0/1", "description via netrun", "exit", "ntp server 10.0.0.7"}, "description via netrun"},
	{"arista_eos", "r1#", "show running-config", "show foo",
		[]string{"interface Ethernet2", "description via netrun", "exit", "ntp server 10.0.0.7"}, "description via netrun"},
	{"juniper_junos", "cisco@r1>", "show configuration", "show foo",
		[]string{`set interfaces ge-0/0/1 description "via netrun"`, "set system ntp server 10.0.0.7"}, `description "via netrun";`},
}

func TestPlatforms(t *testing.T) {
	t.Parallel()
	for _, tc := range platformCases {
		t.Run(tc.platform, func(t *testing.T) {
			t.Parallel()
			s := startSim(t, sim.Device{Platform: tc.platform, PageLength: 8})
			sess := open(t, newDriver(t), target(s, tc.platform))

			for _, cmd := range []string{"show version", tc.long} {
				res := run(t, sess, cmd)
				if res.Failed || res.Output == "" {
					t.Errorf("%s: %+v", cmd, res)
				}
				if strings.HasPrefix(res.Output, cmd) {
					t.Errorf("%s: output starts with the echo:\n%s", cmd, res.Output)
				}
				for _, bad := range []string{tc.prompt, "\r", "\x1b", "--More--", "---(more"} {
					if strings.Contains(res.Output, bad) {
						t.Errorf("%s: output contains %q:\n%s", cmd, bad, res.Output)
					}
				}
				if res.Output != strings.Trim(res.Output, "\n") {
					t.Errorf("%s: output not trimmed: %q", cmd, res.Output)
				}
				if res.Command != cmd || res.Started.IsZero() || res.Finished.Before(res.Started) {
					t.Errorf("%s: bad result metadata %+v", cmd, res)
				}
			}

			if res := run(t, sess, tc.bad); !res.Failed || res.Output == "" {
				t.Errorf("%s: want a failed result with the device's text, got %+v", tc.bad, res)
			}

			res, err := sess.Configure(context.Background(), tc.config)
			if err != nil {
				t.Fatalf("Configure: %v", err)
			}
			if res.Failed {
				t.Errorf("Configure failed: %q", res.Output)
			}
			// Back at the default privilege level, with the change running
			// (committed on IOS-XR and Junos).
			if after := run(t, sess, tc.long); !strings.Contains(after.Output, tc.want) {
				t.Errorf("%s after Configure lacks %q:\n%s", tc.long, tc.want, after.Output)
			}
		})
	}
}

// TestEquivalence runs the same commands and configuration with the ssh and
// the scrapli driver against identical devices: outputs must be identical.
func TestEquivalence(t *testing.T) {
	t.Parallel()
	raw, err := sshraw.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range platformCases {
		t.Run(tc.platform, func(t *testing.T) {
			t.Parallel()
			outputs := map[string][]string{}
			for name, d := range map[string]drivers.Driver{"ssh": raw, "scrapli": newDriver(t)} {
				s := startSim(t, sim.Device{Platform: tc.platform, PageLength: 8})
				sess := open(t, d, target(s, tc.platform))
				var outs []string
				for _, cmd := range []string{"show version", tc.long, tc.bad} {
					outs = append(outs, run(t, sess, cmd).Output)
				}
				res, err := sess.Configure(context.Background(), tc.config)
				if err != nil {
					t.Fatalf("%s: Configure: %v", name, err)
				}
				outs = append(outs, res.Output, run(t, sess, tc.long).Output)
				outputs[name] = outs
			}
			for i := range outputs["ssh"] {
				if a, b := outputs["ssh"][i], outputs["scrapli"][i]; a != b {
					t.Errorf("output %d differs:\n    ssh: %q\nscrapli: %q", i, a, b)
				}
			}
		})
	}
}

func TestPaging(t *testing.T) {
	t.Parallel()
	s := startSim(t, sim.Device{PageLength: 5})
	want := strings.TrimRight(s.RunningConfig(), "\n")
	paged := run(t, open(t, newDriver(t), target(s, pagedPlatform)), "show running-config")
	if !strings.HasSuffix(paged.Output, want) {
		t.Errorf("paged show running-config incomplete:\n got: %q\nwant suffix: %q", paged.Output, want)
	}
	if strings.Contains(strings.ToLower(paged.Output), "more") || strings.Contains(paged.Output, "\b") {
		t.Errorf("pager text left in output:\n%q", paged.Output)
	}
	unpaged := run(t, open(t, newDriver(t), target(s, "")), "show running-config")
	if paged.Output != unpaged.Output {
		t.Errorf("paged and unpaged output differ:\n  paged: %q\nunpaged: %q", paged.Output, unpaged.Output)
	}
}

// TestPagingPlatforms answers each platform's pager: with paging left on,
// the long show reads as with paging off.
func TestPagingPlatforms(t *testing.T) {
	t.Parallel()
	for _, tc := range platformCases {
		t.Run(tc.platform, func(t *testing.T) {
			t.Parallel()
			s := startSim(t, sim.Device{Platform: tc.platform, PageLength: 6})
			paged := run(t, open(t, newDriver(t), target(s, tc.platform+pagedSuffix)), tc.long)
			unpaged := run(t, open(t, newDriver(t), target(s, tc.platform)), tc.long)
			if paged.Output != unpaged.Output {
				t.Errorf("paged and unpaged output differ:\n  paged: %q\nunpaged: %q", paged.Output, unpaged.Output)
			}
		})
	}
}

func TestConfigureStopsAtBadLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		platform string
		lines    []string
		notWant  string
	}{
		{"cisco_iosxe", []string{"ntp server 10.0.0.8", "frobnicate the widgets", "ip domain name example.net"}, "example.net"},
		// The candidate is discarded: nothing of it reaches the running config.
		{"cisco_iosxr", []string{"ntp server 10.0.0.8", "frobnicate the widgets"}, "10.0.0.8"},
		{"juniper_junos", []string{"set system ntp server 10.0.0.8", "frobnicate the widgets"}, "10.0.0.8"},
	} {
		t.Run(tc.platform, func(t *testing.T) {
			t.Parallel()
			s := startSim(t, sim.Device{Platform: tc.platform})
			sess := open(t, newDriver(t), target(s, tc.platform))
			res, err := sess.Configure(context.Background(), tc.lines)
			if err != nil {
				t.Fatalf("Configure: %v", err)
			}
			if !res.Failed || res.Output == "" {
				t.Errorf("want a failed result with the device's text, got %+v", res)
			}
			if rc := s.RunningConfig(); strings.Contains(rc, tc.notWant) {
				t.Errorf("running config has %q:\n%s", tc.notWant, rc)
			}
			if res := run(t, sess, "show version"); res.Failed {
				t.Errorf("not back at the default privilege level: %+v", res)
			}
		})
	}
}

func TestEnable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		device  string // the device's enable secret
		given   string // the credentials'
		wantErr error
	}{
		{"right secret", secret, secret, nil},
		{"wrong secret", secret, "not-" + secret, drivers.ErrEnable},
		{"no secret given", secret, "", drivers.ErrEnable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := startSim(t, sim.Device{Enable: tc.device})
			tg := target(s, "")
			tg.Credentials.Enable = tc.given
			tg.Timeout = time.Second
			sess, err := newDriver(t).Open(context.Background(), tg)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Open: got %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				t.Log(err)
				assertNoSecrets(t, err.Error())
				if strings.Contains(err.Error(), tc.given) && tc.given != "" {
					t.Errorf("error reveals the given secret: %v", err)
				}
				if !strings.HasPrefix(err.Error(), "r1: ") {
					t.Errorf("error does not name the device: %v", err)
				}
				return
			}
			defer sess.Close()
			if res := run(t, sess, "show running-config"); res.Failed || !strings.Contains(res.Output, "hostname r1") {
				t.Errorf("not privileged: %+v", res)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	s := startSim(t, sim.Device{})

	tg := target(s, "")
	tg.Credentials.Password = "wrong"
	if _, err := newDriver(t).Open(context.Background(), tg); !errors.Is(err, drivers.ErrAuth) {
		t.Errorf("wrong password: got %v, want ErrAuth", err)
	}

	tg = target(s, "cisco_asa")
	if _, err := newDriver(t).Open(context.Background(), tg); !errors.Is(err, drivers.ErrPlatform) {
		t.Errorf("unknown platform: got %v, want ErrPlatform", err)
	}

	tg = target(s, "")
	tg.HostKeyCallback = nil
	tg.HostKeys = []string{"SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
	if _, err := newDriver(t).Open(context.Background(), tg); !errors.Is(err, drivers.ErrHostKey) {
		t.Errorf("wrong pinned key: got %v, want ErrHostKey", err)
	}
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	s := startSim(t, sim.Device{HangOn: []string{"show version"}})
	tg := target(s, "")
	tg.Timeout = 300 * time.Millisecond
	sess := open(t, newDriver(t), tg)
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

func TestCancel(t *testing.T) {
	t.Parallel()
	s := startSim(t, sim.Device{HangOn: []string{"show version"}})
	tg := target(s, "")
	tg.Timeout = time.Minute
	sess := open(t, newDriver(t), tg)

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

	// A caller's deadline shorter than the device timeout is a timeout too.
	sess = open(t, newDriver(t), tg)
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = sess.Run(ctx, "show version")
	if !errors.Is(err, drivers.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: got %v, want ErrTimeout and DeadlineExceeded", err)
	}
}

func TestCancelOpen(t *testing.T) {
	t.Parallel()
	s := startSim(t, sim.Device{BannerDelay: time.Minute})
	tg := target(s, "")
	tg.Timeout = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	if _, err := newDriver(t).Open(ctx, tg); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancel took %s", d)
	}
}

func TestDrop(t *testing.T) {
	t.Parallel()
	s := startSim(t, sim.Device{DropOn: []string{"show running-config"}})
	sess := open(t, newDriver(t), target(s, ""))
	_, err := sess.Run(context.Background(), "show running-config")
	if !errors.Is(err, drivers.ErrClosed) {
		t.Fatalf("got %v, want ErrClosed", err)
	}
	t.Log(err)
}

func TestClose(t *testing.T) {
	t.Parallel()
	s := startSim(t, sim.Device{})
	sess := open(t, newDriver(t), target(s, ""))
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

// syncBuffer is a bytes.Buffer safe for the transport's two goroutines.
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

func TestTranscript(t *testing.T) {
	t.Parallel()
	// The device echoes a configured secret back in the running config.
	s := startSim(t, sim.Device{})
	var buf syncBuffer
	tg := target(s, "")
	tg.Transcript = &buf
	sess := open(t, newDriver(t), tg)
	run(t, sess, "show clock")
	if _, err := sess.Configure(context.Background(), []string{"username ops secret " + password}); err != nil {
		t.Fatal(err)
	}
	sess.Close()
	text := buf.String()
	assertNoSecrets(t, text)
	for _, w := range []string{">>> enable\n", ">>> " + drivers.Mask + "\n", ">>> show clock\n", "UTC", ">>> username ops secret " + drivers.Mask + "\n"} {
		if !strings.Contains(text, w) {
			t.Errorf("transcript lacks %q:\n%s", w, text)
		}
	}
}

func TestExpect(t *testing.T) {
	t.Parallel()
	s := startSim(t, sim.Device{})
	sess := open(t, newDriver(t), target(s, expectPlatform))
	res := run(t, sess, "copy running-config startup-config")
	if res.Failed || !strings.Contains(res.Output, "Destination filename") || strings.Contains(res.Output, "r1#") {
		t.Errorf("copy with the platform's default answer: %+v", res)
	}
	if res := run(t, sess, "show clock"); res.Failed || strings.Contains(res.Output, "copy") {
		t.Errorf("session unusable after the dialog: %+v", res)
	}

	// A command's own answers.
	res = run(t, sess, "copy running-config startup-config",
		drivers.WithExpect(drivers.Expect{Prompt: `Destination filename \[[^\]]*\]\?`, Answer: "startup-config"}))
	if res.Failed || !strings.Contains(res.Output, "Destination filename") {
		t.Errorf("copy with the command's answer: %+v", res)
	}

	// Unanswered: a timeout showing the question.
	tg := target(s, "")
	tg.Timeout = 300 * time.Millisecond
	sess = open(t, newDriver(t), tg)
	_, err := sess.Run(context.Background(), "copy running-config startup-config")
	if !errors.Is(err, drivers.ErrTimeout) || !strings.Contains(err.Error(), "Destination filename [startup-config]?") {
		t.Errorf("unanswered question: got %v, want ErrTimeout showing it", err)
	}
	t.Log(err)
}
