package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// DesiredConfig is a config block as written: the configuration some devices
// must have. text and absent are evaluated once per device, with self bound
// to that device, so one block can template per-device lines.
type DesiredConfig struct {
	Name      string
	Devices   hcl.Expression // nil: every device
	Text      hcl.Expression // a string or a list of lines; nil when only absent is set
	Absent    hcl.Expression // as Text
	Match     hcl.Expression
	Save      hcl.Expression
	Rollback  hcl.Expression
	Timeout   hcl.Expression
	DependsOn []hcl.Traversal
	DeclRange hcl.Range
}

func (c *DesiredConfig) declRange() hcl.Range { return c.DeclRange }

// Desired is an evaluated config block.
type Desired struct {
	Name string
	// Devices are the selected device names, in runbook device order.
	Devices []string
	// Text and Absent are the desired and forbidden lines per device,
	// indented like a running config.
	Text   map[string]string
	Absent map[string]string
	// Match is "merge" (declared lines must exist) or "exact" (within each
	// declared section, undeclared lines are removed).
	Match string
	// Save is "on_change", "always" or "never": when to save the running
	// configuration to startup after a change.
	Save string
	// Rollback is "on_failure" (restore a device whose apply or check
	// fails) or "never".
	Rollback        string
	DependsOn       []string // task addresses: command.NAME, config.NAME
	DependsOnRanges map[string]hcl.Range
	Timeout         time.Duration
	DeclRange       hcl.Range
	// TextRange and AbsentRange locate the attributes, for diagnostics
	// about the lines in them.
	TextRange, AbsentRange hcl.Range
}

var desiredSchema = &hcl.BodySchema{
	Attributes: attributes("devices", "text", "absent", "match", "save", "rollback", "timeout", "depends_on"),
}

func decodeDesiredBlock(block *hcl.Block) (*DesiredConfig, hcl.Diagnostics) {
	c := &DesiredConfig{Name: block.Labels[0], DeclRange: block.DefRange}
	content, diags := decodeExprs(block, desiredSchema, map[string]*hcl.Expression{
		"devices": &c.Devices, "text": &c.Text, "absent": &c.Absent, "match": &c.Match,
		"save": &c.Save, "rollback": &c.Rollback, "timeout": &c.Timeout,
	})
	if c.Text == nil && c.Absent == nil && !diags.HasErrors() {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing text",
			Detail:   "A config block needs text (the lines devices must have), absent (lines they must not have), or both.",
			Subject:  block.DefRange.Ptr(),
		})
	}
	if attr, ok := content.Attributes["depends_on"]; ok {
		deps, ds := decodeDependsOn(attr.Expr)
		diags = append(diags, ds...)
		c.DependsOn = deps
	}
	return c, diags
}

func (c *DesiredConfig) exprs() []hcl.Expression {
	return []hcl.Expression{c.Devices, c.Match, c.Save, c.Rollback, c.Timeout}
}

// keyword evaluates an attribute that must be one of choices.
func (e *evaluator) keyword(ctx *hcl.EvalContext, expr hcl.Expression, name, def string, choices ...string) (string, hcl.Diagnostics) {
	if expr == nil {
		return def, nil
	}
	v, diags := e.eval(ctx, expr, cty.String, name)
	if diags.HasErrors() || v.IsNull() {
		return def, diags
	}
	s := plainString(v)
	for _, c := range choices {
		if s == c {
			return s, diags
		}
	}
	return def, append(diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid " + name,
		Detail:   fmt.Sprintf("%s must be one of %q, not %q.", name, choices, s),
		Subject:  expr.Range().Ptr(),
	})
}

