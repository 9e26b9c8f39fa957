package sim

import (
	"errors"
	"fmt"
	"net"
	"strconv"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/engine/config"
)

// RunbookFleet is the in-process simulators that stand in for a runbook's
// devices under -sim.
type RunbookFleet struct {
	Endpoints map[string]drivers.Endpoint
	// JumpEndpoints send jump hosts to their simulated bastions
	// (JumpOptions.Endpoints).
	JumpEndpoints map[string]drivers.Endpoint
	// Servers are the simulators by device name, Bastions by jump host
	// name: Close stops them, tests inspect them.
	Servers  map[string]*Server
	Bastions map[string]*BastionServer
}

// Close stops every simulator.
func (f *RunbookFleet) Close() error {
	var errs []error
	for _, s := range f.Servers {
		errs = append(errs, s.Close())
	}
	for _, b := range f.Bastions {
		errs = append(errs, b.Close())
	}
	return errors.Join(errs...)
}

// ServeRunbook starts one simulated device per runbook device: hostname =
// device name, the device's own platform and credentials unless its sim
// block says otherwise (which is how an example shows a wrong password). A
// device reached directly listens on a free loopback port; a device behind
// jump hosts is served only on an in-memory network, at its declared
// address, behind simulated bastions (the first hop on loopback), so -sim
// exercises the same tunnels a real run opens. The endpoints send each
// device and bastion to its simulator and trust its key.
func ServeRunbook(rb *config.Runbook) (*RunbookFleet, error) {
	key, err := NewHostKey()
	if err != nil {
		return nil, err
	}
	f := &RunbookFleet{
		Endpoints: map[string]drivers.Endpoint{}, JumpEndpoints: map[string]drivers.Endpoint{},
		Servers: map[string]*Server{}, Bastions: map[string]*BastionServer{},
	}
	network := NewNetwork()
	fail := func(err error) (*RunbookFleet, error) {
		f.Close()
		return nil, err
	}
	// Bastions first, parents before children.
	for _, h := range jumpOrder(rb) {
		b := Bastion{Username: h.Credentials.Username, Password: h.Credentials.Password}
		if pub := publicKey(h.Credentials.PrivateKey); pub != nil {
			b.AuthorizedKeys = []ssh.PublicKey{pub}
		}
		var bs *BastionServer
		if h.Via == "" {
			bs, err = network.StartBastion("127.0.0.1:0", b, key)
		} else {
			bs, err = network.ServeBastion(net.JoinHostPort(h.Host, strconv.Itoa(h.Port)), b, key)
		}
		if err != nil {
			return fail(fmt.Errorf("simulate jump_host.%s: %w", h.Name, err))
		}
		f.Bastions[h.Name] = bs
		f.JumpEndpoints[h.Name] = endpoint(h.Via, h.Host, h.Port, bs)
	}
	for _, d := range rb.Devices {
		sd := Device{
			Hostname:    d.Name,
			Platform:    d.Platform,
			Username:    d.Credentials.Username,
			Password:    d.Credentials.Password,
			Enable:      d.Credentials.Enable,
			Latency:     d.Sim.Latency,
			BannerDelay: d.Sim.BannerDelay,
			HangOn:      d.Sim.HangOn,
			DropOn:      d.Sim.DropOn,
			PageLength:  d.Sim.PageLength,
			Config:      d.Sim.Config,
			RejectLines: d.Sim.RejectLines,
			Flood:       d.Sim.Flood,
		}
		if d.Sim.Password != nil {
			sd.Password = *d.Sim.Password
		}
		if d.Sim.Enable != nil {
			sd.Enable = *d.Sim.Enable
		}
		// A key netrun cannot use (a passphrase, say) is not authorized
		// here; the driver then fails that device alone, with its reason.
		if pub := publicKey(d.Credentials.PrivateKey); pub != nil {
			sd.AuthorizedKeys = []ssh.PublicKey{pub}
		}
		var s *Server
		if d.Via == "" {
			s, err = Start("127.0.0.1:0", sd, key)
		} else {
			s, err = network.Serve(net.JoinHostPort(d.Host, strconv.Itoa(d.Port)), sd, key)
		}
		if err != nil {
			return fail(fmt.Errorf("simulate %s: %w", d.Name, err))
		}
		f.Servers[d.Name] = s
		f.Endpoints[d.Name] = endpoint(d.Via, d.Host, d.Port, s)
	}
	return f, nil
}

// endpoint is where a driver reaches the simulator s of a device or jump
// host: its loopback listener, or, behind a jump host (via), the address the
// runbook gives, which s serves on the Network.
func endpoint(via, host string, port int, s interface {
	Addr() string
	HostKey() ssh.PublicKey
}) drivers.Endpoint {
	if via == "" {
		h, p, _ := net.SplitHostPort(s.Addr())
		host = h
		port, _ = strconv.Atoi(p)
	}
	return drivers.Endpoint{Host: host, Port: port, HostKey: s.HostKey()}
}

// jumpOrder lists jump hosts so each comes after the one it goes via.
func jumpOrder(rb *config.Runbook) []*config.JumpHost {
	var out []*config.JumpHost
	done := map[string]bool{}
	var visit func(h *config.JumpHost, depth int)
	visit = func(h *config.JumpHost, depth int) {
		if h == nil || done[h.Name] || depth > len(rb.JumpHosts) {
			return
		}
		if h.Via != "" {
			visit(rb.JumpHost(h.Via), depth+1)
		}
		done[h.Name] = true
		out = append(out, h)
	}
	for _, h := range rb.JumpHosts {
		visit(h, 0)
	}
	return out
}

func publicKey(pem string) ssh.PublicKey {
	if pem == "" {
		return nil
	}
	signer, err := ssh.ParsePrivateKey([]byte(pem))
	if err != nil {
		return nil
	}
	return signer.PublicKey()
}
