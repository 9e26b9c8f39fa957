package config

import (
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/netrun/netrun/drivers"
)

// CommandConfig is a command block: CLI commands to run on some devices.
type CommandConfig struct {
	Name      string
	Devices   hcl.Expression // nil: every device
	Commands  hcl.Expression // nil when configure is set
	Configure hcl.Expression // nil when commands is set
	Timeout   hcl.Expression // nil when not set
	Expect    hcl.Expression // nil when not set
	// OutputLimit is nil when not set.
	OutputLimit hcl.Expression
	DependsOn   []hcl.Traversal
	DeclRange   hcl.Range
}

func (c *CommandConfig) declRange() hcl.Range { return c.DeclRange }

// Command is an evaluated command block.
type Command struct {
	Name     string
	Commands []string
	// Configure holds configuration lines sent in configuration mode (with
	// a commit where the platform has one), as netmiko's send_config_set;
	// a block has either Commands or Configure.
	Configure []string
	// Sensitive tells, line by line of Commands or Configure, which lines
	// are built from sensitive values: those are shown masked whole. Nil
	// when none is.
	Sensitive []bool
	// Devices are the selected device names, in runbook device order.
	Devices []string
	// DependsOn are the tasks that must run first (command.NAME,
	// config.NAME), and DependsOnRanges where each is written, for graph
	// diagnostics.
	DependsOn       []string
	DependsOnRanges map[string]hcl.Range
	Timeout         time.Duration // 0: the device's timeout
	// OutputLimit bounds each command's output, in bytes; 0: the
	// device's limit. A configure block's push keeps the device's.
	OutputLimit int64
	// Expect answers the questions the commands may ask, in the order
	// written: Prompt is a regular expression.
	Expect    []drivers.Expect
	DeclRange hcl.Range
}

var commandSchema = &hcl.BodySchema{
	Attributes: attributes("devices", "commands", "configure", "depends_on", "timeout", "expect", "output_limit"),
}

// exprs lists the block's expressions, whose references are checked
// before it is evaluated.
func (c *CommandConfig) exprs() []hcl.Expression {
	return []hcl.Expression{c.Devices, c.Commands, c.Configure, c.Timeout, c.Expect, c.OutputLimit}
}

func decodeCommandBlock(block *hcl.Block) (*CommandConfig, hcl.Diagnostics) {
	c := &CommandConfig{Name: block.Labels[0], DeclRange: block.DefRange}
	content, diags := decodeExprs(block, commandSchema, map[string]*hcl.Expression{
		"devices": &c.Devices, "commands": &c.Commands, "configure": &c.Configure,
		"timeout": &c.Timeout, "expect": &c.Expect, "output_limit": &c.OutputLimit,
	})
	switch {
	case c.Commands == nil && c.Configure == nil && !diags.HasErrors():
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing commands",
			Detail:   "A command block needs commands (run at the privileged prompt) or configure (configuration lines).",
			Subject:  block.DefRange.Ptr(),
		})
	case c.Commands != nil && c.Configure != nil:
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Both commands and configure",
			Detail:   "A command block either runs commands or sends configuration lines; split it into two blocks, with depends_on if one must come first.",
			Subject:  c.Configure.Range().Ptr(),
		})
	}
	if attr, ok := content.Attributes["depends_on"]; ok {
		deps, ds := decodeDependsOn(attr.Expr)
		diags = append(diags, ds...)
		c.DependsOn = deps
	}
	return c, diags
}

func decodeDependsOn(expr hcl.Expression) ([]hcl.Traversal, hcl.Diagnostics) {
	exprs, diags := hcl.ExprList(expr)
	var out []hcl.Traversal
	bad := func(rng hcl.Range, detail string) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid depends_on reference",
			Detail:   detail,
			Subject:  rng.Ptr(),
		})
	}
	for _, x := range exprs {
		tr, ds := hcl.AbsTraversalForExpr(x)
		if ds.HasErrors() {
			bad(x.Range(), "depends_on lists references to command blocks, such as command.backup.")
			continue
		}
		if _, ok := traversalAddr(tr); !ok {
			bad(tr.SourceRange(), "Only command and config blocks can be listed in depends_on, as command.NAME or config.NAME.")
			continue
		}
		out = append(out, tr)
	}
	return out, diags
}

