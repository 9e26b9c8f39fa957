package sim_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	mrand "math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/netrun/netrun/sim"
)

// waitFor bounds every wait on the simulator; nothing sleeps a fixed time.
const waitFor = 10 * time.Second

var (
	keyOnce   sync.Once
	sharedKey ssh.Signer
)

// hostKey is shared by all tests: one key is all a test needs.
func hostKey(t *testing.T) ssh.Signer {
	t.Helper()
	keyOnce.Do(func() {
		k, err := sim.NewHostKey()
		if err != nil {
			panic(err)
		}
		sharedKey = k
	})
	return sharedKey
}

func labDevice() sim.Device {
	return sim.Device{Hostname: "r1", Username: "cisco", Password: "cisco", Enable: "s3cret"}
}

func start(t *testing.T, d sim.Device) *sim.Server {
	t.Helper()
	s, err := sim.Start("127.0.0.1:0", d, hostKey(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func dial(s *sim.Server, user string, auth ...ssh.AuthMethod) (*ssh.Client, error) {
	return ssh.Dial("tcp", s.Addr(), &ssh.ClientConfig{
		User:            user,
		Auth:            auth,
		HostKeyCallback: ssh.FixedHostKey(s.HostKey()),
		Timeout:         waitFor,
	})
}

// term is an interactive shell on a simulated device, read by a goroutine
// into a buffer that expect consumes.
type term struct {
	t      *testing.T
	sess   *ssh.Session
	in     io.Writer
	mu     sync.Mutex
	buf    bytes.Buffer
	eof    bool
	notify chan struct{}
}

// login starts d and opens a shell on it, read up to its first prompt
// (a regexp).
func login(t *testing.T, d sim.Device, prompt string) (*sim.Server, *term) {
	t.Helper()
	s := start(t, d)
	tm := openTerm(t, s)
	tm.expect(prompt)
	return s, tm
}

func openTerm(t *testing.T, s *sim.Server) *term {
	t.Helper()
	c, err := dial(s, "cisco", ssh.Password("cisco"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return shell(t, c)
}

func shell(t *testing.T, c *ssh.Client) *term {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("vt100", 24, 511, ssh.TerminalModes{ssh.ECHO: 1}); err != nil {
		t.Fatal(err)
	}
	in, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, sess: sess, in: in, notify: make(chan struct{}, 1)}
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := out.Read(b)
			tm.mu.Lock()
			tm.buf.Write(b[:n])
			tm.eof = err != nil
			tm.mu.Unlock()
			select {
			case tm.notify <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	return tm
}

func (tm *term) send(s string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.in, s); err != nil {
		tm.t.Fatalf("send %q: %v", s, err)
	}
}

// expect consumes output up to the end of the first match of re and returns
// it; it fails the test if re does not match within waitFor.
func (tm *term) expect(re string) string {
	tm.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.NewTimer(waitFor)
	defer deadline.Stop()
	for {
		tm.mu.Lock()
		data, eof := tm.buf.String(), tm.eof
		if loc := rx.FindStringIndex(data); loc != nil {
			tm.buf.Next(loc[1])
			tm.mu.Unlock()
			return data[:loc[1]]
		}
		tm.mu.Unlock()
		if eof {
			tm.t.Fatalf("connection closed waiting for %q; got %q", re, data)
		}
		select {
		case <-tm.notify:
		case <-deadline.C:
			tm.t.Fatalf("timed out waiting for %q; got %q", re, data)
		}
	}
}

// waitEOF waits for the device to end the session, returning what came
// before.
func (tm *term) waitEOF() string {
	tm.t.Helper()
	deadline := time.NewTimer(waitFor)
	defer deadline.Stop()
	for {
		tm.mu.Lock()
		data, eof := tm.buf.String(), tm.eof
		tm.mu.Unlock()
		if eof {
			return data
		}
		select {
		case <-tm.notify:
		case <-deadline.C:
			tm.t.Fatalf("session still open; got %q", data)
		}
	}
}

// cmd types line at prompt and returns the reply between the echo and the
// next prompt.
func (tm *term) cmd(line, prompt string) string {
	tm.t.Helper()
	tm.send(line + "\n")
	got := tm.expect(`(?s)^.*?` + regexp.QuoteMeta(line+"\r\n") + `(.*?)` + regexp.QuoteMeta(prompt) + `$`)
	got = got[strings.Index(got, line+"\r\n")+len(line)+2:]
	return strings.TrimSuffix(got, prompt)
}

// enable logs in and raises the session to r1#.
func enable(t *testing.T, s *sim.Server) *term {
	t.Helper()
	tm := openTerm(t, s)
	tm.expect(`r1>$`)
	tm.send("enable\n")
	tm.expect(`Password: $`)
	tm.send("s3cret\n")
	tm.expect(`\r\nr1#$`)
	return tm
}

func TestAuth(t *testing.T) {
	t.Parallel()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := ssh.NewSignerFromKey(priv)
	_, otherPriv, _ := ed25519.GenerateKey(rand.Reader)
	other, _ := ssh.NewSignerFromKey(otherPriv)
	d := labDevice()
	d.AuthorizedKeys = []ssh.PublicKey{signer.PublicKey()}
	s := start(t, d)

	answer := func(pw string) ssh.AuthMethod {
		return ssh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
			if len(qs) != 1 || qs[0] != "Password: " {
				return nil, errors.New("unexpected questions")
			}
			return []string{pw}, nil
		})
	}
	tests := []struct {
		name string
		user string
		auth ssh.AuthMethod
		ok   bool
	}{
		{"password", "cisco", ssh.Password("cisco"), true},
		{"keyboard-interactive", "cisco", answer("cisco"), true},
		{"public key", "cisco", ssh.PublicKeys(signer), true},
		{"wrong password", "cisco", ssh.Password("nope"), false},
		{"wrong user", "admin", ssh.Password("cisco"), false},
		{"wrong keyboard-interactive", "cisco", answer("nope"), false},
		{"unknown key", "cisco", ssh.PublicKeys(other), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := dial(s, tt.user, tt.auth)
			if !tt.ok {
				if err == nil {
					c.Close()
					t.Fatal("login succeeded, want rejection")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			shell(t, c).expect(`^\r\nr1>$`)
		})
	}
}

func TestEnable(t *testing.T) {
	t.Parallel()
	t.Run("right secret, not echoed", func(t *testing.T) {
		t.Parallel()
		_, tm := login(t, labDevice(), `r1>$`)
		tm.send("en\n")
		tm.expect(`en\r\nPassword: $`)
		tm.send("s3cret\r\n")
		if got := tm.expect(`r1#$`); got != "\r\nr1#" {
			t.Errorf("after secret got %q, want %q", got, "\r\nr1#")
		}
		if got := tm.cmd("disable", "r1>"); got != "" {
			t.Errorf("disable printed %q", got)
		}
	})
	t.Run("wrong secret three times", func(t *testing.T) {
		t.Parallel()
		_, tm := login(t, labDevice(), `r1>$`)
		tm.send("enable\n")
		for range 3 {
			tm.expect(`Password: $`)
			tm.send("wrong\n")
		}
		got := tm.expect(`r1>$`)
		if want := "\r\n% Bad secrets\r\n\r\nr1>"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
		if strings.Contains(got, "wrong") {
			t.Error("secret echoed")
		}
	})
	t.Run("no secret set", func(t *testing.T) {
		t.Parallel()
		d := labDevice()
		d.Enable = ""
		tm := openTerm(t, start(t, d))
		tm.expect(`r1>$`)
		tm.cmd("enable", "r1#")
	})
	t.Run("start privileged", func(t *testing.T) {
		t.Parallel()
		d := labDevice()
		d.StartPrivileged = true
		openTerm(t, start(t, d)).expect(`^\r\nr1#$`)
	})
}

func TestExecCommands(t *testing.T) {
	t.Parallel()
	s := start(t, labDevice())
	tests := []struct {
		name string
		line string
		want string // regular expression for the whole reply
	}{
		{"clock", "sh clock", `^\*\d\d:\d\d:\d\d\.\d{3} UTC (Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{1,2} \d{4}\r\n$`},
		{"version", "sh ver", `(?s)^Cisco IOS XE Software.*\r\nr1 uptime is \d+ minutes?.*Configuration register is 0x2102\r\n\r\n$`},
		{"ip interface brief", "sh ip int br", `(?s)^Interface +IP-Address +OK\? Method Status +Protocol\r\nLoopback0 .*GigabitEthernet1 +192\.168\.100\.1 +YES NVRAM +up +up\r\n.*GigabitEthernet3 +unassigned +YES unset +administratively down down\r\n`},
		{"interfaces description", "show interfaces description", `(?s)Gi1 +up +up +uplink to core\r\n`},
		{"users", "show users", `(?s)vty \d+ +cisco +idle +00:00:00 127\.0\.0\.1`},
		{"running-config", "sh run", `(?s)^Building configuration\.\.\.\r\n\r\nCurrent configuration : \d+ bytes\r\n!\r\n.*hostname r1\r\n.*interface GigabitEthernet3\r\n no ip address\r\n shutdown\r\n.*line vty 0 4\r\n.*end\r\n$`},
		{"pipe include", "sh run | i ^hostname", `^hostname r1\r\n$`},
		{"pipe section", "show running-config | section vty", `^line vty 0 4\r\n login local\r\n transport input ssh\r\n$`},
		{"run interface", "sh run int gi 1", `(?s)\r\n!\r\ninterface GigabitEthernet1\r\n description uplink to core\r\n.*\r\nend\r\n$`},
		{"ping", "ping 10.0.0.2", `(?s)Sending 5, 100-byte ICMP Echos to 10\.0\.0\.2.*Success rate is 100 percent`},
		{"write", "wr", `^Building configuration\.\.\.\r\n\[OK\]\r\n$`},
		{"terminal width", "terminal width 511", `^$`},
		{"ambiguous", "show i", `^% Ambiguous command:  "show i"\r\n$`},
		{"incomplete", "show", `^% Incomplete command\.\r\n\r\n$`},
		{"invalid word", "sh foo", `^      \^\r\n% Invalid input detected at '\^' marker\.\r\n\r\n$`},
		{"invalid after prefix", "show clocks", `^             \^\r\n% Invalid input detected at '\^' marker\.`},
		{"invalid argument", "terminal length abc", `^                   \^\r\n% Invalid input`},
		{"extra word", "show clock now", `^              \^\r\n% Invalid input`},
		{"pipe on non-show", "ping 10.0.0.2 | i x", `% Invalid input`},
		{"unknown command", "frobnicate", `^   \^\r\n% Invalid input detected at '\^' marker\.\r\n\r\n$`},
	}
	tm := enable(t, s)
	tm.cmd("terminal length 0", "r1#")
	for _, tt := range tests {
		// One session serves the whole table, so the subtests run in order.
		t.Run(tt.name, func(t *testing.T) {
			tm.t = t
			got := tm.cmd(tt.line, "r1#")
			if !regexp.MustCompile(tt.want).MatchString(got) {
				t.Errorf("%s: got %q, want match for %q", tt.line, got, tt.want)
			}
		})
	}
}

func TestUserExecLimits(t *testing.T) {
	t.Parallel()
	tm := openTerm(t, start(t, labDevice()))
	tm.expect(`r1>$`)
	tests := []struct{ line, want string }{
		{"sh run", "      ^\r\n% Invalid input detected at '^' marker.\r\n\r\n"},
		{"conf t", "   ^\r\n% Invalid input detected at '^' marker.\r\n\r\n"},
		{"sh clock", " UTC "},
		{"show ip interface brief", "Loopback0"},
	}
	for _, tt := range tests {
		if got := tm.cmd(tt.line, "r1>"); !strings.Contains(got, tt.want) {
			t.Errorf("%s: got %q, want it to contain %q", tt.line, got, tt.want)
		}
	}
}

func TestLineEndings(t *testing.T) {
	t.Parallel()
	d := labDevice()
	d.StartPrivileged = true
	_, tm := login(t, d, `r1#$`)
	// An empty line and a command, both ended by "\r\n", give exactly two
	// prompts: "\r\n" is one end of line, not two.
	tm.send("\r\nsh clock\r\n")
	tm.expect(`^\r\nr1#sh clock\r\n\*[^\r\n]+\r\nr1#$`)
	// A lone "\r" ends a line too, and backspace edits it.
	tm.send("sh clockx\x7f\r")
	tm.expect(`^sh clockx\x08 \x08\r\n\*[^\r\n]+\r\nr1#$`)
	tm.send("exit\n")
	tm.waitEOF()
}

func TestPaging(t *testing.T) {
	t.Parallel()
	const erase = "\b\b\b\b\b\b\b\b\b        \b\b\b\b\b\b\b\b\b"
	d := labDevice()
	d.StartPrivileged = true
	d.PageLength = 10
	s := start(t, d)

	t.Run("space, return, q", func(t *testing.T) {
		t.Parallel()
		tm := openTerm(t, s)
		tm.expect(`r1#$`)
		tm.send("show version\n")
		first := tm.expect(` --More-- $`)
		if n := strings.Count(first, "\r\n"); n != 11 { // the echo and 10 lines
			t.Errorf("first page has %d line ends, want 11: %q", n, first)
		}
		tm.send(" ")
		page := tm.expect(` --More-- $`)
		if !strings.HasPrefix(page, erase) || strings.Count(page, "\r\n") != 10 {
			t.Errorf("second page = %q", page)
		}
		tm.send("\r\n") // one key, one more line
		line := tm.expect(` --More-- $`)
		if !strings.HasPrefix(line, erase) || strings.Count(line, "\r\n") != 1 {
			t.Errorf("one-line step = %q", line)
		}
		tm.send("q")
		if got := tm.expect(`r1#$`); got != erase+"r1#" {
			t.Errorf("after q got %q", got)
		}
	})
	t.Run("to the end", func(t *testing.T) {
		t.Parallel()
		tm := openTerm(t, s)
		tm.expect(`r1#$`)
		tm.send("sh ver\n")
		var all strings.Builder
		for {
			tm.send(" ")
			got := tm.expect(`( --More-- |r1#)$`)
			all.WriteString(got)
			if strings.HasSuffix(got, "r1#") {
				break
			}
		}
		if !strings.Contains(all.String(), "Configuration register is 0x2102\r\n\r\nr1#") {
			t.Errorf("output did not end with the prompt: %q", all.String())
		}
	})
	t.Run("terminal length 0", func(t *testing.T) {
		t.Parallel()
		tm := openTerm(t, s)
		tm.expect(`r1#$`)
		tm.cmd("term len 0", "r1#")
		if got := tm.cmd("sh ver", "r1#"); strings.Contains(got, "More") || !strings.Contains(got, "0x2102") {
			t.Errorf("unpaged show version = %q", got)
		}
	})
}

func TestConfigure(t *testing.T) {
	t.Parallel()
	s := start(t, labDevice())
	tm := enable(t, s)
	steps := []struct {
		line, prompt, want string
	}{
		{"conf t", "r1(config)#", "Enter configuration commands, one per line.  End with CNTL/Z.\r\n"},
		{"hostname r9", "r9(config)#", ""},
		{"int gi 2", "r9(config-if)#", ""},
		{"description  to r2  ", "r9(config-if)#", ""},
		{"ip add 10.9.9.1 255.255.255.252", "r9(config-if)#", ""},
		{"shut", "r9(config-if)#", ""},
		{"ip address 10.9.9.300 255.255.255.0", "r9(config-if)#", "                         ^\r\n% Invalid input detected at '^' marker.\r\n\r\n"},
		{"exit", "r9(config)#", ""},
		{"interface GigabitEthernet3", "r9(config-if)#", ""},
		{"no shutdown", "r9(config-if)#", ""},
		{"ntp server 10.0.0.5", "r9(config)#", ""}, // global command from config-if: IOS runs it and leaves config-if
		{"interface Loopback7", "r9(config-if)#", ""},
		{"ip address 7.7.7.7 255.255.255.255", "r9(config-if)#", ""},
		{"exit", "r9(config)#", ""},
		{"interface Gi9", "r9(config)#", "                     ^\r\n% Invalid input detected at '^' marker.\r\n\r\n"},
		{"frob", "r9(config)#", "           ^\r\n% Invalid input detected at '^' marker.\r\n\r\n"},
		{"logging host 10.0.0.9", "r9(config)#", ""},
		{"snmp-server community public RO", "r9(config)#", ""},
		{"ntp server 10.0.0.6", "r9(config)#", ""},
		{"no ntp server 10.0.0.6", "r9(config)#", ""},
		{"ip domain name example.net", "r9(config)#", ""},
		{"username bob privilege 15 secret pw", "r9(config)#", ""},
		{"line vty 0 4", "r9(config-line)#", ""},
		{"exec-timeout 5 0", "r9(config-line)#", ""},
		{"exit", "r9(config)#", ""},
		{"router ospf 1", "r9(config-router)#", ""},
		{"network 10.9.9.0 0.0.0.3 area 0", "r9(config-router)#", ""},
		{"do sh clock", "r9(config-router)#", "*"},
		{"end", "r9#", ""},
	}
	for _, st := range steps {
		got := tm.cmd(st.line, st.prompt)
		if st.want == "*" && strings.Contains(got, " UTC ") {
			continue // do sh clock: the time varies
		}
		if got != st.want {
			t.Errorf("%s: got %q, want %q", st.line, got, st.want)
		}
	}
	tm.cmd("terminal length 0", "r9#")
	run := tm.cmd("show running-config", "r9#")
	cfg := s.RunningConfig()
	if !strings.Contains(run, strings.ReplaceAll(cfg, "\n", "\r\n")) {
		t.Errorf("show running-config and RunningConfig differ:\n%q\n%q", run, cfg)
	}
	if !strings.Contains(run, "Current configuration : "+strconv.Itoa(len(cfg))+" bytes") {
		t.Errorf("byte count is not the config's length")
	}
	for _, want := range []string{
		"hostname r9\n",
		"interface Loopback7\n ip address 7.7.7.7 255.255.255.255\n!\n",
		"interface GigabitEthernet2\n description to r2\n ip address 10.9.9.1 255.255.255.252\n shutdown\n",
		"interface GigabitEthernet3\n no ip address\n negotiation auto\n!\n",
		"ip domain name example.net\n",
		"username bob privilege 15 secret 9 $9$",
		"router ospf 1\n network 10.9.9.0 0.0.0.3 area 0\n!\n",
		"logging host 10.0.0.9\n",
		"snmp-server community public RO\n",
		"line vty 0 4\n login local\n transport input ssh\n exec-timeout 5 0\n",
		"ntp server 10.0.0.5\n!\nend\n",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("running config lacks %q:\n%s", want, cfg)
		}
	}
	if strings.Contains(cfg, "10.0.0.6") || strings.Contains(cfg, " pw") {
		t.Errorf("running config has a removed line or a clear secret:\n%s", cfg)
	}

	// Other sessions see the new hostname; Ctrl-Z leaves config mode.
	tm2 := enable2(t, s, "r9")
	tm2.send("configure\n")
	tm2.expect(`configure\r\nConfiguring from terminal, memory, or network \[terminal\]\? $`)
	tm2.send("\n")
	tm2.expect(`r9\(config\)#$`)
	tm2.send("\x1a")
	tm2.expect(`\^Z\r\nr9#$`)
}

// enable2 is enable for a device whose hostname is no longer r1.
func enable2(t *testing.T, s *sim.Server, host string) *term {
	t.Helper()
	tm := openTerm(t, s)
	tm.expect(host + `>$`)
	tm.send("enable\n")
	tm.expect(`Password: $`)
	tm.send("s3cret\n")
	tm.expect(host + `#$`)
	return tm
}

func TestLatencyAndBanner(t *testing.T) {
	t.Parallel()
	d := labDevice()
	d.Latency = 20 * time.Millisecond
	d.BannerDelay = 30 * time.Millisecond
	// Lower bounds only: the knobs must delay, however slow the machine.
	start0 := time.Now()
	tm := enable(t, start(t, d))
	if el := time.Since(start0); el < 50*time.Millisecond { // banner + enable's latency
		t.Errorf("login and enable took %s, want at least the banner delay and one latency", el)
	}
	cmd := time.Now()
	if got := tm.cmd("sh clock", "r1#"); !strings.Contains(got, " UTC ") {
		t.Errorf("sh clock = %q", got)
	}
	if el := time.Since(cmd); el < d.Latency {
		t.Errorf("a command took %s, want at least its latency %s", el, d.Latency)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	d := labDevice()
	d.StartPrivileged = true
	d.HangOn = []string{"show version"}
	d.DropOn = []string{"sh run"}
	s := start(t, d)
	// open logs in with paging off, as drivers do.
	open := func(t *testing.T) *term {
		t.Helper()
		tm := openTerm(t, s)
		tm.expect(`r1#$`)
		tm.cmd("term len 0", "r1#")
		return tm
	}

	t.Run("hang", func(t *testing.T) {
		t.Parallel()
		tm := open(t)
		tm.send("sh ver\n")
		tm.expect(`sh ver\r\nCisco IOS XE`)
		tm.send("show clock\n")
		// Nothing may come back: wait for a while and check no prompt did.
		// (A hang can only be shown by time passing.)
		timer := time.NewTimer(200 * time.Millisecond)
		defer timer.Stop()
		for done := false; !done; {
			select {
			case <-tm.notify:
			case <-timer.C:
				done = true
			}
		}
		tm.mu.Lock()
		rest, eof := tm.buf.String(), tm.eof
		tm.mu.Unlock()
		if strings.Contains(rest, "r1#") || eof {
			t.Errorf("hung device answered: %q (closed %v)", rest, eof)
		}
	})
	t.Run("drop", func(t *testing.T) {
		t.Parallel()
		tm := open(t)
		tm.send("show running-config\n")
		got := tm.waitEOF()
		if !strings.Contains(got, "Building configuration") || strings.Contains(got, "\r\nend\r\n") {
			t.Errorf("dropped output = %q", got)
		}
	})
}

func TestExecRequest(t *testing.T) {
	t.Parallel()
	s := start(t, labDevice())
	tests := []struct {
		cmd, want string
		status    int
	}{
		{"show clock", " UTC ", 0},
		{"sh run | i hostname", "hostname r1\r\n", 0},
		{"sh bogus", "% Invalid input", 1},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			t.Parallel()
			c, err := dial(s, "cisco", ssh.Password("cisco"))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			sess, err := c.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			out, err := sess.Output(tt.cmd)
			var exit *ssh.ExitError
			switch {
			case tt.status == 0 && err != nil:
				t.Fatal(err)
			case tt.status != 0 && (!errors.As(err, &exit) || exit.ExitStatus() != tt.status):
				t.Fatalf("exit = %v, want status %d", err, tt.status)
			}
			if !strings.Contains(string(out), tt.want) {
				t.Errorf("got %q, want %q", out, tt.want)
			}
		})
	}
	// The parallel subtests are done when cleanups run.
	t.Cleanup(func() {
		if n := s.Sessions(); n != int64(len(tests)) {
			t.Errorf("Sessions() = %d, want %d", n, len(tests))
		}
	})
}

func TestFleet(t *testing.T) {
	t.Parallel()
	// Pick a base port below Linux's ephemeral range (32768 and up), where
	// the tests' own client sockets would collide with it; another process
	// may still hold one, so retry a few times.
	var f *sim.Fleet
	var err error
	for range 20 {
		base := 20000 + mrand.IntN(10000)
		if f, err = sim.StartFleet("127.0.0.1:"+strconv.Itoa(base), 3, "edge", labDevice(), hostKey(t)); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, s := range f.Servers[1:] {
		if s.Port() != f.Servers[i].Port()+1 {
			t.Errorf("ports not consecutive: %d then %d", f.Servers[i].Port(), s.Port())
		}
	}

	path := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(path, []byte(f.KnownHosts()), 0o600); err != nil {
		t.Fatal(err)
	}
	check, err := knownhosts.New(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range f.Servers {
		c, err := ssh.Dial("tcp", s.Addr(), &ssh.ClientConfig{
			User: "cisco", Auth: []ssh.AuthMethod{ssh.Password("cisco")},
			HostKeyCallback: check, Timeout: waitFor,
		})
		if err != nil {
			t.Fatalf("%s: %v", s.Addr(), err)
		}
		tm := shell(t, c)
		tm.expect(`\r\nedge` + strconv.Itoa(i+1) + `>$`)
		c.Close()
	}

	any, err := sim.StartFleet("127.0.0.1:0", 2, "r", labDevice(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(any.Servers) != 2 {
		t.Fatalf("port 0 fleet: %d servers", len(any.Servers))
	}
	for i, s := range any.Servers { // each answers as its own device
		c, err := dial(s, "cisco", ssh.Password("cisco"))
		if err != nil {
			t.Fatalf("%s: %v", s.Addr(), err)
		}
		shell(t, c).expect(`\r\nr` + strconv.Itoa(i+1) + `>$`)
		c.Close()
	}
	if err := any.Close(); err != nil {
		t.Error(err)
	}
}

// TestCloseWithBusySessions checks that Close returns while sessions hang,
// sit at --More--, wait for a secret or for latency, or are mid-handshake.
// Close waits for every goroutine its server started, so returning means
// none leaked.
func TestCloseWithBusySessions(t *testing.T) {
	t.Parallel()
	d := labDevice()
	d.HangOn = []string{"show clock"}
	d.PageLength = 5
	slow := labDevice()
	slow.Latency = time.Hour
	servers := []*sim.Server{}
	for _, dev := range []sim.Device{d, slow} {
		s, err := sim.Start("127.0.0.1:0", dev, hostKey(t))
		if err != nil {
			t.Fatal(err)
		}
		servers = append(servers, s)
	}
	var terms []*term
	for _, step := range []struct {
		s          *sim.Server
		line, wait string
	}{
		{servers[0], "sh clock", `sh clock\r\n`},
		{servers[0], "sh ver", ` --More-- $`},
		{servers[0], "enable", `Password: $`},
		{servers[1], "sh clock", `sh clock\r\n`},
	} {
		tm := openTerm(t, step.s)
		tm.expect(`r1>$`)
		tm.send(step.line + "\n")
		tm.expect(step.wait)
		terms = append(terms, tm)
	}
	raw, err := net.Dial("tcp", servers[0].Addr()) // never completes the handshake
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()

	for _, s := range servers {
		closed := make(chan error, 1)
		go func() { closed <- s.Close() }()
		select {
		case err := <-closed:
			if err != nil {
				t.Error(err)
			}
		case <-time.After(waitFor):
			t.Fatal("Close did not return")
		}
	}
	for _, tm := range terms {
		tm.waitEOF()
	}
}

func TestPlatforms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		platform string
		want     []string // in show ip interface brief and show version
	}{
		{"", []string{"GigabitEthernet1 ", "Cisco IOS XE Software"}},
		{"cisco_iosxe", []string{"GigabitEthernet4 ", "CSR1000V"}},
		{"cisco_ios", []string{"GigabitEthernet0/0 ", "GigabitEthernet0/3 ", "IOSv Software"}},
	}
	for _, tt := range tests {
		t.Run(tt.platform, func(t *testing.T) {
			t.Parallel()
			d := labDevice()
			d.Platform = tt.platform
			d.StartPrivileged = true
			_, tm := login(t, d, `r1#$`)
			tm.cmd("terminal length 0", "r1#")
			got := tm.cmd("show ip interface brief", "r1#") + tm.cmd("show version", "r1#")
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q", w)
				}
			}
		})
	}
	if _, err := sim.Start("127.0.0.1:0", sim.Device{Platform: "nokia_sros"}, hostKey(t)); err == nil {
		t.Error("unsupported platform started")
	}
}

// BenchmarkCommand measures one command's round trip over a shell, the
// simulator's share of every driver benchmark.
func BenchmarkCommand(b *testing.B) {
	d := labDevice()
	d.StartPrivileged = true
	s, err := sim.Start("127.0.0.1:0", d, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	c, err := dial(s, "cisco", ssh.Password("cisco"))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	sess, _ := c.NewSession()
	sess.RequestPty("vt100", 24, 511, nil)
	in, _ := sess.StdinPipe()
	out, _ := sess.StdoutPipe()
	sess.Shell()
	buf := make([]byte, 4096)
	readPrompt := func() {
		var got []byte
		for !bytes.HasSuffix(got, []byte("r1#")) {
			n, err := out.Read(buf)
			if err != nil {
				b.Fatal(err)
			}
			got = append(got, buf[:n]...)
		}
	}
	readPrompt()
	for b.Loop() {
		io.WriteString(in, "show clock\n")
		readPrompt()
	}
}
