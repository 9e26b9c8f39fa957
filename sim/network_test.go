package sim_test

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/sim"
)

// hop logs in to an SSH server over conn (a TCP connection or a channel
// forwarded by the previous hop).
func hop(t *testing.T, conn net.Conn, addr string, key ssh.PublicKey, user, pw string) *ssh.Client {
	t.Helper()
	c, chans, reqs, err := ssh.NewClientConn(conn, addr, &ssh.ClientConfig{
		User: user, Auth: []ssh.AuthMethod{ssh.Password(pw)},
		HostKeyCallback: ssh.FixedHostKey(key), Timeout: waitFor,
	})
	if err != nil {
		t.Fatalf("%s: %v", addr, err)
	}
	client := ssh.NewClient(c, chans, reqs)
	t.Cleanup(func() { client.Close() })
	return client
}

// labNetwork is two bastions deep: 127.0.0.1 -> jump2.dc1.sim:22 ->
// r1.dc1.sim:22 and r2.dc1.sim:22.
func labNetwork(t *testing.T) (n *sim.Network, jump1, jump2 *sim.BastionServer, devs []*sim.Server) {
	t.Helper()
	n = sim.NewNetwork()
	var err error
	jump1, err = n.StartBastion("127.0.0.1:0", sim.Bastion{Username: "ops", Password: "jump", Latency: time.Millisecond}, hostKey(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jump1.Close() })
	jump2, err = n.ServeBastion("jump2.dc1.sim:22", sim.Bastion{Username: "ops", Password: "jump2"}, hostKey(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jump2.Close() })
	for _, name := range []string{"r1", "r2"} {
		d := labDevice()
		d.Hostname = name
		d.StartPrivileged = true
		s, err := n.Serve(name+".dc1.sim:22", d, hostKey(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		devs = append(devs, s)
	}
	return n, jump1, jump2, devs
}

func TestBastionTwoHops(t *testing.T) {
	t.Parallel()
	_, jump1, jump2, devs := labNetwork(t)
	if devs[0].Addr() != "r1.dc1.sim:22" || devs[0].Port() != 22 {
		t.Errorf("device address %s port %d", devs[0].Addr(), devs[0].Port())
	}

	tcp, err := net.Dial("tcp", jump1.Addr())
	if err != nil {
		t.Fatal(err)
	}
	c1 := hop(t, tcp, jump1.Addr(), jump1.HostKey(), "ops", "jump")
	conn2, err := c1.Dial("tcp", "jump2.dc1.sim:22")
	if err != nil {
		t.Fatal(err)
	}
	c2 := hop(t, conn2, "jump2.dc1.sim:22", jump2.HostKey(), "ops", "jump2")

	// One connection to the second bastion carries every device session.
	const sessions = 4
	for i := range sessions {
		s := devs[i%2]
		conn, err := c2.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		dc := hop(t, conn, s.Addr(), s.HostKey(), "cisco", "cisco")
		tm := shell(t, dc)
		host := strings.TrimSuffix(s.Addr(), ".dc1.sim:22")
		tm.expect(`\r\n` + host + `#$`)
		if got := tm.cmd("show ip interface brief | include Loopback", host+"#"); !strings.Contains(got, "10.255.255.1") {
			t.Errorf("through the bastions: %q", got)
		}
		if got := tm.cmd("show users", host+"#"); !strings.Contains(got, "jump2.dc1.sim") {
			t.Errorf("show users should name the last bastion: %q", got)
		}
		dc.Close()
	}
	if jump2.Connections() != 1 || jump2.Channels() != sessions {
		t.Errorf("jump2: %d connections, %d channels; want 1 and %d", jump2.Connections(), jump2.Channels(), sessions)
	}
	if jump1.Connections() != 1 || jump1.Channels() != 1 {
		t.Errorf("jump1: %d connections, %d channels; want 1 and 1", jump1.Connections(), jump1.Channels())
	}
	if devs[0].Sessions()+devs[1].Sessions() != sessions {
		t.Errorf("devices saw %d sessions", devs[0].Sessions()+devs[1].Sessions())
	}
}

func TestBastionRefuses(t *testing.T) {
	t.Parallel()
	_, jump1, _, _ := labNetwork(t)
	tcp, err := net.Dial("tcp", jump1.Addr())
	if err != nil {
		t.Fatal(err)
	}
	c1 := hop(t, tcp, jump1.Addr(), jump1.HostKey(), "ops", "jump")
	// Devices behind the second hop are not on the first bastion's route:
	// both are on the same network here, so use names that are not there.
	for _, target := range []string{"r9.dc1.sim:22", "192.0.2.1:22", "example.com:22", "127.0.0.1:1"} {
		_, err := c1.Dial("tcp", target)
		var open *ssh.OpenChannelError
		if !errors.As(err, &open) || open.Reason != ssh.ConnectionFailed {
			t.Errorf("%s: got %v, want connect failed", target, err)
		}
	}
	if n := jump1.Channels(); n != 0 {
		t.Errorf("%d channels forwarded", n)
	}

	// A bastion's own session is a shell that can only log out.
	tm := shell(t, c1)
	tm.expect(`\$ $`)
	tm.send("ls\n")
	tm.expect(`-bash: ls: command not found\r\n\$ $`)
	tm.send("exit\n")
	tm.waitEOF()

	// Bad bastion credentials fail the SSH login.
	tcp2, err := net.Dial("tcp", jump1.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer tcp2.Close()
	if _, _, _, err := ssh.NewClientConn(tcp2, jump1.Addr(), &ssh.ClientConfig{
		User: "ops", Auth: []ssh.AuthMethod{ssh.Password("wrong")},
		HostKeyCallback: ssh.FixedHostKey(jump1.HostKey()), Timeout: waitFor,
	}); err == nil {
		t.Error("bastion accepted a wrong password")
	}
}

// A bastion also forwards to devices listening on loopback, and closing a
// network server unregisters it.
func TestBastionLoopbackAndClose(t *testing.T) {
	t.Parallel()
	n, jump1, _, devs := labNetwork(t)
	d := labDevice()
	d.StartPrivileged = true
	tcpDev := start(t, d)
	tcp, err := net.Dial("tcp", jump1.Addr())
	if err != nil {
		t.Fatal(err)
	}
	c1 := hop(t, tcp, jump1.Addr(), jump1.HostKey(), "ops", "jump")
	conn, err := c1.Dial("tcp", tcpDev.Addr())
	if err != nil {
		t.Fatal(err)
	}
	shell(t, hop(t, conn, tcpDev.Addr(), tcpDev.HostKey(), "cisco", "cisco")).expect(`r1#$`)

	// The device on the network reached from the first bastion directly,
	// then closed while the session is open.
	conn, err = c1.Dial("tcp", "r1.dc1.sim:22")
	if err != nil {
		t.Fatal(err)
	}
	tm := shell(t, hop(t, conn, "r1.dc1.sim:22", devs[0].HostKey(), "cisco", "cisco"))
	tm.expect(`r1#$`)
	if err := devs[0].Close(); err != nil {
		t.Fatal(err)
	}
	tm.waitEOF()
	if _, err := c1.Dial("tcp", "r1.dc1.sim:22"); err == nil {
		t.Error("closed device still reachable")
	}
	if _, err := n.Serve("r2.dc1.sim:22", labDevice(), nil); err == nil {
		t.Error("two devices at one address")
	}
	if _, err := n.Serve("no-port", labDevice(), nil); err == nil {
		t.Error("address without a port accepted")
	}
}