func (e *evaluator) evalCommand(c *CommandConfig, devices []*Device) (*Command, hcl.Diagnostics) {
	ctx := e.ctx(nil)
	cmd := &Command{Name: c.Name, DeclRange: c.DeclRange, DependsOnRanges: map[string]hcl.Range{}}
	var diags hcl.Diagnostics

	expr, attr := c.Commands, "commands"
	if c.Configure != nil {
		expr, attr = c.Configure, "configure"
	}
	v, ds := e.eval(ctx, expr, cty.List(cty.String), attr)
	diags = append(diags, ds...)
	if !ds.HasErrors() {
		lines, ds := plainStrings(v, expr, attr)
		diags = append(diags, ds...)
		// A line built from a sensitive value is a secret as a whole: plans,
		// state and errors show it masked, whatever else the runbook holds.
		if !ds.HasErrors() && v.ContainsMarked() {
			cmd.Sensitive = sensitiveElements(v)
			for i, l := range lines {
				if cmd.Sensitive[i] && l != "" {
					e.phrases = append(e.phrases, l)
				}
			}
		}
		if len(lines) == 0 && !ds.HasErrors() {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "No " + attr,
				Detail:   "A command block needs at least one command or configuration line.",
				Subject:  rangeOf(expr, c.DeclRange).Ptr(),
			})
		}
		if c.Configure != nil {
			cmd.Configure = lines
		} else {
			cmd.Commands = lines
		}
	}

	cmd.Devices, ds = e.selectDevices(ctx, c.Devices, devices)
	diags = append(diags, ds...)
	cmd.DependsOn, ds = e.dependsOn(c.DependsOn, cmd.Addr(), cmd.DependsOnRanges)
	diags = append(diags, ds...)

	cmd.Timeout, ds = e.timeoutAttr(ctx, c.Timeout)
	diags = append(diags, ds...)
	cmd.Expect, ds = e.evalExpect(ctx, c.Expect)
	diags = append(diags, ds...)
	cmd.OutputLimit, ds = e.sizeAttr(ctx, c.OutputLimit, "output_limit")
	diags = append(diags, ds...)
	return cmd, diags
}

// evalExpect reads expect = { "PROMPT" = "ANSWER", ... }. Prompts are tried
// in the order written, so an object written in the runbook is walked item
// by item; any other map value (a variable, a local) is taken in key order.
func (e *evaluator) evalExpect(ctx *hcl.EvalContext, expr hcl.Expression) ([]drivers.Expect, hcl.Diagnostics) {
	if expr == nil {
		return nil, nil
	}
	var diags hcl.Diagnostics
	type item struct {
		prompt, answer cty.Value
		prng, arng     hcl.Range
	}
	var items []item
	if pairs, ds := hcl.ExprMap(expr); !ds.HasErrors() {
		for _, p := range pairs {
			k, ds := e.eval(ctx, p.Key, cty.String, "expect")
			diags = append(diags, ds...)
			v, ds2 := e.eval(ctx, p.Value, cty.String, "expect")
			diags = append(diags, ds2...)
			if !ds.HasErrors() && !ds2.HasErrors() {
				items = append(items, item{k, v, p.Key.Range(), p.Value.Range()})
			}
		}
	} else {
		m, ds := e.eval(ctx, expr, cty.Map(cty.String), "expect")
		diags = append(diags, ds...)
		if ds.HasErrors() || m.IsNull() {
			return nil, diags
		}
		m, marks := m.Unmark()
		for _, k := range sortedKeys(m.AsValueMap()) {
			v := m.Index(cty.StringVal(k)).WithMarks(marks)
			items = append(items, item{cty.StringVal(k), v, expr.Range(), expr.Range()})
		}
	}
	var out []drivers.Expect
	seen := map[string]bool{}
	const regexpDetail = "An expect prompt is a regular expression matched against the end of the output: %s. Escape brackets as \\[confirm\\]."
	for _, it := range items {
		prompt := plainString(it.prompt)
		_, err := regexp.Compile(prompt)
		summary, detail := "Invalid expect prompt", ""
		switch {
		case it.prompt.IsNull():
			detail = "An expect prompt must be a regular expression, not null."
		case it.prompt.HasMark(markSensitive):
			detail = "An expect prompt is shown in plans and transcripts, so it cannot be sensitive; only answers can."
		case err != nil:
			detail = fmt.Sprintf(regexpDetail, err)
		case prompt == "":
			detail = fmt.Sprintf(regexpDetail, "it must not be empty")
		case seen[prompt]:
			summary = "Duplicate expect prompt"
			detail = fmt.Sprintf("The prompt %q is listed twice; only the first answer would ever be sent.", prompt)
		}
		if detail != "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  summary,
				Detail:   detail,
				Subject:  it.prng.Ptr(),
			})
			continue
		}
		seen[prompt] = true
		answer := plainString(it.answer)
		if it.answer.HasMark(markSensitive) && answer != "" {
			e.secrets = append(e.secrets, answer)
		}
		out = append(out, drivers.Expect{Prompt: prompt, Answer: answer})
	}
	return out, diags
}

