package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/plugin"
	"github.com/netrun/netrun/drivers/scrapli"
	"github.com/netrun/netrun/drivers/sshraw"
	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/config"
)

// builtinDrivers are the drivers compiled into netrun.
func builtinDrivers() (drivers.Registry, error) {
	ssh, err := sshraw.New()
	if err != nil {
		return nil, err
	}
	sc, err := scrapli.New()
	if err != nil {
		return nil, err
	}
	return drivers.Registry{"ssh": ssh, "scrapli": sc}, nil
}

// Execution modes: where the built-in drivers' sessions run.
const (
	modeGoroutine  = "goroutine"
	modeSubprocess = "subprocess"
	modePlugin     = "plugin" // a plugin driver: always its own processes
)

// driverSet is every driver a run can use: the built-in ones, in netrun's
// process or (subprocess mode) in worker processes that are netrun itself
// re-run as `netrun __worker`, and the plugins found for the runbook, each
// in its own processes. Close stops every process.
type driverSet struct {
	reg      drivers.Registry
	builtins drivers.Registry
	schemas  map[string]drivers.Schema
	plugins  map[string]plugin.Executable
	versions map[string]string
	unusable map[string]error // plugins found that could not be started
	pools    []*plugin.Pool
	stderr   io.Writer
}

// discoverDrivers finds the runbook's plugins (.netrun/plugins,
// NETRUN_PLUGIN_PATH, PATH) and asks each for its version and schema. A
// plugin that cannot answer is reported and left out.
func discoverDrivers(ctx context.Context, dir string, stderr io.Writer) (*driverSet, error) {
	builtins, err := builtinDrivers()
	if err != nil {
		return nil, err
	}
	set := &driverSet{
		reg: drivers.Registry{}, builtins: builtins, stderr: stderr,
		schemas: map[string]drivers.Schema{}, plugins: map[string]plugin.Executable{}, versions: map[string]string{},
		unusable: map[string]error{},
	}
	for name, d := range builtins {
		set.reg[name] = d
	}
	// Plugins are asked for their version and schema all at once, each
	// bounded, so a broken one costs seconds, not a stall per plugin, and
	// Ctrl-C (ctx) stops the wait.
	type probed struct {
		e    plugin.Executable
		info plugin.Info
		err  error
	}
	var found []plugin.Executable
	for _, e := range plugin.Find(plugin.SearchPath(dir)) {
		if _, ok := builtins[e.Name]; ok {
			fmt.Fprintf(stderr, "netrun: warning: plugin %s is ignored: %q is a built-in driver\n", e.Path, e.Name)
			continue
		}
		found = append(found, e)
	}
	results := make([]probed, len(found))
	var wg sync.WaitGroup
	for i, e := range found {
		wg.Add(1)
		go func() {
			defer wg.Done()
			probe := plugin.NewPool(e.Name, e.Command, 1, plugin.WithStderr(io.Discard), plugin.WithStartTimeout(probeTimeout))
			defer probe.Close()
			info, err := probe.Info(ctx)
			results[i] = probed{e, info, err}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, r := range results {
		if r.err != nil {
			fmt.Fprintf(stderr, "netrun: warning: plugin %s is unusable: %v\n", r.e.Path, r.err)
			set.unusable[r.e.Name] = r.err
			continue
		}
		set.plugins[r.e.Name] = r.e
		set.schemas[r.e.Name] = r.info.Schema
		set.versions[r.e.Name] = r.info.Version
	}
	return set, nil
}

// probeTimeout bounds how long a plugin may take to answer its handshake
// while netrun looks for plugins.
const probeTimeout = 5 * time.Second

// activate starts the processes a run needs: a pool of `size` workers for
// the built-in drivers in subprocess mode, and a pool per plugin.
func (s *driverSet) activate(mode string, size int) {
	if mode == modeSubprocess {
		workers := plugin.NewPool("worker", workerCommand, size, plugin.WithStderr(s.stderr))
		s.pools = append(s.pools, workers)
		for name := range s.builtins {
			s.reg[name] = workers.Driver(name)
		}
	}
	for name, e := range s.plugins {
		pool := plugin.NewPool(name, e.Command, size, plugin.WithStderr(s.stderr))
		s.pools = append(s.pools, pool)
		s.reg[name] = pool
	}
}

// modeOf says where a device's sessions run.
func (s *driverSet) modeOf(driver, mode string) string {
	if _, ok := s.plugins[driver]; ok {
		return modePlugin
	}
	return mode
}

// Close stops every worker and plugin process.
func (s *driverSet) Close() {
	for _, p := range s.pools {
		p.Close()
	}
}

// workerCommand re-runs netrun as a subprocess-mode worker.
func workerCommand() *exec.Cmd {
	self, err := os.Executable()
	if err != nil {
		self = os.Args[0]
	}
	cmd := exec.Command(self, workerArg)
	// A worker runs one session at a time: one OS thread for Go code is
	// plenty, and many workers with a thread per core each only contend.
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	return cmd
}

// workerArg is the hidden command a worker process runs.
const workerArg = "__worker"

// runWorker serves the built-in drivers to the netrun process that started
// this one (subprocess mode).
func runWorker(stderr io.Writer) int {
	builtins, err := builtinDrivers()
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	plugin.ServeRegistry(version, builtins)
	return 0
}

// load parses and evaluates the runbook in dir. The parser is returned so
// diagnostics render with file, line and a snippet of the source.
func load(dir string, v varFlags, set *driverSet) (*config.Runbook, *hclparse.Parser, hcl.Diagnostics) {
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
	rb, more := mod.Evaluate(config.Inputs{Vars: v.Vars, VarFiles: v.VarFiles, Env: os.Environ()}, opts)
	return rb, parser, append(diags, more...)
}

func writeDiags(parser *hclparse.Parser, diags hcl.Diagnostics, asJSON bool, stdout, stderr io.Writer) {
	if asJSON {
		type pos struct {
			File   string `json:"file"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		}
		type diag struct {
			Severity string `json:"severity"`
			Summary  string `json:"summary"`
			Detail   string `json:"detail,omitempty"`
			Range    *pos   `json:"range,omitempty"`
		}
		out := struct {
			Valid       bool   `json:"valid"`
			Diagnostics []diag `json:"diagnostics"`
		}{Valid: !diags.HasErrors(), Diagnostics: []diag{}}
		for _, d := range diags {
			jd := diag{Severity: "error", Summary: d.Summary, Detail: d.Detail}
			if d.Severity == hcl.DiagWarning {
				jd.Severity = "warning"
			}
			if d.Subject != nil {
				jd.Range = &pos{File: d.Subject.Filename, Line: d.Subject.Start.Line, Column: d.Subject.Start.Column}
			}
			out.Diagnostics = append(out.Diagnostics, jd)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
		return
	}
	w := hcl.NewDiagnosticTextWriter(stderr, parser.Files(), 78, false)
	_ = w.WriteDiagnostics(diags)
}

// newLogger logs warnings (such as a skipped host key check) to stderr;
// NETRUN_LOG=debug shows more.
func newLogger(stderr io.Writer) *slog.Logger {
	level := slog.LevelWarn
	switch os.Getenv("NETRUN_LOG") {
	case "debug":
		level = slog.LevelDebug
	case "info":
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
}

func errorf(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "netrun: "+format+"\n", args...)
	return 1
}
