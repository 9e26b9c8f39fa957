package scrapli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/scrapli/scrapligo/transport"
	"github.com/scrapli/scrapligo/util"
	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/sshconn"
)

// shell is the scrapligo transport (transport.Implementation) netrun plugs
// in instead of scrapligo's "standard" one: the connection comes from
// sshconn, so host key policy, jump hosts and legacy algorithms are the same
// as the ssh driver's. It also does what scrapligo cannot: it can be closed
// from another goroutine to cancel a blocked operation, it records the
// transcript, it keeps the last bytes received for error messages, and it
// answers pager prompts.
type shell struct {
	ctx        context.Context // bounds Open: dial, handshake, PTY and shell
	target     drivers.Target
	cols, rows int
	pager      *regexp.Regexp // nil: no pager handling
	password   *regexp.Regexp // the enable secret prompt, nil without enable
	tr         *drivers.Transcript
	rbuf       []byte // read buffer, reused: Read returns copies

	mu      sync.Mutex
	client  *ssh.Client
	sess    *ssh.Session
	stdin   io.Writer
	stdout  io.Reader
	closed  bool
	why     error // why the shell was closed by netrun, nil if by Close
	dialErr error // why Open failed, from sshconn
	// shellErr is why the shell could not start on the authenticated
	// connection, explained by sshconn.
	shellErr error

	// Used only by scrapligo's read goroutine.
	line  []byte // raw bytes received since the last newline
	erase bool   // a pager was answered: drop the erase sequence that follows

	// Used only by the goroutine driving the session (scrapligo's writes).
	lineSent bool // the transcript shows a sent line still awaiting its return

	secretSent atomic.Bool // the enable secret went out and no other input since

	tailMu   sync.Mutex
	tail     []byte // last bytes received, raw
	received int64  // bytes received since mark
	limit    int64  // bytes the operation in progress may receive
}

var _ transport.Implementation = (*shell)(nil)

// errEnableRejected closes the shell when the device asks for the enable
// secret again right after it was sent, so a wrong secret fails at once
// instead of when the operation times out.
var errEnableRejected = errors.New("the enable secret was rejected (asked again for it)")

// Open dials the device with sshconn and starts a shell on a PTY the size the
// ssh driver asks for. scrapligo's Args are ignored: everything comes from
// the target.
func (x *shell) Open(*transport.Args) error {
	client, err := sshconn.Dial(x.ctx, x.target)
	if err != nil {
		x.dialErr = err
		return err
	}
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		client.Close()
		return fmt.Errorf("%w: %v", util.ErrConnectionError, x.why)
	}
	x.client = client
	x.mu.Unlock()

	if err := x.startShell(client); err != nil {
		t := x.target
		x.shellErr = sshconn.ShellError(x.ctx, x.ctx, t.Name, t.Addr(), t.Timeout, err)
		return err
	}
	return nil
}

// startShell opens a session with a PTY and a shell on client, with the
// session's pipes set.
func (x *shell) startShell(client *ssh.Client) error {
	sess, err := client.NewSession()
	if err != nil {
		return fmt.Errorf("opening session: %w", err)
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		return err
	}
	if err := sess.RequestPty("vt100", x.rows, x.cols, ssh.TerminalModes{}); err != nil {
		return fmt.Errorf("requesting a PTY: %w", err)
	}
	if err := sess.Shell(); err != nil {
		return fmt.Errorf("starting a shell: %w", err)
	}
	x.mu.Lock()
	x.sess, x.stdin, x.stdout = sess, stdin, stdout
	x.mu.Unlock()
	return nil
}

// Close closes the session and the connection. It is idempotent and may be
// called from any goroutine: a blocked Read then returns io.EOF.
func (x *shell) Close() error {
	x.abort(nil)
	return nil
}

// abort closes the shell, recording why (for the error the blocked
// operation returns) unless it was closed already.
func (x *shell) abort(why error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return
	}
	x.closed, x.why = true, why
	if x.sess != nil {
		x.sess.Close()
	}
	if x.client != nil {
		x.client.Close()
	}
}

func (x *shell) closeReason() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.why
}

// IsAlive reports whether the shell is open.
func (x *shell) IsAlive() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return !x.closed && x.sess != nil
}

