package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/platform"
	"github.com/netrun/netrun/drivers/plugin"
	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
	"github.com/netrun/netrun/sim"
)

// argsFailed reports a command-line error; -help is not one.
func argsFailed(cmd string, err error, stderr io.Writer) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintf(stderr, "netrun %s: %v\n", cmd, err)
	return 1
}

// resolve makes the runbook directory and var files relative to -chdir.
func (v *varFlags) resolve(wd string, dir *string) {
	*dir = within(wd, *dir)
	for i, f := range v.VarFiles {
		v.VarFiles[i] = within(wd, f)
	}
}

func runValidate(wd string, args []string, stdout, stderr io.Writer) int {
	a, err := parseValidate(args, stderr)
	if err != nil {
		return argsFailed("validate", err, stderr)
	}
	a.Vars.resolve(wd, &a.Dir)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	set, err := discoverDrivers(ctx, a.Dir, stderr)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	defer set.Close()
	rb, parser, diags := load(a.Dir, a.Vars, set)
	if !diags.HasErrors() {
		_, more := engine.BuildPlan(rb, 1)
		diags = append(diags, more...)
	}
	if len(diags) > 0 || a.JSON {
		writeDiags(parser, diags, a.JSON, stdout, stderr)
	}
	if diags.HasErrors() {
		return 1
	}
	if err := checkMode(set, rb, cmp.Or(rb.Settings.Mode, modeGoroutine)); err != nil {
		return errorf(stderr, "%v", err)
	}
	if a.JSON {
		return 0
	}
	fmt.Fprintf(stdout, "Success! The runbook is valid: %s, %s, %s, %s.\n",
		plural(len(rb.Devices), "device"), plural(len(rb.Commands), "command block"),
		plural(len(rb.Configs), "config block"), plural(len(rb.Outputs), "output"))
	return 0
}

func runPlan(wd string, args []string, stdout, stderr io.Writer) int {
	a, err := parsePlan(args, stderr)
	if err != nil {
		return argsFailed("plan", err, stderr)
	}
	a.Vars.resolve(wd, &a.Dir)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	set, err := discoverDrivers(ctx, a.Dir, stderr)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	defer set.Close()
	rb, p, ok := loadPlan(a.Dir, a.Vars, a.Parallelism, set, a.JSON, stdout, stderr)
	if !ok {
		return 1
	}
	if err := setMode(set, rb, p, a.Mode); err != nil {
		return errorf(stderr, "%v", err)
	}
	opts, cleanup, err := runOptions(rb, p, set.reg, a.Sim, false, stderr)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	defer cleanup()
	opts.Store = state.NewLocal(rb.Dir, a.Sim)

	if a.RefreshOnly {
		drift, err := engine.Drift(ctx, rb, p, opts)
		if err != nil {
			return errorf(stderr, "%v", err)
		}
		if a.JSON {
			return writeJSON(stdout, stderr, drift)
		}
		return renderDrift(stdout, drift, a.DetailedExitcode)
	}
	var stats *engine.RefreshStats
	if a.Refresh && p.Converges() {
		st := engine.Refresh(ctx, rb, p, opts)
		stats = &st
	}
	if a.Out != "" {
		p.Dir, p.Created = a.Dir, time.Now().UTC()
		if err := plan.WriteFile(within(wd, a.Out), p); err != nil {
			return errorf(stderr, "saving the plan: %v", err)
		}
	}
	if a.JSON {
		if code := writeJSON(stdout, stderr, p); code != 0 {
			return code
		}
	} else {
		renderPlan(stdout, rb, p, a.Sim)
		if a.Out != "" {
			fmt.Fprintf(stdout, "\nSaved the plan to %s. To run exactly this plan: netrun apply %s\n", a.Out, a.Out)
		}
	}
	if stats != nil && stats.Failed > 0 {
		return 1
	}
	if a.DetailedExitcode && p.Changes() {
		return 2
	}
	return 0
}

