package sshraw

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/platform"
	"github.com/netrun/netrun/drivers/sshconn"
)

// session is one PTY shell on one device.
//
// The read loop: a single reader goroutine (read) blocks in Channel.Read and
// hands each chunk to whichever call is waiting (Run, Configure, login)
// through an unbuffered channel. The waiting call cleans the chunk into its
// output buffer and matches the prompt patterns against the last line only,
// once per chunk: detection is driven by arrival of data, with no sleeps and
// no polling. The same select also waits on the command's timer and the
// caller's context, so a timeout or Ctrl-C returns at once. The reader owns
// two fixed buffers that circulate through the free channel, so it can read
// the next chunk while the previous one is cleaned; output buffers are reused
// across commands, so a Run allocates only its Output string.
type session struct {
	conn    ssh.Conn
	ch      ssh.Channel
	name    string
	pat     *patterns
	creds   drivers.Credentials
	secrets []string
	timeout time.Duration
	limit   int64 // the target's output limit
	log     *slog.Logger

	data    chan []byte // chunks from the reader; closed when it stops
	free    chan []byte // chunks back to the reader
	done    chan struct{}
	stopped chan struct{} // closed when the reader has returned
	readErr error         // why the reader stopped; read after data is closed

	// Used only by the goroutine running Run/Configure.
	timer *time.Timer
	buf   []byte // cleaned output of the exchange in progress
	wbuf  []byte
	cfg   []byte
	input string // what the exchange in progress sent
	cur   int64  // output limit of the exchange in progress
	clean cleaner
	err   error // set once the session is unusable

	tr *drivers.Transcript // nil unless -transcript-dir

	closed    atomic.Bool
	closeOnce sync.Once
}

func newSession(chunk int, conn ssh.Conn, ch ssh.Channel, name string, pat *patterns, creds drivers.Credentials, timeout time.Duration, log *slog.Logger, tr *drivers.Transcript) *session {
	s := &session{
		conn: conn, ch: ch, name: name, pat: pat, creds: creds, tr: tr,
		secrets: creds.Secrets(), timeout: timeout, log: log,
		data:    make(chan []byte),
		free:    make(chan []byte, 2),
		done:    make(chan struct{}),
		stopped: make(chan struct{}),
		timer:   time.NewTimer(time.Hour),
		buf:     make([]byte, 0, 1024),
	}
	s.timer.Stop()
	bufs := make([]byte, 2*chunk)
	s.free <- bufs[:chunk:chunk]
	s.free <- bufs[chunk:]
	go s.read()
	return s
}

func (s *session) read() {
	defer close(s.stopped)
	defer close(s.data)
	for {
		var b []byte
		select {
		case b = <-s.free:
		case <-s.done:
			return
		}
		n, err := s.ch.Read(b)
		s.tr.Received(b[:n])
		if n > 0 {
			select {
			case s.data <- b[:n]:
			case <-s.done:
				return
			}
		} else {
			s.free <- b
		}
		if err != nil {
			s.readErr = err
			return
		}
	}
}

// maxKeptBuffer is the output buffer capacity a session keeps between
// commands; a larger one (after a long show) is released.
const maxKeptBuffer = 64 << 10

// exchange sends input (if send) and reads until the last line matches one
// of want, answering pagers on the way. It returns the index of the pattern
// matched.
//
// Echo: the command and its newline go out in one write, and the echoed line
// is cut from the output afterwards (echoEnd). Reading the echo before
// sending the newline, as scrapligo does, guards against a device that
// mangles typed input but costs a second round trip per command, which over
// a 100 ms WAN link doubles a run; with a PTY too wide to wrap, the echo is
// one line. With echo set, prompts are matched only once a newline has
// arrived, so a half-echoed command can never be taken for a prompt.
func (s *session) exchange(ctx context.Context, input string, send, echo bool, want ...*regexp.Regexp) (int, error) {
	if s.err != nil || s.closed.Load() {
		return -1, s.closedErr()
	}
	if cap(s.buf) > maxKeptBuffer {
		s.buf = make([]byte, 0, 1024)
	}
	if send {
		s.drain()
	}
	s.buf = s.buf[:0]
	s.clean.reset()
	s.input = input
	if send {
		if err := s.send(input); err != nil {
			return -1, err
		}
	}
	return s.wait(ctx, input, echo, want)
}

