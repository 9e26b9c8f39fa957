package config

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// DeviceConfig is a device block. With for_each it declares one device per
// key, named by the key.
type DeviceConfig struct {
	Label string

	ConnectionConfig
	ForEach  hcl.Expression // nil without for_each
	Platform hcl.Expression
	Driver   hcl.Expression
	Tags     hcl.Expression
	Prompt   hcl.Expression
	// OutputLimit is nil when not set.
	OutputLimit hcl.Expression
	Sim         *SimConfig // nil without a sim block
	// Groups are the groups the device inherits from, in precedence
	// order: a later group wins over an earlier one.
	Groups []GroupRef
	// inheritedTags are the tags of defaults and groups, set by inherit;
	// sshFrom is the group or defaults the ssh block comes from, if any.
	inheritedTags []hcl.Expression
	sshFrom       *GroupConfig
	// Settings are the attributes netrun itself does not know: the
	// driver's own settings, kept as source and checked against the
	// driver's schema by Evaluate, once the driver is known.
	Settings hcl.Attributes

	DeclRange hcl.Range
	// unset are netrun's attribute names the block does not set, for
	// did-you-mean suggestions on the others.
	unset []string
}

func (d *DeviceConfig) declRange() hcl.Range { return d.DeclRange }

// SimConfig is the sim block of a device: how -sim configures the simulated
// counterpart of the device.
type SimConfig struct {
	Password    hcl.Expression
	Enable      hcl.Expression
	Latency     hcl.Expression
	BannerDelay hcl.Expression
	HangOn      hcl.Expression
	DropOn      hcl.Expression
	PageLength  hcl.Expression
	Config      hcl.Expression
	RejectLines hcl.Expression
	Flood       hcl.Expression
	DeclRange   hcl.Range
}

// Device is one evaluated device.
type Device struct {
	Name    string // the block label, or the for_each key
	Address string // device.r1 or device.r["r1"]

	Connection
	Platform string
	Driver   string
	// Tags are the union of the device's own tags and those of its
	// defaults and groups.
	Tags []string
	// Groups name the groups the device belongs to, as listed.
	Groups []string
	Prompt string
	// OutputLimit bounds each command's output, in bytes; 0:
	// drivers.DefaultOutputLimit.
	OutputLimit int64
	Sim         SimSettings
	// Settings are the driver-specific attributes, for drivers that declare
	// a schema (plugins), converted to the declared types as JSON-like
	// values: string, float64, bool, []any of strings, map[string]any of
	// strings. Nil when there are none.
	Settings map[string]any

	DeclRange hcl.Range
}

// SimSettings configure the simulated counterpart of a device.
type SimSettings struct {
	Password    *string // nil: the device's own credentials
	Enable      *string // nil: the device's own credentials
	Latency     time.Duration
	BannerDelay time.Duration
	HangOn      []string
	DropOn      []string
	PageLength  int
	// Config is the simulated device's running configuration at start
	// ("" for the simulator's default); RejectLines are configuration
	// lines it refuses, as a device that does not support a feature.
	Config      string
	RejectLines []string
	// Flood maps commands to the bytes of output the simulated device
	// prints for them; -1 prints endlessly.
	Flood map[string]int64
}

var deviceSchema = &hcl.BodySchema{
	// for_each first, then in the order did-you-mean suggestions prefer
	// on a tie (port before prompt).
	Attributes: append(append(attributes("for_each"), connectionAttributes...),
		attributes("platform", "driver", "tags", "prompt", "output_limit", "groups")...),
	Blocks: []hcl.BlockHeaderSchema{{Type: "sim"}, {Type: "ssh"}},
}

var simSchema = &hcl.BodySchema{
	Attributes: attributes("password", "enable", "latency", "banner_delay", "hang_on", "drop_on", "page_length", "config", "reject_lines", "flood"),
}

// deviceType is the type of a device in expressions: device.r1, or each
// element of device.r when r has for_each.
var deviceType = cty.Object(map[string]cty.Type{
	"name":     cty.String,
	"host":     cty.String,
	"port":     cty.Number,
	"platform": cty.String,
	"driver":   cty.String,
	"tags":     cty.List(cty.String),
})

