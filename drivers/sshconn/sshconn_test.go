package sshconn_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/drivertest"
	"github.com/netrun/netrun/drivers/sshconn"
	"github.com/netrun/netrun/sim"
)

const (
	user     = drivertest.User
	password = drivertest.Password
)

// startSim serves a device on loopback until the test ends.
func startSim(t testing.TB) *sim.Server { return drivertest.StartSim(t, sim.Device{}) }

func target(s *sim.Server) drivers.Target {
	return drivers.Target{
		Name:        "r1",
		Host:        "127.0.0.1",
		Port:        s.Port(),
		Credentials: drivers.Credentials{Username: user, Password: password},
		Timeout:     10 * time.Second,
	}
}

// insecureTarget is target(s) without host key checks, for tests of
// something else.
func insecureTarget(s *sim.Server) drivers.Target {
	tg := target(s)
	tg.InsecureSkipHostKey = true
	return tg
}

func dial(t *testing.T, tg drivers.Target) error {
	t.Helper()
	c, err := sshconn.Dial(context.Background(), tg)
	if err == nil {
		c.Close()
	}
	return err
}

func wantErr(t *testing.T, err error, sentinel error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %v", sentinel)
	}
	if !errors.Is(err, sentinel) {
		t.Errorf("error %q is not %v", err, sentinel)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error lacks %q:\n%s", p, err)
		}
	}
}

func TestPins(t *testing.T) {
	t.Parallel()
	s := startSim(t)
	other := drivertest.NewHostKey(t)
	fp, otherFP := ssh.FingerprintSHA256(s.HostKey()), ssh.FingerprintSHA256(other.PublicKey())
	for _, tt := range []struct {
		name  string
		pins  []string
		ok    bool
		parts []string // in the error
	}{
		{name: "key", pins: []string{sshconn.Pin(s.HostKey())}, ok: true},
		{name: "key with comment", pins: []string{sshconn.Pin(s.HostKey()) + " r1 in the lab"}, ok: true},
		{name: "fingerprint", pins: []string{fp}, ok: true},
		{name: "one of several", pins: []string{otherFP, sshconn.Pin(s.HostKey())}, ok: true},
		{name: "other key", pins: []string{sshconn.Pin(other.PublicKey())}, parts: []string{"r1: ", "does not match host_key", "presented ssh-ed25519 " + fp, "accepts ssh-ed25519 " + otherFP}},
		{name: "other fingerprint", pins: []string{otherFP}, parts: []string{"presented ssh-ed25519 " + fp, "accepts " + otherFP}},
		{name: "garbage", pins: []string{"ssh-ed25519 nope"}, parts: []string{"neither a public key"}},
		{name: "short fingerprint", pins: []string{"SHA256:abc"}, parts: []string{"not a SHA256 fingerprint"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tg := target(s)
			tg.HostKeys = tt.pins
			// Pins win over known_hosts, which is not even read.
			tg.KnownHosts = filepath.Join(t.TempDir(), "nonexistent", "known_hosts")
			err := dial(t, tg)
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, drivers.ErrHostKey, tt.parts...)
		})
	}
}

func TestTrustOnFirstUse(t *testing.T) {
	t.Parallel()
	s := startSim(t)
	path := filepath.Join(t.TempDir(), "runbook", "known_hosts")
	var logs bytes.Buffer
	tg := target(s)
	tg.KnownHosts = path

	// Without the opt-in an unknown key is refused and nothing is written.
	wantErr(t, dial(t, tg), drivers.ErrHostKey, "unknown host key", "-accept-new-host-keys")
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("known_hosts written without -accept-new-host-keys: %v", err)
	}

	tg.AcceptNewHostKeys = true
	tg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	if err := dial(t, tg); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := knownhosts.Line([]string{s.Addr()}, s.HostKey()) + "\n"
	if string(data) != want {
		t.Errorf("known_hosts = %q, want %q", data, want)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("known_hosts mode %v, want 0600", fi.Mode().Perm())
	}
	if !strings.Contains(logs.String(), "level=INFO") || !strings.Contains(logs.String(), ssh.FingerprintSHA256(s.HostKey())) {
		t.Errorf("recording was not logged at info with the fingerprint:\n%s", logs.String())
	}

	// The next connections verify from the file and write nothing.
	tg.AcceptNewHostKeys = false
	for range 2 {
		if err := dial(t, tg); err != nil {
			t.Fatal(err)
		}
	}
	tg.AcceptNewHostKeys = true
	if err := dial(t, tg); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(again, data) {
		t.Errorf("known_hosts changed on later connections:\n%s", again)
	}
}

