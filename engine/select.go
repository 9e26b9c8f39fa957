package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/engine/state"
)

// Selecting narrows a built plan to part of the runbook, as the command
// line asks with -target (Terraform's addresses) and -limit (Ansible's
// patterns). The plan is built whole first and filtered after, so the
// dependencies of a selected step are the runbook's: a step keeps every
// step it depends on, on its device or on others, even outside the
// selection.

// TargetAddr is one -target address: a device (device.r1, device.r["r1"], or
// device.r for every instance of a for_each block) or a task
// (command.clock, config.ntp).
type TargetAddr struct {
	Kind config.Kind // "device", or the task's kind
	Name string
	Key  *string // device.NAME["KEY"]; nil without an index
	text string
}

// kindDevice is the kind of device addresses; config knows only tasks'.
const kindDevice config.Kind = "device"

func (t TargetAddr) String() string { return t.text }

// ParseTarget reads a -target address.
func ParseTarget(s string) (TargetAddr, error) {
	bad := fmt.Errorf(`invalid -target %q: an address is device.NAME, device.NAME["KEY"], command.NAME or config.NAME`, s)
	tr, diags := hclsyntax.ParseTraversalAbs([]byte(s), "-target", hcl.InitialPos)
	if diags.HasErrors() || len(tr) < 2 || len(tr) > 3 {
		return TargetAddr{}, bad
	}
	attr, ok := tr[1].(hcl.TraverseAttr)
	if !ok {
		return TargetAddr{}, bad
	}
	t := TargetAddr{Kind: config.Kind(tr.RootName()), Name: attr.Name, text: s}
	switch t.Kind {
	case kindDevice:
		if len(tr) == 3 {
			idx, ok := tr[2].(hcl.TraverseIndex)
			if !ok || !idx.Key.Type().Equals(cty.String) || idx.Key.IsNull() {
				return TargetAddr{}, bad
			}
			key := idx.Key.AsString()
			t.Key = &key
		}
	case config.KindCommand, config.KindConfig:
		if len(tr) != 2 {
			return TargetAddr{}, bad
		}
	default:
		return TargetAddr{}, bad
	}
	return t, nil
}

// matchesDevice reports whether a device target names d: by its address
// (device.r["r1"]), every instance of its block (device.r), or its name
// (device.r1 for the for_each key r1, the name results show).
func (t TargetAddr) matchesDevice(d *config.Device) bool {
	if t.Key != nil {
		return d.Address == fmt.Sprintf("device.%s[%q]", t.Name, *t.Key)
	}
	return d.Address == "device."+t.Name || strings.HasPrefix(d.Address, "device."+t.Name+"[") || d.Name == t.Name
}

// Limit is a parsed -limit pattern: comma-separated terms, each a device
// name or glob (path.Match: dc1-*), tag:TAG or group:GROUP (globs too), or
// @failed;
// "&" before a term intersects, "!" subtracts.
type Limit struct {
	terms []limitTerm
	text  string
}

type limitTerm struct {
	op      byte // 0 (union), '&' or '!'
	tag     bool // match the device's tags, not its name
	group   bool // match the groups the device inherits from
	failed  bool // @failed
	pattern string
	text    string // the term as written, for messages
}

func (l Limit) String() string { return l.text }

// failedSet is the only @ set: the devices to retry.
const failedSet = "@failed"

// ParseLimit reads a -limit pattern.
func ParseLimit(s string) (Limit, error) {
	l := Limit{text: s}
	for _, raw := range strings.Split(s, ",") {
		text := strings.TrimSpace(raw)
		t := limitTerm{text: text}
		if text != "" && (text[0] == '&' || text[0] == '!') {
			t.op, text = text[0], text[1:]
		}
		switch {
		case text == "":
			return Limit{}, fmt.Errorf("invalid -limit %q: an empty term (a pattern is terms separated by commas: r1,dc1-*,tag:core,&tag:edge,!r7,@failed)", s)
		case text == failedSet:
			t.failed = true
		case strings.HasPrefix(text, "@"):
			return Limit{}, fmt.Errorf("invalid -limit %q: unknown set %s; the one set is @failed", s, text)
		case strings.HasPrefix(text, "tag:"):
			t.tag, t.pattern = true, strings.TrimPrefix(text, "tag:")
			if t.pattern == "" {
				return Limit{}, fmt.Errorf("invalid -limit %q: tag: needs a tag name", s)
			}
		case strings.HasPrefix(text, "group:"):
			t.group, t.pattern = true, strings.TrimPrefix(text, "group:")
			if t.pattern == "" {
				return Limit{}, fmt.Errorf("invalid -limit %q: group: needs a group name", s)
			}
		default:
			t.pattern = text
		}
		if _, err := path.Match(t.pattern, ""); err != nil {
			return Limit{}, fmt.Errorf("invalid -limit %q: %s is not a valid glob", s, t.text)
		}
		l.terms = append(l.terms, t)
	}
	return l, nil
}

