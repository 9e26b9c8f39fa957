package sim

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
)

// Network is an in-memory network of devices and bastions that have no TCP
// listener: the only way in is an SSH bastion started with StartBastion on
// loopback, which forwards direct-tcpip channels to them (several hops deep
// through ServeBastion). Names are virtual ("r1.dc1.sim:22") and never
// resolved, so nothing here can reach past the machine.
type Network struct {
	mu    sync.Mutex
	hosts map[string]host
}

// host is what a forwarded channel can be handed to.
type host interface {
	handoff(nc net.Conn) bool
}

// NewNetwork returns an empty network.
func NewNetwork() *Network { return &Network{hosts: make(map[string]host)} }

func netKey(addr string) (string, error) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("sim: network address: %w", err)
	}
	if _, err := strconv.ParseUint(p, 10, 16); err != nil || h == "" {
		return "", fmt.Errorf("sim: network address %q: want host:port", addr)
	}
	return net.JoinHostPort(strings.ToLower(h), p), nil
}

func (n *Network) register(addr string, h host) (string, error) {
	key, err := netKey(addr)
	if err != nil {
		return "", err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, dup := n.hosts[key]; dup {
		return "", fmt.Errorf("sim: network address %s already in use", key)
	}
	n.hosts[key] = h
	return key, nil
}

func (n *Network) unregister(key string, h host) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.hosts[key] == h {
		delete(n.hosts, key)
	}
}

func (n *Network) lookup(addr string) host {
	key, err := netKey(addr)
	if err != nil {
		return nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.hosts[key]
}

// Serve registers a device at the virtual address addr ("r1.dc1.sim:22"),
// reachable only through a bastion on this network. The server behaves as
// Start's does, without a TCP listener; Close unregisters it.
func (n *Network) Serve(addr string, d Device, hostKey ssh.Signer) (*Server, error) {
	s, err := newServer(d, hostKey)
	if err != nil {
		return nil, err
	}
	if err := s.svc.register(n, addr, s); err != nil {
		return nil, err
	}
	return s, nil
}

// Bastion describes a simulated jump host.
type Bastion struct {
	Username string // "" accepts any user name
	Password string
	// AuthorizedKeys may log in with public-key auth. With no password and
	// no keys the bastion accepts anyone.
	AuthorizedKeys []ssh.PublicKey
	// Latency is added when opening each forwarded channel.
	Latency time.Duration
}

// BastionServer is a running bastion: on loopback (StartBastion) or at a
// virtual address of a Network (ServeBastion).
type BastionServer struct {
	net     *Network // what it forwards to
	b       Bastion
	hostKey ssh.Signer
	cfg     *ssh.ServerConfig
	svc     service

	conns, chans atomic.Int64
}

func (n *Network) newBastion(b Bastion, hostKey ssh.Signer) (*BastionServer, error) {
	if hostKey == nil {
		var err error
		if hostKey, err = NewHostKey(); err != nil {
			return nil, err
		}
	}
	bs := &BastionServer{
		net: n, b: b, hostKey: hostKey,
		cfg: authConfig("SSH-2.0-OpenSSH_9.6", b.Username, b.Password, b.AuthorizedKeys),
	}
	bs.svc.init()
	bs.cfg.AddHostKey(hostKey)
	return bs, nil
}

// StartBastion listens on listen (a loopback address such as "127.0.0.1:0")
// and forwards direct-tcpip channels to the network's devices and bastions,
// or over TCP to 127.0.0.0/8; any other target is refused. A nil hostKey
// gets a fresh one.
func (n *Network) StartBastion(listen string, b Bastion, hostKey ssh.Signer) (*BastionServer, error) {
	bs, err := n.newBastion(b, hostKey)
	if err != nil {
		return nil, err
	}
	if err := bs.svc.listen(listen, bs.serveConn); err != nil {
		return nil, fmt.Errorf("sim: bastion: %w", err)
	}
	return bs, nil
}

// ServeBastion registers a bastion at the virtual address addr, reachable
// only through another bastion: the second hop of a jump chain.
func (n *Network) ServeBastion(addr string, b Bastion, hostKey ssh.Signer) (*BastionServer, error) {
	bs, err := n.newBastion(b, hostKey)
	if err != nil {
		return nil, err
	}
	if err := bs.svc.register(n, addr, bs); err != nil {
		return nil, err
	}
	return bs, nil
}

// Addr is the listening address, or the virtual one on the network.
func (b *BastionServer) Addr() string { return b.svc.addr() }

// HostKey is the public host key clients should trust.
func (b *BastionServer) HostKey() ssh.PublicKey { return b.hostKey.PublicKey() }

// Connections counts the SSH connections accepted (authenticated) so far.
func (b *BastionServer) Connections() int64 { return b.conns.Load() }

// Channels counts the direct-tcpip channels forwarded so far.
func (b *BastionServer) Channels() int64 { return b.chans.Load() }

// Close stops the bastion, closes its connections (and so every channel
// forwarded through it) and waits for its goroutines.
func (b *BastionServer) Close() error { return b.svc.stop(b) }

// handoff serves a forwarded connection (host); false once closed.
func (b *BastionServer) handoff(nc net.Conn) bool { return b.svc.handoff(nc, b.serveConn) }

func (b *BastionServer) serveConn(nc net.Conn) {
	sc, chans, ok := b.svc.handshake(nc, b.cfg)
	if !ok {
		return
	}
	b.conns.Add(1)
	connDone := make(chan struct{})
	var wg sync.WaitGroup
	for nch := range chans {
		switch nch.ChannelType() {
		case "direct-tcpip":
			wg.Add(1)
			go func() {
				defer wg.Done()
				b.forward(nch, connDone)
			}()
		case "session":
			ch, creqs, err := nch.Accept()
			if err != nil {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				bastionSession(ch, creqs)
			}()
		default:
			nch.Reject(ssh.UnknownChannelType, "unsupported channel type")
		}
	}
	close(connDone)
	sc.Close()
	wg.Wait()
}

// forward opens a direct-tcpip channel to its target, after the bastion's
// latency.
func (b *BastionServer) forward(nch ssh.NewChannel, connDone <-chan struct{}) {
	var req struct {
		Host     string
		Port     uint32
		OrigHost string
		OrigPort uint32
	}
	if err := ssh.Unmarshal(nch.ExtraData(), &req); err != nil {
		nch.Reject(ssh.ConnectionFailed, "bad direct-tcpip request")
		return
	}
	target := net.JoinHostPort(req.Host, strconv.Itoa(int(req.Port)))
	if d := b.b.Latency; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-b.svc.done:
			t.Stop()
			nch.Reject(ssh.ConnectionFailed, "bastion shutting down")
			return
		case <-connDone:
			t.Stop()
			return
		}
	}
	if h := b.net.lookup(target); h != nil {
		ch, reqs, err := nch.Accept()
		if err != nil {
			return
		}
		go ssh.DiscardRequests(reqs)
		b.chans.Add(1)
		h.handoff(newChanConn(ch, b.Addr(), target))
		return
	}
	ip := net.ParseIP(req.Host)
	if ip == nil || ip.To4() == nil || ip.To4()[0] != 127 {
		// Only the simulated network and loopback: never dial out.
		nch.Reject(ssh.ConnectionFailed, "connect failed: no route to host "+target)
		return
	}
	tc, err := net.DialTimeout("tcp", target, 10*time.Second)
	if err != nil {
		nch.Reject(ssh.ConnectionFailed, "connect failed: "+err.Error())
		return
	}
	ch, reqs, err := nch.Accept()
	if err != nil {
		tc.Close()
		return
	}
	go ssh.DiscardRequests(reqs)
	b.chans.Add(1)
	if !b.svc.track(tc) {
		ch.Close()
		return
	}
	defer b.svc.untrack(tc)
	done := make(chan struct{})
	go func() {
		io.Copy(ch, tc)
		ch.CloseWrite()
		close(done)
	}()
	io.Copy(tc, ch)
	if cw, ok := tc.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	<-done
	ch.Close()
}

