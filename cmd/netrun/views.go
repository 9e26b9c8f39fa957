package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
)

// renderPlan prints what apply will do, per device in runbook order, each
// device's steps in the order they will run.
func renderPlan(w io.Writer, rb *config.Runbook, p *plan.Plan, simulated bool) {
	blocks := map[string]bool{}
	for _, d := range p.Devices {
		for _, s := range d.Steps {
			blocks[s.Task] = true
		}
	}
	fmt.Fprintf(w, "netrun will run %s on %s, %d sessions at a time.\n",
		plural(len(blocks), "block"), plural(len(p.Devices), "device"), p.Parallelism)
	if simulated {
		fmt.Fprintln(w, "Simulated (-sim): every device is served by an in-process simulator; nothing is sent to real devices.")
	}
	for _, d := range p.Devices {
		mode := ""
		if d.Mode != "" && d.Mode != "goroutine" {
			mode = ", " + d.Mode
		}
		fmt.Fprintf(w, "\n  # %s (%s:%d, %s via %s%s)\n", d.Name, d.Host, d.Port, d.Platform, d.Driver, mode)
		if len(d.Steps) == 0 {
			fmt.Fprintln(w, "    (no commands target this device)")
		}
		for _, s := range d.Steps {
			after := ""
			if len(s.DependsOn) > 0 {
				after = "   (after " + strings.Join(s.DependsOn, ", ") + ")"
			}
			if s.Action == plan.Converge {
				renderChange(w, d.Name, s)
				continue
			}
			if s.Action == plan.Configure {
				fmt.Fprintf(w, "  ~ %s (configure)%s\n", s.Task, after)
				for _, c := range s.Commands {
					fmt.Fprintf(w, "      %s\n", c)
				}
			} else {
				fmt.Fprintf(w, "  + %s%s\n", s.Task, after)
				for _, c := range s.Commands {
					fmt.Fprintf(w, "      > %s\n", c)
				}
			}
			for _, e := range s.Expect {
				answer := strconv.Quote(e.Answer)
				if e.Answer == "" {
					answer = "(Enter)"
				}
				fmt.Fprintf(w, "      ? /%s/ → %s\n", e.Prompt, answer)
			}
		}
	}
	fmt.Fprintf(w, "\nPlan: %s on %s.", plural(p.Steps(), "step"), plural(len(p.Devices), "device"))
	changed, unchanged, unknown, failed := configCounts(p)
	if changed+unchanged+unknown+failed > 0 {
		fmt.Fprintf(w, " Configuration: %d to change (%s), %d unchanged", changed, plural(changedLines(p), "line"), unchanged)
		if unknown > 0 {
			fmt.Fprintf(w, ", %d known only at apply", unknown)
		}
		if failed > 0 {
			fmt.Fprintf(w, ", %d could not be read", failed)
		}
		fmt.Fprint(w, ".")
	}
	fmt.Fprintln(w)
	if changed+unknown+failed == 0 && unchanged > 0 && !hasCommands(p) {
		fmt.Fprintln(w, "\nNo changes. Every device's configuration matches.")
	}
}

