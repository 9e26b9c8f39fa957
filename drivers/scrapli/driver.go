// Package scrapli is netrun's scrapligo driver (driver = "scrapli"): it runs
// device sessions through scrapligo v1's network driver — privilege levels
// and enable, on-open commands, SendCommand, SendConfigs, failed-when-contains
// — with the platform data of drivers/platform, which is read from
// scrapligo's own platform definitions.
//
// The SSH connection is netrun's, not scrapligo's: a custom scrapligo
// transport opens it with drivers/sshconn, so host keys, jump hosts and
// legacy algorithms obey the same settings as the ssh driver. scrapligo v1
// takes no context, so cancellation closes that transport under it.
//
// It is not a second implementation of the CLI logic: prompts, privilege
// changes and output cleaning are scrapligo's. Outputs match the ssh
// driver's (scrapligo also trims the spaces that end lines), which is what
// lets a runbook switch drivers.
package scrapli

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/scrapli/scrapligo/driver/network"
	"github.com/scrapli/scrapligo/driver/options"
	"github.com/scrapli/scrapligo/util"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/platform"
)

// Driver opens scrapligo sessions. The zero value is not usable; call New. A
// Driver is safe for concurrent use by many goroutines.
type Driver struct {
	term      drivers.Terminal
	readDelay time.Duration
}

// Option configures a Driver.
type Option func(*Driver) error

// WithTerminalSize sets the PTY size requested from the device (default
// 511x24, as the ssh driver asks). Wide lines keep the device from wrapping
// long output and echoed commands.
func WithTerminalSize(cols, rows int) Option {
	return func(d *Driver) error { return d.term.Resize("scrapli", cols, rows) }
}

// WithReadDelay sets scrapligo's pause between polls of its read queue
// (scrapligo's default: 250µs). Longer saves CPU across many idle sessions
// and costs latency per command.
func WithReadDelay(delay time.Duration) Option {
	return func(d *Driver) error {
		if delay <= 0 {
			return fmt.Errorf("scrapli: read delay %s must be positive", delay)
		}
		d.readDelay = delay
		return nil
	}
}

// New returns a Driver configured by opts.
func New(opts ...Option) (*Driver, error) {
	return drivers.Configure(&Driver{term: drivers.DefaultTerminal}, opts)
}

var _ drivers.Driver = (*Driver)(nil)

// Open connects to t, waits for the first prompt, acquires the platform's
// default privilege level (enable with the credentials' enable secret) and
// runs the platform's on-open commands, as scrapligo's network on-open does.
// The connection is bounded by t.Timeout (or drivers.DefaultTimeout), each
// login step by it again, and all of it by ctx.
func (d *Driver) Open(ctx context.Context, t drivers.Target) (drivers.Session, error) {
	t, plat, err := drivers.Prepare(t)
	if err != nil {
		return nil, err
	}
	name, port, timeout, log := t.Name, t.Port, t.Timeout, t.Logger
	pat, err := compile(plat)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}

	sh := &shell{
		ctx: ctx, target: t, cols: d.term.Cols, rows: d.term.Rows,
		pager: pat.pager, password: pat.password,
		tr:    drivers.NewTranscript(t.Transcript, t.Credentials.Secrets()),
		limit: t.OutputLimit,
	}
	s := &session{
		name: name, addr: t.Addr(),
		plat: plat, pat: pat, sh: sh, creds: t.Credentials, secrets: t.Credentials.Secrets(), timeout: timeout, log: log,
	}

	levels := make(network.PrivilegeLevels, len(plat.Privileges))
	for _, l := range plat.Privileges {
		levels[l.Name] = &network.PrivilegeLevel{
			Name: l.Name, Pattern: l.Pattern, NotContains: l.NotContains,
			PreviousPriv: l.Previous, Deescalate: l.Deescalate, Escalate: l.Escalate,
			EscalateAuth: l.EscalateAuth, EscalatePrompt: l.EscalatePrompt,
		}
	}
	opts := []util.Option{
		options.WithCustomTransport(sh),
		options.WithPort(port),
		// The password stays with sshconn: scrapligo needs only the enable
		// secret, and its logger stays off.
		options.WithAuthSecondary(t.Credentials.Enable),
		options.WithTimeoutOps(timeout),
		options.WithPrivilegeLevels(levels),
		options.WithDefaultDesiredPriv(plat.DefaultPrivilege),
		options.WithFailedWhenContains(plat.FailedWhenContains),
		options.WithNetworkOnOpen(s.onOpen),
	}
	if d.readDelay > 0 {
		opts = append(opts, options.WithReadDelay(d.readDelay))
	}
	drv, err := network.NewDriver(t.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: scrapligo: %v", name, err)
	}
	if t.Prompt != "" {
		// Reads end at the override; privilege levels stay the platform's.
		drv.Channel.PromptPattern = pat.prompt
	}
	s.drv = drv

	stop := context.AfterFunc(ctx, func() { sh.abort(ctx.Err()) })
	s.what = "starting a shell"
	err = drv.Open()
	stop()
	if err != nil {
		// Explained before Close, which would make any failure look like
		// netrun's own close.
		err = s.openErr(ctx, err)
		s.Close()
		return nil, err
	}
	log.Debug("scrapli session open", "device", name, "addr", s.addr, "user", t.Credentials.Username, "platform", plat.Name)
	return s, nil
}