func decodeDeviceBlock(block *hcl.Block) (*DeviceConfig, hcl.Diagnostics) {
	d := &DeviceConfig{Label: block.Labels[0], DeclRange: block.DefRange}
	content, remain, diags := block.Body.PartialContent(deviceSchema)
	settings, ds := remainingAttributes(remain)
	diags = append(diags, ds...)
	d.Settings = settings
	for _, a := range deviceSchema.Attributes {
		if _, ok := content.Attributes[a.Name]; !ok {
			d.unset = append(d.unset, a.Name)
		}
	}
	conn, ds := decodeConnection(content)
	diags = append(diags, ds...)
	d.ConnectionConfig = conn
	setExprs(content, map[string]*hcl.Expression{
		"for_each": &d.ForEach, "platform": &d.Platform, "driver": &d.Driver, "tags": &d.Tags, "prompt": &d.Prompt,
		"output_limit": &d.OutputLimit,
	})
	if x := attrExpr(content, "groups"); x != nil {
		groups, ds := decodeGroups(x)
		diags = append(diags, ds...)
		d.Groups = groups
	}
	// The ssh blocks are decodeConnection's.
	for _, b := range content.Blocks {
		switch {
		case b.Type != "sim":
		case d.Sim != nil:
			diags = append(diags, duplicate(b, "sim", "", d.Sim.DeclRange))
		default:
			s, ds := decodeSimBlock(b)
			diags = append(diags, ds...)
			d.Sim = s
		}
	}
	return d, diags
}

func decodeSimBlock(block *hcl.Block) (*SimConfig, hcl.Diagnostics) {
	s := &SimConfig{DeclRange: block.DefRange}
	_, diags := decodeExprs(block, simSchema, map[string]*hcl.Expression{
		"password": &s.Password, "enable": &s.Enable, "latency": &s.Latency, "banner_delay": &s.BannerDelay,
		"hang_on": &s.HangOn, "drop_on": &s.DropOn, "page_length": &s.PageLength,
		"config": &s.Config, "reject_lines": &s.RejectLines, "flood": &s.Flood,
	})
	return s, diags
}

// exprs lists the expressions of the block other than for_each, for
// finding references.
func (d *DeviceConfig) exprs() []hcl.Expression {
	out := append(d.ConnectionConfig.exprs(), d.Platform, d.Driver, d.Tags, d.Prompt, d.OutputLimit)
	out = append(out, d.inheritedTags...)
	if s := d.Sim; s != nil {
		out = append(out, s.Password, s.Enable, s.Latency, s.BannerDelay, s.HangOn, s.DropOn, s.PageLength, s.Config, s.RejectLines, s.Flood)
	}
	for _, name := range sortedKeys(d.Settings) {
		out = append(out, d.Settings[name].Expr)
	}
	return out
}

// ownSSH is the device's own ssh block: one inherited is warned about at
// its group, once for all the devices that inherit it.
func (d *DeviceConfig) ownSSH() *SSHConfig {
	if d.sshFrom != nil {
		return nil
	}
	return d.SSH
}

// deviceInstance is an evaluated device with its value for expressions.
type deviceInstance struct {
	dev *Device
	val cty.Value
	key cty.Value // the for_each key; cty.NilVal without for_each
	rng hcl.Range // where the name comes from, for duplicate names
}

