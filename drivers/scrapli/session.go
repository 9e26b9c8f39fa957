package scrapli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scrapli/scrapligo/driver/network"
	"github.com/scrapli/scrapligo/driver/opoptions"
	"github.com/scrapli/scrapligo/response"
	"github.com/scrapli/scrapligo/util"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/platform"
	"github.com/netrun/netrun/drivers/sshconn"
)

// session is one scrapligo network driver on one device.
type session struct {
	name, addr string
	plat       platform.Platform
	pat        *patterns
	drv        *network.Driver
	sh         *shell
	creds      drivers.Credentials
	secrets    []string // creds.Secrets(), longest first
	timeout    time.Duration
	log        *slog.Logger

	what      string // the step in progress, for errors
	enableErr error  // why the default privilege level could not be had
	err       error  // set once the session is unusable

	closed    atomic.Bool
	closeOnce sync.Once
}

// maxAnswers bounds the questions one command may ask, so that a device
// asking the same question forever cannot loop a Run.
const maxAnswers = 16

// Run sends command at the platform's default privilege level with
// scrapligo's SendCommand and returns its output without echo and prompt.
// When the command or the platform declares questions it may ask, they are
// read as interim prompts and answered.
func (s *session) Run(ctx context.Context, command string, opts ...drivers.RunOption) (drivers.Result, error) {
	res := drivers.Result{Command: command, Started: time.Now()}
	if err := s.usable(); err != nil {
		return res, err
	}
	var ro drivers.RunOptions
	for _, o := range opts {
		o(&ro)
	}
	expects := s.pat.expect
	if len(ro.Expect) > 0 {
		extra, err := compileExpect(ro.Expect)
		if err != nil {
			return res, fmt.Errorf("%s: command %q: %w", s.name, command, err)
		}
		expects = append(extra, expects...)
	}

	stop := s.watch(ctx)
	defer stop()
	s.what = fmt.Sprintf("command %q", s.mask(command))
	s.sh.mark(ro.OutputLimit)
	if len(expects) == 0 {
		r, err := s.drv.SendCommand(command)
		if err != nil {
			return res, s.fail(s.opErr(ctx, err))
		}
		res.Output, res.Failed, res.Finished = r.Result, r.Failed != nil, time.Now()
		if res.Failed {
			res.Rejected = command
		}
		return res, nil
	}

	interim := make([]*regexp.Regexp, len(expects))
	for i, e := range expects {
		interim[i] = e.re
	}
	r, err := s.drv.SendCommand(command, opoptions.WithNoStripPrompt(), opoptions.WithInterimPromptPattern(interim))
	if err != nil {
		return res, s.fail(s.opErr(ctx, err))
	}
	out := r.Result
	for n := 0; ; n++ {
		if s.drv.Channel.PromptPattern.MatchString(lastLine(out)) {
			break
		}
		e := answerFor(expects, out)
		if e == nil {
			break
		}
		if n == maxAnswers {
			return res, s.fail(fmt.Errorf("%s: %s: the device asked more than %d questions; last: %q", s.name, s.what, maxAnswers, s.excerpt()))
		}
		s.log.Debug("answering a question", "device", s.name, "command", command, "question", s.mask(lastLine(out)))
		more, err := s.answer(ctx, e.answer, interim)
		if err != nil {
			return res, s.fail(s.opErr(ctx, err))
		}
		out += more
	}
	res.Output = s.clean(out)
	res.Failed = util.StringContainsAnySubStrs(res.Output, r.FailedWhenContains) != ""
	if res.Failed {
		res.Rejected = command
	}
	res.Finished = time.Now()
	return res, nil
}

func answerFor(expects []expect, out string) *expect {
	for i := range expects {
		if expects[i].re.MatchString(out) {
			return &expects[i]
		}
	}
	return nil
}