// patterns are the regular expressions of a platform the driver matches
// itself, compiled by drivers/platform, which shares them with every
// session and with the ssh driver.
type patterns struct {
	prompt, password, pager *regexp.Regexp
	expect                  []expect // the platform's DefaultExpect
}

type expect struct {
	re     *regexp.Regexp
	answer string
}

func compile(p platform.Platform) (*patterns, error) {
	re, err := p.Patterns()
	if err != nil {
		return nil, err
	}
	pt := &patterns{prompt: re.Prompt, password: re.Password, pager: re.Pager}
	for i, e := range p.DefaultExpect {
		pt.expect = append(pt.expect, expect{re: re.Expect[i], answer: e.Answer})
	}
	return pt, nil
}

// compileExpect compiles a command's questions, as drivers/platform anchors
// them at the end of the output.
func compileExpect(list []drivers.Expect) ([]expect, error) {
	out := make([]expect, 0, len(list))
	for _, e := range list {
		re, err := platform.CompileExpect(e.Prompt)
		if err != nil {
			return nil, err
		}
		out = append(out, expect{re: re, answer: e.Answer})
	}
	return out, nil
}

// openErr explains why Open failed.
func (s *session) openErr(ctx context.Context, err error) error {
	switch {
	case s.sh.dialErr != nil:
		return s.sh.dialErr // sshconn's errors name the device and wrap the sentinels
	case s.sh.shellErr != nil:
		return s.sh.shellErr
	case s.enableErr != nil:
		return s.enableErr
	}
	return s.opErr(ctx, err)
}

// firstPrompt is what Open does once the shell has started.
const firstPrompt = "waiting for the first prompt"

// onOpen is scrapligo's network on-open, done by netrun so that each step's
// failure is explained: wait for the first prompt, acquire the default
// privilege level, run the platform's on-open commands.
func (s *session) onOpen(d *network.Driver) error {
	s.what = firstPrompt
	if _, err := d.GetPrompt(); err != nil {
		return err
	}
	s.what = fmt.Sprintf("acquiring privilege level %q", d.DefaultDesiredPriv)
	if err := d.AcquirePriv(d.DefaultDesiredPriv); err != nil {
		s.enableErr = s.explainEnable(err)
		return err
	}
	for _, c := range s.plat.OnOpen {
		s.what = fmt.Sprintf("command %q", c)
		s.sh.mark(0)
		r, err := d.SendCommand(c)
		if err != nil {
			return err
		}
		if r.Failed != nil {
			s.log.Warn("on-open command rejected", "device", s.name, "command", c, "output", s.mask(r.Result))
		}
	}
	return nil
}

// explainEnable turns a failure to acquire the default privilege level into
// an ErrEnable error.
func (s *session) explainEnable(err error) error {
	enable := s.plat.EnableCommand
	if why := s.sh.closeReason(); errors.Is(why, errEnableRejected) {
		return fmt.Errorf("%s: %w: %v", s.name, drivers.ErrEnable, errEnableRejected)
	}
	last, _ := s.sh.lastBytes()
	if s.creds.Enable == "" && s.pat.password != nil && s.pat.password.MatchString(lastLine(last)) {
		return fmt.Errorf("%s: %w: %q asks for a secret and the credentials have no enable secret", s.name, drivers.ErrEnable, enable)
	}
	if errors.Is(err, util.ErrTimeoutError) || errors.Is(err, util.ErrPrivilegeError) {
		return fmt.Errorf("%s: %w: could not reach privilege level %q with %q (%v); device answered %q",
			s.name, drivers.ErrEnable, s.plat.DefaultPrivilege, enable, scrapliReason(err), s.excerpt())
	}
	return nil // an I/O error or a cancellation: opErr explains it
}
