package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/mattn/go-isatty"

	"github.com/netrun/netrun/cmd/netrun/views"
	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
	"github.com/netrun/netrun/sim"
)

// The shared preamble of the commands that load a runbook (validate, plan,
// apply, exec): Ctrl-C handling, driver discovery (begin, which version uses
// too), loading with -var and -var-file, building the plan, and the
// execution mode (open).

// runbookCmd is what such a command starts from.
type runbookCmd struct {
	ctx    context.Context // cancelled by Ctrl-C or SIGTERM
	stop   func()          // back to the default signal handling
	set    *driverSet
	stderr io.Writer
	rb     *config.Runbook // from open
	plan   *plan.Plan      // from open, its devices' modes set
}

// begin sets up Ctrl-C and finds the drivers of the runbook in dir. The
// caller defers end.
func begin(dir string, stderr io.Writer) (*runbookCmd, error) {
	ctx, stop := interruptible(stderr)
	set, err := discoverDrivers(ctx, dir, stderr)
	if err != nil {
		stop()
		return nil, err
	}
	return &runbookCmd{ctx: ctx, stop: stop, set: set, stderr: stderr}, nil
}

// interruptible returns a context that the first Ctrl-C (or SIGTERM)
// cancels, so the run stops its devices and saves what finished. A second
// one exits at once with 128+signal (130 for Ctrl-C), whatever netrun is
// blocked on: a prompt, a file, a step that does not heed its context. The
// state on disk stays whole (every write is atomic) and the lock goes with
// the process. stop returns to the default handling.
func interruptible(stderr io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	stopped := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			fmt.Fprintln(stderr, "netrun: interrupted: stopping the run and saving what finished; interrupt again to exit at once")
			cancel()
		case <-stopped:
			return
		}
		select {
		case sig := <-sigs:
			// Not even a blocked stderr holds the exit up.
			said := make(chan struct{})
			go func() {
				fmt.Fprintln(stderr, "netrun: interrupted again: exiting now")
				close(said)
			}()
			select {
			case <-said:
			case <-time.After(100 * time.Millisecond):
			}
			code := 130
			if s, ok := sig.(syscall.Signal); ok {
				code = 128 + int(s)
			}
			os.Exit(code)
		case <-stopped:
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			signal.Stop(sigs)
			close(stopped)
			cancel()
		})
	}
}

// end stops every worker and plugin process, then the signal handling.
func (c *runbookCmd) end() {
	c.set.Close()
	c.stop()
}

// runbookArgs say which runbook a command loads, and how; each command
// fills them from its flags.
type runbookArgs struct {
	Dir         string
	Vars        varFlags
	Parallelism int            // -parallelism; 0: the runbook's, else the default
	Mode        string         // -mode; "": a saved plan's, the runbook's, else goroutine
	Saved       *plan.Plan     // apply PLANFILE: the plan to run instead of a new one, with its variables
	Select      plan.Selection // -target and -limit: the part of a new plan to keep
	// Shape, when set, changes the evaluated runbook before its plan is
	// built (exec puts its own commands in place of the blocks); its error
	// stops the command.
	Shape func(*config.Runbook) error
}

// diagnostics is the part of a command's view that shows a runbook's
// problems.
type diagnostics interface {
	Diagnostics(files map[string]*hcl.File, diags hcl.Diagnostics)
}

// open is the preamble validate, plan and apply share: after begin, it
// loads the runbook with its variables, builds the plan (or takes the saved
// one), shows diagnostics through v, and sets the execution mode. ok is
// false when the command must stop (exit 1): what went wrong has been
// shown. The caller defers c.end().
func open(a runbookArgs, v diagnostics, stderr io.Writer) (c *runbookCmd, ok bool) {
	c, err := begin(a.Dir, stderr)
	if err != nil {
		errorf(stderr, "%v", err)
		return nil, false
	}
	if !c.load(a, v) {
		c.end()
		return nil, false
	}
	return c, true
}