func TestChangedKeyRefused(t *testing.T) {
	t.Parallel()
	s := startSim(t)
	old := drivertest.NewHostKey(t)
	path := filepath.Join(t.TempDir(), "known_hosts")
	// No trailing newline: a recorded line must still start on its own.
	content := "# lab\n" + knownhosts.Line([]string{s.Addr()}, old.PublicKey())
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, accept := range []bool{false, true} {
		tg := target(s)
		tg.KnownHosts = path
		tg.AcceptNewHostKeys = accept
		wantErr(t, dial(t, tg), drivers.ErrHostKey,
			"r1: ", "CHANGED",
			"presented ssh-ed25519 "+ssh.FingerprintSHA256(s.HostKey()),
			"known_hosts has ssh-ed25519 "+ssh.FingerprintSHA256(old.PublicKey()),
			path+":2", "ssh-keygen -R")
	}
	if data, _ := os.ReadFile(path); string(data) != content {
		t.Errorf("a changed key was written to known_hosts:\n%s", data)
	}
}

// TestConcurrentTrustOnFirstUse records 20 devices at once, each dialled
// twice, and checks the file holds each once and parses.
func TestConcurrentTrustOnFirstUse(t *testing.T) {
	t.Parallel()
	const n = 20
	servers := make([]*sim.Server, n)
	for i := range servers {
		servers[i] = startSim(t)
	}
	path := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(path, []byte("# netrun\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range 2 * n {
		wg.Go(func() {
			tg := target(servers[i%n])
			tg.KnownHosts = path
			tg.AcceptNewHostKeys = true
			c, err := sshconn.Dial(context.Background(), tg)
			if err != nil {
				errs <- err
				return
			}
			c.Close()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != n+1 {
		t.Errorf("known_hosts has %d lines, want %d:\n%s", len(lines), n+1, data)
	}
	cb, err := knownhosts.New(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range servers {
		if err := cb(s.Addr(), &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: s.Port()}, s.HostKey()); err != nil {
			t.Errorf("%s: %v", s.Addr(), err)
		}
		tg := target(s)
		tg.KnownHosts = path
		if err := dial(t, tg); err != nil {
			t.Error(err)
		}
	}
}

func TestKnownHosts(t *testing.T) {
	t.Parallel()
	s := startSim(t)
	path := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(path, []byte(knownhosts.Line([]string{s.Addr()}, s.HostKey())+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tg := target(s)
	tg.KnownHosts = path
	if err := dial(t, tg); err != nil {
		t.Fatal(err)
	}
	tg.KnownHosts = filepath.Join(t.TempDir(), "missing")
	wantErr(t, dial(t, tg), drivers.ErrHostKey, "does not exist", "ssh-keyscan -p")
}

func TestInsecureSkipHostKeyWarns(t *testing.T) {
	t.Parallel()
	s := startSim(t)
	var logs bytes.Buffer
	tg := insecureTarget(s)
	tg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	if err := dial(t, tg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "insecure_skip_host_key") {
		t.Errorf("no warning logged:\n%s", logs.String())
	}
}

func TestAuthFailure(t *testing.T) {
	t.Parallel()
	s := startSim(t)
	tg := insecureTarget(s)
	tg.Credentials.Password = "wrong-password"
	err := dial(t, tg)
	wantErr(t, err, drivers.ErrAuth, "r1: ", `user "cisco"`, s.Addr())
	if err != nil && strings.Contains(err.Error(), "wrong-password") {
		t.Errorf("error shows the password: %s", err)
	}
	tg.Credentials.Password = ""
	wantErr(t, dial(t, tg), drivers.ErrAuth, "neither a password nor a private key")
}

func TestDialerAndTimeout(t *testing.T) {
	t.Parallel()
	s := startSim(t)
	var dialled atomic.Int32
	tg := insecureTarget(s)
	tg.Host, tg.Port = "r1.dc1.sim", 22 // only the dialer knows where that is
	tg.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dialled.Add(1)
		if addr != "r1.dc1.sim:22" {
			t.Errorf("dialled %q", addr)
		}
		var d net.Dialer
		return d.DialContext(ctx, network, s.Addr())
	}
	if err := dial(t, tg); err != nil {
		t.Fatal(err)
	}
	if dialled.Load() != 1 {
		t.Errorf("dialer called %d times", dialled.Load())
	}

	ln := muteListener(t)
	tg = insecureTarget(s)
	tg.Port = ln.Addr().(*net.TCPAddr).Port
	tg.Timeout = 200 * time.Millisecond
	start := time.Now()
	wantErr(t, dial(t, tg), drivers.ErrTimeout, "r1: connection failed to "+ln.Addr().String())
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timeout took %s", d)
	}
}

// serve accepts loopback connections until the test ends, each handled in
// its own goroutine.
func serve(t *testing.T, handle func(net.Conn)) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go handle(c)
		}
	}()
	return ln
}

// muteListener is a server that accepts connections and never speaks SSH.
func muteListener(t *testing.T) net.Listener {
	return serve(t, func(c net.Conn) {
		<-t.Context().Done()
		c.Close()
	})
}

func TestCheck(t *testing.T) {
	t.Parallel()
	legacy := drivers.Algorithms{
		KeyExchanges:      []string{"diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1"},
		Ciphers:           []string{"aes128-cbc", "3des-cbc"},
		HostKeyAlgorithms: []string{"ssh-rsa"},
		MACs:              []string{"hmac-sha1-96", "hmac-sha1"},
	}
	if err := sshconn.Check(legacy); err != nil {
		t.Errorf("legacy names refused: %v", err)
	}
	if err := sshconn.Check(sshconn.Supported()); err != nil {
		t.Errorf("Supported() refused: %v", err)
	}
	err := sshconn.Check(drivers.Algorithms{
		KeyExchanges: []string{"diffie-hellman-group1-sha1", "diffie-hellman-group99"},
		Ciphers:      []string{"ssh-rsa"}, // right name, wrong kind
		MACs:         []string{"hmac-md5"},
	})
	if err == nil {
		t.Fatal("unknown names accepted")
	}
	for _, want := range []string{`key_exchanges "diffie-hellman-group99"`, `ciphers "ssh-rsa"`, `macs "hmac-md5"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), `"diffie-hellman-group1-sha1" (`) {
		t.Errorf("a known name is reported: %v", err)
	}
}

// legacyServer is an SSH server that offers only old algorithms, as a 2010
// IOS image does, and accepts user/password.
func legacyServer(t *testing.T) (port int, key ssh.PublicKey) {
	t.Helper()
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(rk)
	if err != nil {
		t.Fatal(err)
	}
	sha1Only, err := ssh.NewSignerWithAlgorithms(signer.(ssh.AlgorithmSigner), []string{ssh.KeyAlgoRSA})
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ServerConfig{
		Config: ssh.Config{
			KeyExchanges: []string{"diffie-hellman-group1-sha1"},
			Ciphers:      []string{"aes128-cbc", "3des-cbc"},
			MACs:         []string{"hmac-sha1"},
		},
		PasswordCallback: func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			if c.User() == user && string(pw) == password {
				return nil, nil
			}
			return nil, errors.New("denied")
		},
	}
	cfg.AddHostKey(sha1Only)
	srv := drivertest.ServeSSH(t, cfg, func(ch ssh.Channel, _ <-chan *ssh.Request) { ch.Close() })
	return srv.Port(), signer.PublicKey()
}

func TestLegacyAlgorithms(t *testing.T) {
	t.Parallel()
	port, key := legacyServer(t)
	base := drivers.Target{
		Name:        "old-ios",
		Host:        "127.0.0.1",
		Port:        port,
		Credentials: drivers.Credentials{Username: user, Password: password},
		HostKeys:    []string{sshconn.Pin(key)},
		Timeout:     10 * time.Second,
	}

	wantErr(t, dial(t, base), drivers.ErrConnect, "old-ios: ", "no common algorithm")

	kexOnly := base
	kexOnly.Algorithms = drivers.Algorithms{KeyExchanges: []string{"diffie-hellman-group1-sha1"}}
	wantErr(t, dial(t, kexOnly), drivers.ErrConnect, "no common algorithm")

	legacy := base
	legacy.Algorithms = drivers.Algorithms{
		KeyExchanges:      []string{"diffie-hellman-group1-sha1"},
		Ciphers:           []string{"aes128-cbc"},
		HostKeyAlgorithms: []string{"ssh-rsa"},
	}
	if err := dial(t, legacy); err != nil {
		t.Fatal(err)
	}
	cfg, err := sshconn.ClientConfig(legacy)
	if err != nil {
		t.Fatal(err)
	}
	// Added to the defaults, not instead of them.
	for _, want := range []string{"curve25519-sha256", "diffie-hellman-group1-sha1"} {
		if !slices.Contains(cfg.KeyExchanges, want) {
			t.Errorf("KeyExchanges %v lack %s", cfg.KeyExchanges, want)
		}
	}
	for _, want := range []string{"aes128-gcm@openssh.com", "aes128-cbc"} {
		if !slices.Contains(cfg.Ciphers, want) {
			t.Errorf("Ciphers %v lack %s", cfg.Ciphers, want)
		}
	}
}

// TestLegacySimDevice: a simulated device that offers only what a 2010
// IOS image does needs the opt-in, and works with it.
func TestLegacySimDevice(t *testing.T) {
	t.Parallel()
	legacy := sim.LegacyAlgorithms
	s, err := sim.Start("127.0.0.1:0", sim.Device{Hostname: "old", Username: user, Password: password, Algorithms: legacy}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	tg := insecureTarget(s)
	wantErr(t, dial(t, tg), drivers.ErrConnect, "no common algorithm")
	tg.Algorithms = legacy
	if err := dial(t, tg); err != nil {
		t.Fatal(err)
	}
}
