package sshconn

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
)

// Supported lists, per kind, every algorithm name x/crypto/ssh implements,
// the insecure ones included: the names a runbook's ssh block may add.
func Supported() drivers.Algorithms {
	sec, insec := ssh.SupportedAlgorithms(), ssh.InsecureAlgorithms()
	var defaults ssh.Config
	defaults.SetDefaults()
	union := func(lists ...[]string) []string {
		var out []string
		for _, l := range lists {
			for _, n := range l {
				if !slices.Contains(out, n) {
					out = append(out, n)
				}
			}
		}
		return out
	}
	return drivers.Algorithms{
		KeyExchanges:      union(sec.KeyExchanges, defaults.KeyExchanges, insec.KeyExchanges),
		Ciphers:           union(sec.Ciphers, defaults.Ciphers, insec.Ciphers),
		HostKeyAlgorithms: union(sec.HostKeys, insec.HostKeys),
		MACs:              union(sec.MACs, defaults.MACs, insec.MACs),
	}
}

// Check reports the names in a that x/crypto/ssh does not implement, per
// kind, with the kind as the runbook's ssh block spells it.
func Check(a drivers.Algorithms) error {
	s := Supported()
	var bad []string
	for _, k := range []struct {
		kind        string
		names, know []string
	}{
		{"key_exchanges", a.KeyExchanges, s.KeyExchanges},
		{"ciphers", a.Ciphers, s.Ciphers},
		{"host_key_algorithms", a.HostKeyAlgorithms, s.HostKeyAlgorithms},
		{"macs", a.MACs, s.MACs},
	} {
		for _, n := range k.names {
			if !slices.Contains(k.know, n) {
				bad = append(bad, fmt.Sprintf("%s %q (known: %s)", k.kind, n, strings.Join(k.know, ", ")))
			}
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("unsupported SSH algorithms: %s", strings.Join(bad, "; "))
	}
	return nil
}

// applyAlgorithms adds extra to x/crypto's defaults in cfg, kind by kind;
// kinds without extra names keep x/crypto's own choice. hostAlgos, when
// set, is the host key algorithms known_hosts or pins can verify, which
// replaces the defaults for host keys.
func applyAlgorithms(cfg *ssh.ClientConfig, extra drivers.Algorithms, hostAlgos []string) {
	var defaults ssh.Config
	defaults.SetDefaults()
	add := func(base, more []string) []string {
		out := slices.Clone(base)
		for _, n := range more {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		return out
	}
	if len(extra.KeyExchanges) > 0 {
		cfg.KeyExchanges = add(defaults.KeyExchanges, extra.KeyExchanges)
	}
	if len(extra.Ciphers) > 0 {
		cfg.Ciphers = add(defaults.Ciphers, extra.Ciphers)
	}
	if len(extra.MACs) > 0 {
		cfg.MACs = add(defaults.MACs, extra.MACs)
	}
	switch {
	case len(hostAlgos) > 0:
		cfg.HostKeyAlgorithms = add(hostAlgos, extra.HostKeyAlgorithms)
	case len(extra.HostKeyAlgorithms) > 0:
		cfg.HostKeyAlgorithms = add(ssh.SupportedAlgorithms().HostKeys, extra.HostKeyAlgorithms)
	}
}