// setMode picks the execution mode (the -mode flag wins over a saved
// plan's, which wins over the runbook's netrun { mode }), starts the
// processes it needs, and records in the plan where each device's sessions
// will run.
func setMode(set *driverSet, rb *config.Runbook, p *plan.Plan, flag string) error {
	mode := modeGoroutine
	switch {
	case flag != "":
		mode = flag
	case slices.ContainsFunc(p.Devices, func(d plan.Device) bool { return d.Mode == modeSubprocess }):
		mode = modeSubprocess // a saved plan made in subprocess mode
	case rb.Settings.Mode != "":
		mode = rb.Settings.Mode
	}
	if err := checkMode(set, rb, mode); err != nil {
		return err
	}
	for i := range p.Devices {
		p.Devices[i].Mode = set.modeOf(p.Devices[i].Driver, mode)
	}
	set.activate(mode, p.Parallelism)
	return nil
}

// checkMode refuses jump hosts for sessions that run in another process: a
// worker or plugin cannot share netrun's bastion connection. The error
// names the device block's file and line.
func checkMode(set *driverSet, rb *config.Runbook, mode string) error {
	for _, dev := range rb.Devices {
		if dev.Via == "" {
			continue
		}
		switch set.modeOf(dev.Driver, mode) {
		case modePlugin:
			return fmt.Errorf("%s: device %s goes through jump_host.%s, but its driver %q is a plugin: plugins run in their own processes and cannot use netrun's bastion connections",
				dev.DeclRange, dev.Name, dev.Via, dev.Driver)
		case modeSubprocess:
			return fmt.Errorf("%s: device %s goes through jump_host.%s, which needs -mode=goroutine: a worker process cannot share netrun's bastion connection",
				dev.DeclRange, dev.Name, dev.Via)
		}
	}
	return nil
}

// runOptions sets up what a run needs to reach devices: drivers, the
// simulators under -sim, jump hosts. cleanup releases them.
func runOptions(rb *config.Runbook, p *plan.Plan, reg drivers.Registry, simulated, acceptNew bool, stderr io.Writer) (engine.Options, func(), error) {
	opts := engine.Options{
		Parallelism:       p.Parallelism,
		Drivers:           reg,
		Progress:          stderr,
		Logger:            newLogger(stderr),
		Secrets:           rb.Secrets(),
		AcceptNewHostKeys: acceptNew,
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
	}, nil
}

// loadPlan loads the runbook and builds its plan, reporting diagnostics.
func loadPlan(dir string, v varFlags, parallelism int, set *driverSet, jsonDiags bool, stdout, stderr io.Writer) (*config.Runbook, *plan.Plan, bool) {
	rb, parser, diags := load(dir, v, set)
	if diags.HasErrors() {
		writeDiags(parser, diags, jsonDiags, stdout, stderr)
		return nil, nil, false
	}
	p, more := engine.BuildPlan(rb, engine.Parallelism(parallelism, rb))
	diags = append(diags, more...)
	if len(diags) > 0 {
		writeDiags(parser, diags, jsonDiags, stdout, stderr)
	}
	if diags.HasErrors() {
		return nil, nil, false
	}
	return rb, p, true
}

