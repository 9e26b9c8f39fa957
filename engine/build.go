// Package engine turns an evaluated runbook into a plan and applies it: it
// builds the DAG of (command, device) steps, walks it with a bound on
// concurrent device sessions, collects results, and writes state. It does
// not parse HCL (engine/config does) nor speak SSH (drivers do).
package engine

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/sshconn"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/graph"
	"github.com/netrun/netrun/engine/plan"
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
		Platforms:       drivers.PlatformNames(),
		DefaultPlatform: drivers.DefaultPlatform,
		DefaultDriver:   "ssh",
		Algorithms:      sshconn.Supported(),
	}
}

// taskName is how a command block is named in plans, graphs and state.
func taskName(command string) string { return "command." + command }

// commandOrder sorts the command blocks so every block comes after the blocks
// it depends on, and reports cycles as diagnostics naming every block in the
// cycle.
func commandOrder(rb *config.Runbook) ([]*config.Command, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	byName := make(map[string]*config.Command, len(rb.Commands))
	g := graph.New()
	for _, c := range rb.Commands {
		byName[c.Name] = c
		g.Add(taskName(c.Name))
	}
	for _, c := range rb.Commands {
		for _, dep := range c.DependsOn {
			if _, ok := byName[dep]; !ok {
				rng := c.DeclRange
				if r, ok := c.DependsOnRanges[dep]; ok {
					rng = r
				}
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Reference to undeclared command",
					Detail:   fmt.Sprintf("command %q depends on command %q, which is not declared.", c.Name, dep),
					Subject:  rng.Ptr(),
				})
				continue
			}
			g.Connect(taskName(dep), taskName(c.Name))
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	for _, cycle := range g.Cycles() {
		// An edge a→b means b depends on a, so the first block of the cycle
		// depends on the last: point at that depends_on entry.
		first := byName[strings.TrimPrefix(cycle[0], "command.")]
		rng := first.DeclRange
		if r, ok := first.DependsOnRanges[strings.TrimPrefix(cycle[len(cycle)-1], "command.")]; ok {
			rng = r
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Dependency cycle: " + graph.FormatCycle(cycle),
			Detail:   "These command blocks depend on each other in a loop, so none of them can run first. Remove one of the depends_on references.",
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
	out := make([]*config.Command, 0, len(sorted))
	for _, n := range sorted {
		out = append(out, byName[strings.TrimPrefix(n, "command.")])
	}
	return out, nil
}

// BuildPlan makes the plan: for every device, the steps of every command block
// that targets it, in dependency order. Step (Y, d) depends on (X, d) when
// command Y depends on X and X also runs on d; when X does not run on d, it
// depends on every step of X, so cross-device orderings hold too.
func BuildPlan(rb *config.Runbook, parallelism int) (*plan.Plan, hcl.Diagnostics) {
	order, diags := commandOrder(rb)
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
	if diags.HasErrors() {
		return nil, diags
	}
	byName := make(map[string]*config.Command, len(order))
	runsOn := make(map[string]map[string]bool, len(order))
	for _, c := range order {
		byName[c.Name] = c
		runsOn[c.Name] = make(map[string]bool, len(c.Devices))
		for _, d := range c.Devices {
			runsOn[c.Name][d] = true
		}
	}
	// A plan is shown and may be saved: commands built from sensitive values
	// appear masked. Apply sends the runbook's own commands.
	mask := newMasker(rb.Secrets(), rb.SensitiveLines()...)
	p := &plan.Plan{Version: plan.Version, Parallelism: parallelism}
	for _, d := range rb.Devices {
		pd := plan.Device{
			Name:     d.Name,
			Address:  d.Address,
			Host:     d.Host,
			Port:     d.Port,
			Platform: d.Platform,
			Driver:   d.Driver,
		}
		for _, c := range order {
			if !runsOn[c.Name][d.Name] {
				continue
			}
			st := plan.Step{
				Task:     taskName(c.Name),
				Action:   plan.Run,
				Commands: maskAll(mask, c.Commands),
				Timeout:  c.Timeout,
			}
			if len(c.Configure) > 0 {
				st.Action, st.Commands = plan.Configure, maskAll(mask, c.Configure)
			}
			for _, e := range c.Expect {
				st.Expect = append(st.Expect, drivers.Expect{Prompt: e.Prompt, Answer: mask.String(e.Answer)})
			}
			for _, dep := range c.DependsOn {
				if runsOn[dep][d.Name] {
					st.DependsOn = append(st.DependsOn, plan.ID(taskName(dep), d.Name))
					continue
				}
				for _, other := range byName[dep].Devices {
					st.DependsOn = append(st.DependsOn, plan.ID(taskName(dep), other))
				}
			}
			pd.Steps = append(pd.Steps, st)
		}
		p.Devices = append(p.Devices, pd)
	}
	return p, nil
}

func maskAll(m *masker, in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = m.String(s)
	}
	return out
}