// load is open after begin: the runbook, its plan and the mode.
func (c *runbookCmd) load(a runbookArgs, v diagnostics) bool {
	in := config.Inputs{Vars: a.Vars.Vars, Env: os.Environ()}
	if a.Saved == nil {
		in.VarFiles = append(config.AutoVarFiles(a.Dir), a.Vars.VarFiles...)
	} else {
		// The values the plan was made with, whatever -var and the
		// environment say now.
		vals, err := a.Saved.VariableValues()
		if err != nil {
			errorf(c.stderr, "%v", err)
			return false
		}
		in.Values = vals
	}
	rb, parser, diags := evaluate(a.Dir, in, c.set)
	if !diags.HasErrors() && a.Shape != nil {
		if err := a.Shape(rb); err != nil {
			errorf(c.stderr, "%v", err)
			return false
		}
	}
	var p *plan.Plan
	if !diags.HasErrors() {
		var more hcl.Diagnostics
		p, more = engine.BuildPlan(rb, engine.Parallelism(a.Parallelism, rb))
		diags = append(diags, more...)
	}
	var selectErr error
	if !diags.HasErrors() && a.Saved == nil {
		// The state is the runbook's own under -sim too: @failed reads
		// the last run either way.
		var warnings []string
		p, warnings, selectErr = engine.Select(rb, p, a.Select, state.Open(rb.Dir, false))
		for _, w := range warnings {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: w})
		}
	}
	v.Diagnostics(parser.Files(), diags)
	if diags.HasErrors() {
		return false
	}
	if selectErr != nil {
		errorf(c.stderr, "%v", selectErr)
		return false
	}
	if a.Saved != nil {
		p = a.Saved
	}
	if err := c.set.setMode(rb, p, a.Mode); err != nil {
		errorf(c.stderr, "%v", err)
		return false
	}
	c.rb, c.plan = rb, p
	return true
}

// evaluate parses and evaluates the runbook in dir with the inputs. The
// parser is returned so diagnostics render with file, line and a snippet of
// the source.
func evaluate(dir string, in config.Inputs, set *driverSet) (*config.Runbook, *hclparse.Parser, hcl.Diagnostics) {
	parser := hclparse.NewParser()
	mod, diags := config.Load(parser, dir)
	if diags.HasErrors() {
		return nil, parser, diags
	}
	opts := engine.LoadOptions(set.reg)
	// Plugins' pools start once the mode is known (activate); their names
	// are drivers already.
	for name := range set.plugins {
		opts.Drivers = append(opts.Drivers, name)
	}
	opts.Schemas = set.schemas
	opts.DriverHints = map[string]string{
		"*": "A plugin driver is an executable netrun-driver-NAME in the runbook's .netrun/plugins, in NETRUN_PLUGIN_PATH or on PATH.",
	}
	for name, err := range set.unusable {
		opts.DriverHints[name] = fmt.Sprintf("A plugin for it was found but cannot be used: %v", err)
	}
	rb, more := mod.Evaluate(in, opts)
	return rb, parser, append(diags, more...)
}

// runOptions sets up what a run needs to reach devices: drivers, the
// simulators under -sim, jump hosts. cleanup releases them.
func runOptions(rb *config.Runbook, p *plan.Plan, reg drivers.Registry, simulated, acceptNew bool, stderr io.Writer) (engine.Options, func(), error) {
	log := newLogger(stderr)
	opts := engine.Options{
		Parallelism:       p.Parallelism,
		Drivers:           reg,
		Progress:          stderr,
		Logger:            slog.New(log),
		Secrets:           rb.Secrets(),
		AcceptNewHostKeys: acceptNew,
		Store:             state.Open(rb.Dir, simulated),
	}
	jopts := engine.JumpOptions{
		AcceptNewHostKeys: acceptNew,
		KnownHosts:        engine.KnownHostsFile(rb, "", acceptNew),
		Logger:            opts.Logger,
	}
	var fleet *sim.RunbookFleet
	opts.Simulated = simulated
	if simulated {
		var err error
		if fleet, err = sim.ServeRunbook(rb); err != nil {
			return opts, func() {}, fmt.Errorf("-sim: %w", err)
		}
		opts.Endpoints = fleet.Endpoints
		jopts.Endpoints = fleet.JumpEndpoints
	}
	jumps := engine.NewJumps(rb, jopts)
	opts.Jumps = jumps
	return opts, func() {
		jumps.Close()
		if fleet != nil {
			fleet.Close()
		}
		log.flush()
	}, nil
}

// newLogger is the log of a run on stderr: warnings (such as a skipped
// host key check) once per cause when the run ends, in Terraform's form,
// naming the devices they concern, rather than a line per connection;
// errors as they come; NETRUN_LOG=debug or info shows everything as it
// comes, warnings included.
func newLogger(stderr io.Writer) *warnings {
	level := slog.LevelWarn
	switch os.Getenv("NETRUN_LOG") {
	case "debug":
		level = slog.LevelDebug
	case "info":
		level = slog.LevelInfo
	}
	return &warnings{
		Handler: slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}),
		w:       stderr,
		collect: level == slog.LevelWarn,
		causes:  &causes{},
	}
}

// warnings is a slog.Handler that keeps warnings for flush, one per cause
// (the message and its attributes but the device's), and passes the rest
// to the text handler it embeds.
type warnings struct {
	slog.Handler
	w       io.Writer
	collect bool
	attrs   []slog.Attr // from WithAttrs
	causes  *causes
}

