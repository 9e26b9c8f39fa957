package sim_test

import (
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/sim"
)

func TestLegacyAlgorithms(t *testing.T) {
	t.Parallel()
	legacy := sim.LegacyAlgorithms
	d := labDevice()
	d.Algorithms = legacy
	d.StartPrivileged = true
	s := start(t, d)
	if typ := s.HostKey().Type(); typ != ssh.KeyAlgoRSA {
		t.Errorf("host key type %s, want ssh-rsa", typ)
	}

	if c, err := dial(s, "cisco", ssh.Password("cisco")); err == nil {
		c.Close()
		t.Fatal("a client with default algorithms connected to a legacy-only device")
	}

	def := ssh.SupportedAlgorithms()
	cfg := &ssh.ClientConfig{
		User: "cisco", Auth: []ssh.AuthMethod{ssh.Password("cisco")},
		HostKeyCallback:   ssh.FixedHostKey(s.HostKey()),
		HostKeyAlgorithms: append(def.HostKeys, legacy.HostKeyAlgorithms...),
		Timeout:           waitFor,
	}
	cfg.KeyExchanges = append(def.KeyExchanges, legacy.KeyExchanges...)
	cfg.Ciphers = append(def.Ciphers, legacy.Ciphers...)
	cfg.MACs = append(def.MACs, legacy.MACs...)
	c, err := ssh.Dial("tcp", s.Addr(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	shell(t, c).expect(`r1#$`)

	// Restricting only the key exchange leaves the rest at the defaults.
	d.Algorithms = drivers.Algorithms{KeyExchanges: legacy.KeyExchanges}
	s2 := start(t, d)
	if s2.HostKey().Type() != ssh.KeyAlgoED25519 {
		t.Errorf("host key changed: %s", s2.HostKey().Type())
	}
	if c, err := dial(s2, "cisco", ssh.Password("cisco")); err == nil {
		c.Close()
		t.Error("default client agreed on a key exchange it does not offer")
	}
	cfg.HostKeyCallback = ssh.FixedHostKey(s2.HostKey())
	c2, err := ssh.Dial("tcp", s2.Addr(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	c2.Close()

	d.Algorithms = drivers.Algorithms{HostKeyAlgorithms: []string{"ssh-dss"}}
	if _, err := sim.Start("127.0.0.1:0", d, hostKey(t)); err == nil {
		t.Error("started with no host key for the algorithms")
	}
}
