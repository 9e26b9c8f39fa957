package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/platform"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
)

// Status is how a step or a device ended; the state records it.
type Status = state.Status

const (
	OK        = state.OK
	Failed    = state.Failed
	Skipped   = state.Skipped
	Cancelled = state.Cancelled
)

// Options tune an apply.
type Options struct {
	Parallelism int
	Drivers     drivers.Registry
	// Endpoints overrides device addresses by device name (-sim).
	Endpoints map[string]drivers.Endpoint
	// Progress receives the textbook's "===> time Connection: host" and
	// "<=== time Received: host" lines; nil means none.
	Progress io.Writer
	Logger   *slog.Logger
	// Secrets are masked in every output and error the report holds.
	Secrets []string
	// Simulated marks a -sim run: its configurations go under
	// .netrun/sim, not backups/, and its state records no config digests.
	Simulated bool
	// Store keeps device backups and applied configurations, and drift
	// reads state from it; nil is the runbook directory
	// (state.NewLocal(rb.Dir, Simulated)).
	Store state.Store
	// OnDevice, when set, is called as each device finishes (from the
	// device's goroutine), so callers can record results as they come.
	OnDevice func(DeviceResult)
	// TranscriptDir, when set, receives one file per device with what was
	// sent and received (secrets masked): DEVICE.log.
	TranscriptDir string
	Now           func() time.Time
	// Jumps carries devices with via through their jump hosts: the caller
	// makes it with NewJumps and closes it after Apply.
	Jumps *Jumps
	// AcceptNewHostKeys trusts and records unknown device host keys
	// (-accept-new-host-keys); a changed key is still refused.
	AcceptNewHostKeys bool
}

// StepResult is one step on one device.
type StepResult struct {
	Task     string           `json:"task"`
	Status   Status           `json:"status"`
	Error    string           `json:"error,omitempty"`
	Results  []drivers.Result `json:"results,omitempty"`
	Config   *ConfigOutcome   `json:"config,omitempty"`
	Started  time.Time        `json:"-"`
	Finished time.Time        `json:"-"`
}

// DeviceResult is every step of one device, in plan order.
type DeviceResult struct {
	Name     string       `json:"name"`
	Host     string       `json:"host"`
	Port     int          `json:"port"`
	Status   Status       `json:"status"`
	Error    string       `json:"error,omitempty"` // the root cause: first failure
	Steps    []StepResult `json:"steps"`
	Started  time.Time    `json:"started"`
	Finished time.Time    `json:"finished"`
}

// Report is what an apply did.
type Report struct {
	Simulated     bool           `json:"simulated,omitempty"`
	Started       time.Time      `json:"started"`
	Finished      time.Time      `json:"finished"`
	Devices       []DeviceResult `json:"devices"`
	MaxConcurrent int            `json:"-"` // peak of simultaneous open sessions
}

// Counts returns how many devices ended ok, failed, and otherwise.
func (r *Report) Counts() (ok, failed, other int) {
	for _, d := range r.Devices {
		switch d.Status {
		case OK:
			ok++
		case Failed:
			failed++
		default:
			other++
		}
	}
	return
}

// Results converts the report to what output expressions read.
func (r *Report) Results() config.Results {
	res := config.Results{Outputs: map[string]map[string][]string{}, Failed: map[string][]string{}}
	for _, d := range r.Devices {
		for _, s := range d.Steps {
			name := s.Task
			if a, _ := config.ParseAddr(s.Task); a.Kind == config.KindCommand {
				name = a.Name
			}
			if s.Status != OK {
				res.Failed[name] = append(res.Failed[name], d.Name)
				continue
			}
			if res.Outputs[name] == nil {
				res.Outputs[name] = map[string][]string{}
			}
			outs := make([]string, len(s.Results))
			for i, x := range s.Results {
				outs[i] = x.Output
			}
			res.Outputs[name][d.Name] = outs
		}
	}
	return res
}

// stepRun is a step while the walk runs.
type stepRun struct {
	id     string
	step   plan.Step
	deps   []*stepRun
	done   chan struct{}
	result StepResult
	// lastConverge marks a device's last config step: the one that saves
	// the configuration, once, for all of the device's config blocks.
	lastConverge bool
}

func (s *stepRun) ok() bool { return s.result.Status == OK }

