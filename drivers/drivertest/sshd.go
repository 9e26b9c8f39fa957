package drivertest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/netrun/netrun/drivers"
)

// SSHDOptions configure StartSSHD.
type SSHDOptions struct {
	// AuthorizedKeys may log in as the current user; with none, no key
	// can (sshd allows no password here).
	AuthorizedKeys []ssh.PublicKey
	// ForceCommand is a program run instead of the user's login shell for
	// every session, on the PTY sshd allocates (see CLIScript); "" leaves
	// the login shell.
	ForceCommand string
}

// SSHD is a real OpenSSH server started by StartSSHD, stopped when the
// test ends.
type SSHD struct {
	Addr    string // 127.0.0.1:port
	Port    int
	HostKey ssh.PublicKey
	// KnownHosts is a known_hosts file holding KnownHostsLine only.
	KnownHosts string
	// User is who logs in: the user running the test, as sshd running
	// as that user allows no other.
	User string
	// Dir is the temporary directory with sshd's configuration and keys.
	Dir string

	log *drivers.SyncWriter
}

// KnownHostsLine is the known_hosts line trusting s's host key at Addr.
func (s *SSHD) KnownHostsLine() string {
	return knownhosts.Line([]string{s.Addr}, s.HostKey)
}

// Log is what sshd has written so far (-e: its log goes to stderr).
func (s *SSHD) Log() string { return s.log.String() }

// Target is device "r1" at s logging in as s.User with the PEM private
// key, verifying the host key against s.KnownHosts as a real run does.
func (s *SSHD) Target(privateKey string) drivers.Target {
	return drivers.Target{
		Name:        "r1",
		Host:        "127.0.0.1",
		Port:        s.Port,
		Credentials: drivers.Credentials{Username: s.User, PrivateKey: privateKey},
		Timeout:     10 * time.Second,
		KnownHosts:  s.KnownHosts,
	}
}

// SSHDPath is the sshd binary the tests use, or "" when OpenSSH's server is
// not installed (.ci/run installs it: Debian's openssh-server).
func SSHDPath() string {
	if p, err := exec.LookPath("sshd"); err == nil {
		return p
	}
	// Not on the PATH of a user who is not root.
	for _, p := range []string{"/usr/sbin/sshd", "/usr/local/sbin/sshd"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// StartSSHD starts OpenSSH's sshd as a child process of the test, on
// 127.0.0.1 on a free port, with its own configuration, host key,
// authorized_keys and pid file in a temporary directory, and returns once
// it answers. The test is skipped when sshd is not installed. sshd is
// killed, with every process it started, when the test ends; its log is
// shown if the test failed.
func StartSSHD(t testing.TB, opts SSHDOptions) *SSHD {
	t.Helper()
	bin := SSHDPath()
	if bin == "" {
		t.Skip("sshd (OpenSSH server) is not installed: install openssh-server, as .ci/run does, to run this test against a real OpenSSH")
	}
	if !sshdSupported {
		t.Skip("starting sshd from a test needs a Unix system")
	}
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	// sshd wants absolute paths; t.TempDir is absolute and private (0700).
	dir := t.TempDir()
	hostPEM, hostKey := PrivateKey(t)
	var authorized strings.Builder
	for _, k := range opts.AuthorizedKeys {
		authorized.Write(ssh.MarshalAuthorizedKey(k))
	}
	// sshd refuses a host key others can read.
	writeFile(t, filepath.Join(dir, "ssh_host_ed25519_key"), hostPEM, 0o600)
	writeFile(t, filepath.Join(dir, "authorized_keys"), authorized.String(), 0o600)

	s := &SSHD{HostKey: hostKey, User: u.Username, Dir: dir, log: &drivers.SyncWriter{}}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("sshd log:\n%s", s.Log())
		}
	})
	// Another process may take the free port before sshd binds it: try
	// again on another.
	for range 5 {
		port := freePort(t)
		s.Port, s.Addr = port, net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		conf := filepath.Join(dir, "sshd_config")
		writeFile(t, conf, sshdConfig(dir, port, u.Username, opts.ForceCommand), 0o600)
		err := s.run(t, bin, conf)
		if err == nil {
			s.KnownHosts = filepath.Join(dir, "known_hosts")
			writeFile(t, s.KnownHosts, s.KnownHostsLine()+"\n", 0o600)
			return s
		}
		if !errors.Is(err, errAddrInUse) {
			t.Fatal(err)
		}
	}
	t.Fatal("sshd: no free port after 5 tries")
	return nil
}

var errAddrInUse = errors.New("address in use")