// renderChange shows what a config block will change on one device, as
// Terraform shows a resource: the diff under a header.
func renderChange(w io.Writer, device string, s plan.Step) {
	c := s.Config
	switch {
	case c == nil || !c.Refreshed && c.Error == "":
		fmt.Fprintf(w, "  # %s on %s: not read (-refresh=false); apply changes what differs from:\n", s.Task, device)
		if c != nil {
			for _, l := range c.Declared {
				fmt.Fprintf(w, "      %s\n", l)
			}
			for _, l := range c.Forbidden {
				fmt.Fprintf(w, "    absent: %s\n", l)
			}
		}
	case c.Error != "":
		fmt.Fprintf(w, "  # %s on %s: cannot read the device: %s\n", s.Task, device, c.Error)
	case c.Changed == 0:
		fmt.Fprintf(w, "  # %s on %s: No changes.\n", s.Task, device)
	default:
		fmt.Fprintf(w, "  # %s on %s will change %s\n", s.Task, device, plural(changeCount(c.Diff), "line"))
		for _, l := range c.Diff {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
}

// changeCount counts the + and - lines of a diff (~ lines only enter a
// section).
func changeCount(diff []string) int {
	n := 0
	for _, l := range diff {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "+") || strings.HasPrefix(t, "-") {
			n++
		}
	}
	return n
}

func configCounts(p *plan.Plan) (changed, unchanged, unknown, failed int) {
	for _, d := range p.Devices {
		for _, s := range d.Steps {
			switch c := s.Config; {
			case c == nil:
			case c.Error != "":
				failed++
			case !c.Refreshed:
				unknown++
			case c.Changed > 0:
				changed++
			default:
				unchanged++
			}
		}
	}
	return
}

func changedLines(p *plan.Plan) int {
	n := 0
	for _, d := range p.Devices {
		for _, s := range d.Steps {
			if s.Config != nil {
				n += changeCount(s.Config.Diff)
			}
		}
	}
	return n
}

func hasCommands(p *plan.Plan) bool {
	for _, d := range p.Devices {
		for _, s := range d.Steps {
			if s.Action != plan.Converge {
				return true
			}
		}
	}
	return false
}

// renderDrift prints plan -refresh-only: the devices whose configuration
// changed since netrun last applied it, with the lines. The exit status
// follows plan's: 2 for drift with -detailed-exitcode.
func renderDrift(w io.Writer, drift []engine.DeviceDrift, detailed bool) int {
	drifted, failed := 0, 0
	for _, d := range drift {
		switch d.Status {
		case engine.Drifted:
			drifted++
			fmt.Fprintf(w, "  # %s has drifted: its configuration changed since netrun applied it\n", d.Name)
			for _, l := range d.Lines {
				fmt.Fprintf(w, "  %s\n", l)
			}
		case engine.DriftError:
			failed++
			fmt.Fprintf(w, "  # %s: cannot read the device: %s\n", d.Name, d.Error)
		case engine.NeverApplied:
			fmt.Fprintf(w, "  # %s: netrun has not applied a configuration to it yet\n", d.Name)
		default:
			fmt.Fprintf(w, "  # %s: in sync\n", d.Name)
		}
	}
	fmt.Fprintf(w, "\nDrift: %d of %s changed outside netrun.\n", drifted, plural(len(drift), "device"))
	switch {
	case failed > 0:
		return 1
	case drifted > 0 && detailed:
		return 2
	}
	return 0
}

// renderReport prints every device's outputs and errors, then a summary.
func renderReport(w io.Writer, rep *engine.Report) {
	for _, d := range rep.Devices {
		fmt.Fprintf(w, "\n%s (%s): %s\n", d.Name, d.Host, d.Status)
		for _, s := range d.Steps {
			if s.Status != engine.OK && len(s.Results) == 0 {
				if s.Status == engine.Skipped || s.Status == engine.Cancelled {
					fmt.Fprintf(w, "  %s: %s\n", s.Task, s.Status)
				}
				continue
			}
			fmt.Fprintf(w, "  %s\n", s.Task)
			if c := s.Config; c != nil {
				switch {
				case c.Changed == 0:
					fmt.Fprintln(w, "    No changes.")
				default:
					fmt.Fprintf(w, "    changed %s", plural(changeCount(c.Diff), "line"))
					if c.Saved {
						fmt.Fprint(w, ", saved")
					}
					if c.RolledBack {
						fmt.Fprint(w, "; ROLLED BACK")
					}
					fmt.Fprintln(w)
					for _, l := range c.Diff {
						fmt.Fprintf(w, "    %s\n", l)
					}
				}
				continue
			}
			for _, r := range s.Results {
				fmt.Fprintf(w, "    %s# %s\n", d.Name, r.Command)
				for _, line := range strings.Split(r.Output, "\n") {
					fmt.Fprintf(w, "    %s\n", line)
				}
			}
		}
		if d.Error != "" {
			fmt.Fprintf(w, "  Error: %s\n", d.Error)
		}
	}
	ok, failed, other := rep.Counts()
	fmt.Fprintf(w, "\nApply complete: %d succeeded, %d failed", ok, failed)
	if other > 0 {
		fmt.Fprintf(w, ", %d skipped or cancelled", other)
	}
	fmt.Fprintf(w, " (%d devices in %s).\n", len(rep.Devices), rep.Finished.Sub(rep.Started).Round(1e6))
	for _, d := range rep.Devices {
		if d.Status != engine.OK {
			msg := d.Error
			if msg == "" {
				msg = string(d.Status)
			}
			if !strings.HasPrefix(msg, d.Name+": ") {
				msg = d.Name + ": " + msg
			}
			fmt.Fprintf(w, "  %s\n", msg)
		}
	}
}

// renderOutputs prints output values as Terraform does: NAME = VALUE.
func renderOutputs(w io.Writer, outputs map[string]state.OutputState) {
	if len(outputs) == 0 {
		return
	}
	fmt.Fprintln(w, "\nOutputs:")
	fmt.Fprintln(w)
	for _, name := range sortedOutputNames(outputs) {
		fmt.Fprintf(w, "%s = %s\n", name, renderValue(outputs[name], ""))
	}
}

func renderValue(o state.OutputState, indent string) string {
	if o.Sensitive {
		return "<sensitive>"
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(o.Value))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return string(o.Value)
	}
	var b strings.Builder
	writeValue(&b, v, indent)
	return b.String()
}

// writeValue renders a JSON value in HCL's syntax, multi-line strings as
// heredocs so device output reads as it came.
func writeValue(b *strings.Builder, v any, indent string) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		if strings.Contains(v, "\n") {
			b.WriteString("<<EOT\n")
			for _, line := range strings.Split(strings.TrimSuffix(v, "\n"), "\n") {
				b.WriteString(indent + "  " + line + "\n")
			}
			b.WriteString(indent + "EOT")
			return
		}
		b.WriteString(strconv.Quote(v))
	case json.Number:
		b.WriteString(v.String())
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case []any:
		if len(v) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for _, x := range v {
			b.WriteString(indent + "  ")
			writeValue(b, x, indent+"  ")
			b.WriteString(",\n")
		}
		b.WriteString(indent + "]")
	case map[string]any:
		if len(v) == 0 {
			b.WriteString("{}")
			return
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("{\n")
		for _, k := range keys {
			fmt.Fprintf(b, "%s  %s = ", indent, strconv.Quote(k))
			writeValue(b, v[k], indent+"  ")
			b.WriteString("\n")
		}
		b.WriteString(indent + "}")
	default:
		fmt.Fprint(b, v)
	}
}

func indentJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