// Apply runs the plan. Devices run concurrently, at most opts.Parallelism
// sessions open at once; each device opens one session, reused by all of its
// steps. A failed step skips its dependants; other devices go on. When ctx is
// cancelled, in-flight commands are interrupted, steps not yet run are
// reported as cancelled, and the report still holds everything that finished.
func Apply(ctx context.Context, rb *config.Runbook, p *plan.Plan, opts Options) *Report {
	w := newWalker(rb, opts)
	opts = w.opts

	// Index every step first so dependencies across devices resolve.
	steps := map[string]*stepRun{}
	perDevice := make([][]*stepRun, len(p.Devices))
	for i, d := range p.Devices {
		for _, st := range d.Steps {
			sr := &stepRun{id: plan.ID(st.Task, d.Name), step: st, done: make(chan struct{})}
			sr.result.Task = st.Task
			steps[sr.id] = sr
			perDevice[i] = append(perDevice[i], sr)
		}
		for j := len(perDevice[i]) - 1; j >= 0; j-- {
			if perDevice[i][j].step.Action == plan.Converge {
				perDevice[i][j].lastConverge = true
				break
			}
		}
	}
	for _, sr := range steps {
		for _, dep := range sr.step.DependsOn {
			if d, ok := steps[dep]; ok {
				sr.deps = append(sr.deps, d)
			}
		}
	}

	rep := &Report{Simulated: opts.Simulated, Started: opts.Now(), Devices: make([]DeviceResult, len(p.Devices))}
	var wg sync.WaitGroup
	for i := range p.Devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep.Devices[i] = w.safeDevice(ctx, p.Devices[i], perDevice[i])
			if opts.OnDevice != nil {
				opts.OnDevice(rep.Devices[i])
			}
		}()
	}
	wg.Wait()
	rep.Finished = opts.Now()
	rep.MaxConcurrent = int(w.peak.Load())
	return rep
}

func newWalker(rb *config.Runbook, opts Options) *walker {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Store == nil {
		opts.Store = state.NewLocal(rb.Dir, opts.Simulated)
	}
	limit := opts.Parallelism
	if limit <= 0 {
		limit = DefaultParallelism
	}
	w := &walker{
		opts:    opts,
		rb:      rb,
		slots:   make(chan struct{}, limit),
		mask:    newMasker(opts.Secrets, rb.SensitiveLines()...),
		desired: map[string]*config.Desired{},
	}
	// Looked up once per run, not per device.
	w.knownHosts = KnownHostsFile(rb, "", opts.AcceptNewHostKeys)
	w.commands = make(map[string]*config.Command, len(rb.Commands))
	for _, c := range rb.Commands {
		w.commands[c.Addr().String()] = c
	}
	for _, c := range rb.Configs {
		w.desired[c.Addr().String()] = c
	}
	return w
}

type walker struct {
	opts       Options
	knownHosts string // for devices that name no known_hosts
	desired    map[string]*config.Desired
	left       sync.Map // device name → digest of the configuration this run left it in
	toSave     sync.Map // device name → true when a config block asked to save
	backedUp   sync.Map // device name → true once its backup is written
	rb         *config.Runbook
	slots      chan struct{}
	mask       *masker
	// commands are the runbook's commands by task: the plan's copy is for
	// showing, with secrets masked.
	commands map[string]*config.Command

	progressMu sync.Mutex
	open, peak atomic.Int64
}

func (w *walker) progress(arrow, what, host string) {
	if w.opts.Progress == nil {
		return
	}
	w.progressMu.Lock()
	defer w.progressMu.Unlock()
	fmt.Fprintf(w.opts.Progress, "%s %s %s: %s\n", arrow, w.opts.Now().Format("15:04:05.000000"), what, host)
}

// safeDevice runs device and turns a panic (a driver bug) into that
// device's failure: one device must never take the run down.
func (w *walker) safeDevice(ctx context.Context, pd plan.Device, steps []*stepRun) (dr DeviceResult) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		w.opts.Logger.Error("driver panic", "device", pd.Name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		msg := w.mask.String(fmt.Sprintf("%s: internal error in driver: %v", pd.Name, r))
		dr = DeviceResult{Name: pd.Name, Host: pd.Host, Port: pd.Port, Status: Failed, Error: msg, Finished: w.opts.Now()}
		for _, sr := range steps {
			select {
			case <-sr.done:
				// Other devices read only the status of a finished step.
				if sr.result.Error == pd.Name+": internal error in driver" {
					sr.result.Error = msg
				}
			default:
				sr.result.Status, sr.result.Error = Failed, msg
				close(sr.done)
			}
			dr.Steps = append(dr.Steps, sr.result)
		}
	}()
	return w.device(ctx, pd, steps)
}