// matches reports whether the term names d; failed is the @failed set.
func (t limitTerm) matches(d *config.Device, failed map[string]bool) bool {
	switch {
	case t.failed:
		return failed[d.Name]
	case t.tag:
		return slices.ContainsFunc(d.Tags, func(tag string) bool { ok, _ := path.Match(t.pattern, tag); return ok })
	case t.group:
		return slices.ContainsFunc(d.Groups, func(g string) bool { ok, _ := path.Match(t.pattern, g); return ok })
	}
	ok, _ := path.Match(t.pattern, d.Name)
	return ok
}

// usesFailed reports whether the pattern needs the last recorded run.
func (l Limit) usesFailed() bool {
	return slices.ContainsFunc(l.terms, func(t limitTerm) bool { return t.failed })
}

// FailedDevices is @failed: the devices whose last recorded result in store
// is not ok (failed, skipped, or cancelled), and those an interrupted run
// did not reach (Unfinished). Otherwise a stale device counts by the result
// it keeps: stale also marks the devices a -limit left out, which a retry
// must not pick up. A device the state holds nothing for is not in it. None when no run is
// recorded (or store is nil).
func FailedDevices(store state.Store) (map[string]bool, error) {
	if store == nil {
		return nil, nil
	}
	st, err := store.ReadState()
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("@failed: %w", err)
	}
	out := map[string]bool{}
	for name, d := range st.Devices {
		if d.Status != state.OK || d.Unfinished {
			out[name] = true
		}
	}
	return out, nil
}

// Select narrows p to sel: the devices that the -limit pattern and the
// device targets select, and on them the steps of the targeted tasks (all
// steps without task targets), each with every step it depends on. With
// both device and task targets, the steps are the targeted tasks on the
// targeted devices. store is read for @failed. An address or pattern that
// cannot be read, or a selection that leaves no device, is an error naming
// the terms that matched nothing; warnings name those terms of a selection
// that is not empty. p is not changed.
func Select(rb *config.Runbook, p *plan.Plan, sel plan.Selection, store state.Store) (out *plan.Plan, warnings []string, err error) {
	if sel.Empty() {
		return p, nil, nil
	}
	var devTargets, taskTargets []TargetAddr
	for _, s := range sel.Targets {
		t, err := ParseTarget(s)
		if err != nil {
			return nil, nil, err
		}
		if t.Kind == kindDevice {
			devTargets = append(devTargets, t)
		} else {
			taskTargets = append(taskTargets, t)
		}
	}
	var limit Limit
	var failed map[string]bool
	if sel.Limit != "" {
		if limit, err = ParseLimit(sel.Limit); err != nil {
			return nil, nil, err
		}
		if limit.usesFailed() {
			if failed, err = FailedDevices(store); err != nil {
				return nil, nil, err
			}
		}
	}

	var unmatched []string
	devices := map[string]bool{}
	for _, d := range rb.Devices {
		devices[d.Name] = true
	}
	if len(devTargets) > 0 {
		devices = map[string]bool{}
		for _, t := range devTargets {
			n := 0
			for _, d := range rb.Devices {
				if t.matchesDevice(d) {
					devices[d.Name] = true
					n++
				}
			}
			if n == 0 {
				unmatched = append(unmatched, fmt.Sprintf("-target=%s matches no device", t))
			}
		}
	}
	if sel.Limit != "" {
		limited, none := limit.devices(rb.Devices, failed)
		unmatched = append(unmatched, none...)
		for name := range devices {
			devices[name] = devices[name] && limited[name]
		}
	}

	tasks := map[string]bool{}
	for _, d := range p.Devices {
		for _, s := range d.Steps {
			tasks[s.Task] = true
		}
	}
	if len(taskTargets) > 0 {
		known := tasks
		tasks = map[string]bool{}
		for _, t := range taskTargets {
			addr := config.Addr{Kind: t.Kind, Name: t.Name}.String()
			if !known[addr] {
				unmatched = append(unmatched, fmt.Sprintf("-target=%s matches no %s block that runs on a device", t, t.Kind))
				continue
			}
			tasks[addr] = true
		}
	}

	out = selectSteps(p, devices, tasks, len(taskTargets) > 0)
	out.Selection = &plan.Selection{Targets: slices.Clone(sel.Targets), Limit: sel.Limit}
	if len(out.Devices) == 0 || len(taskTargets) > 0 && out.Steps() == 0 {
		what := "no device is selected by " + out.Selection.String()
		switch {
		case len(unmatched) > 0:
			what += ": " + strings.Join(unmatched, "; ")
		case !slices.Contains(slices.Collect(maps.Values(devices)), true):
			what += ": the terms together leave none"
		default:
			what += ": the targeted blocks run on none of the selected devices"
		}
		return nil, nil, errors.New(what)
	}
	return out, unmatched, nil
}

