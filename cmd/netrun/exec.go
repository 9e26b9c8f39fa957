package main

import (
	"fmt"
	"io"

	"github.com/netrun/netrun/cmd/netrun/views"
	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/config"
)

// netrun exec 'show version' ['show clock' ...]: ad-hoc commands over the
// runbook's inventory and credentials, as netmiko's send_command or an
// Ansible ad-hoc run, without writing a command block. The commands become
// the runbook's only block, on the selected devices, and run through the
// engine's walk like any apply: same sessions, parallelism, execution
// modes, masking and progress lines. exec is not part of the runbook, so,
// like Ansible's ad-hoc commands, it records nothing: no state, no lock
// (engine.Apply, not engine.Run), and the runbook's own blocks and outputs
// are left out.

func runExec(wd string, a execArgs, _ io.Reader, stdout, stderr io.Writer) int {
	dir := "."
	a.Vars.resolve(wd, &dir)
	view := newView(stdout, stderr, false)
	view.Version = version
	v := views.NewExec(views.TypeOf(a.JSON), view)
	c, ok := open(runbookArgs{Dir: dir, Vars: a.Vars, Parallelism: a.Parallelism, Mode: a.Mode,
		Shape:  func(rb *config.Runbook) error { return adHoc(rb, a) },
		Select: a.Select.selection(),
	}, v, stderr)
	if !ok {
		return 1
	}
	defer c.end()
	opts, cleanup, err := runOptions(c.rb, c.plan, c.set.reg, a.Sim, false, stderr)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	defer cleanup()
	opts.Events = v.Event
	startLive, stopLive := watch(view, a.JSON, &opts)
	startLive(len(c.plan.Devices))
	rep := engine.Apply(c.ctx, c.rb, c.plan, opts)
	stopLive()
	interrupted := c.ctx.Err() != nil
	// Back to the default signal handling while the results are shown.
	c.stop()
	if err := v.Result(rep); err != nil {
		return errorf(stderr, "%v", err)
	}
	if interrupted {
		fmt.Fprintln(stderr, "netrun: interrupted.")
		return 1
	}
	if _, failed, other := rep.Counts(); failed+other > 0 {
		return 1
	}
	return 0
}

// execTask is the name of the block exec's commands become.
const execTask = "exec"

// adHoc makes the evaluated runbook exec's: its only block runs a's
// commands on every device; -limit and -target then narrow the plan as they
// do plan's and apply's (engine.Select), and the plan puts the devices in
// natural order (r1, r2, r10).
func adHoc(rb *config.Runbook, a execArgs) error {
	if len(rb.Devices) == 0 {
		return fmt.Errorf("the runbook in %s declares no device", rb.Dir)
	}
	names := make([]string, len(rb.Devices))
	for i, d := range rb.Devices {
		names[i] = d.Name
	}
	rb.Commands = []*config.Command{{Name: execTask, Commands: a.Commands, Devices: names, Timeout: a.Timeout}}
	rb.Configs, rb.Outputs = nil, nil
	return nil
}
