package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
)

// stepRun is a step while the walk runs. Its deps are the steps its plan
// step depends on, found by ID; done is closed once its result is final.
// The order was checked (cycles included) when the plan was built with
// engine/graph; the walk needs no graph of its own: each device's goroutine
// runs its steps in plan order and waits on its deps' done channels, which
// is how cross-device dependencies hold without a central scheduler.
type stepRun struct {
	id     string
	step   plan.Step
	deps   []*stepRun
	done   chan struct{}
	result StepResult
	device *plan.Device // for its StepComplete event
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
			sr := &stepRun{id: plan.ID(st.Task, d.Name), step: st, done: make(chan struct{}), device: &p.Devices[i]}
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
	eachDevice(len(p.Devices), func(i int) {
		rep.Devices[i] = w.safeDevice(ctx, p.Devices[i], perDevice[i])
		if opts.OnDevice != nil {
			opts.OnDevice(rep.Devices[i])
		}
		w.emit(Event{Kind: DeviceComplete, Device: p.Devices[i].Name, Host: progressHost(p.Devices[i]), Result: &rep.Devices[i]})
	})
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
		opts.Store = state.Open(rb.Dir, opts.Simulated)
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
	w.commandSteps = make(map[string]plan.Step, len(rb.Commands))
	for _, c := range rb.Commands {
		w.commands[c.Addr().String()] = c
		// Its lines masked and pinned once per run, not per device.
		w.commandSteps[c.Addr().String()] = commandStep(c, w.mask)
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
	// commandSteps are the command blocks' steps as the runbook has them
	// now, masked and pinned once: apply's pin check and results use them.
	commandSteps map[string]plan.Step

	progressMu sync.Mutex
	open, peak atomic.Int64
}

// eachDevice calls fn(i) for each of n devices, every device in its own
// goroutine, and returns when all have. Goroutines are cheap; what the run
// bounds is sessions: fn holds a session slot (acquire, release) only while
// it has a step ready to run, otherwise the walk could deadlock when every
// slot waits on another device's step. Apply, Refresh and Drift all fan out
// here.
func eachDevice(n int, fn func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(i)
		}()
	}
	wg.Wait()
}

// acquire takes a session slot, waiting for one to free up; false when ctx
// ended first.
func (w *walker) acquire(ctx context.Context) bool {
	select {
	case w.slots <- struct{}{}:
		w.bumpPeak(w.open.Add(1))
		return true
	case <-ctx.Done():
		return false
	}
}

// release frees a slot acquire took.
func (w *walker) release() {
	w.open.Add(-1)
	<-w.slots
}

// safeDevice runs device and turns a panic (a driver bug) into that
// device's failure: one device must never take the run down. A panic in a
// step comes back from runStep as a *panicError; one outside a step
// (opening or closing a session) is recovered here.
func (w *walker) safeDevice(ctx context.Context, pd plan.Device, steps []*stepRun) (dr DeviceResult) {
	defer func() {
		if r := recover(); r != nil {
			dr = w.crashed(pd, steps, &panicError{value: r, stack: debug.Stack()})
		}
	}()
	return w.device(ctx, pd, steps)
}

// crashed is the result of a device whose driver panicked: the device and
// every step not yet done fail with the panic, masked.
func (w *walker) crashed(pd plan.Device, steps []*stepRun, pe *panicError) DeviceResult {
	w.opts.Logger.Error("driver panic", "device", pd.Name, "panic", fmt.Sprint(pe.value), "stack", string(pe.stack))
	msg := w.mask.String(named(pd.Name, pe).Error())
	dr := DeviceResult{Name: pd.Name, Host: pd.Host, Port: pd.Port, Status: Failed, Error: msg, Finished: w.opts.Now()}
	for _, sr := range steps {
		select {
		case <-sr.done:
		default:
			w.finish(sr, Failed, msg)
		}
		dr.Steps = append(dr.Steps, sr.result)
	}
	return dr
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
			w.release()
			held = false
		}
	}
	defer release()
	received, started := false, false

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
				dr.Error = w.deviceError(pd.Name, unusable)
				w.finish(sr, Failed, dr.Error)
			} else {
				w.finish(sr, Skipped, "skipped: "+pd.Name+" could not be reached")
			}
			continue
		}
		if why := w.refusal(pd, sr.step); why != "" {
			w.finish(sr, Failed, why)
			continue
		}
		if sess == nil {
			if !held {
				if !w.acquire(ctx) {
					w.finish(sr, Cancelled, "")
					continue
				}
				held = true
			}
			if !started {
				started = true
				w.emit(Event{Kind: DeviceStart, Device: pd.Name, Host: progressHost(pd), Time: w.opts.Now()})
			}
			w.progress("===>", "Connection", pd)
			s, err := drv.Open(ctx, target)
			if err != nil {
				err = named(pd.Name, err)
				if ctx.Err() != nil {
					w.finish(sr, Cancelled, w.mask.String(err.Error()))
					continue
				}
				unusable = err
				dr.Error = w.deviceError(pd.Name, err)
				w.finish(sr, Failed, dr.Error)
				continue
			}
			sess = s
		}
		res, ioErr := w.runStep(ctx, sess, pd, sr)
		// Dependants read the result once done is closed.
		sr.result = res
		close(sr.done)
		w.stepDone(sr)
		var pe *panicError
		if errors.As(ioErr, &pe) {
			return w.crashed(pd, steps, pe)
		}
		if res.Status == OK || len(res.Results) > 0 {
			received = true
		}
		if ioErr != nil {
			// An I/O error or timeout leaves the session in an unknown
			// state: the next step gets a fresh one.
			closeSession()
		}
	}
	if received {
		w.progress("<===", "Received", pd)
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

func (w *walker) bumpPeak(n int64) {
	for {
		p := w.peak.Load()
		if n <= p || w.peak.CompareAndSwap(p, n) {
			return
		}
	}
}

func (w *walker) finish(sr *stepRun, st Status, msg string) {
	sr.result.Status = st
	sr.result.Error = msg
	close(sr.done)
	w.stepDone(sr)
}

// stepDone reports a step's final result, whether it ran or not.
func (w *walker) stepDone(sr *stepRun) {
	res := sr.result
	w.emit(Event{Kind: StepComplete, Device: sr.device.Name, Host: progressHost(*sr.device), Step: sr.step.Task, StepResult: &res})
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