func (e *evaluator) evalDeviceBlock(d *DeviceConfig) hcl.Diagnostics {
	base := e.ctx(nil)
	if d.ForEach == nil {
		inst, diags := e.evalDevice(d, base, d.Label, "device."+d.Label)
		if diags.HasErrors() {
			return diags
		}
		inst.rng = d.DeclRange
		e.instances[d.Label] = []*deviceInstance{inst}
		e.deviceVals[d.Label] = inst.val
		return append(diags, legacyWarning(d.ownSSH(), "device", []*Device{inst.dev})...)
	}

	keys, vals, diags := e.forEach(base, d.ForEach)
	if diags.HasErrors() {
		return diags
	}
	var insts []*deviceInstance
	objs := map[string]cty.Value{}
	for i, key := range keys {
		ctx := base.NewChild()
		ctx.Variables = map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{
			"key":   cty.StringVal(key),
			"value": vals[i],
		})}
		inst, ds := e.evalDevice(d, ctx, key, fmt.Sprintf("device.%s[%q]", d.Label, key))
		diags = append(diags, ds...)
		if ds.HasErrors() {
			continue
		}
		inst.rng = d.ForEach.Range()
		insts = append(insts, inst)
		objs[key] = inst.val
	}
	// Instances share the block's source, so an error in it would be
	// reported once per instance.
	diags = uniqueDiags(diags)
	if diags.HasErrors() {
		return diags
	}
	e.instances[d.Label] = insts
	var devs []*Device
	for _, inst := range insts {
		devs = append(devs, inst.dev)
	}
	diags = append(diags, legacyWarning(d.ownSSH(), "device", devs)...)
	if len(objs) == 0 {
		e.deviceVals[d.Label] = cty.MapValEmpty(deviceType)
	} else {
		e.deviceVals[d.Label] = cty.MapVal(objs)
	}
	return diags
}

// forEach evaluates a for_each argument into sorted keys and their values.
func (e *evaluator) forEach(ctx *hcl.EvalContext, expr hcl.Expression) ([]string, []cty.Value, hcl.Diagnostics) {
	bad := func(detail string) ([]string, []cty.Value, hcl.Diagnostics) {
		return nil, nil, hcl.Diagnostics{{
			Severity:    hcl.DiagError,
			Summary:     "Invalid for_each argument",
			Detail:      detail,
			Subject:     expr.Range().Ptr(),
			Expression:  expr,
			EvalContext: ctx,
		}}
	}
	val, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return nil, nil, diags
	}
	if val.HasMark(markSensitive) {
		return bad("Sensitive values cannot be used in for_each: the keys become device names, which are shown.")
	}
	if val.IsNull() {
		return bad("The for_each value is null; it must be a map or a set of strings.")
	}
	if !val.IsWhollyKnown() {
		return bad("The for_each value is not known.")
	}
	ty := val.Type()
	var keys []string
	var vals []cty.Value
	switch {
	case ty.IsMapType() || ty.IsObjectType():
		for it := val.ElementIterator(); it.Next(); {
			k, v := it.Element()
			keys = append(keys, k.AsString())
			vals = append(vals, v)
		}
	case ty.IsSetType() && ty.ElementType() == cty.String:
		for it := val.ElementIterator(); it.Next(); {
			k, _ := it.Element()
			if k.IsNull() {
				return bad("A for_each set must not contain null.")
			}
			if k.IsMarked() {
				return bad("Sensitive values cannot be used in for_each: the keys become device names, which are shown.")
			}
			keys = append(keys, k.AsString())
			vals = append(vals, k)
		}
	case ty.IsSetType():
		return bad("A for_each set must be a set of strings.")
	case ty.IsListType() || ty.IsTupleType():
		return bad("for_each needs a map or a set of strings, not a list; convert a list of names with toset(...), or a list of objects with a for expression: { for d in LIST : d.name => d }.")
	default:
		return bad(fmt.Sprintf("for_each needs a map or a set of strings, not a %s.", ty.FriendlyName()))
	}
	for i := range keys {
		if keys[i] == "" {
			return bad("A for_each key must not be empty: it becomes a device name.")
		}
		if !validDeviceName(keys[i]) {
			return bad(fmt.Sprintf("The for_each key %q cannot be a device name: use letters, digits and _ - . : @ / + only (no spaces or control characters), starting with a letter or digit.", keys[i]))
		}
	}
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	sk, sv := make([]string, len(keys)), make([]cty.Value, len(keys))
	for i, j := range idx {
		sk[i], sv[i] = keys[j], vals[j]
	}
	return sk, sv, nil
}