func (e *evaluator) evalDesired(c *DesiredConfig, devices []*Device) (*Desired, hcl.Diagnostics) {
	ctx := e.ctx(nil)
	d := &Desired{
		Name: c.Name, DeclRange: c.DeclRange, DependsOnRanges: map[string]hcl.Range{},
		Text: map[string]string{}, Absent: map[string]string{},
		TextRange: rangeOf(c.Text, c.DeclRange), AbsentRange: rangeOf(c.Absent, c.DeclRange),
	}
	var diags hcl.Diagnostics
	var ds hcl.Diagnostics
	d.Match, ds = e.keyword(ctx, c.Match, "match", "merge", "merge", "exact")
	diags = append(diags, ds...)
	d.Save, ds = e.keyword(ctx, c.Save, "save", "on_change", "on_change", "always", "never")
	diags = append(diags, ds...)
	d.Rollback, ds = e.keyword(ctx, c.Rollback, "rollback", "on_failure", "on_failure", "never")
	diags = append(diags, ds...)
	d.Timeout, ds = e.timeoutAttr(ctx, c.Timeout)
	diags = append(diags, ds...)

	d.Devices, ds = e.selectDevices(ctx, c.Devices, devices)
	diags = append(diags, ds...)
	d.DependsOn, ds = e.dependsOn(c.DependsOn, d.Addr(), d.DependsOnRanges)
	diags = append(diags, ds...)

	// text and absent per device, with self bound to it. A diagnostic is
	// reported once per block, not once per device.
	byName := map[string]cty.Value{}
	for _, inst := range e.allInstances() {
		byName[inst.dev.Name] = inst.val
	}
	for _, name := range d.Devices {
		child := ctx.NewChild()
		child.Variables = map[string]cty.Value{"self": byName[name]}
		for _, part := range []struct {
			expr hcl.Expression
			attr string
			dst  map[string]string
		}{{c.Text, "text", d.Text}, {c.Absent, "absent", d.Absent}} {
			if part.expr == nil {
				continue
			}
			v, ds := e.lines(child, part.expr, part.attr)
			if ds.HasErrors() {
				return d, append(diags, ds...)
			}
			if v.HasMark(markSensitive) {
				return d, append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Sensitive value in config " + part.attr,
					Detail:   "Desired configuration is shown line by line in plans and kept in backups, so it cannot contain sensitive values. Configure secrets with a command block's configure, where the line is masked.",
					Subject:  part.expr.Range().Ptr(),
				})
			}
			if !v.IsNull() {
				part.dst[name] = plainString(v)
			}
		}
	}
	return d, diags
}

// lines evaluates text or absent: a multi-line string, or a list of lines,
// which is the same string with each line ended by a newline.
func (e *evaluator) lines(ctx *hcl.EvalContext, expr hcl.Expression, attr string) (cty.Value, hcl.Diagnostics) {
	v, diags := e.eval(ctx, expr, cty.DynamicPseudoType, attr)
	if diags.HasErrors() || v.IsNull() {
		return v, diags
	}
	plain, marks := v.UnmarkDeep()
	if ty := plain.Type(); !ty.IsListType() && !ty.IsTupleType() {
		return e.eval(ctx, expr, cty.String, attr)
	}
	list, ds := e.eval(ctx, expr, cty.List(cty.String), attr)
	if ds.HasErrors() {
		return list, ds
	}
	lines, ds := plainStrings(list, expr, attr)
	if ds.HasErrors() {
		return cty.DynamicVal, ds
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return cty.StringVal(b.String()).WithMarks(marks), diags
}

// allInstances lists every evaluated device instance.
func (e *evaluator) allInstances() []*deviceInstance {
	var out []*deviceInstance
	for _, insts := range e.instances {
		out = append(out, insts...)
	}
	return out
}

// dependsOn resolves depends_on traversals to task addresses, reporting
// undeclared blocks and a block depending on itself.
// decodeDependsOn has checked that each traversal is a task address.
func (e *evaluator) dependsOn(trs []hcl.Traversal, self Addr, ranges map[string]hcl.Range) ([]string, hcl.Diagnostics) {
	var out []string
	var diags hcl.Diagnostics
	for _, tr := range trs {
		a, _ := traversalAddr(tr)
		rng := tr.SourceRange()
		switch {
		case !e.m.declares(string(a.Kind), a.Name):
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Reference to undeclared " + string(a.Kind),
				Detail:   fmt.Sprintf("No %s block named %q is declared.", a.Kind, a.Name),
				Subject:  rng.Ptr(),
			})
		case a == self:
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Self-referential depends_on",
				Detail:   fmt.Sprintf("%s cannot depend on itself.", self),
				Subject:  rng.Ptr(),
			})
		default:
			addr := a.String()
			if _, dup := ranges[addr]; !dup {
				out = append(out, addr)
				ranges[addr] = rng
			}
		}
	}
	return out, diags
}