// device runs one device's steps in order. It holds a session slot only
// while it has a step ready to run: waiting on another device's step with a
// slot held could deadlock the walk when every slot waits.
func (w *walker) device(ctx context.Context, pd plan.Device, steps []*stepRun) DeviceResult {
	dr := DeviceResult{Name: pd.Name, Host: pd.Host, Port: pd.Port, Started: w.opts.Now()}
	target, drv, unusable := w.target(pd)
	if unusable == nil && w.opts.TranscriptDir != "" {
		f, err := w.transcript(pd)
		if err != nil {
			unusable = err
		} else {
			defer f.Close()
			target.Transcript = maskingWriter{f, w.mask}
		}
	}

	var sess drivers.Session
	held := false
	closeSession := func() {
		if sess != nil {
			_ = sess.Close()
			sess = nil
		}
	}
	release := func() {
		closeSession()
		if held {
			w.open.Add(-1)
			<-w.slots
			held = false
		}
	}
	defer release()
	received := false

	for _, sr := range steps {
		if held && !allDone(sr.deps) {
			release()
		}
		switch {
		case !w.waitDeps(ctx, sr):
			w.finish(sr, Cancelled, "")
			continue
		case firstNotOK(sr.deps) != nil:
			w.finish(sr, Skipped, fmt.Sprintf("skipped: %s did not succeed", firstNotOK(sr.deps).id))
			continue
		case unusable != nil:
			// Report the root cause once; later steps of the device are
			// skipped because of it.
			if dr.Error == "" {
				dr.Error = w.mask.String(unusable.Error())
				w.finish(sr, Failed, dr.Error)
			} else {
				w.finish(sr, Skipped, "skipped: "+pd.Name+" could not be reached")
			}
			continue
		}
		if sess == nil {
			if !held {
				select {
				case w.slots <- struct{}{}:
					held = true
					w.bumpPeak(w.open.Add(1))
				case <-ctx.Done():
					w.finish(sr, Cancelled, "")
					continue
				}
			}
			w.progress("===>", "Connection", progressHost(pd))
			s, err := drv.Open(ctx, target)
			if err != nil {
				err = named(pd.Name, err)
				if ctx.Err() != nil {
					w.finish(sr, Cancelled, w.mask.String(err.Error()))
					continue
				}
				unusable = err
				dr.Error = w.mask.String(err.Error())
				w.finish(sr, Failed, dr.Error)
				continue
			}
			sess = s
		}
		ioErr := w.runStep(ctx, sess, pd, sr)
		if sr.result.Status == OK || len(sr.result.Results) > 0 {
			received = true
		}
		if ioErr != nil {
			// An I/O error or timeout leaves the session in an unknown
			// state: the next step gets a fresh one.
			closeSession()
		}
	}
	if received {
		w.progress("<===", "Received", progressHost(pd))
	}
	release()

	dr.Finished = w.opts.Now()
	dr.Status = OK
	for _, sr := range steps {
		dr.Steps = append(dr.Steps, sr.result)
		st := sr.result.Status
		if st == OK {
			continue
		}
		// The device's status is its worst step: failed over cancelled over
		// skipped; its error is the first failure, the root cause.
		if rank(st) > rank(dr.Status) {
			dr.Status = st
		}
		if st == Failed && dr.Error == "" {
			dr.Error = sr.result.Error
		}
	}
	return dr
}

func rank(s Status) int {
	switch s {
	case Failed:
		return 3
	case Cancelled:
		return 2
	case Skipped:
		return 1
	}
	return 0
}

func (w *walker) bumpPeak(n int64) {
	for {
		p := w.peak.Load()
		if n <= p || w.peak.CompareAndSwap(p, n) {
			return
		}
	}
}