// send writes input and a newline in one write.
func (s *session) send(input string) error {
	s.wbuf = append(append(s.wbuf[:0], input...), '\n')
	s.tr.Sent(s.wbuf)
	if _, err := s.ch.Write(s.wbuf); err != nil {
		return s.fail(fmt.Errorf("%s: %w: sending %s: %v", s.name, drivers.ErrClosed, s.describe(input), err))
	}
	return nil
}

// wait reads until the last line matches one of want, answering pagers on
// the way, adding to the output of the exchange in progress. Matching is
// tried only when data arrives, so after an answer to a question the same
// question is not matched again.
func (s *session) wait(ctx context.Context, input string, echo bool, want []*regexp.Regexp) (int, error) {
	start := time.Now()
	s.timer.Reset(s.timeout)
	defer s.timer.Stop()
	sawNL := !echo
	for {
		select {
		case b, ok := <-s.data:
			if !ok {
				return -1, s.fail(s.droppedErr(input))
			}
			n0 := len(s.buf)
			s.buf = s.clean.write(s.buf, b)
			s.free <- b[:cap(b)]
			if int64(len(s.buf)) > s.cur {
				// The device is still sending: the session cannot be
				// used again, and keeping more would grow without bound.
				return -1, s.fail(drivers.OutputLimitError(s.name, s.describe(input), s.cur))
			}
			if !sawNL {
				// Only what just arrived: a device sending one endless
				// line must not cost a scan of the whole buffer per chunk.
				if bytes.IndexByte(s.buf[min(n0, len(s.buf)):], '\n') < 0 {
					continue
				}
				sawNL = true
			}
			line := lastLine(s.buf)
			if len(line) == 0 {
				continue
			}
			for i, re := range want {
				if match(re, line) {
					return i, nil
				}
			}
			if match(s.pat.pager, line) {
				loc := s.pat.pager.FindIndex(line)
				s.buf = s.buf[:len(s.buf)-len(line)+loc[0]]
				s.clean.guard = len(s.buf)
				s.tr.Sent([]byte{' '})
				if _, err := s.ch.Write([]byte{' '}); err != nil {
					return -1, s.fail(fmt.Errorf("%s: %w: answering the pager: %v", s.name, drivers.ErrClosed, err))
				}
			}
		case <-s.timer.C:
			return -1, s.fail(s.timeoutErr(input, want, s.timeout.String()))
		case <-ctx.Done():
			err := fmt.Errorf("%s: %s: %w", s.name, s.describe(input), ctx.Err())
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				// A deadline from the caller (a command block's timeout)
				// deserves the same explanation as the session's own.
				after := time.Since(start).Round(time.Millisecond).String()
				err = fmt.Errorf("%w (%w)", s.timeoutErr(input, want, after), ctx.Err())
			}
			return -1, s.fail(err)
		}
	}
}

// drain discards output that arrived after the last prompt (a late log
// message, say), so that it is not taken for the next command's.
func (s *session) drain() {
	for {
		select {
		case b, ok := <-s.data:
			if !ok {
				return
			}
			s.log.Debug("discarding output received after the prompt", "device", s.name, "bytes", len(b))
			s.free <- b[:cap(b)]
		default:
			return
		}
	}
}

// fail records err and closes the session: after a timeout or an I/O error
// the CLI is in an unknown state, and the next command's output would mix
// with this one's.
func (s *session) fail(err error) error {
	s.err = err
	s.log.Debug("session failed", "device", s.name, "error", err)
	s.Close()
	return err
}