// devices applies the pattern to all devices, Ansible's way: the union of
// the plain terms (all devices when there are none), then each & term
// intersects and each ! term subtracts. none names the terms that match no
// device at all.
func (l Limit) devices(all []*config.Device, failed map[string]bool) (sel map[string]bool, none []string) {
	union := map[string]bool{}
	plain := false
	for _, t := range l.terms {
		if t.op == 0 {
			plain = true
		}
	}
	for _, d := range all {
		union[d.Name] = !plain
	}
	for _, t := range l.terms {
		n := 0
		for _, d := range all {
			if !t.matches(d, failed) {
				continue
			}
			n++
			if t.op == 0 {
				union[d.Name] = true
			}
		}
		if n == 0 {
			why := "matches no device"
			if t.failed && failed == nil {
				why = "matches no device: no run is recorded"
			} else if t.failed {
				why = "matches no device: every device of the last run ended ok"
			}
			none = append(none, fmt.Sprintf("-limit term %s %s", t.text, why))
		}
	}
	for _, d := range all {
		for _, t := range l.terms {
			switch t.op {
			case '&':
				union[d.Name] = union[d.Name] && t.matches(d, failed)
			case '!':
				union[d.Name] = union[d.Name] && !t.matches(d, failed)
			}
		}
	}
	return union, none
}

// selectSteps keeps, on the selected devices, the steps of the selected
// tasks and, wherever they are, the steps those depend on. A selected
// device keeps its place (with no steps, as in a whole plan) unless task
// targets were given; a device outside the selection is kept only for
// steps a selected step needs.
func selectSteps(p *plan.Plan, devices, tasks map[string]bool, byTask bool) *plan.Plan {
	byID := map[string]plan.Step{}
	for _, d := range p.Devices {
		for _, s := range d.Steps {
			byID[plan.ID(s.Task, d.Name)] = s
		}
	}
	keep := map[string]bool{}
	var need func(id string)
	need = func(id string) {
		if keep[id] {
			return
		}
		keep[id] = true
		for _, dep := range byID[id].DependsOn {
			need(dep)
		}
	}
	for _, d := range p.Devices {
		if !devices[d.Name] {
			continue
		}
		for _, s := range d.Steps {
			if tasks[s.Task] {
				need(plan.ID(s.Task, d.Name))
			}
		}
	}
	out := *p
	out.Devices = nil
	for _, d := range p.Devices {
		nd := d
		nd.Steps = nil
		for _, s := range d.Steps {
			if keep[plan.ID(s.Task, d.Name)] {
				nd.Steps = append(nd.Steps, s)
			}
		}
		if len(nd.Steps) > 0 || devices[d.Name] && !byTask {
			out.Devices = append(out.Devices, nd)
		}
	}
	return &out
}