// selectDevices reads a devices argument: devices (device.r1), maps of them
// (device.r), device names, or lists, sets and tuples of any of these. No
// argument selects every device.
func (e *evaluator) selectDevices(ctx *hcl.EvalContext, expr hcl.Expression, devices []*Device) ([]string, hcl.Diagnostics) {
	if expr == nil {
		var all []string
		for _, d := range devices {
			all = append(all, d.Name)
		}
		return all, nil
	}
	val, diags := e.eval(ctx, expr, cty.DynamicPseudoType, "devices")
	if diags.HasErrors() {
		return nil, diags
	}
	val, _ = val.UnmarkDeep()
	bad := func(detail string) hcl.Diagnostics {
		return append(diags, &hcl.Diagnostic{
			Severity:    hcl.DiagError,
			Summary:     "Invalid devices argument",
			Detail:      detail,
			Subject:     expr.Range().Ptr(),
			Expression:  expr,
			EvalContext: ctx,
		})
	}
	chosen := map[string]bool{}
	var walk func(v cty.Value) string
	walk = func(v cty.Value) string {
		ty := v.Type()
		switch {
		case v.IsNull():
			return "devices must not contain null."
		case ty == cty.String:
			chosen[v.AsString()] = true
		case ty.Equals(deviceType):
			chosen[v.GetAttr("name").AsString()] = true
		case ty.IsListType() || ty.IsSetType() || ty.IsTupleType() || ty.IsMapType():
			for it := v.ElementIterator(); it.Next(); {
				_, el := it.Element()
				if msg := walk(el); msg != "" {
					return msg
				}
			}
		default:
			return fmt.Sprintf("devices must list devices (device.r1, values(device.r)) or device names, not a %s.", ty.FriendlyName())
		}
		return ""
	}
	if msg := walk(val); msg != "" {
		return nil, bad(msg)
	}
	known := map[string]bool{}
	var names []string
	for _, d := range devices {
		known[d.Name] = true
		if chosen[d.Name] {
			names = append(names, d.Name)
		}
	}
	for _, name := range sortedKeys(chosen) {
		if !known[name] && !e.devicesFailed {
			diags = bad(fmt.Sprintf("There is no device named %q.", name))
		}
	}
	return names, diags
}

// sensitiveElements reports, for each element of a list, whether it is
// built from a sensitive value: it carries the mark, or the list itself does.
func sensitiveElements(v cty.Value) []bool {
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	v, marks := v.Unmark()
	whole := len(marks) > 0
	var out []bool
	for it := v.ElementIterator(); it.Next(); {
		_, el := it.Element()
		out = append(out, whole || el.ContainsMarked())
	}
	return out
}