func (e *evaluator) evalDevice(d *DeviceConfig, ctx *hcl.EvalContext, name, addr string) (*deviceInstance, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	dev := &Device{Name: name, Address: addr, DeclRange: d.DeclRange}
	ok := true
	str := func(expr hcl.Expression, attr, def string) (string, cty.Value) {
		v, ds := e.eval(ctx, expr, cty.String, attr)
		diags = append(diags, ds...)
		ok = !ds.HasErrors()
		if !ok || v.IsNull() {
			v = cty.StringVal(def)
		}
		return plainString(v), v
	}

	conn, hostVal, ds := e.evalConnection(ctx, &d.ConnectionConfig, d.DeclRange, "device")
	diags = append(diags, ds...)
	dev.Connection = conn
	portVal := cty.NumberIntVal(int64(dev.Port))

	var platformVal, driverVal cty.Value
	if dev.Platform, platformVal = str(d.Platform, "platform", e.opts.DefaultPlatform); ok {
		diags = append(diags, checkName(d.Platform, d.DeclRange, "platform", dev.Platform, e.opts.Platforms)...)
	}
	if dev.Driver, driverVal = str(d.Driver, "driver", e.opts.DefaultDriver); ok {
		unknown := checkName(d.Driver, d.DeclRange, "driver", dev.Driver, e.opts.Drivers)
		hint, ok := e.opts.DriverHints[dev.Driver]
		if !ok {
			hint = e.opts.DriverHints["*"]
		}
		if len(unknown) > 0 && hint != "" {
			unknown[0].Detail += " " + hint
		}
		diags = append(diags, unknown...)
		var ds hcl.Diagnostics
		dev.Settings, ds = e.evalDriverSettings(ctx, d, dev.Driver)
		diags = append(diags, ds...)
	}

	var tagsVal cty.Value
	dev.Tags, tagsVal, ds = e.evalTags(ctx, append(slices.Clip(d.inheritedTags), d.Tags))
	diags = append(diags, ds...)
	for _, g := range d.Groups {
		dev.Groups = append(dev.Groups, g.Name)
	}

	if dev.Prompt, _ = str(d.Prompt, "prompt", ""); ok && dev.Prompt != "" {
		if _, err := regexp.Compile(dev.Prompt); err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid prompt pattern",
				Detail:   fmt.Sprintf("The prompt must be a regular expression: %s.", err),
				Subject:  d.Prompt.Range().Ptr(),
			})
		}
	}

	dev.OutputLimit, ds = e.sizeAttr(ctx, d.OutputLimit, "output_limit")
	diags = append(diags, ds...)

	if d.Sim != nil {
		sim, ds := e.evalSim(d.Sim, ctx)
		diags = append(diags, ds...)
		dev.Sim = sim
	}

	val := cty.ObjectVal(map[string]cty.Value{
		"name":     cty.StringVal(name),
		"host":     hostVal,
		"port":     portVal,
		"platform": platformVal,
		"driver":   driverVal,
		"tags":     tagsVal,
	})
	return &deviceInstance{dev: dev, val: val}, diags
}

// evalTags evaluates the tags of a device, its defaults' and its groups':
// the union, in the order first seen. The value keeps the marks of all.
func (e *evaluator) evalTags(ctx *hcl.EvalContext, exprs []hcl.Expression) ([]string, cty.Value, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var tags []string
	var marks []cty.ValueMarks
	seen := map[string]bool{}
	for _, x := range exprs {
		v, ds := e.eval(ctx, x, cty.List(cty.String), "tags")
		if ds.HasErrors() {
			diags = append(diags, ds...)
			continue
		}
		if v.IsNull() {
			continue
		}
		own, ds := plainStrings(v, x, "tags")
		diags = append(diags, ds...)
		_, m := v.UnmarkDeep()
		marks = append(marks, m)
		for _, t := range own {
			if !seen[t] {
				seen[t] = true
				tags = append(tags, t)
			}
		}
	}
	if len(tags) == 0 {
		return nil, cty.ListValEmpty(cty.String).WithMarks(marks...), diags
	}
	vals := make([]cty.Value, len(tags))
	for i, t := range tags {
		vals[i] = cty.StringVal(t)
	}
	return tags, cty.ListVal(vals).WithMarks(marks...), diags
}