// answer sends an answer to a question and reads until the prompt or the
// next question, on scrapligo's channel.
func (s *session) answer(ctx context.Context, answer string, interim []*regexp.Regexp) (string, error) {
	ch := s.drv.Channel
	if err := ch.Write([]byte(answer), false); err != nil {
		return "", err
	}
	if err := ch.WriteReturn(); err != nil {
		return "", err
	}
	rctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	b, err := ch.ReadUntilAnyPrompt(rctx, append([]*regexp.Regexp{ch.PromptPattern}, interim...))
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		err = fmt.Errorf("%w: reading after an answer", util.ErrTimeoutError)
	}
	return string(b), err
}

// clean is scrapligo's own output processing (channel.processOut): lines
// right-trimmed, prompts removed, blank lines around cut.
func (s *session) clean(out string) string {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	b := s.drv.Channel.PromptPattern.ReplaceAll([]byte(strings.Join(lines, "\n")), nil)
	return strings.Trim(string(b), "\n")
}

// Configure enters configuration mode, sends lines with scrapligo's
// SendConfigs (stopping at the first line the device rejects), commits the
// candidate on platforms that have one (IOS-XR, Junos), discards it when a
// line or the commit failed, and goes back to the default privilege level.
// Output is the non-empty outputs of the lines, then of the commit and of the
// abort, joined by newlines.
func (s *session) Configure(ctx context.Context, lines []string) (drivers.Result, error) {
	res := drivers.Result{Command: strings.Join(lines, "\n"), Started: time.Now()}
	if err := s.usable(); err != nil {
		return res, err
	}
	if len(lines) == 0 {
		res.Finished = time.Now()
		return res, nil
	}
	stop := s.watch(ctx)
	defer stop()

	var outs []string
	add := func(r *response.Response) {
		if r.Result != "" {
			outs = append(outs, r.Result)
		}
	}
	s.what = fmt.Sprintf("entering configuration mode with %q", s.plat.ConfigCommand)
	s.sh.mark(0)
	if err := s.drv.AcquirePriv("configuration"); err != nil {
		return res, s.fail(s.opErr(ctx, err))
	}
	s.what = "sending configuration lines"
	s.sh.mark(0)
	mr, err := s.drv.SendConfigs(lines, opoptions.WithStopOnFailed())
	if err != nil {
		return res, s.fail(s.opErr(ctx, err))
	}
	for _, r := range mr.Responses {
		add(r)
	}
	res.Failed = mr.Failed != nil
	for _, r := range mr.Responses {
		if res.Failed && r.Failed != nil {
			res.Rejected = r.Input
			break
		}
	}
	// Commit and abort are sent in configuration mode: the generic driver's
	// SendCommand does not change privilege level first.
	send := func(command string) (*response.Response, error) {
		s.what = fmt.Sprintf("command %q", command)
		s.sh.mark(0)
		r, err := s.drv.Driver.SendCommand(command)
		if err != nil {
			return nil, s.fail(s.opErr(ctx, err))
		}
		add(r)
		return r, nil
	}
	if !res.Failed && s.plat.CommitCommand != "" {
		r, err := send(s.plat.CommitCommand)
		if err != nil {
			return res, err
		}
		res.Failed = r.Failed != nil || util.StringContainsAnySubStrs(r.Result, s.plat.CommitFailedWhenContains) != ""
		if res.Failed {
			res.Rejected = s.plat.CommitCommand
		}
	}
	if res.Failed && s.plat.AbortConfigCommand != "" {
		if _, err := send(s.plat.AbortConfigCommand); err != nil {
			return res, err
		}
	}
	s.what = fmt.Sprintf("leaving configuration mode with %q", s.plat.ExitConfigCommand)
	s.sh.mark(0)
	if err := s.drv.AcquirePriv(s.drv.DefaultDesiredPriv); err != nil {
		return res, s.fail(s.opErr(ctx, err))
	}
	res.Output = strings.Join(outs, "\n")
	res.Finished = time.Now()
	return res, nil
}

