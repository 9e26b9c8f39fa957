package engine

import (
	"errors"
	"fmt"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers/sim"
	"github.com/netrun/netrun/engine/config"
)

// SimFleet is the in-process simulators that stand in for a runbook's
// devices under -sim.
type SimFleet struct {
	servers   []*sim.Server
	Endpoints map[string]Endpoint
	// Servers are the simulators by device name, for tests to inspect.
	Servers map[string]*sim.Server
}

// Close stops every simulator.
func (f *SimFleet) Close() error {
	var errs []error
	for _, s := range f.servers {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}

// ServeSim starts one simulated device per runbook device on a free loopback
// port: hostname = device name, the device's own credentials unless its
// sim block says otherwise (which is how an example shows a wrong password).
// The endpoints send each device to its simulator and trust its key.
func ServeSim(rb *config.Runbook) (*SimFleet, error) {
	key, err := sim.NewHostKey()
	if err != nil {
		return nil, err
	}
	f := &SimFleet{Endpoints: map[string]Endpoint{}, Servers: map[string]*sim.Server{}}
	for _, d := range rb.Devices {
		sd := sim.Device{
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
		}
		if d.Sim.Password != nil {
			sd.Password = *d.Sim.Password
		}
		if d.Sim.Enable != nil {
			sd.Enable = *d.Sim.Enable
		}
		if d.Credentials.PrivateKey != "" {
			// A key netrun cannot use (a passphrase, say) is not authorized
			// here; the driver then fails that device alone, with its reason.
			if signer, err := ssh.ParsePrivateKey([]byte(d.Credentials.PrivateKey)); err == nil {
				sd.AuthorizedKeys = []ssh.PublicKey{signer.PublicKey()}
			}
		}
		s, err := sim.Start("127.0.0.1:0", sd, key)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("simulate %s: %w", d.Name, err)
		}
		f.servers = append(f.servers, s)
		f.Servers[d.Name] = s
		f.Endpoints[d.Name] = Endpoint{Host: "127.0.0.1", Port: s.Port(), HostKey: s.HostKey()}
	}
	return f, nil
}
