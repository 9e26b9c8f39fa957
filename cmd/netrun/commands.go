package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/sim"
	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/plan"
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
	reg, err := builtinDrivers()
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	rb, parser, diags := load(a.Dir, a.Vars, reg)
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
	if a.JSON {
		return 0
	}
	fmt.Fprintf(stdout, "Success! The runbook is valid: %d devices, %d commands, %d outputs.\n",
		len(rb.Devices), len(rb.Commands), len(rb.Outputs))
	return 0
}

func runPlan(wd string, args []string, stdout, stderr io.Writer) int {
	a, err := parsePlan(args, stderr)
	if err != nil {
		return argsFailed("plan", err, stderr)
	}
	a.Vars.resolve(wd, &a.Dir)
	reg, err := builtinDrivers()
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	rb, p, ok := loadPlan(a.Dir, a.Vars, a.Parallelism, reg, a.JSON, stdout, stderr)
	if !ok {
		return 1
	}
	if a.JSON {
		return writeJSON(stdout, stderr, p)
	}
	renderPlan(stdout, rb, p, a.Sim)
	return 0
}

// loadPlan loads the runbook and builds its plan, reporting diagnostics.
func loadPlan(dir string, v varFlags, parallelism int, reg drivers.Registry, jsonDiags bool, stdout, stderr io.Writer) (*config.Runbook, *plan.Plan, bool) {
	rb, parser, diags := load(dir, v, reg)
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
	reg, err := builtinDrivers()
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	rb, p, ok := loadPlan(a.Dir, a.Vars, a.Parallelism, reg, a.JSON, stdout, stderr)
	if !ok {
		return 1
	}
	if !a.JSON {
		renderPlan(stdout, rb, p, a.Sim)
	}
	if a.JSON && !a.AutoApprove {
		return errorf(stderr, "apply -json needs -auto-approve: there is no one to ask on a machine-read stream")
	}
	if !a.AutoApprove {
		fmt.Fprint(stdout, "\nDo you want to run these commands?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
		line, _ := bufio.NewReader(stdin).ReadString('\n')
		if strings.TrimSpace(line) != "yes" {
			fmt.Fprintln(stdout, "\nApply cancelled.")
			return 1
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	opts := engine.Options{
		Parallelism: p.Parallelism,
		Drivers:     reg,
		Progress:    stderr,
		Logger:      newLogger(stderr),
		Secrets:     rb.Secrets(),
	}
	if a.TranscriptDir != "" {
		opts.TranscriptDir = within(wd, a.TranscriptDir)
	}
	opts.AcceptNewHostKeys = a.AcceptNewKeys
	jopts := engine.JumpOptions{
		AcceptNewHostKeys: a.AcceptNewKeys,
		KnownHosts:        engine.KnownHostsFile(rb, "", a.AcceptNewKeys),
		Logger:            opts.Logger,
	}
	if a.Sim {
		fleet, err := engine.ServeSim(rb)
		if err != nil {
			return errorf(stderr, "-sim: %v", err)
		}
		defer fleet.Close()
		opts.Endpoints = fleet.Endpoints
		jopts.Endpoints = fleet.JumpEndpoints
	}
	jumps := engine.NewJumps(rb, jopts)
	defer jumps.Close()
	opts.Jumps = jumps
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
	st, err := engine.NewState(rep, outputs)
	if err != nil {
		return errorf(stderr, "state: %v", err)
	}
	if err := engine.WriteState(rb.Dir, st); err != nil {
		return errorf(stderr, "writing state: %v", err)
	}
	if a.JSON {
		if code := writeJSON(stdout, stderr, struct {
			Report  *engine.Report                `json:"report"`
			Outputs map[string]engine.OutputState `json:"outputs"`
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

func runOutput(wd string, args []string, stdout, stderr io.Writer) int {
	a, err := parseOutput(args, stderr)
	if err != nil {
		return argsFailed("output", err, stderr)
	}
	st, err := engine.ReadState(wd)
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

func sortedOutputNames(m map[string]engine.OutputState) []string {
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
	if _, err := drivers.LookupPlatform(a.Platform); err != nil {
		return errorf(stderr, "sim: %v", err)
	}
	key, err := sim.NewHostKey()
	if err != nil {
		return errorf(stderr, "sim: %v", err)
	}
	fleet, err := sim.StartFleet(a.Listen, a.Count, a.Prefix, sim.Device{
		Platform: a.Platform,
		Username: a.Username,
		Password: a.Password,
		Enable:   a.Enable,
		Latency:  a.Latency,
	}, key)
	if err != nil {
		return errorf(stderr, "sim: %v", err)
	}
	defer fleet.Close()
	if a.KnownHosts != "" {
		a.KnownHosts = within(wd, a.KnownHosts)
		if err := engine.WriteFileAtomic(a.KnownHosts, []byte(fleet.KnownHosts()), 0o644); err != nil {
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

func runVersion(args []string, stdout, stderr io.Writer) int {
	reg, err := builtinDrivers()
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	fmt.Fprintf(stdout, "netrun v%s\n", version)
	fmt.Fprintf(stdout, "drivers: %s (built in)\n", strings.Join(reg.Names(), ", "))
	fmt.Fprintf(stdout, "platforms: %s\n", strings.Join(drivers.PlatformNames(), ", "))
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