func (e *evaluator) evalSim(s *SimConfig, ctx *hcl.EvalContext) (SimSettings, hcl.Diagnostics) {
	var sim SimSettings
	var diags hcl.Diagnostics
	secret := func(expr hcl.Expression, attr string) *string {
		v, ds := e.eval(ctx, expr, cty.String, attr)
		diags = append(diags, ds...)
		if ds.HasErrors() || v.IsNull() {
			return nil
		}
		p := plainString(v)
		if p != "" {
			e.secrets = append(e.secrets, p)
		}
		return &p
	}
	sim.Password = secret(s.Password, "password")
	sim.Enable = secret(s.Enable, "enable")
	var ds hcl.Diagnostics
	sim.Latency, ds = e.durationAttr(ctx, s.Latency, "latency")
	diags = append(diags, ds...)
	sim.BannerDelay, ds = e.durationAttr(ctx, s.BannerDelay, "banner_delay")
	diags = append(diags, ds...)
	list := func(expr hcl.Expression, attr string) []string {
		out, ds := e.stringList(ctx, expr, attr)
		diags = append(diags, ds...)
		return out
	}
	sim.HangOn = list(s.HangOn, "hang_on")
	sim.DropOn = list(s.DropOn, "drop_on")
	sim.RejectLines = list(s.RejectLines, "reject_lines")
	if s.Config != nil {
		v, ds := e.eval(ctx, s.Config, cty.String, "config")
		diags = append(diags, ds...)
		if !ds.HasErrors() && !v.IsNull() {
			sim.Config = plainString(v)
		}
	}
	sim.PageLength, _, ds = e.intAttrIn(ctx, s.PageLength, "page_length", 0, math.MaxInt32, "Invalid page_length", "page_length must not be negative; 0 turns paging off.")
	diags = append(diags, ds...)
	sim.Flood, ds = e.evalFlood(ctx, s.Flood)
	diags = append(diags, ds...)
	return sim, diags
}

// evalFlood reads flood = { "COMMAND" = "SIZE" or "endless", ... }.
func (e *evaluator) evalFlood(ctx *hcl.EvalContext, expr hcl.Expression) (map[string]int64, hcl.Diagnostics) {
	v, diags := e.eval(ctx, expr, cty.Map(cty.String), "flood")
	if diags.HasErrors() || v.IsNull() {
		return nil, diags
	}
	out := map[string]int64{}
	for cmd, size := range v.AsValueMap() {
		if plainString(size) == "endless" {
			out[cmd] = -1
		} else if n, ok := parseSize(plainString(size)); ok {
			out[cmd] = n
		} else {
			diags = append(diags, sizeDiag(expr, "flood", size))
		}
	}
	return out, diags
}

// uniqueDiags drops diagnostics identical to an earlier one.
func uniqueDiags(diags hcl.Diagnostics) hcl.Diagnostics {
	type key struct {
		sev             hcl.DiagnosticSeverity
		summary, detail string
		subject         hcl.Range
	}
	seen := map[key]bool{}
	out := diags[:0:0]
	for _, d := range diags {
		k := key{sev: d.Severity, summary: d.Summary, detail: d.Detail}
		if d.Subject != nil {
			k.subject = *d.Subject
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, d)
		}
	}
	return out
}

// checkName reports a driver or platform name that is not in known; an
// empty known list accepts any name.
func checkName(expr hcl.Expression, block hcl.Range, what, name string, known []string) hcl.Diagnostics {
	if len(known) == 0 || slices.Contains(known, name) {
		return nil
	}
	subject := block
	if expr != nil {
		subject = expr.Range()
	}
	sorted := slices.Clone(known)
	slices.Sort(sorted)
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Unknown %s", what),
		Detail:   fmt.Sprintf("There is no %s named %q. Known: %s.", what, name, strings.Join(sorted, ", ")),
		Subject:  subject.Ptr(),
	}}
}

// validDeviceName keeps device names usable in output, file names and
// progress lines: a letter or digit, then letters, digits and _ - . : @ / +.
func validDeviceName(name string) bool {
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case i > 0 && strings.ContainsRune("_-.:@/+", r):
		default:
			return false
		}
	}
	return name != ""
}