// Read blocks until the device sends something. scrapligo calls it from its
// read goroutine only.
func (x *shell) Read(n int) ([]byte, error) {
	x.mu.Lock()
	r := x.stdout
	x.mu.Unlock()
	if r == nil {
		return nil, io.EOF
	}
	// Read into the shell's own buffer and hand scrapligo a copy of just
	// what arrived: scrapligo asks for 8 KiB a read and keeps what it gets.
	x.rbuf = slices.Grow(x.rbuf[:0], n)[:n]
	n, err := r.Read(x.rbuf)
	if n == 0 {
		if err == nil {
			return nil, nil
		}
		return nil, err
	}
	b := bytes.Clone(x.rbuf[:n])
	x.tr.Received(b)
	if !x.record(b) {
		// scrapligo keeps all it reads until the prompt, so the bound is
		// kept here, where the bytes come in: the device is still sending,
		// the shell is closed and the operation fails.
		x.abort(drivers.ErrOutputLimit)
		return nil, io.EOF
	}
	return x.filter(b), nil
}

// Write sends b. scrapligo writes a command, reads its echo, then writes the
// return on its own: the transcript shows the command once, as one sent line.
func (x *shell) Write(b []byte) error {
	x.mu.Lock()
	w := x.stdin
	x.mu.Unlock()
	if w == nil {
		return fmt.Errorf("%w: shell not open", util.ErrConnectionError)
	}
	if sec := x.target.Credentials.Enable; sec != "" && string(b) == sec {
		x.secretSent.Store(true)
	} else if string(b) != "\n" {
		x.secretSent.Store(false)
	}
	if x.tr != nil {
		if string(b) == "\n" && x.lineSent {
			x.lineSent = false
		} else {
			x.tr.Sent(b)
			x.lineSent = !bytes.HasSuffix(b, []byte("\n"))
		}
	}
	_, err := w.Write(b)
	return err
}

// tailLen is how much received output is kept for error messages.
const tailLen = 512

// record keeps the end of b for error messages and counts it; it reports
// whether the operation in progress is still within its output limit.
func (x *shell) record(b []byte) bool {
	x.tailMu.Lock()
	defer x.tailMu.Unlock()
	x.received += int64(len(b))
	if len(b) >= tailLen {
		x.tail = append(x.tail[:0], b[len(b)-tailLen:]...)
	} else {
		if over := len(x.tail) + len(b) - tailLen; over > 0 {
			x.tail = x.tail[:copy(x.tail, x.tail[over:])]
		}
		x.tail = append(x.tail, b...)
	}
	return x.received <= x.limit
}

// mark starts counting received bytes for a new operation, which may
// receive limit bytes (0: the target's OutputLimit).
func (x *shell) mark(limit int64) {
	if limit <= 0 {
		limit = x.target.OutputLimit
	}
	x.tailMu.Lock()
	x.received, x.limit = 0, limit
	x.tail = x.tail[:0]
	x.tailMu.Unlock()
}

// outputLimit is the limit of the operation in progress.
func (x *shell) outputLimit() int64 {
	x.tailMu.Lock()
	defer x.tailMu.Unlock()
	return x.limit
}

// lastBytes is the text received last, cleaned as scrapligo cleans it, and
// the count of bytes received since mark.
func (x *shell) lastBytes() (string, int64) {
	x.tailMu.Lock()
	defer x.tailMu.Unlock()
	b := bytes.ReplaceAll(x.tail, []byte("\r"), nil)
	b = util.StripANSI(b)
	return string(b), x.received
}

// The terminal's ways of wiping a pager prompt after it is answered:
// backspaces over it, blanks, backspaces again; or a carriage return, blanks
// and another; or an erase-line escape.
var pagerErase = regexp.MustCompile(`^(?:\x08+ *\x08*|\r *\r|\x1b\[[0-9;]*K|\r)+`)

// filter answers a pager prompt at the end of the output with a space and
// drops the prompt and its erasure from what scrapligo sees, so that paged
// output reads as if paging were off. It also spots a rejected enable secret.
func (x *shell) filter(b []byte) []byte {
	if x.erase {
		n := len(pagerErase.Find(b))
		b = b[n:]
		x.erase = len(b) == 0
	}
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		x.line = append(x.line[:0], b[i+1:]...)
	} else {
		x.line = append(x.line, b...)
	}
	if len(x.line) > 2*tailLen {
		x.line = x.line[:copy(x.line, x.line[len(x.line)-tailLen:])]
	}
	if x.password != nil && x.secretSent.Load() && x.password.Match(bytes.ReplaceAll(x.line, []byte("\r"), nil)) {
		x.abort(errEnableRejected)
		return b
	}
	if x.pager == nil {
		return b
	}
	loc := x.pager.FindIndex(x.line)
	if loc == nil {
		return b
	}
	cut := len(x.line) - loc[0]
	b = b[:max(0, len(b)-cut)]
	x.line = x.line[:loc[0]]
	x.erase = true
	x.tr.Sent([]byte(" "))
	x.mu.Lock()
	w := x.stdin
	x.mu.Unlock()
	if _, err := w.Write([]byte(" ")); err != nil {
		x.abort(fmt.Errorf("answering the pager: %v", err))
	}
	return b
}
