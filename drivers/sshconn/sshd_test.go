package sshconn_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/drivertest"
	"github.com/netrun/netrun/drivers/scrapli"
	"github.com/netrun/netrun/drivers/sshraw"
)

// The tests in this file run against a real OpenSSH server
// (drivertest.StartSSHD), and skip when it is not installed.

// connectors are the ways netrun connects: sshconn alone, and both
// drivers, which log in through it and then drive the CLI.
var connectors = []struct {
	name    string
	connect func(t *testing.T, tg drivers.Target) error
}{
	{"sshconn", dial},
	{"ssh", openWith(drivertest.NewDriver(sshraw.New))},
	{"scrapli", openWith(drivertest.NewDriver(scrapli.New))},
}

func openWith(newDriver func(testing.TB) drivers.Driver) func(*testing.T, drivers.Target) error {
	return func(t *testing.T, tg drivers.Target) error {
		sess, err := newDriver(t).Open(context.Background(), tg)
		if err == nil {
			sess.Close()
		}
		return err
	}
}

// startSSHD is a real sshd that lets in keys and runs drivertest's shell
// CLI, so that the drivers' logins complete.
func startSSHD(t *testing.T, keys ...ssh.PublicKey) *drivertest.SSHD {
	t.Helper()
	return drivertest.StartSSHD(t, drivertest.SSHDOptions{AuthorizedKeys: keys, ForceCommand: drivertest.CLIScript(t)})
}

// TestSSHDHostKeys: against OpenSSH, each connector refuses a host key
// that known_hosts lacks and one that changed (naming both fingerprints),
// writes nothing to known_hosts, and connects when it has the real key.
func TestSSHDHostKeys(t *testing.T) {
	t.Parallel()
	key, pub := drivertest.PrivateKey(t)
	s := startSSHD(t, pub)
	realFP := ssh.FingerprintSHA256(s.HostKey)
	old := drivertest.NewHostKey(t).PublicKey()
	for _, tt := range []struct {
		name  string
		known string // known_hosts content
		parts []string
	}{
		{name: "unknown", known: "# no key for the device yet\n",
			parts: []string{"r1: ", "unknown host key for " + s.Addr, "presented ssh-ed25519 " + realFP, "ssh-keyscan -p"}},
		{name: "other host", known: knownhosts.Line([]string{"[127.0.0.1]:1"}, s.HostKey) + "\n",
			parts: []string{"unknown host key", realFP}},
		{name: "changed", known: knownhosts.Line([]string{s.Addr}, old) + "\n",
			parts: []string{"r1: ", "CHANGED", "presented ssh-ed25519 " + realFP, "known_hosts has ssh-ed25519 " + ssh.FingerprintSHA256(old)}},
		{name: "real key", known: s.KnownHostsLine() + "\n"},
	} {
		for _, c := range connectors {
			t.Run(tt.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				tg := s.Target(key)
				tg.KnownHosts = filepath.Join(t.TempDir(), "known_hosts")
				if err := os.WriteFile(tg.KnownHosts, []byte(tt.known), 0o600); err != nil {
					t.Fatal(err)
				}
				err := c.connect(t, tg)
				if tt.parts == nil {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				wantErr(t, err, drivers.ErrHostKey, tt.parts...)
				if data, _ := os.ReadFile(tg.KnownHosts); string(data) != tt.known {
					t.Errorf("known_hosts was written:\n%s", data)
				}
			})
		}
	}
}

// TestSSHDKeyAuth: private_key credentials log in to OpenSSH with an
// ed25519 and an RSA key (which OpenSSH accepts only signed with SHA-2);
// a key it does not authorize fails with ErrAuth, naming the user.
func TestSSHDKeyAuth(t *testing.T) {
	t.Parallel()
	edKey, edPub := drivertest.PrivateKey(t)
	rsaKey, rsaPub := drivertest.RSAPrivateKey(t)
	wrongKey, _ := drivertest.PrivateKey(t)
	s := startSSHD(t, edPub, rsaPub)
	for _, tt := range []struct {
		name, key string
		ok        bool
	}{
		{"ed25519", edKey, true},
		{"rsa", rsaKey, true},
		{"wrong key", wrongKey, false},
	} {
		for _, c := range connectors {
			t.Run(tt.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				err := c.connect(t, s.Target(tt.key))
				if tt.ok {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				wantErr(t, err, drivers.ErrAuth, "r1: ", "user \""+s.User+"\"")
			})
		}
	}
}
