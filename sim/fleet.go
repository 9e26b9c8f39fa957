package sim

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Fleet is a set of simulated devices on consecutive loopback ports, for
// benchmarks and `netrun sim`.
type Fleet struct {
	Servers []*Server
}

// StartFleet starts n devices named prefix1..prefixN from template. They
// listen on consecutive ports from listen's port, or on any free ports when
// that port is 0, and share hostKey (nil: one fresh key for all), since
// per-device keys cost time and buy a benchmark nothing.
func StartFleet(listen string, n int, prefix string, template Device, hostKey ssh.Signer) (*Fleet, error) {
	host, portText, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, fmt.Errorf("sim: fleet address: %w", err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("sim: fleet port %q: %w", portText, err)
	}
	if hostKey == nil {
		if hostKey, err = NewHostKey(); err != nil {
			return nil, err
		}
	}
	f := &Fleet{Servers: make([]*Server, 0, n)}
	for i := 1; i <= n; i++ {
		d := template
		d.Hostname = prefix + strconv.Itoa(i)
		p := 0
		if port != 0 {
			p = port + i - 1
		}
		s, err := Start(net.JoinHostPort(host, strconv.Itoa(p)), d, hostKey)
		if err != nil {
			f.Close()
			return nil, err
		}
		f.Servers = append(f.Servers, s)
	}
	return f, nil
}

// Close stops every device.
func (f *Fleet) Close() error {
	var errs []error
	for _, s := range f.Servers {
		if err := s.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// KnownHosts returns known_hosts lines ("[127.0.0.1]:PORT ssh-ed25519
// AAAA...") for every device, so clients can verify keys as in production.
func (f *Fleet) KnownHosts() string {
	var b strings.Builder
	for _, s := range f.Servers {
		b.WriteString(knownhosts.Line([]string{knownhosts.Normalize(s.Addr())}, s.HostKey()))
		b.WriteByte('\n')
	}
	return b.String()
}
