package engine

import (
	"fmt"
	"slices"

	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/plan"
)

// Execution modes: where a device's sessions run. The policy (which mode a
// run takes, which devices it cannot serve) lives here; starting the worker
// and plugin processes a mode needs is the caller's (the CLI re-runs its own
// binary as a worker).
const (
	ModeGoroutine  = "goroutine"  // in netrun's process
	ModeSubprocess = "subprocess" // built-in drivers in worker processes
	ModePlugin     = "plugin"     // a plugin driver: always its own processes
)

// ChooseMode picks a run's execution mode: the -mode flag wins over a saved
// plan's, which wins over the runbook's netrun { mode }; goroutine when none
// says. p may be nil (nothing saved).
func ChooseMode(flag string, rb *config.Runbook, p *plan.Plan) string {
	switch {
	case flag != "":
		return flag
	case p != nil && slices.ContainsFunc(p.Devices, func(d plan.Device) bool { return d.Mode == ModeSubprocess }):
		return ModeSubprocess // a saved plan made in subprocess mode
	case rb.Settings.Mode != "":
		return rb.Settings.Mode
	}
	return ModeGoroutine
}

// DeviceMode says where sessions of a device using driver run in a run of
// the given mode; isPlugin reports the drivers that are plugins.
func DeviceMode(driver, mode string, isPlugin func(driver string) bool) string {
	if isPlugin(driver) {
		return ModePlugin
	}
	return mode
}

// CheckMode refuses jump hosts for sessions that run in another process: a
// worker or plugin cannot share netrun's bastion connection. The error
// names the device block's file and line.
func CheckMode(rb *config.Runbook, mode string, isPlugin func(driver string) bool) error {
	for _, dev := range rb.Devices {
		if dev.Via == "" {
			continue
		}
		switch DeviceMode(dev.Driver, mode, isPlugin) {
		case ModePlugin:
			return fmt.Errorf("%s: device %s goes through jump_host.%s, but its driver %q is a plugin: plugins run in their own processes and cannot use netrun's bastion connections",
				dev.DeclRange, dev.Name, dev.Via, dev.Driver)
		case ModeSubprocess:
			return fmt.Errorf("%s: device %s goes through jump_host.%s, which needs -mode=goroutine: a worker process cannot share netrun's bastion connection",
				dev.DeclRange, dev.Name, dev.Via)
		}
	}
	return nil
}

// SetMode checks that the runbook can run in mode and records in the plan
// where each device's sessions will run, so a saved plan keeps its mode.
func SetMode(rb *config.Runbook, p *plan.Plan, mode string, isPlugin func(driver string) bool) error {
	if err := CheckMode(rb, mode, isPlugin); err != nil {
		return err
	}
	for i := range p.Devices {
		p.Devices[i].Mode = DeviceMode(p.Devices[i].Driver, mode, isPlugin)
	}
	return nil
}