// runStep sends the step's commands. A device rejecting a command fails the
// step with its output kept; the returned error is for I/O and timeouts,
// after which the session must not be reused.
func (w *walker) runStep(ctx context.Context, sess drivers.Session, pd plan.Device, sr *stepRun) error {
	sr.result.Started = w.opts.Now()
	defer func() {
		// Dependants read the status once done is closed, so it is set
		// first, even while a driver panic unwinds through here.
		if sr.result.Status == "" {
			sr.result.Status = Failed
			sr.result.Error = pd.Name + ": internal error in driver"
		}
		sr.result.Finished = w.opts.Now()
		close(sr.done)
	}()
	if sr.step.Action == plan.Converge {
		return w.converge(ctx, sess, pd, sr)
	}
	cmd, ok := w.commands[sr.step.Task]
	if !ok {
		sr.result.Status = Failed
		sr.result.Error = fmt.Sprintf("%s: %s is in the plan but not in the runbook", pd.Name, sr.step.Task)
		return nil
	}
	// One Configure call for configuration lines (config mode, commit where
	// the platform has one); one Run per command otherwise.
	type call struct {
		text string
		do   func(context.Context) (drivers.Result, error)
	}
	var calls []call
	if len(cmd.Configure) > 0 {
		calls = append(calls, call{strings.Join(cmd.Configure, "\n"), func(ctx context.Context) (drivers.Result, error) {
			return sess.Configure(ctx, cmd.Configure)
		}})
	}
	for _, c := range cmd.Commands {
		calls = append(calls, call{c, func(ctx context.Context) (drivers.Result, error) {
			return sess.Run(ctx, c, drivers.WithExpect(cmd.Expect...))
		}})
	}
	for _, c := range calls {
		cctx, cancel := ctx, context.CancelFunc(func() {})
		if sr.step.Timeout > 0 {
			cctx, cancel = context.WithTimeout(ctx, sr.step.Timeout)
		}
		res, err := c.do(cctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				sr.result.Status = Cancelled
				sr.result.Error = w.mask.String(named(pd.Name, err).Error())
				return err
			}
			switch {
			case errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, drivers.ErrTimeout):
				err = fmt.Errorf("%w: %q after %s: %w", drivers.ErrTimeout, c.text, sr.step.Timeout, err)
			case errors.Is(err, context.DeadlineExceeded) && sr.step.Timeout > 0:
				// Say which limit it was, whatever words the driver used.
				err = fmt.Errorf("%w (the block's timeout is %s)", err, sr.step.Timeout)
			}
			sr.result.Status = Failed
			sr.result.Error = w.mask.String(named(pd.Name, err).Error())
			return err
		}
		// Outputs end without a final newline whatever the driver (a
		// plugin's exec output ends with one), so a one-line answer is a
		// one-line value.
		res.Output = w.mask.String(strings.TrimRight(res.Output, "\r\n"))
		res.Command = w.mask.String(res.Command)
		res.Rejected = w.mask.String(res.Rejected)
		sr.result.Results = append(sr.result.Results, res)
		if res.Failed {
			rejected := res.Command
			if res.Rejected != "" {
				rejected = w.mask.String(res.Rejected)
			}
			sr.result.Status = Failed
			sr.result.Error = fmt.Sprintf("%s: device rejected %q: %s", pd.Name, rejected, failureLine(res.Output, pd.Platform))
			return nil
		}
	}
	sr.result.Status = OK
	return nil
}

func (w *walker) finish(sr *stepRun, st Status, msg string) {
	sr.result.Status = st
	sr.result.Error = msg
	close(sr.done)
}

func (w *walker) waitDeps(ctx context.Context, sr *stepRun) bool {
	for _, d := range sr.deps {
		select {
		case <-d.done:
		case <-ctx.Done():
			return false
		}
	}
	return ctx.Err() == nil
}

func allDone(deps []*stepRun) bool {
	for _, d := range deps {
		select {
		case <-d.done:
		default:
			return false
		}
	}
	return true
}

func firstNotOK(deps []*stepRun) *stepRun {
	for _, d := range deps {
		if !d.ok() {
			return d
		}
	}
	return nil
}

