// Package sshconn is how netrun opens an SSH connection: dial (directly or
// through a jump host's Target.Dial), host key policy (pins, known_hosts,
// trust on first use, the explicit insecure opt-out), per-device legacy
// algorithms, and authentication, with errors that name the device and wrap
// the drivers sentinels. Both drivers use it, and so do the run's pooled
// jump-host connections (Jumps), so every connection obeys the same
// settings.
//
// It opens connections only, plus the direct-tcpip channels a device is
// reached by through a jump host: no shells, no device CLI. See
// drivers/sshraw and drivers/scrapli for what runs on top.
package sshconn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
)

// aLongTimeAgo is a deadline in the past, set to unblock reads at once.
var aLongTimeAgo = time.Unix(1, 0)

// Dial opens an SSH client connection to t: see Handshake.
func Dial(ctx context.Context, t drivers.Target) (*ssh.Client, error) {
	c, chans, reqs, err := Handshake(ctx, t)
	if err != nil {
		return nil, err
	}
	return ssh.NewClient(c, chans, reqs), nil
}

// Handshake dials t (with t.Dial, or directly), runs the SSH handshake with
// t's host key policy and algorithms, and authenticates. Dial and handshake
// are bounded by ctx and by t.Timeout (or drivers.DefaultTimeout). It is the
// low-level form of Dial for drivers that serve the connection's channels
// and requests themselves; the caller must drain both channels.
//
// Errors start with the device name and wrap drivers.ErrAuth,
// drivers.ErrHostKey or drivers.ErrConnect (with drivers.ErrTimeout when a
// deadline passed).
func Handshake(ctx context.Context, t drivers.Target) (ssh.Conn, <-chan ssh.NewChannel, <-chan *ssh.Request, error) {
	t = t.WithDefaults()
	name, addr, timeout := t.Name, t.Addr(), t.Timeout
	cfg, st, err := clientConfig(t)
	if err != nil {
		return nil, nil, nil, err
	}

	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	dial := t.Dial
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	conn, err := dial(cctx, "tcp", addr)
	if err != nil {
		return nil, nil, nil, connectError(ctx, cctx, name, addr, timeout, err)
	}

	// x/crypto/ssh takes no context: the deadline goes on the connection
	// and cancellation moves it to the past.
	if dl, ok := cctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(cctx, func() { conn.SetDeadline(aLongTimeAgo) })
	sc, chans, reqs, err := ssh.NewClientConn(conn, addr, cfg)
	stopped := stop()
	if err == nil && !stopped {
		// The context ended just as the handshake finished.
		sc.Close()
		err = cctx.Err()
	}
	if err != nil {
		conn.Close()
		if e := st.hostKeyErr.Load(); e != nil {
			return nil, nil, nil, *e
		}
		if st.keyed.Load() && strings.Contains(err.Error(), errMaxPacket) {
			return nil, nil, nil, fmt.Errorf("%s: %w to %s: login banner too large: the device sent a message over SSH's packet limit of %s while logging in, which no client reads; shorten the banner (%v)",
				name, drivers.ErrConnect, addr, drivers.FormatSize(maxPacket), err)
		}
		if isAuthFailure(err, st.tried.Load()) {
			return nil, nil, nil, fmt.Errorf("%s: %w for user %q at %s (%s)", name, drivers.ErrAuth, t.Credentials.Username, addr, strings.TrimPrefix(err.Error(), "ssh: handshake failed: "))
		}
		return nil, nil, nil, connectError(ctx, cctx, name, addr, timeout, err)
	}
	conn.SetDeadline(time.Time{})
	return sc, chans, reqs, nil
}

// ClientConfig is the x/crypto configuration for t: user, authentication,
// host key verification and algorithms. Handshake uses it; a driver that
// dials itself can too, but then gets x/crypto's own errors.
func ClientConfig(t drivers.Target) (*ssh.ClientConfig, error) {
	cfg, _, err := clientConfig(t)
	return cfg, err
}

// handshakeState is what the callbacks of one handshake learn, read after
// ssh.NewClientConn returns to explain a failure.
type handshakeState struct {
	hostKeyErr atomic.Pointer[error]
	keyed      atomic.Bool // the host key was accepted: authentication began
	tried      atomic.Bool // the server asked for credentials
}

// x/crypto refuses a packet over 256 KiB (OpenSSH's limit too) with an
// untyped error, and the length is all it reads of it. After the key
// exchange the one message a server sends that large is the banner
// (SSH_MSG_USERAUTH_BANNER, shown before login): the error says so.
const (
	errMaxPacket = "max packet length exceeded"
	maxPacket    = 256 << 10
)

