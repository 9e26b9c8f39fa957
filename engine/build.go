// Package engine turns an evaluated runbook into a plan and applies it: it
// builds the DAG of (command, device) steps (build.go), narrows it to what
// -target and -limit select (select.go), each step pinned to what it sends
// so a saved plan runs only what was planned (pin.go), walks it with a
// bound on concurrent device sessions (walk.go), collects results, and
// writes state; Run (run.go) is a whole apply, from the lock to the final
// state, with hooks where the caller shows the plan and asks to go ahead.
// It does not parse HCL (engine/config does), speak SSH (drivers do), nor
// talk to the user (cmd/netrun does).
package engine

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/platform"
	"github.com/netrun/netrun/drivers/sshconn"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/configtree"
	"github.com/netrun/netrun/engine/graph"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
)

// DefaultParallelism bounds concurrent device sessions when neither the
// runbook nor the command line says.
const DefaultParallelism = 10

// Parallelism picks the effective limit: the flag wins over the runbook.
func Parallelism(flag int, rb *config.Runbook) int {
	switch {
	case flag > 0:
		return flag
	case rb.Settings.Parallelism > 0:
		return rb.Settings.Parallelism
	}
	return DefaultParallelism
}

// LoadOptions tells the config loader which drivers and platforms exist, so
// unknown names are located diagnostics.
func LoadOptions(reg drivers.Registry) config.LoadOptions {
	return config.LoadOptions{
		Drivers:         reg.Names(),
		Platforms:       platform.Names(),
		DefaultPlatform: platform.Default,
		DefaultDriver:   "ssh",
		Algorithms:      sshconn.Supported(),
	}
}

// task is a command or config block: what runs on some devices, after the
// tasks it depends on.
type task struct {
	addr      string // command.NAME or config.NAME
	devices   []string
	dependsOn []string
	depRanges map[string]hcl.Range
	declRange hcl.Range
	command   *config.Command
	desired   *config.Desired
}

func tasksOf(rb *config.Runbook) []*task {
	var out []*task
	for _, c := range rb.Commands {
		out = append(out, &task{addr: c.Addr().String(), devices: c.Devices, dependsOn: c.DependsOn,
			depRanges: c.DependsOnRanges, declRange: c.DeclRange, command: c})
	}
	for _, c := range rb.Configs {
		out = append(out, &task{addr: c.Addr().String(), devices: c.Devices, dependsOn: c.DependsOn,
			depRanges: c.DependsOnRanges, declRange: c.DeclRange, desired: c})
	}
	return out
}

// taskOrder sorts the tasks so every one comes after those it depends on,
// and reports cycles as diagnostics naming every block in the cycle.
func taskOrder(rb *config.Runbook) ([]*task, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	tasks := tasksOf(rb)
	byAddr := make(map[string]*task, len(tasks))
	g := graph.New()
	for _, t := range tasks {
		byAddr[t.addr] = t
		g.Add(t.addr)
	}
	for _, t := range tasks {
		// engine/config reports a depends_on naming an undeclared block, so
		// an evaluated runbook has none; one built otherwise loses the edge
		// rather than the plan.
		var deps []string
		for _, dep := range t.dependsOn {
			if _, ok := byAddr[dep]; ok {
				deps = append(deps, dep)
				g.Connect(dep, t.addr)
			}
		}
		t.dependsOn = deps
	}
	for _, cycle := range g.Cycles() {
		// An edge a→b means b depends on a, so the first block of the cycle
		// depends on the last: point at that depends_on entry.
		first := byAddr[cycle[0]]
		rng := first.declRange
		if r, ok := first.depRanges[cycle[len(cycle)-1]]; ok {
			rng = r
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Dependency cycle: " + graph.FormatCycle(cycle),
			Detail:   "These blocks depend on each other in a loop, so none of them can run first. Remove one of the depends_on references.",
			Subject:  rng.Ptr(),
		})
	}
	if diags.HasErrors() {
		return nil, diags
	}
	sorted, err := g.Sort()
	if err != nil { // unreachable after the cycle check, kept for safety
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Dependency cycle", Detail: err.Error()}}
	}
	out := make([]*task, 0, len(sorted))
	for _, n := range sorted {
		out = append(out, byAddr[n])
	}
	return out, nil
}