// target builds the driver's view of a device.
func (w *walker) target(pd plan.Device) (drivers.Target, drivers.Driver, error) {
	d := w.rb.Device(pd.Name)
	if d == nil {
		return drivers.Target{}, nil, fmt.Errorf("device %q is in the plan but not in the runbook", pd.Name)
	}
	drv, ok := w.opts.Drivers[d.Driver]
	if !ok {
		return drivers.Target{}, nil, fmt.Errorf("device %s: unknown driver %q (known: %v)", d.Name, d.Driver, w.opts.Drivers.Names())
	}
	t := drivers.Target{
		Name:                d.Name,
		Host:                d.Host,
		Port:                d.Port,
		Platform:            d.Platform,
		Credentials:         d.Credentials,
		Prompt:              d.Prompt,
		Timeout:             d.Timeout,
		KnownHosts:          cmp.Or(d.KnownHosts, w.knownHosts),
		InsecureSkipHostKey: d.InsecureSkipHostKey,
		HostKeys:            d.HostKeys,
		AcceptNewHostKeys:   w.opts.AcceptNewHostKeys,
		Algorithms:          d.Algorithms,
		Settings:            d.Settings,
		Dial:                w.opts.Jumps.Dialer(d),
		Logger:              w.opts.Logger,
	}
	if ep, ok := w.opts.Endpoints[d.Name]; ok {
		t.Host, t.Port = ep.Host, ep.Port
		if ep.HostKey != nil {
			t.HostKeys = []string{pin(ep.HostKey)}
			t.InsecureSkipHostKey = false
		}
	}
	return t, drv, nil
}

// pin is a host key as a HostKeys pin. -sim trusts its simulators' keys by
// pinning them: a Target stays plain data, so it can cross to a worker
// process in subprocess mode.
func pin(k ssh.PublicKey) string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))
}

// RunbookKnownHosts is the runbook's own known_hosts file, in its directory.
const RunbookKnownHosts = "known_hosts"

// KnownHostsFile picks the known_hosts file a device's keys are checked
// against: the device's own known_hosts when it names one; else the
// runbook's known_hosts when it exists or when new keys are to be recorded
// (-accept-new-host-keys keeps what it learns with the runbook, in git, not
// in the user's home); else "" for ~/.ssh/known_hosts.
func KnownHostsFile(rb *config.Runbook, deviceFile string, acceptNew bool) string {
	if deviceFile != "" {
		return deviceFile
	}
	own := filepath.Join(rb.Dir, RunbookKnownHosts)
	if acceptNew {
		return own
	}
	if _, err := os.Stat(own); err == nil {
		return own
	}
	return ""
}

// transcript creates the device's transcript file. Drivers mask the
// device's own secrets; the runbook's other secrets are masked here too.
func (w *walker) transcript(pd plan.Device) (*os.File, error) {
	if err := os.MkdirAll(w.opts.TranscriptDir, 0o700); err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	path := filepath.Join(w.opts.TranscriptDir, state.FileName(pd.Name)+".log")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	fmt.Fprintf(f, "# netrun transcript of %s (%s:%d, %s via %s), started %s\n", pd.Name, pd.Host, pd.Port,
		pd.Platform, pd.Driver, w.opts.Now().UTC().Format(time.RFC3339))
	fmt.Fprintln(f, "# Lines starting \">>> \" are what netrun sent; the rest is what the device sent. Secrets are masked.")
	return f, nil
}

// maskingWriter masks the runbook's secrets (sensitive variables used in
// commands, say) in what a driver writes to a transcript.
type maskingWriter struct {
	w io.Writer
	m *masker
}

func (mw maskingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(mw.w, mw.m.String(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// progressHost is the device's host as the textbook prints it, with the
// port when it is not 22 (a fleet on one address differs only by port).
func progressHost(pd plan.Device) string {
	if pd.Port == 22 || pd.Port == 0 {
		return pd.Host
	}
	return net.JoinHostPort(pd.Host, strconv.Itoa(pd.Port))
}

// named makes an error start with the device's name, once: drivers name the
// device themselves, other errors get it here.
func named(device string, err error) error {
	if msg := err.Error(); strings.HasPrefix(msg, device+": ") || strings.HasPrefix(msg, "device "+device+": ") {
		return err
	}
	return fmt.Errorf("%s: %w", device, err)
}

// failureLine is the line of a device's answer that says what went wrong:
// the first with one of the platform's failure strings, else the first
// starting with %, else the first non-empty one.
func failureLine(s, name string) string {
	var marks []string
	if p, err := platform.Lookup(name); err == nil && name != "" {
		marks = append(append(marks, p.FailedWhenContains...), p.CommitFailedWhenContains...)
	}
	lines := strings.Split(s, "\n")
	for _, l := range lines {
		for _, m := range marks {
			if strings.Contains(l, m) {
				return strings.TrimSpace(l)
			}
		}
	}
	for _, l := range lines {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "%") {
			return l
		}
	}
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" && l != "^" {
			return l
		}
	}
	return ""
}