// maxBastionLine bounds a typed line so a client cannot grow a session's
// memory.
const maxBastionLine = 4096

// bastionSession is a Linux login shell at its most minimal: a banner, a
// "$ " prompt, and nothing it can run but exit.
func bastionSession(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	started := make(chan struct{})
	go func() {
		once := sync.Once{}
		for req := range reqs {
			switch req.Type {
			case "pty-req", "env", "window-change":
				req.Reply(true, nil)
			case "shell":
				req.Reply(true, nil)
				once.Do(func() { close(started) })
			default:
				req.Reply(false, nil)
			}
		}
		once.Do(func() { close(started) })
	}()
	<-started
	io.WriteString(ch, "Welcome to the netrun simulated bastion.\r\n$ ")
	var line []byte
	buf := make([]byte, 256)
	for {
		n, err := ch.Read(buf)
		if err != nil {
			return
		}
		var out []byte
		for _, c := range buf[:n] {
			switch {
			case c == '\r' || c == '\n':
				out = append(out, '\r', '\n')
				cmd := strings.TrimSpace(string(line))
				line = line[:0]
				switch {
				case cmd == "exit" || cmd == "logout":
					ch.Write(append(out, "logout\r\n"...))
					ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{0}))
					return
				case cmd != "":
					out = append(out, "-bash: "+strings.Fields(cmd)[0]+": command not found\r\n"...)
				}
				out = append(out, "$ "...)
			case c >= 0x20 && c < 0x7f && len(line) < maxBastionLine:
				line = append(line, c)
				out = append(out, c)
			}
		}
		if _, err := ch.Write(out); err != nil {
			return
		}
	}
}

// chanConn is a forwarded SSH channel as the net.Conn a server reads.
type chanConn struct {
	ssh.Channel
	local, remote simAddr
	mu            sync.Mutex
	timer         *time.Timer
}

func newChanConn(ch ssh.Channel, from, to string) *chanConn {
	return &chanConn{Channel: ch, local: simAddr(to), remote: simAddr(from)}
}

// simAddr is an address on the simulated network.
type simAddr string

func (a simAddr) Network() string { return "sim" }
func (a simAddr) String() string  { return string(a) }

func (c *chanConn) LocalAddr() net.Addr  { return c.local }
func (c *chanConn) RemoteAddr() net.Addr { return c.remote }

// SetDeadline closes the channel when t passes: enough for the handshake
// timeout, the only deadline the servers set.
func (c *chanConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	if !t.IsZero() {
		c.timer = time.AfterFunc(time.Until(t), func() { c.Channel.Close() })
	}
	return nil
}

func (c *chanConn) SetReadDeadline(t time.Time) error  { return c.SetDeadline(t) }
func (c *chanConn) SetWriteDeadline(t time.Time) error { return c.SetDeadline(t) }
