package sim

import (
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// service is the lifecycle a Server and a BastionServer share: where it is
// reachable (a loopback listener, or a virtual address on a Network), the
// connections it serves and the goroutines serving them, all ended by
// stop.
type service struct {
	ln    net.Listener // nil on a Network
	net   *Network     // set at a virtual address
	vaddr string       // that address

	done      chan struct{} // closed by stop: every wait selects on it
	closeOnce sync.Once
	mu        sync.Mutex
	closed    bool
	open      map[io.Closer]struct{}
	wg        sync.WaitGroup
}

// handshakeTimeout bounds a client that connects and never finishes SSH
// negotiation, so it cannot pin a goroutine forever.
const handshakeTimeout = 30 * time.Second

func (sv *service) init() {
	sv.done = make(chan struct{})
	sv.open = make(map[io.Closer]struct{})
}

// listen accepts connections on addr, each served by serve, until stop.
func (sv *service) listen(addr string, serve func(net.Conn)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	sv.ln = ln
	sv.wg.Add(1)
	go sv.accept(serve)
	return nil
}

// register puts the service at the virtual address addr of n, where
// forwarded channels reach it as h; stop takes it off.
func (sv *service) register(n *Network, addr string, h host) error {
	vaddr, err := n.register(addr, h)
	if err != nil {
		return err
	}
	sv.net, sv.vaddr = n, vaddr
	return nil
}

// addr is the listening address, or the virtual one on the network.
func (sv *service) addr() string {
	if sv.ln == nil {
		return sv.vaddr
	}
	return sv.ln.Addr().String()
}

// port is addr's TCP port.
func (sv *service) port() int {
	_, p, _ := net.SplitHostPort(sv.addr())
	n, _ := strconv.Atoi(p)
	return n
}

// stop unregisters self from the network, stops listening, closes every
// connection and waits for the goroutines.
func (sv *service) stop(self host) error {
	var err error
	sv.closeOnce.Do(func() {
		if sv.net != nil {
			sv.net.unregister(sv.vaddr, self)
		}
		sv.mu.Lock()
		sv.closed = true
		close(sv.done)
		if sv.ln != nil {
			err = sv.ln.Close()
		}
		for c := range sv.open {
			c.Close()
		}
		sv.mu.Unlock()
		sv.wg.Wait()
	})
	return err
}

func (sv *service) accept(serve func(net.Conn)) {
	defer sv.wg.Done()
	var backoff time.Duration
	for {
		nc, err := sv.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors, most likely, with a big fleet and
			// its clients in one process: back off as net/http does,
			// rather than stop serving.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			select {
			case <-sv.done:
				return
			case <-time.After(backoff):
			}
			continue
		}
		backoff = 0
		if !sv.handoff(nc, serve) {
			return
		}
	}
}

// handoff serves an accepted or forwarded connection; false (and the
// connection closed) once the service is stopped.
func (sv *service) handoff(nc net.Conn, serve func(net.Conn)) bool {
	if !sv.track(nc) {
		return false
	}
	go func() {
		defer sv.untrack(nc)
		serve(nc)
	}()
	return true
}

// track registers c to be closed by stop, and one goroutine to wait for,
// which untrack ends; false (and c closed) if already stopping.
func (sv *service) track(c io.Closer) bool {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if sv.closed {
		c.Close()
		return false
	}
	sv.open[c] = struct{}{}
	sv.wg.Add(1)
	return true
}

func (sv *service) untrack(c io.Closer) {
	sv.mu.Lock()
	delete(sv.open, c)
	sv.mu.Unlock()
	c.Close()
	sv.wg.Done()
}

// handshake runs the SSH server handshake on nc within handshakeTimeout;
// the connection's global requests are discarded. ok is false for bad
// credentials or a broken client.
func (sv *service) handshake(nc net.Conn, cfg *ssh.ServerConfig) (*ssh.ServerConn, <-chan ssh.NewChannel, bool) {
	nc.SetDeadline(time.Now().Add(handshakeTimeout))
	sc, chans, reqs, err := ssh.NewServerConn(nc, cfg)
	if err != nil {
		return nil, nil, false
	}
	nc.SetDeadline(time.Time{})
	sv.wg.Add(1)
	go func() {
		defer sv.wg.Done()
		ssh.DiscardRequests(reqs)
	}()
	return sc, chans, true
}

// sessions accepts the session channels of a connection, each passed to
// serve (which must not block the loop), and refuses the other channel
// types, until the connection is gone.
func (sv *service) sessions(chans <-chan ssh.NewChannel, serve func(ch ssh.Channel, reqs <-chan *ssh.Request)) {
	for nch := range chans {
		if nch.ChannelType() != "session" {
			nch.Reject(ssh.UnknownChannelType, "only session channels")
			continue
		}
		ch, creqs, err := nch.Accept()
		if err != nil {
			continue
		}
		serve(ch, creqs)
	}
}

// SSHServer is a bare SSH server on loopback, for tests of what a simulated
// device does not do (other login methods, exec channels with chosen exit
// statuses, old algorithms): a Server's listener, handshake and shutdown,
// with the session channels left to the caller.
type SSHServer struct {
	svc     service
	cfg     *ssh.ServerConfig
	session func(ch ssh.Channel, reqs <-chan *ssh.Request)
}

// ServeSSH serves SSH with cfg at addr until Close. Each session channel is
// passed to session in a goroutine of its own; Close closes the
// connections, which ends the channels' requests, and waits for session to
// return. Other channel types are refused.
func ServeSSH(addr string, cfg *ssh.ServerConfig, session func(ch ssh.Channel, reqs <-chan *ssh.Request)) (*SSHServer, error) {
	s := &SSHServer{cfg: cfg, session: session}
	s.svc.init()
	if err := s.svc.listen(addr, s.serveConn); err != nil {
		return nil, err
	}
	return s, nil
}

// Addr is the listening address.
func (s *SSHServer) Addr() string { return s.svc.addr() }

// Port is the listening TCP port.
func (s *SSHServer) Port() int { return s.svc.port() }

// Close stops listening, closes every connection and waits for the
// sessions.
func (s *SSHServer) Close() error { return s.svc.stop(nil) }

func (s *SSHServer) serveConn(nc net.Conn) {
	sc, chans, ok := s.svc.handshake(nc, s.cfg)
	if !ok {
		return
	}
	s.svc.sessions(chans, func(ch ssh.Channel, reqs <-chan *ssh.Request) {
		s.svc.wg.Add(1)
		go func() {
			defer s.svc.wg.Done()
			s.session(ch, reqs)
		}()
	})
	sc.Close()
}
