package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/plugin"
	"github.com/netrun/netrun/drivers/scrapli"
	"github.com/netrun/netrun/drivers/sshraw"
	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/plan"
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

// setMode picks the run's execution mode (engine.ChooseMode), records it
// in the plan for each device, and starts the processes it needs.
func (s *driverSet) setMode(rb *config.Runbook, p *plan.Plan, flag string) error {
	mode := engine.ChooseMode(flag, rb, p)
	if err := engine.SetMode(rb, p, mode, s.isPlugin); err != nil {
		return err
	}
	s.activate(mode, p.Parallelism, rb.Secrets())
	return nil
}

// activate starts the processes a run needs: a pool of `size` workers for
// the built-in drivers in subprocess mode, and a pool per plugin. What they
// relay of their stderr has the runbook's secrets masked.
func (s *driverSet) activate(mode string, size int, secrets []string) {
	opts := []plugin.PoolOption{plugin.WithStderr(s.stderr), plugin.WithSecrets(secrets)}
	if mode == engine.ModeSubprocess {
		workers := plugin.NewPool("worker", workerCommand, size, opts...)
		s.pools = append(s.pools, workers)
		for name := range s.builtins {
			s.reg[name] = workers.Driver(name)
		}
	}
	for name, e := range s.plugins {
		pool := plugin.NewPool(name, e.Command, size, opts...)
		s.pools = append(s.pools, pool)
		s.reg[name] = pool
	}
}

// isPlugin says whether driver is a plugin (its sessions run in its own
// processes whatever the mode).
func (s *driverSet) isPlugin(driver string) bool {
	_, ok := s.plugins[driver]
	return ok
}

// Close stops every worker and plugin process.
func (s *driverSet) Close() {
	for _, p := range s.pools {
		p.Close()
	}
}