func (s *session) closedErr() error {
	if s.err != nil {
		return fmt.Errorf("%s: %w: unusable after an earlier error (%v)", s.name, drivers.ErrClosed, s.err)
	}
	return fmt.Errorf("%s: %w", s.name, drivers.ErrClosed)
}

func (s *session) describe(input string) string {
	switch {
	case input == "":
		return "waiting for the first prompt"
	case input == s.creds.Enable:
		return "sending the enable secret"
	}
	return fmt.Sprintf("command %q", s.mask(input))
}

func (s *session) timeoutErr(input string, want []*regexp.Regexp, after string) error {
	var pats []string
	for _, re := range want {
		if re != nil {
			pats = append(pats, re.String())
		}
	}
	return fmt.Errorf("%s: %s: %w after %s waiting for a prompt matching %s; %d bytes received, ending %q",
		s.name, s.describe(input), drivers.ErrTimeout, after, strings.Join(pats, " or "), len(s.buf), s.excerpt())
}

func (s *session) droppedErr(input string) error {
	why := "connection closed by the device"
	if s.readErr != nil && !errors.Is(s.readErr, io.EOF) {
		why = s.readErr.Error()
	}
	if s.closed.Load() && s.err == nil {
		why = "session closed"
	} else if input == "" && s.readErr != nil && errors.Is(s.readErr, io.EOF) {
		return sshconn.ClosedBeforePrompt(s.name, int64(len(s.buf)), s.excerpt())
	}
	return fmt.Errorf("%s: %s: %w (%s); %d bytes received, ending %q",
		s.name, s.describe(input), drivers.ErrClosed, why, len(s.buf), s.excerpt())
}

// excerpt is the end of the output received so far, secrets masked. Masking
// runs on a window longer than the excerpt so that a secret cut by the
// excerpt's start is still masked.
func (s *session) excerpt() string {
	lo := len(s.buf) - drivers.ExcerptLen
	for _, sec := range s.secrets {
		lo -= len(sec)
	}
	return drivers.Excerpt(string(s.buf[max(lo, 0):]), s.secrets)
}

func (s *session) mask(t string) string {
	for _, sec := range s.secrets {
		t = strings.ReplaceAll(t, sec, drivers.Mask)
	}
	return t
}

// body is the output of the last exchange without the echoed command (the
// first line), the prompt (the last line) and blank lines around it.
func (s *session) body(echo bool) []byte {
	b := s.buf
	if echo {
		b = b[s.echoEnd():]
	}
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	} else {
		b = b[:0]
	}
	b = bytes.TrimRight(b, " \t\n")
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 || len(bytes.TrimSpace(b[:i])) > 0 {
			break
		}
		b = b[i+1:]
	}
	return trimLineEnds(b)
}

// trimLineEnds drops the spaces that end lines (devices pad columns), in
// place: outputs then compare equal whatever driver read them, as scrapligo
// trims them too.
func trimLineEnds(b []byte) []byte {
	out := b[:0]
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		line := b
		if i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		out = append(out, bytes.TrimRight(line, " \t")...)
		if i >= 0 {
			out = append(out, '\n')
		}
	}
	return out
}

// echoEnd is where the output after the echoed command starts: after the
// first line ending in the command, looked for near the start only, or else
// after the first line.
func (s *session) echoEnd() int {
	head := s.buf[:min(len(s.buf), 2*len(s.input)+512)]
	for i := 0; ; {
		j := bytes.IndexByte(head[i:], '\n')
		if j < 0 {
			break
		}
		if bytes.HasSuffix(bytes.TrimRight(head[i:i+j], " "), []byte(s.input)) {
			return i + j + 1
		}
		i += j + 1
	}
	return bytes.IndexByte(s.buf, '\n') + 1
}

func (s *session) failed(out []byte) bool {
	return containsAny(out, s.pat.FailedWhenContains)
}