type causes struct {
	mu   sync.Mutex
	list []*cause // in the order they first came
}

// cause is one warning and who it concerns: devices, jump hosts.
type cause struct {
	summary, detail string
	names           map[string]map[string]bool // "device" → the names, a set
}

// whom are the attributes that say whom a warning concerns, and how
// flush lists them.
var whom = []struct{ key, label string }{{"device", "Devices"}, {"jump_host", "Jump hosts"}}

func (h *warnings) Handle(ctx context.Context, r slog.Record) error {
	if !h.collect || r.Level != slog.LevelWarn {
		return h.Handler.Handle(ctx, r)
	}
	var detail []string
	names := map[string]string{}
	add := func(a slog.Attr) bool {
		for _, wh := range whom {
			if a.Key == wh.key {
				names[a.Key] = a.Value.String()
				return true
			}
		}
		if a.Key != "addr" { // the device's, with its name
			detail = append(detail, a.Key+": "+a.Value.String())
		}
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	h.causes.mu.Lock()
	defer h.causes.mu.Unlock()
	c := h.causes.find(r.Message, strings.Join(detail, "\n"))
	for k, name := range names {
		if c.names[k] == nil {
			c.names[k] = map[string]bool{}
		}
		c.names[k][name] = true
	}
	return nil
}

func (h *warnings) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.Handler = h.Handler.WithAttrs(attrs)
	c.attrs = append(slices.Clip(h.attrs), attrs...)
	return &c
}

func (h *warnings) WithGroup(name string) slog.Handler {
	c := *h
	c.Handler = h.Handler.WithGroup(name)
	return &c
}

// find returns the cause of summary and detail, new when it did not come
// before; cs.mu is held.
func (cs *causes) find(summary, detail string) *cause {
	for _, c := range cs.list {
		if c.summary == summary && c.detail == detail {
			return c
		}
	}
	c := &cause{summary: summary, detail: detail, names: map[string]map[string]bool{}}
	cs.list = append(cs.list, c)
	return c
}

// flush prints each warning once, as Terraform does:
//
//	Warning: host key verification disabled by insecure_skip_host_key; ...
//
//	  Devices: r1, r2, r3
func (h *warnings) flush() {
	h.causes.mu.Lock()
	defer h.causes.mu.Unlock()
	var b strings.Builder
	for _, c := range h.causes.list {
		fmt.Fprintf(&b, "\nWarning: %s\n\n", c.summary)
		for _, wh := range whom {
			if set := c.names[wh.key]; len(set) > 0 {
				names := slices.SortedFunc(maps.Keys(set), state.NaturalCompare)
				fmt.Fprintf(&b, "  %s: %s\n", wh.label, strings.Join(names, ", "))
			}
		}
		if c.detail != "" {
			fmt.Fprintf(&b, "  %s\n", strings.ReplaceAll(c.detail, "\n", "\n  "))
		}
	}
	h.causes.list = nil
	_, _ = io.WriteString(h.w, b.String())
}

// newView is the view streams of a command: colour and the live view where
// a stream is a terminal, unless noColor (the command's -no-color), the
// global -no-color or NO_COLOR (https://no-color.org) says otherwise.
// watch shows a human-form run (apply, exec) as it goes: each device as it
// finishes, a line in a log or a counter on a terminal (views.Live), in
// place of opts' progress lines and events. The JSON form streams its own
// events, so watch leaves it alone. start takes the number of devices.
func watch(view *views.View, jsonForm bool, opts *engine.Options) (start func(devices int), stop func()) {
	if jsonForm {
		return func(int) {}, func() {}
	}
	live := views.NewLive(view)
	opts.Progress, opts.Events = live.Progress(), live.Event
	return live.Start, live.Stop
}

func newView(stdout, stderr io.Writer, noColor bool) *views.View {
	v := &views.View{Stdout: stdout, Stderr: stderr, NoColor: noColor || os.Getenv("NO_COLOR") != ""}
	terminal := func(w io.Writer) *os.File {
		if sw, ok := w.(*syncWriter); ok {
			v.NoColor = v.NoColor || sw.noColor
			w = sw.w
		}
		if f, ok := w.(*os.File); ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
			return f
		}
		return nil
	}
	v.StdoutTerminal, v.StderrTerminal = terminal(stdout), terminal(stderr)
	return v
}

// resolve makes the runbook directory and var files relative to -chdir.
func (v *varFlags) resolve(wd string, dir *string) {
	*dir = within(wd, *dir)
	for i, f := range v.VarFiles {
		v.VarFiles[i] = within(wd, f)
	}
}

// within resolves a path given on the command line against -chdir's DIR.
func within(wd, path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(wd, path)
}

func errorf(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "netrun: "+format+"\n", args...)
	return 1
}