func runApply(wd string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a, err := parseApply(args, stderr)
	if err != nil {
		return argsFailed("apply", err, stderr)
	}
	a.Vars.resolve(wd, &a.Dir)
	if a.JSON && !a.AutoApprove {
		return errorf(stderr, "apply -json needs -auto-approve: there is no one to ask on a machine-read stream")
	}

	// apply PLANFILE runs a saved plan, made from its runbook directory.
	var saved *plan.Plan
	if fi, err := os.Stat(a.Dir); err == nil && !fi.IsDir() {
		if saved, err = plan.ReadFile(a.Dir); err != nil {
			return errorf(stderr, "%v", err)
		}
		a.Dir = saved.Dir
		if a.Parallelism == 0 {
			a.Parallelism = saved.Parallelism
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	set, err := discoverDrivers(ctx, a.Dir, stderr)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	// Deferred before the run's own cleanup, so it runs after it: every
	// worker and plugin process is stopped, also after Ctrl-C.
	defer set.Close()
	rb, p, ok := loadPlan(a.Dir, a.Vars, a.Parallelism, set, a.JSON, stdout, stderr)
	if !ok {
		return 1
	}
	if saved != nil {
		p = saved
	}
	if err := setMode(set, rb, p, a.Mode); err != nil {
		return errorf(stderr, "%v", err)
	}
	store := state.NewLocal(rb.Dir, a.Sim)
	lock, err := store.Lock(ctx, "apply", a.LockTimeout)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	defer lock.Unlock()

	opts, cleanup, err := runOptions(rb, p, set.reg, a.Sim, a.AcceptNewKeys, stderr)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	defer cleanup()
	opts.Store = store
	if a.TranscriptDir != "" {
		opts.TranscriptDir = within(wd, a.TranscriptDir)
	}
	if saved == nil && p.Converges() {
		if st := engine.Refresh(ctx, rb, p, opts); st.Failed > 0 {
			// Devices that could not be read fail at apply with their
			// reason; the others go on.
			fmt.Fprintf(stderr, "netrun: %d devices could not be read; their config steps will fail.\n", st.Failed)
		}
	}
	if !a.JSON {
		renderPlan(stdout, rb, p, a.Sim)
	}
	if !a.AutoApprove {
		fmt.Fprint(stdout, "\nDo you want to run these commands?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
		line, _ := bufio.NewReader(stdin).ReadString('\n')
		if strings.TrimSpace(line) != "yes" {
			fmt.Fprintln(stdout, "\nApply cancelled.")
			return 1
		}
	}

	// State is written as devices finish, so a run killed half way keeps
	// what it recorded; and once more at the end, with the outputs.
	prev, err := store.ReadState()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return errorf(stderr, "%v", err)
	}
	recorder := engine.NewRecorder(store, prev, a.Sim, stderr)
	opts.OnDevice = recorder.Record
	if !a.JSON {
		fmt.Fprintf(stdout, "\nApplying on %d devices, %d at a time...\n", len(p.Devices), p.Parallelism)
	}
	rep := engine.Apply(ctx, rb, p, opts)
	interrupted := ctx.Err() != nil
	stop()

	outputs, diags := rb.EvalOutputs(rep.Results())
	if diags.HasErrors() {
		// The runbook was valid; an output that cannot be computed from the
		// results (say a device failed) is reported, not fatal to state.
		for _, d := range diags {
			fmt.Fprintf(stderr, "netrun: output: %s: %s\n", d.Summary, d.Detail)
		}
	}
	st, err := engine.NewState(prev, rep, outputs)
	if err != nil {
		return errorf(stderr, "state: %v", err)
	}
	if err := recorder.Final(st); err != nil {
		return errorf(stderr, "writing state: %v", err)
	}
	if a.JSON {
		if code := writeJSON(stdout, stderr, struct {
			Report  *engine.Report               `json:"report"`
			Outputs map[string]state.OutputState `json:"outputs"`
		}{rep, st.Outputs}); code != 0 {
			return code
		}
	} else {
		renderReport(stdout, rep)
		renderOutputs(stdout, st.Outputs)
	}
	_, failed, other := rep.Counts()
	if interrupted {
		fmt.Fprintln(stderr, "netrun: interrupted; results of what finished were saved.")
		return 1
	}
	if failed > 0 || other > 0 || diags.HasErrors() {
		return 1
	}
	return 0
}

func runForceUnlock(wd string, args []string, stdout, stderr io.Writer) int {
	a, err := parseForceUnlock(args, stderr)
	if err != nil {
		return argsFailed("force-unlock", err, stderr)
	}
	if err := state.NewLocal(within(wd, a.Dir), false).ForceUnlock(a.ID); err != nil {
		return errorf(stderr, "force-unlock: %v", err)
	}
	fmt.Fprintf(stdout, "Lock %s removed. Runs of this runbook can go ahead.\n", a.ID)
	return 0
}

func runOutput(wd string, args []string, stdout, stderr io.Writer) int {
	a, err := parseOutput(args, stderr)
	if err != nil {
		return argsFailed("output", err, stderr)
	}
	st, err := state.NewLocal(wd, false).ReadState()
	if err == nil && st.Simulated {
		fmt.Fprintln(stderr, "netrun: these outputs are from an apply -sim: simulators answered, not devices.")
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return errorf(stderr, "no state here: run `netrun apply` in this directory first (or use -chdir=DIR)")
		}
		return errorf(stderr, "%v", err)
	}
	if a.Name != "" {
		o, ok := st.Outputs[a.Name]
		if !ok {
			return errorf(stderr, "output %q not found; the last apply recorded: %s", a.Name, strings.Join(sortedOutputNames(st.Outputs), ", "))
		}
		if o.Sensitive {
			return errorf(stderr, "output %q is sensitive: netrun does not store sensitive values, so it cannot show it", a.Name)
		}
		if a.JSON {
			fmt.Fprintln(stdout, indentJSON(o.Value))
			return 0
		}
		fmt.Fprintln(stdout, renderValue(o, ""))
		return 0
	}
	if a.JSON {
		values := map[string]json.RawMessage{}
		for name, o := range st.Outputs {
			if o.Sensitive {
				continue
			}
			values[name] = o.Value
		}
		return writeJSON(stdout, stderr, values)
	}
	renderOutputs(stdout, st.Outputs)
	return 0
}

func sortedOutputNames(m map[string]state.OutputState) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func runSim(wd string, args []string, stdout, stderr io.Writer) int {
	a, err := parseSim(args, stderr)
	if err != nil {
		return argsFailed("sim", err, stderr)
	}
	if _, err := platform.Lookup(a.Platform); err != nil {
		return errorf(stderr, "sim: %v", err)
	}
	key, err := sim.NewHostKey()
	if err != nil {
		return errorf(stderr, "sim: %v", err)
	}
	tmpl := sim.Device{
		Platform: a.Platform,
		Username: a.Username,
		Password: a.Password,
		Enable:   a.Enable,
		Latency:  a.Latency,
	}
	if a.Config != "" {
		data, err := os.ReadFile(within(wd, a.Config))
		if err != nil {
			return errorf(stderr, "sim: %v", err)
		}
		tmpl.Config = string(data)
	}
	fleet, err := sim.StartFleet(a.Listen, a.Count, a.Prefix, tmpl, key)
	if err != nil {
		return errorf(stderr, "sim: %v", err)
	}
	defer fleet.Close()
	if a.KnownHosts != "" {
		a.KnownHosts = within(wd, a.KnownHosts)
		if err := state.WriteFileAtomic(a.KnownHosts, []byte(fleet.KnownHosts()), 0o644); err != nil {
			return errorf(stderr, "sim: %v", err)
		}
	}
	first, last := fleet.Servers[0], fleet.Servers[len(fleet.Servers)-1]
	fmt.Fprintf(stdout, "Serving %d simulated %s devices (%s1..%s%d) on %s .. %s\n",
		a.Count, a.Platform, a.Prefix, a.Prefix, a.Count, first.Addr(), last.Addr())
	if a.KnownHosts != "" {
		fmt.Fprintf(stdout, "Host keys written to %s\n", a.KnownHosts)
	}
	fmt.Fprintln(stdout, "Press Ctrl-C to stop.")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	fmt.Fprintln(stdout, "Stopping.")
	return 0
}

func runVersion(wd string, args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	set, err := discoverDrivers(ctx, wd, stderr)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	defer set.Close()
	fmt.Fprintf(stdout, "netrun v%s (plugin protocol %d)\n", version, plugin.ProtocolVersion)
	fmt.Fprintf(stdout, "drivers: %s (built in)\n", strings.Join(set.builtins.Names(), ", "))
	for _, name := range slices.Sorted(maps.Keys(set.plugins)) {
		fmt.Fprintf(stdout, "plugin: %s v%s (%s)\n", name, set.versions[name], set.plugins[name].Path)
	}
	fmt.Fprintf(stdout, "platforms: %s\n", strings.Join(platform.Names(), ", "))
	return 0
}

func writeJSON(stdout, stderr io.Writer, v any) int {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return errorf(stderr, "%v", err)
	}
	return 0
}

// within resolves a path given on the command line against -chdir's DIR.
func within(wd, path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(wd, path)
}