func containsAny(out []byte, subs []string) bool {
	for _, f := range subs {
		if bytes.Contains(out, []byte(f)) {
			return true
		}
	}
	return false
}

// login waits for the first prompt, raises privilege and runs OnOpen.
func (s *session) login(ctx context.Context) error {
	if _, err := s.exchange(ctx, "", false, false, s.pat.prompt); err != nil {
		return err
	}
	if match(s.pat.exec, lastLine(s.buf)) && s.pat.EnableCommand != "" {
		if err := s.enable(ctx); err != nil {
			return err
		}
	}
	for _, c := range s.pat.OnOpen {
		if _, err := s.exchange(ctx, c, true, true, s.pat.prompt); err != nil {
			return err
		}
		if out := s.body(true); s.failed(out) {
			s.log.Warn("on-open command rejected", "device", s.name, "command", c, "output", s.mask(string(out)))
		}
	}
	return nil
}

func (s *session) enable(ctx context.Context) error {
	i, err := s.exchange(ctx, s.pat.EnableCommand, true, true, s.pat.prompt, s.pat.password)
	if err != nil {
		return err
	}
	if i == 1 {
		if s.creds.Enable == "" {
			return s.fail(fmt.Errorf("%s: %w: %q asks for a secret and the credentials have no enable secret", s.name, drivers.ErrEnable, s.pat.EnableCommand))
		}
		// The device does not echo the secret: nothing to strip.
		i, err = s.exchange(ctx, s.creds.Enable, true, false, s.pat.prompt, s.pat.password)
		if err != nil {
			return err
		}
		if i == 1 {
			return s.fail(fmt.Errorf("%s: %w: the enable secret was rejected (asked again for it)", s.name, drivers.ErrEnable))
		}
	}
	if s.pat.priv != nil && !match(s.pat.priv, lastLine(s.buf)) {
		return s.fail(fmt.Errorf("%s: %w: still not privileged after %q; device answered %q", s.name, drivers.ErrEnable, s.pat.EnableCommand, s.excerpt()))
	}
	return nil
}

// maxAnswers bounds the questions one command may ask, so two patterns
// that keep matching each other's answers cannot loop forever.
const maxAnswers = 16

// Run sends command at privileged exec and returns its output. Questions
// the command asks (the platform's DefaultExpect and the command's own) are
// answered; an unanswered one ends in a timeout error quoting it.
func (s *session) Run(ctx context.Context, command string, opts ...drivers.RunOption) (drivers.Result, error) {
	res := drivers.Result{Command: command, Started: time.Now()}
	var ro drivers.RunOptions
	for _, o := range opts {
		o(&ro)
	}
	// The command's own questions first, then the platform's, compiled
	// once per session: want[i+1] is expects[i]'s question.
	expects := s.pat.DefaultExpect
	want := make([]*regexp.Regexp, 0, 1+len(ro.Expect)+len(s.pat.expect))
	want = append(want, s.pat.prompt)
	for _, e := range ro.Expect {
		re, err := platform.CompileExpect(e.Prompt)
		if err != nil {
			return res, fmt.Errorf("%s: %w", s.name, err)
		}
		want = append(want, re)
	}
	want = append(want, s.pat.expect...)
	if len(ro.Expect) > 0 {
		expects = append(slices.Clip(ro.Expect), s.pat.DefaultExpect...)
	}
	if ro.OutputLimit > 0 {
		s.cur = ro.OutputLimit
	}
	defer func() { s.cur = s.limit }()
	i, err := s.exchange(ctx, command, true, true, want...)
	for n := 0; err == nil && i > 0; n++ {
		if n == maxAnswers {
			return res, s.fail(fmt.Errorf("%s: command %q asked more than %d questions; last: %q", s.name, s.mask(command), maxAnswers, s.excerpt()))
		}
		if err = s.send(expects[i-1].Answer); err != nil {
			return res, err
		}
		i, err = s.wait(ctx, command, false, want)
	}
	if err != nil {
		return res, err
	}
	out := s.body(true)
	res.Output = string(out)
	res.Failed = s.failed(out)
	if res.Failed {
		res.Rejected = command
	}
	res.Finished = time.Now()
	return res, nil
}