// BuildPlan makes the plan: for every device, the steps of every block that
// targets it, in dependency order. Step (Y, d) depends on (X, d) when Y
// depends on X and X also runs on d; when X does not run on d, it depends on
// every step of X, so cross-device orderings hold too. Config steps are
// static here (what is desired); Refresh reads the devices and fills in
// what would change.
func BuildPlan(rb *config.Runbook, parallelism int) (*plan.Plan, hcl.Diagnostics) {
	order, diags := taskOrder(rb)
	// A device without credentials could only fail at apply: say so now.
	for _, d := range rb.Devices {
		if d.CredentialsName == "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Missing credentials",
				Detail:   fmt.Sprintf("Device %s has no credentials; set credentials = credentials.NAME.", d.Name),
				Subject:  d.DeclRange.Ptr(),
			})
		}
	}
	diags = append(diags, checkDesired(rb)...)
	if diags.HasErrors() {
		return nil, diags
	}
	byAddr := make(map[string]*task, len(order))
	runsOn := make(map[string]map[string]bool, len(order))
	for _, t := range order {
		byAddr[t.addr] = t
		runsOn[t.addr] = make(map[string]bool, len(t.devices))
		for _, d := range t.devices {
			runsOn[t.addr][d] = true
		}
	}
	// A plan is shown and may be saved: commands built from sensitive values
	// appear masked. Apply sends the runbook's own commands, which each
	// step's digest guarantees are the planned ones.
	mask := newMasker(rb.Secrets(), rb.SensitiveLines()...)
	p := &plan.Plan{Version: plan.Version, Parallelism: parallelism}
	// A command block's step is the same on every device: mask and pin its
	// lines once, not once per device (a 20,000-line ACL on 500 devices).
	// Devices share its read-only slices.
	commandSteps := map[string]plan.Step{}
	for _, t := range order {
		if t.command != nil {
			commandSteps[t.addr] = commandStep(t.command, mask)
		}
	}
	for _, d := range rb.Devices {
		pd := plan.Device{
			Name:     d.Name,
			Address:  d.Address,
			Host:     d.Host,
			Port:     d.Port,
			Platform: d.Platform,
			Driver:   d.Driver,
		}
		for _, t := range order {
			if !runsOn[t.addr][d.Name] {
				continue
			}
			var st plan.Step
			if t.command != nil {
				st = commandSteps[t.addr]
			} else {
				st = convergeStep(t.desired, d.Name, mask)
			}
			st.Task = t.addr
			for _, dep := range t.dependsOn {
				if runsOn[dep][d.Name] {
					st.DependsOn = append(st.DependsOn, plan.ID(dep, d.Name))
					continue
				}
				for _, other := range byAddr[dep].devices {
					st.DependsOn = append(st.DependsOn, plan.ID(dep, other))
				}
			}
			pd.Steps = append(pd.Steps, st)
		}
		p.Devices = append(p.Devices, pd)
	}
	slices.SortStableFunc(p.Devices, func(a, b plan.Device) int { return state.NaturalCompare(a.Name, b.Name) })
	return p, nil
}

// commandStep is a command block's step, the same on every device it
// targets: what it sends, secrets masked, and the digest that pins it.
func commandStep(c *config.Command, mask *masker) plan.Step {
	st := plan.Step{Action: plan.Run, Commands: mask.lines(c), Timeout: c.Timeout, Digest: commandDigest(c)}
	if len(c.Configure) > 0 {
		st.Action = plan.Configure
	}
	for _, e := range c.Expect {
		st.Expect = append(st.Expect, drivers.Expect{Prompt: e.Prompt, Answer: mask.String(e.Answer)})
	}
	return st
}

// convergeStep is a config block's step on one device, static: what is
// desired (Refresh fills in what would change), and the digest that pins
// it.
func convergeStep(d *config.Desired, device string, mask *masker) plan.Step {
	return plan.Step{
		Action:  plan.Converge,
		Timeout: d.Timeout,
		Digest:  convergeDigest(d, device),
		Config: &plan.ConfigChange{
			Match: d.Match, Save: d.Save, Rollback: d.Rollback,
			Declared:  maskAll(mask, textLines(d.Text[device])),
			Forbidden: maskAll(mask, textLines(d.Absent[device])),
		},
	}
}

// textLines splits configuration text into its non-blank lines.
func textLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, strings.TrimRight(l, " \t\r"))
		}
	}
	return out
}

func maskAll(m *masker, in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = m.String(s)
	}
	return out
}

// checkDesired parses every config block's lines in the dialect of each
// device it targets, so a mistake (inconsistent indentation, a Junos line
// that is not set) is a located diagnostic at validate, reported once per
// block and attribute.
func checkDesired(rb *config.Runbook) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, c := range rb.Configs {
		seen := map[string]bool{}
		for _, name := range c.Devices {
			dev := rb.Device(name)
			if dev == nil {
				continue
			}
			dialect, err := configtree.DialectFor(dev.Platform)
			if err != nil {
				continue // unknown platforms are reported by the config loader
			}
			for _, part := range []struct {
				field, text string
				rng         hcl.Range
			}{{"text", c.Text[name], c.TextRange}, {"absent", c.Absent[name], c.AbsentRange}} {
				if part.text == "" {
					continue
				}
				_, err := configtree.ParseDesired(part.text, dialect)
				var pe *configtree.ParseError
				if err == nil || !errors.As(err, &pe) || seen[part.field+pe.Msg] {
					continue
				}
				seen[part.field+pe.Msg] = true
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid configuration lines",
					Detail: fmt.Sprintf("Line %d of %s, for device %s (%s): %s.",
						pe.Line, part.field, name, dev.Platform, pe.Msg),
					Subject: part.rng.Ptr(),
				})
			}
		}
	}
	return diags
}
