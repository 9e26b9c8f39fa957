package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// GroupConfig is a group block, or the defaults block: device attributes
// that the devices naming the group (every device, for defaults) inherit
// unless they set them, so that a fleet does not repeat its credentials,
// platform or jump host on every device. It holds the device attributes a
// fleet shares; host and host_key are per device, and groups do not nest
// (a device lists all its groups, which keeps precedence a flat list).
type GroupConfig struct {
	Name string // "" for defaults

	ConnectionConfig // Host and HostKey are never set
	Platform         hcl.Expression
	Driver           hcl.Expression
	Tags             hcl.Expression
	Prompt           hcl.Expression
	OutputLimit      hcl.Expression

	DeclRange hcl.Range
}

func (g *GroupConfig) declRange() hcl.Range { return g.DeclRange }

// groupSchema is the device schema without what is per device; those
// attributes are in it so that they get a message saying why, instead of
// "not expected".
var groupSchema = &hcl.BodySchema{
	Attributes: attributes(deviceAttributeNames()...),
	Blocks:     []hcl.BlockHeaderSchema{{Type: "ssh"}},
}

// perDevice are the device attributes a group or defaults cannot set, with
// the reason.
var perDevice = map[string]string{
	"host":     "host is set per device: each device has its own address.",
	"host_key": "host_key is set per device: each device has its own key.",
	"for_each": "for_each is set per device block.",
	"groups":   "A group cannot include other groups: a device lists all the groups it belongs to.",
}

func decodeGroupBlock(block *hcl.Block) (*GroupConfig, hcl.Diagnostics) {
	g := &GroupConfig{DeclRange: block.DefRange}
	what := "defaults"
	if len(block.Labels) > 0 {
		g.Name, what = block.Labels[0], "group"
	}
	content, diags := block.Body.Content(groupSchema)
	for _, a := range sortedAttributes(content.Attributes) {
		if why, ok := perDevice[a.Name]; ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Invalid argument in %s", what),
				Detail:   why,
				Subject:  a.NameRange.Ptr(),
			})
			delete(content.Attributes, a.Name)
		}
	}
	conn, ds := decodeConnection(content)
	diags = append(diags, ds...)
	g.ConnectionConfig = conn
	setExprs(content, map[string]*hcl.Expression{
		"platform": &g.Platform, "driver": &g.Driver, "tags": &g.Tags, "prompt": &g.Prompt,
		"output_limit": &g.OutputLimit,
	})
	return g, diags
}

func (g *GroupConfig) exprs() []hcl.Expression {
	return append(g.ConnectionConfig.exprs(), g.Platform, g.Driver, g.Tags, g.Prompt, g.OutputLimit)
}

// GroupRef is an entry of a device's groups: a static reference such as
// group.core.
type GroupRef struct {
	Name  string
	Range hcl.Range
}

func decodeGroups(expr hcl.Expression) ([]GroupRef, hcl.Diagnostics) {
	bad := func(rng hcl.Range) ([]GroupRef, hcl.Diagnostics) {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid groups",
			Detail:   "groups is a list of group references, as in groups = [group.core, group.dc1].",
			Subject:  rng.Ptr(),
		}}
	}
	list, diags := hcl.ExprList(expr)
	if diags.HasErrors() {
		return bad(expr.Range())
	}
	var out []GroupRef
	for _, x := range list {
		tr, diags := hcl.AbsTraversalForExpr(x)
		if diags.HasErrors() || tr.RootName() != "group" || len(tr) != 2 {
			return bad(x.Range())
		}
		attr, ok := tr[1].(hcl.TraverseAttr)
		if !ok {
			return bad(x.Range())
		}
		out = append(out, GroupRef{Name: attr.Name, Range: tr.SourceRange()})
	}
	return out, nil
}

// inherit returns the devices as they are evaluated: each a copy of its
// block with what it does not set taken from its groups, the last that
// sets it first, then from defaults. Tags are not replaced but collected,
// for evalDevice to take their union. It reports groups that are not
// declared, and checks the references of every group, used or not.
func (e *evaluator) inherit() ([]*DeviceConfig, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	for _, g := range e.m.allGroups() {
		_, ds := e.allRefs(scope{each: true}, g.exprs()...)
		diags = append(diags, ds...)
	}
	out := make([]*DeviceConfig, 0, len(e.m.Devices))
	for _, d := range e.m.Devices {
		var from []*GroupConfig // lowest precedence first
		if e.m.Defaults != nil {
			from = append(from, e.m.Defaults)
		}
		for _, r := range d.Groups {
			g, ok := e.m.groups[r.Name]
			if !ok {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Reference to undeclared group",
					Detail:   fmt.Sprintf("No group block named %q is declared in this runbook.", r.Name),
					Subject:  r.Range.Ptr(),
				})
				continue
			}
			from = append(from, g)
		}
		if len(from) == 0 {
			out = append(out, d)
			continue
		}
		c := *d
		for i := len(from) - 1; i >= 0; i-- {
			g := from[i]
			for _, f := range []struct{ dst, src *hcl.Expression }{
				{&c.Port, &g.Port}, {&c.Credentials, &g.Credentials}, {&c.KnownHosts, &g.KnownHosts},
				{&c.InsecureSkipHostKey, &g.InsecureSkipHostKey}, {&c.Timeout, &g.Timeout},
				{&c.Platform, &g.Platform}, {&c.Driver, &g.Driver}, {&c.Prompt, &g.Prompt},
				{&c.OutputLimit, &g.OutputLimit},
			} {
				if *f.dst == nil {
					*f.dst = *f.src
				}
			}
			if c.SSH == nil && g.SSH != nil {
				c.SSH, c.sshFrom = g.SSH, g
			}
			if c.Via == nil {
				c.Via = g.Via
			}
		}
		c.inheritedTags = nil
		for _, g := range from {
			if g.Tags != nil {
				c.inheritedTags = append(c.inheritedTags, g.Tags)
			}
		}
		out = append(out, &c)
	}
	return out, diags
}

// legacyWarnings warns about the legacy SSH algorithms of each group and
// defaults, naming the devices that inherit them.
func (e *evaluator) legacyWarnings() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, g := range e.m.allGroups() {
		var devs []*Device
		for _, d := range e.devices {
			if d.sshFrom != g {
				continue
			}
			for _, inst := range e.instances[d.Label] {
				devs = append(devs, inst.dev)
			}
		}
		diags = append(diags, legacyWarning(g.SSH, "device", devs)...)
	}
	return diags
}

// allGroups lists defaults, when declared, and the groups.
func (m *Module) allGroups() []*GroupConfig {
	if m.Defaults == nil {
		return m.Groups
	}
	return append([]*GroupConfig{m.Defaults}, m.Groups...)
}