// Configure enters configuration mode, sends lines one by one, and leaves.
// It stops at the first line the device rejects; the Result then has Failed
// set and holds the outputs up to that line. Output is the lines' outputs
// joined, without the banner of the configure command.
func (s *session) Configure(ctx context.Context, lines []string) (drivers.Result, error) {
	res := drivers.Result{Command: strings.Join(lines, "\n"), Started: time.Now()}
	if _, err := s.exchange(ctx, s.pat.ConfigCommand, true, true, s.pat.prompt); err != nil {
		return res, err
	}
	if s.pat.config != nil && !match(s.pat.config, lastLine(s.buf)) {
		res.Output = string(s.body(true))
		res.Failed = true
		res.Finished = time.Now()
		return res, nil
	}
	s.cfg = s.cfg[:0]
	for _, l := range lines {
		if _, err := s.exchange(ctx, l, true, true, s.pat.prompt); err != nil {
			return res, err
		}
		out := s.body(true)
		if err := s.keepConfigOutput(out); err != nil {
			return res, err
		}
		if s.failed(out) {
			res.Failed, res.Rejected = true, l
			break
		}
	}
	// Platforms with a candidate configuration (IOS-XR, Junos) commit it,
	// or discard it after a rejected line so nothing half-done is left.
	if s.pat.CommitCommand != "" && !res.Failed {
		if _, err := s.exchange(ctx, s.pat.CommitCommand, true, true, s.pat.prompt); err != nil {
			return res, err
		}
		out := s.body(true)
		if s.failed(out) || containsAny(out, s.pat.CommitFailedWhenContains) {
			res.Failed, res.Rejected = true, s.pat.CommitCommand
		}
		if err := s.keepConfigOutput(out); err != nil {
			return res, err
		}
	}
	if res.Failed && s.pat.AbortConfigCommand != "" {
		if _, err := s.exchange(ctx, s.pat.AbortConfigCommand, true, true, s.pat.prompt); err != nil {
			return res, err
		}
		if err := s.keepConfigOutput(s.body(true)); err != nil {
			return res, err
		}
	}
	res.Output = string(s.cfg)
	if cap(s.cfg) > maxKeptBuffer {
		s.cfg = nil
	}
	// Some abort commands (IOS-XR's) already leave configuration mode.
	if s.pat.config == nil || match(s.pat.config, lastLine(s.buf)) {
		if _, err := s.exchange(ctx, s.pat.ExitConfigCommand, true, true, s.pat.prompt); err != nil {
			return res, err
		}
	}
	if s.pat.config != nil && match(s.pat.config, lastLine(s.buf)) {
		return res, s.fail(fmt.Errorf("%s: %q did not leave configuration mode; device answered %q", s.name, s.pat.ExitConfigCommand, s.excerpt()))
	}
	res.Finished = time.Now()
	return res, nil
}

// keepConfigOutput adds one line's output to the configuration push's,
// which the output limit bounds as a whole.
func (s *session) keepConfigOutput(out []byte) error {
	if len(out) == 0 {
		return nil
	}
	if len(s.cfg) > 0 {
		s.cfg = append(s.cfg, '\n')
	}
	s.cfg = append(s.cfg, out...)
	if int64(len(s.cfg)) > s.limit {
		return s.fail(drivers.OutputLimitError(s.name, "the configuration push", s.limit))
	}
	return nil
}

// Close ends the session. It is idempotent and safe to call from another
// goroutine while a command waits: the command then returns ErrClosed.
func (s *session) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		close(s.done)
		s.ch.Close()
		s.conn.Close()
		<-s.stopped
		s.tr.Flush()
	})
	return nil
}