// watch closes the shell when ctx ends, which makes the scrapligo operation
// in progress fail at once: scrapligo v1 takes no context.
func (s *session) watch(ctx context.Context) (stop func() bool) {
	return context.AfterFunc(ctx, func() { s.sh.abort(ctx.Err()) })
}

func (s *session) usable() error {
	if s.err != nil {
		return fmt.Errorf("%s: %w: unusable after an earlier error (%v)", s.name, drivers.ErrClosed, s.err)
	}
	if s.closed.Load() {
		return fmt.Errorf("%s: %w", s.name, drivers.ErrClosed)
	}
	return nil
}

// fail records err and closes the session: after a timeout or an I/O error
// the CLI is in an unknown state.
func (s *session) fail(err error) error {
	s.err = err
	s.log.Debug("session failed", "device", s.name, "error", err)
	s.Close()
	return err
}

// opErr explains why a scrapligo operation failed: cancellation, a deadline,
// scrapligo's own timeout, or the connection going away.
func (s *session) opErr(ctx context.Context, err error) error {
	_, n := s.sh.lastBytes()
	why := s.sh.closeReason()
	switch {
	case ctx.Err() != nil:
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			// A deadline from the caller (a command block's timeout)
			// deserves the same explanation as the session's own.
			return fmt.Errorf("%w (%w)", s.timeoutErr("before the caller's deadline", n), ctx.Err())
		}
		return fmt.Errorf("%s: %s: %w", s.name, s.what, ctx.Err())
	case errors.Is(why, errEnableRejected):
		return fmt.Errorf("%s: %w: %v", s.name, drivers.ErrEnable, why)
	case errors.Is(why, drivers.ErrOutputLimit):
		return drivers.OutputLimitError(s.name, s.what, s.sh.outputLimit())
	case errors.Is(err, util.ErrTimeoutError):
		return s.timeoutErr("after "+s.timeout.String(), n)
	case errors.Is(err, util.ErrConnectionError) || why != nil || !s.sh.IsAlive():
		reason := "connection closed by the device"
		if why == nil && !s.closed.Load() && s.what == firstPrompt {
			return sshconn.ClosedBeforePrompt(s.name, n, s.excerpt())
		}
		if why != nil {
			reason = why.Error()
		} else if s.closed.Load() {
			reason = "session closed"
		}
		return fmt.Errorf("%s: %s: %w (%s); %d bytes received, ending %q", s.name, s.what, drivers.ErrClosed, reason, n, s.excerpt())
	}
	return fmt.Errorf("%s: %s: %s", s.name, s.what, s.mask(scrapliReason(err)))
}

func (s *session) timeoutErr(after string, n int64) error {
	return fmt.Errorf("%s: %s: %w %s waiting for a prompt matching %s; %d bytes received, ending %q",
		s.name, s.what, drivers.ErrTimeout, after, s.pat.prompt, n, s.excerpt())
}

// scrapliReason is a scrapligo error without its sentinel's camel-case name
// ("errTimeoutError: channel timeout ...").
func scrapliReason(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "err") {
		return msg[i+2:]
	}
	return msg
}

// excerpt is the end of the output received in the step in progress,
// secrets masked. Masking runs on a window longer than the excerpt so that
// a secret cut by the excerpt's start is still masked.
func (s *session) excerpt() string {
	last, _ := s.sh.lastBytes()
	return drivers.Excerpt(last, s.secrets)
}

func (s *session) mask(t string) string {
	return drivers.MaskSecrets(t, s.secrets, drivers.Mask)
}

func lastLine(s string) string {
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// Close ends the session. It is idempotent and safe to call from another
// goroutine while a command waits: the command then returns ErrClosed.
func (s *session) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.sh.Close()
		if s.drv != nil && s.sh.dialErr == nil {
			// The channel's read loop sees the closed shell and ends.
			s.drv.Channel.Close()
		}
		s.sh.tr.Flush()
	})
	return nil
}
