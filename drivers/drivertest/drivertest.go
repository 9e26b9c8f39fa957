// Package drivertest is what the drivers' tests share: one conformance suite
// (Run) that every driver — sshraw, scrapli, the plugin pool — runs against
// simulated devices over real SSH on loopback, and the helpers those tests
// and the drivers' own tests use (start a simulator or a bare SSH server,
// a Target that trusts it, open a session, run a command, secret checks),
// and StartSSHD, a real OpenSSH server as a test peer (sshd.go). Tests
// collect logs and transcripts in a drivers.SyncWriter.
//
// It is for tests only: no production code imports it. It does not test the
// simulator (sim/ tests itself) or SSH connection policy in depth
// (drivers/sshconn does).
package drivertest

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/platform"
	"github.com/netrun/netrun/drivers/sshconn"
	"github.com/netrun/netrun/sim"
)

// The login StartSim configures and Target uses.
const (
	User     = "cisco"
	Password = "s3cr3t-pw"
	Secret   = "en4ble-s3cret"
)

// NoSecret as a Device.Enable makes StartSim configure enable without a
// secret.
const NoSecret = "<none>"

// Test-only platforms, registered when this package is imported (so also in
// a worker process that serves drivers to the plugin pool).
const (
	// PagedPlatform is IOS without the on-open commands, so paging stays on.
	PagedPlatform = "drivertest_paged"
	// ExpectPlatform is IOS whose default answers reply to copy's
	// question, for the test of DefaultExpect (no built-in platform has one).
	ExpectPlatform = "drivertest_expect"
)

func init() {
	p := platform.Platforms["cisco_iosxe"]
	p.Name, p.OnOpen = PagedPlatform, nil
	platform.Platforms[PagedPlatform] = p

	p = platform.Platforms["cisco_iosxe"]
	p.Name = ExpectPlatform
	p.DefaultExpect = []drivers.Expect{{Prompt: `Destination filename \[[^\]]*\]\?`, Answer: ""}}
	platform.Platforms[ExpectPlatform] = p
}

// HostKey is the simulators' host key, generated once per process: an
// ed25519 key costs little, but hundreds of simulators add up.
var HostKey = sync.OnceValue(func() ssh.Signer {
	k, err := sim.NewHostKey()
	if err != nil {
		panic(err)
	}
	return k
})

// NewHostKey is a fresh ed25519 key, for a test that needs a key other
// than HostKey.
func NewHostKey(t testing.TB) ssh.Signer {
	t.Helper()
	k, err := sim.NewHostKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// StartSim serves dev on loopback with HostKey until the test ends.
// Hostname, user and secrets default to "r1" and the constants above (no
// password when dev has AuthorizedKeys).
func StartSim(t testing.TB, dev sim.Device) *sim.Server {
	t.Helper()
	if dev.Hostname == "" {
		dev.Hostname = "r1"
	}
	if dev.Username == "" {
		dev.Username = User
	}
	if dev.Password == "" && len(dev.AuthorizedKeys) == 0 {
		dev.Password = Password
	}
	switch dev.Enable {
	case "":
		dev.Enable = Secret
	case NoSecret:
		dev.Enable = ""
	}
	s, err := sim.Start("127.0.0.1:0", dev, HostKey())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// ServeSSH serves cfg on loopback until the test ends, each session
// channel passed to session (see sim.ServeSSH): the server for what the
// simulator does not do.
func ServeSSH(t testing.TB, cfg *ssh.ServerConfig, session func(ch ssh.Channel, reqs <-chan *ssh.Request)) *sim.SSHServer {
	t.Helper()
	s, err := sim.ServeSSH("127.0.0.1:0", cfg, session)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Target is device "r1" on s, logging in with the constants above. It
// trusts the simulator's key twice: with a HostKeyCallback for in-process
// drivers, and pinned in HostKeys for the plugin pool, which cannot pass a
// callback to its processes.
func Target(s *sim.Server) drivers.Target {
	return drivers.Target{
		Name:            "r1",
		Host:            "127.0.0.1",
		Port:            s.Port(),
		Credentials:     drivers.Credentials{Username: User, Password: Password, Enable: Secret},
		Timeout:         5 * time.Second,
		HostKeyCallback: ssh.FixedHostKey(s.HostKey()),
		HostKeys:        []string{sshconn.Pin(s.HostKey())},
	}
}

// NewDriver adapts a driver package's New (sshraw.New, scrapli.New) to
// what Run takes: each call returns a driver built with no options, and a
// failing New fails the test.
func NewDriver[D drivers.Driver, O any](newFn func(...O) (D, error)) func(testing.TB) drivers.Driver {
	return func(t testing.TB) drivers.Driver {
		t.Helper()
		d, err := newFn()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
}

// MustOpen opens a session to tg with d, closed when the test ends.
func MustOpen(t testing.TB, d drivers.Driver, tg drivers.Target) drivers.Session {
	t.Helper()
	sess, err := d.Open(context.Background(), tg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { sess.Close() })
	return sess
}

// MustRun runs cmd on sess and fails the test on an error (a failed Result
// is not an error).
func MustRun(t testing.TB, sess drivers.Session, cmd string, opts ...drivers.RunOption) drivers.Result {
	t.Helper()
	res, err := sess.Run(context.Background(), cmd, opts...)
	if err != nil {
		t.Fatalf("Run(%q): %v", cmd, err)
	}
	return res
}

// RunCancelled runs command on sess with a context cancelled after 100ms,
// as Ctrl-C cancels a run, and returns how long Run took and its error.
func RunCancelled(sess drivers.Session, command string) (time.Duration, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := sess.Run(ctx, command)
	return time.Since(start), err
}

// AssertNoSecrets fails the test if text (an error message, a transcript)
// shows Password or Secret.
func AssertNoSecrets(t testing.TB, text string) {
	t.Helper()
	for _, s := range []string{Password, Secret} {
		if strings.Contains(text, s) {
			t.Errorf("secret %q revealed in: %s", s, text)
		}
	}
}

// PrivateKey returns a new ed25519 key as PEM text, and its public key.
func PrivateKey(t testing.TB) (string, ssh.PublicKey) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return privateKeyPEM(t, priv)
}

// RSAPrivateKey returns a new 2048-bit RSA key as PEM text, and its public
// key: OpenSSH accepts it only signed with SHA-2, which x/crypto must
// negotiate.
func RSAPrivateKey(t testing.TB) (string, ssh.PublicKey) {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return privateKeyPEM(t, priv)
}

// privateKeyPEM is priv in OpenSSH's PEM format, as ssh-keygen writes it,
// and its public key.
func privateKeyPEM(t testing.TB, priv crypto.Signer) (string, ssh.PublicKey) {
	t.Helper()
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(block)), sshPub
}