func clientConfig(t drivers.Target) (*ssh.ClientConfig, *handshakeState, error) {
	t = t.WithDefaults()
	name, addr, log := t.Name, t.Addr(), t.Logger
	st := &handshakeState{}
	hk, hostAlgos, err := hostKeyPolicy(t, name, addr, log)
	if err != nil {
		return nil, nil, err
	}
	auth, err := authMethods(t.Credentials, name, &st.tried)
	if err != nil {
		return nil, nil, err
	}
	cfg := &ssh.ClientConfig{
		User: t.Credentials.Username,
		Auth: auth,
		// The callback runs on x/crypto's key exchange goroutine.
		HostKeyCallback: func(host string, remote net.Addr, key ssh.PublicKey) error {
			err := hk(host, remote, key)
			if err != nil {
				st.hostKeyErr.Store(&err)
			} else {
				st.keyed.Store(true)
			}
			return err
		},
	}
	applyAlgorithms(cfg, t.Algorithms, hostAlgos)
	return cfg, st, nil
}

// connectError explains a failure to connect, or to start a shell on the
// connection: the error names the device and addr and wraps
// drivers.ErrConnect, with drivers.ErrTimeout when timeout passed or ctx's
// error when ctx ended. cctx is ctx bounded by timeout.
func connectError(ctx, cctx context.Context, name, addr string, timeout time.Duration, err error) error {
	var ne net.Error
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w to %s: %w", name, drivers.ErrConnect, addr, ctx.Err())
	case cctx.Err() != nil || errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return fmt.Errorf("%s: %w to %s: %w after %s (%v)", name, drivers.ErrConnect, addr, drivers.ErrTimeout, timeout, err)
	}
	return fmt.Errorf("%s: %w to %s: %v", name, drivers.ErrConnect, addr, err)
}

// ShellError explains a failure to start a shell on an authenticated
// connection: a device that closes the session at that point (a full vty
// pool, an AAA refusal after login) is drivers.ErrClosed and says so; any
// other failure is explained as connectError does.
func ShellError(ctx, cctx context.Context, name, addr string, timeout time.Duration, err error) error {
	if errors.Is(err, io.EOF) && ctx.Err() == nil && cctx.Err() == nil {
		return fmt.Errorf("%s: %w: %s (%v)", name, drivers.ErrClosed, ClosedAfterAuth, err)
	}
	return connectError(ctx, cctx, name, addr, timeout, err)
}

// ClosedAfterAuth says what a device did that closed its session after the
// login succeeded, before its first prompt.
const ClosedAfterAuth = "the device closed the session after authentication"

// ClosedBeforePrompt is the error of a shell the device closed after the
// login, before its first prompt, having sent received bytes ending
// excerpt: the same words from every driver.
func ClosedBeforePrompt(name string, received int64, excerpt string) error {
	return fmt.Errorf("%s: %w: %s, before its first prompt; %d bytes received, ending %q",
		name, drivers.ErrClosed, ClosedAfterAuth, received, excerpt)
}

// authMethods offers the private key first, then the password both as
// "password" and as "keyboard-interactive" (which IOS uses). tried records
// whether the server got as far as asking, to tell an auth failure that ends
// in a dropped connection from a network failure.
func authMethods(c drivers.Credentials, name string, tried *atomic.Bool) ([]ssh.AuthMethod, error) {
	var methods []ssh.AuthMethod
	if c.PrivateKey != "" {
		signer, err := ssh.ParsePrivateKey([]byte(c.PrivateKey))
		if err != nil {
			var pm *ssh.PassphraseMissingError
			if errors.As(err, &pm) {
				return nil, fmt.Errorf("%s: %w: the private key is protected by a passphrase, which netrun does not support; use a key without a passphrase", name, drivers.ErrAuth)
			}
			// The parse error never quotes key material.
			return nil, fmt.Errorf("%s: %w: cannot parse private key: %v", name, drivers.ErrAuth, err)
		}
		methods = append(methods, ssh.PublicKeysCallback(func() ([]ssh.Signer, error) {
			tried.Store(true)
			return []ssh.Signer{signer}, nil
		}))
	}
	if c.Password != "" {
		pw := c.Password
		methods = append(methods,
			ssh.PasswordCallback(func() (string, error) {
				tried.Store(true)
				return pw, nil
			}),
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				tried.Store(true)
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = pw
				}
				return answers, nil
			}),
		)
	}
	if len(methods) == 0 {
		return nil, fmt.Errorf("%s: %w: credentials have neither a password nor a private key", name, drivers.ErrAuth)
	}
	return methods, nil
}

func isAuthFailure(err error, tried bool) bool {
	if strings.Contains(err.Error(), "unable to authenticate") {
		return true
	}
	// Some devices drop the connection after a failed attempt.
	return tried && (errors.Is(err, io.EOF) || strings.Contains(err.Error(), "connection reset"))
}