// run starts sshd -D -e -f conf and waits until it accepts SSH on s.Addr,
// or until it exits. A started sshd is stopped when the test ends.
func (s *SSHD) run(t testing.TB, bin, conf string) error {
	from := len(s.Log())
	cmd := exec.Command(bin, "-D", "-e", "-f", conf)
	// Nothing of the test's environment (variables may hold secrets)
	// reaches sshd or the sessions it starts.
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"}
	cmd.Stdout, cmd.Stderr = s.log, s.log
	cmd.SysProcAttr = sshdProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting sshd: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	stop := func() {
		killTree(cmd.Process.Pid)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			t.Errorf("sshd (pid %d) did not exit in 10s after SIGKILL", cmd.Process.Pid)
		}
	}

	deadline := time.Now().Add(10 * time.Second)
	for {
		if answers(s.Addr) {
			t.Cleanup(stop)
			return nil
		}
		select {
		case <-exited:
			log := s.Log()[from:]
			if strings.Contains(log, "Address already in use") {
				return errAddrInUse
			}
			if strings.Contains(log, "privilege separation directory") {
				t.Skipf("sshd cannot start here: %s (the service normally creates it; .ci/run does: mkdir -m 0755 /run/sshd)", strings.TrimSpace(log))
			}
			return fmt.Errorf("sshd exited before accepting connections: %v\n%s", cmd.ProcessState, log)
		default:
		}
		if time.Now().After(deadline) {
			stop()
			return fmt.Errorf("sshd did not accept SSH on %s in 10s:\n%s", s.Addr, s.Log()[from:])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// answers reports whether an SSH server greets on addr (its version line
// is the first thing it sends).
func answers(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	line, _ := bufio.NewReader(c).ReadString('\n')
	return strings.HasPrefix(line, "SSH-2.0-")
}

func sshdConfig(dir string, port int, user, forceCommand string) string {
	lines := []string{
		fmt.Sprintf("ListenAddress 127.0.0.1:%d", port),
		"HostKey " + filepath.Join(dir, "ssh_host_ed25519_key"),
		"PidFile " + filepath.Join(dir, "sshd.pid"),
		"AuthorizedKeysFile " + filepath.Join(dir, "authorized_keys"),
		// The temporary directory is not owned as sshd wants a home.
		"StrictModes no",
		"AllowUsers " + user,
		"PermitRootLogin prohibit-password",
		"PubkeyAuthentication yes",
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication no",
		"UsePAM no",
		"UseDNS no",
		"PrintMotd no",
		"PrintLastLog no",
		"X11Forwarding no",
		"LogLevel VERBOSE",
	}
	if forceCommand != "" {
		// sshd hands the command to the user's shell.
		lines = append(lines, "ForceCommand '"+strings.ReplaceAll(forceCommand, "'", `'\''`)+"'")
	}
	return strings.Join(lines, "\n") + "\n"
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func writeFile(t testing.TB, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

// CLIOutputs are what CLIScript answers, by command.
var CLIOutputs = map[string]string{
	"show clock":   "*10:00:00.000 UTC Tue Dec 1 2026",
	"show version": "Shell CLI 1.0, not a network device",
}

// cliScript is a device CLI in a few lines of bash: a login shell that is
// not a network CLI, for sshd's ForceCommand. It prompts "r1#"
// (privileged, no newline), accepts the on-open commands silently,
// answers CLIOutputs and "show pid" (its process id), rejects anything
// else as IOS does, and ends on exit. The PTY is real: it turns LF into
// CRLF. Like network CLIs and readline, the script reads a character at a
// time and echoes it itself; with the PTY's line mode and echo instead, a
// return typed ahead of the first prompt (scrapligo sends one to find the
// prompt) is echoed before that prompt and the next prompt follows on the
// same line ("r1#r1#"), which no prompt pattern matches.
const cliScript = `#!/usr/bin/env bash
stty -echo -icanon 2>/dev/null
line=
printf 'r1#'
while IFS= read -r -n 1 -d '' c; do
	case $c in
	$'\r' | $'\n') printf '\n' ;;
	*) printf '%s' "$c"; line+=$c; continue ;;
	esac
	case $line in
	'') ;;
	'terminal length 0' | 'terminal width '*) ;;
	'show clock') echo '{{show clock}}' ;;
	'show version') echo '{{show version}}' ;;
	'show pid') echo $$ ;;
	exit | logout) exit 0 ;;
	*) echo "% Invalid input detected at '^' marker." ;;
	esac
	line=
	printf 'r1#'
done
`

// StartSSHDCLI is StartSSHD running CLIScript for one new ed25519 key,
// which it returns as PEM text for SSHD.Target.
func StartSSHDCLI(t testing.TB) (*SSHD, string) {
	t.Helper()
	key, pub := PrivateKey(t)
	return StartSSHD(t, SSHDOptions{AuthorizedKeys: []ssh.PublicKey{pub}, ForceCommand: CLIScript(t)}), key
}

// CLIScript writes cliScript to a temporary directory and returns its
// path, for SSHDOptions.ForceCommand.
func CLIScript(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cli.sh")
	script := cliScript
	for cmd, out := range CLIOutputs {
		script = strings.ReplaceAll(script, "{{"+cmd+"}}", out)
	}
	writeFile(t, path, script, 0o700)
	return path
}
