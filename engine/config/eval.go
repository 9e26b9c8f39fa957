package config

import (
	"fmt"
	"math"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/engine/graph"
)

// valueMark is the type of the marks this package puts on cty values.
type valueMark string

// markSensitive marks values that must not be shown: sensitive variables
// and credential secrets, and everything computed from them.
const markSensitive valueMark = "sensitive"

// evaluator holds the values known so far while a module is evaluated.
type evaluator struct {
	m     *Module
	opts  LoadOptions
	funcs map[string]function.Function

	vars       map[string]cty.Value
	locals     map[string]cty.Value
	creds      map[string]drivers.Credentials
	credVals   map[string]cty.Value
	devices    []*DeviceConfig              // the device blocks with what they inherit
	instances  map[string][]*deviceInstance // by block label
	deviceVals map[string]cty.Value         // by block label

	devicesFailed bool
	failed        map[string]bool // by node key, "device.r1", after evalBlocks
	secrets       []string        // sensitive values, for Secrets
	phrases       []string        // lines built from sensitive values, for SensitiveLines
	redact        []string        // secrets and raw sensitive inputs, kept out of diagnostics

	base *hcl.EvalContext // rebuilt when nil
}

// Evaluate resolves variables, locals, credentials, devices (expanding
// for_each), commands and settings. The runbook is nil when diagnostics hold
// errors.
func (m *Module) Evaluate(in Inputs, opts LoadOptions) (rb *Runbook, diags hcl.Diagnostics) {
	e := &evaluator{
		m:          m,
		opts:       opts,
		funcs:      Functions(m.Dir),
		vars:       map[string]cty.Value{},
		locals:     map[string]cty.Value{},
		creds:      map[string]drivers.Credentials{},
		credVals:   map[string]cty.Value{},
		instances:  map[string][]*deviceInstance{},
		deviceVals: map[string]cty.Value{},
	}
	// Inherited expressions are evaluated once per device that inherits
	// them: an error in one is reported once.
	defer func() { diags = uniqueDiags(redact(diags, append(e.redact, e.secrets...))) }()
	defer recoverDiags(&diags)

	parser := m.parser
	if parser == nil {
		parser = hclparse.NewParser()
	}
	diags = append(diags, e.evalVariables(parser, in)...)
	if diags.HasErrors() {
		return nil, diags
	}
	var ds hcl.Diagnostics
	e.devices, ds = e.inherit()
	diags = append(diags, ds...)
	diags = append(diags, e.evalBlocks()...)
	diags = append(diags, e.legacyWarnings()...)
	devices, ds := e.collectDevices()
	diags = append(diags, ds...)

	rb = &Runbook{Dir: m.Dir, Devices: devices, funcs: e.funcs}
	diags = append(diags, e.checkVia()...)
	for _, j := range m.JumpHosts {
		if ds, ok := e.ready(j.exprs()...); !ok {
			diags = append(diags, ds...)
			continue
		}
		jh, ds := e.evalJumpHost(j)
		diags = append(diags, ds...)
		rb.JumpHosts = append(rb.JumpHosts, jh)
	}
	for _, c := range m.Commands {
		if ds, ok := e.ready(c.exprs()...); !ok {
			diags = append(diags, ds...)
			continue
		}
		cmd, ds := e.evalCommand(c, devices)
		diags = append(diags, ds...)
		rb.Commands = append(rb.Commands, cmd)
	}
	for _, c := range m.Configs {
		ds, ok := e.ready(c.exprs()...)
		refs, more := e.allRefs(scope{self: true}, c.Text, c.Absent)
		ds = append(ds, more...)
		if !ok || more.HasErrors() || e.anyFailed(refs) {
			diags = append(diags, ds...)
			continue
		}
		d, ds := e.evalDesired(c, devices)
		diags = append(diags, ds...)
		rb.Configs = append(rb.Configs, d)
	}
	if m.Settings != nil {
		if ds, ok := e.ready(m.Settings.Parallelism, m.Settings.Mode); ok {
			rb.Settings, ds = e.evalSettings()
			diags = append(diags, ds...)
		} else {
			diags = append(diags, ds...)
		}
	}

	rb.Outputs = m.Outputs
	rb.vars = e.ctx(nil).Variables
	rb.secrets = uniqueStrings(e.secrets)
	rb.phrases = uniqueStrings(e.phrases)
	rb.redact = uniqueStrings(append(e.redact, e.secrets...))
	// Outputs are checked now with unknown command results, so that errors
	// show before anything runs.
	unknownCmds := map[string]cty.Value{}
	for _, c := range m.Commands {
		unknownCmds[c.Name] = cty.UnknownVal(commandType)
	}
	outCtx := rb.outputContext(unknownCmds)
	for _, o := range m.Outputs {
		refs, ds := e.refs(o.Expr, scope{commands: true})
		diags = append(diags, ds...)
		if ds.HasErrors() || e.anyFailed(refs) {
			continue
		}
		_, ds = rb.evalOutput(o, outCtx)
		diags = append(diags, ds...)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return rb, diags
}

// ctx is the evaluation context for the values known so far; each, when
// set, is the each object of a for_each instance. While evalBlocks runs, the
// base holds only the values the node being evaluated refers to (see
// scoped).
func (e *evaluator) ctx(each *cty.Value) *hcl.EvalContext {
	if e.base == nil {
		e.base = e.context(e.vars, e.locals, e.credVals, e.deviceVals)
	}
	if each == nil {
		return e.base
	}
	child := e.base.NewChild()
	child.Variables = map[string]cty.Value{"each": *each}
	return child
}

func (e *evaluator) context(vars, locals, creds, devices map[string]cty.Value) *hcl.EvalContext {
	return &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":         objectVal(vars),
			"local":       objectVal(locals),
			"credentials": objectVal(creds),
			"device":      objectVal(devices),
			"path":        cty.ObjectVal(map[string]cty.Value{"root": cty.StringVal(e.m.Dir)}),
		},
		Functions: e.funcs,
	}
}

// scoped is the evaluation context for a node of evalBlocks: only the
// values its references name, which refs has checked are declared and
// evalBlocks has evaluated first. Rebuilding the whole context as each value
// arrives would cost the number of values every time: n locals took n²
// (90,000 did not finish in minutes).
func (e *evaluator) scoped(refs []ref) *hcl.EvalContext {
	known := map[string]map[string]cty.Value{"var": e.vars, "local": e.locals, "credentials": e.credVals, "device": e.deviceVals}
	in := map[string]map[string]cty.Value{"var": {}, "local": {}, "credentials": {}, "device": {}}
	for _, r := range refs {
		if v, ok := known[r.kind][r.name]; ok {
			in[r.kind][r.name] = v
		}
	}
	return e.context(in["var"], in["local"], in["credentials"], in["device"])
}

// node is a block, or a local value, whose value others may refer to.
type node struct {
	kind, name string
	rng        hcl.Range
	refs       []ref
	eval       func() hcl.Diagnostics
}

func (n *node) key() string { return n.kind + "." + n.name }

// evalBlocks evaluates locals, credentials and devices in the order their
// references require, reporting cycles.
func (e *evaluator) evalBlocks() hcl.Diagnostics {
	var diags hcl.Diagnostics
	byKey := map[string]*node{}
	// An edge dep → n: n refers to dep, so dep is evaluated first. Nodes
	// are all added, in declaration order, before the edges, so that Sort
	// and cyclesAsWritten see that order.
	g := graph.New()
	failed := map[string]bool{}
	e.failed = failed
	var edges [][2]string
	add := func(n *node, refs []ref, bad bool) {
		n.refs = refs
		byKey[n.key()] = n
		g.Add(n.key())
		failed[n.key()] = bad
		for _, r := range refs {
			if r.kind == "local" || r.kind == "credentials" || r.kind == "device" {
				edges = append(edges, [2]string{r.kind + "." + r.name, n.key()})
			}
		}
	}
	for _, l := range e.m.Locals {
		refs, ds := e.refs(l.Expr, scope{})
		diags = append(diags, ds...)
		add(&node{kind: "local", name: l.Name, rng: l.DeclRange, eval: func() hcl.Diagnostics { return e.evalLocal(l) }}, refs, ds.HasErrors())
	}
	for _, c := range e.m.Credentials {
		refs, ds := e.allRefs(scope{}, c.Username, c.Password, c.Enable, c.PrivateKey)
		diags = append(diags, ds...)
		add(&node{kind: "credentials", name: c.Name, rng: c.DeclRange, eval: func() hcl.Diagnostics { return e.evalCredentials(c) }}, refs, ds.HasErrors())
	}
	for _, d := range e.devices {
		refs, ds := e.refs(d.ForEach, scope{})
		more, ds2 := e.allRefs(scope{each: d.ForEach != nil}, d.exprs()...)
		diags = append(append(diags, ds...), ds2...)
		add(&node{kind: "device", name: d.Label, rng: d.DeclRange, eval: func() hcl.Diagnostics { return e.evalDeviceBlock(d) }}, append(refs, more...), ds.HasErrors() || ds2.HasErrors())
	}

	for _, edge := range edges {
		g.Connect(edge[0], edge[1])
	}
	for _, cycle := range cyclesAsWritten(g) {
		for _, k := range cycle {
			failed[k] = true
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cycle in references",
			Detail:   fmt.Sprintf("These values refer to each other, so none can be evaluated: %s.", strings.Join(append(cycle, cycle[0]), " -> ")),
			Subject:  byKey[cycle[0]].rng.Ptr(),
		})
	}

	// Sort leaves out the nodes on a cycle or after one: they fail
	// silently, the cycle has been reported.
	order, _ := g.Sort()
	evaluated := map[string]bool{}
	for _, k := range order {
		evaluated[k] = true
		n := byKey[k]
		for _, d := range g.Upstream(k) {
			if failed[d] {
				failed[k] = true
			}
		}
		if !failed[k] {
			e.base = e.scoped(n.refs)
			ds := n.eval()
			diags = append(diags, ds...)
			failed[k] = ds.HasErrors()
		}
		if failed[k] && n.kind == "device" {
			e.devicesFailed = true
		}
	}
	for k, n := range byKey {
		if !evaluated[k] {
			failed[k] = true
			if n.kind == "device" {
				e.devicesFailed = true
			}
		}
	}
	e.base = nil // what follows sees every value
	return diags
}

// cyclesAsWritten lists the cycles of g, whose edges point from a value to
// those that refer to it, as a reader follows them: each value refers to
// the next. Each starts at the node added to g first, the one declared
// first, so the message names the loop from where the reader meets it.
func cyclesAsWritten(g *graph.Graph) [][]string {
	pos := map[string]int{}
	for i, n := range g.Nodes() {
		pos[n] = i
	}
	var out [][]string
	for _, c := range g.Cycles() {
		r := make([]string, len(c))
		for i := range c {
			r[i] = c[(len(c)-i)%len(c)]
		}
		first := 0
		for i := range r {
			if pos[r[i]] < pos[r[first]] {
				first = i
			}
		}
		out = append(out, append(r[first:], r[:first]...))
	}
	return out
}

// allRefs is refs for several expressions of one block.
func (e *evaluator) allRefs(sc scope, exprs ...hcl.Expression) ([]ref, hcl.Diagnostics) {
	var out []ref
	var diags hcl.Diagnostics
	for _, x := range exprs {
		rs, ds := e.refs(x, sc)
		out, diags = append(out, rs...), append(diags, ds...)
	}
	return out, diags
}

// collectDevices lists the devices in declaration order and checks that
// their names are unique.
func (e *evaluator) collectDevices() ([]*Device, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var out []*Device
	seen := map[string]*deviceInstance{}
	for _, d := range e.devices {
		for _, inst := range e.instances[d.Label] {
			if prev, ok := seen[inst.dev.Name]; ok {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Duplicate device name",
					Detail:   fmt.Sprintf("%s is named %q, like %s declared at %s. Device names must be unique.", inst.dev.Address, inst.dev.Name, prev.dev.Address, where(prev.dev.DeclRange)),
					Subject:  inst.rng.Ptr(),
				})
				continue
			}
			seen[inst.dev.Name] = inst
			out = append(out, inst.dev)
		}
	}
	return out, diags
}

// ref is a reference from an expression to a named thing: var.x, local.x,
// credentials.x, device.x or command.x.
type ref struct {
	kind, name string
	rng        hcl.Range
}

// scope says which references an expression may make.
type scope struct {
	each     bool // inside a block with for_each
	commands bool // in an output, where command results are known
	self     bool // in a config block's text and absent: the device
}

// referenceNouns are what messages call the things expressions refer to by
// name.
var referenceNouns = map[string]string{
	"var":         "input variable",
	"local":       "local value",
	"credentials": "credentials block",
	"device":      "device block",
	"command":     "command block",
}

var referenceHelp = "References start with var., local., credentials., device., each. (in blocks with for_each), path.root, or command. (in outputs)."

// refs lists the references of expr and reports those to things that are
// not declared or not available where expr is.
func (e *evaluator) refs(expr hcl.Expression, sc scope) ([]ref, hcl.Diagnostics) {
	if expr == nil {
		return nil, nil
	}
	var out []ref
	var diags hcl.Diagnostics
	bad := func(rng hcl.Range, summary, detail string) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: rng.Ptr()})
	}
	for _, tr := range expr.Variables() {
		root, rng := tr.RootName(), tr.SourceRange()
		var attr string
		if len(tr) > 1 {
			if a, ok := tr[1].(hcl.TraverseAttr); ok {
				attr = a.Name
			}
		}
		switch root {
		case "var", "local", "credentials", "device", "command", "each", "path":
		case "self":
			if !sc.self {
				bad(rng, `Reference to "self" outside a config block`, "self is the device a config block's text or absent is written for; it exists only there.")
			} else if _, ok := deviceType.AttributeTypes()[attr]; !ok && attr != "" {
				bad(rng, "Invalid self attribute", "self is a device: it has name, host, port, platform, driver and tags.")
			}
			continue
		default:
			bad(rng, "Unknown reference", fmt.Sprintf("There is nothing named %q in this runbook. %s", root, referenceHelp))
			continue
		}
		if attr == "" {
			bad(rng, "Invalid reference", fmt.Sprintf("A reference to %s must be followed by a name, as in %s.example.", root, root))
			continue
		}
		switch root {
		case "command":
			if !sc.commands {
				bad(rng, "Command results are not available here",
					"Command outputs are known only after apply, so only output blocks can refer to command.NAME. To run a command after another, use depends_on = [command.NAME].")
				continue
			}
		case "each":
			if !sc.each {
				bad(rng, `Reference to "each" outside for_each`, `each.key and each.value can only be used in a device block that sets for_each.`)
			} else if attr != "key" && attr != "value" {
				bad(rng, "Invalid each attribute", "each has only the attributes key and value.")
			}
			continue
		case "path":
			if attr != "root" {
				bad(rng, "Invalid path attribute", "path has only the attribute root, the runbook directory.")
			}
			continue
		}
		if !e.m.declares(root, attr) {
			what := referenceNouns[root]
			bad(rng, "Reference to undeclared "+what, fmt.Sprintf("No %s named %q is declared in this runbook.", what, attr))
			continue
		}
		out = append(out, ref{kind: root, name: attr, rng: rng})
	}
	return out, diags
}

func (e *evaluator) anyFailed(refs []ref) bool {
	for _, r := range refs {
		if e.failed[r.kind+"."+r.name] {
			return true
		}
	}
	return false
}

// ready checks the references of expressions evaluated after the blocks
// (commands, settings): ok is false when one is invalid or refers to a block
// that failed, whose error has been reported already.
func (e *evaluator) ready(exprs ...hcl.Expression) (hcl.Diagnostics, bool) {
	refs, diags := e.allRefs(scope{}, exprs...)
	return diags, !diags.HasErrors() && !e.anyFailed(refs)
}

// eval evaluates expr and converts it to ty, keeping marks. A nil expr is a
// null value.
func (e *evaluator) eval(ctx *hcl.EvalContext, expr hcl.Expression, ty cty.Type, name string) (cty.Value, hcl.Diagnostics) {
	if expr == nil {
		return cty.NullVal(ty), nil
	}
	val, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	if !val.IsWhollyKnown() {
		return cty.DynamicVal, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Value not known",
			Detail:   fmt.Sprintf("The value of %s is not known before apply.", name),
			Subject:  expr.Range().Ptr(),
		})
	}
	plain, marks := val.UnmarkDeep()
	conv, err := convertTo(plain, ty)
	if err != nil {
		return cty.DynamicVal, append(diags, &hcl.Diagnostic{
			Severity:    hcl.DiagError,
			Summary:     "Incorrect attribute value type",
			Detail:      fmt.Sprintf("Inappropriate value for attribute %q: %s.", name, err),
			Subject:     expr.Range().Ptr(),
			Expression:  expr,
			EvalContext: ctx,
		})
	}
	if len(marks) > 0 {
		conv = conv.WithMarks(marks)
	}
	return conv, diags
}

// convertTo is convert.Convert, except that a tuple becomes a list or set
// of a primitive type element by element. cty unifies the types of a
// tuple's elements pair by pair even when the element type is given, so a
// 20,000-line commands list took seconds and 200,000 lines minutes.
func convertTo(v cty.Value, ty cty.Type) (cty.Value, error) {
	vt := v.Type()
	if !vt.IsTupleType() || vt.Length() == 0 || !v.IsKnown() || v.IsNull() ||
		!(ty.IsListType() || ty.IsSetType()) || !ty.ElementType().IsPrimitiveType() {
		return convert.Convert(v, ty)
	}
	elems := make([]cty.Value, 0, vt.Length())
	for it := v.ElementIterator(); it.Next(); {
		k, el := it.Element()
		c, err := convert.Convert(el, ty.ElementType())
		if err != nil {
			return cty.DynamicVal, cty.Path{cty.IndexStep{Key: k}}.NewError(err)
		}
		elems = append(elems, c)
	}
	if ty.IsSetType() {
		return cty.SetVal(elems), nil
	}
	return cty.ListVal(elems), nil
}

// intAttr evaluates a whole number; ok is false when it is not set or on
// error.
func (e *evaluator) intAttr(ctx *hcl.EvalContext, expr hcl.Expression, name string) (int, bool, hcl.Diagnostics) {
	v, diags := e.eval(ctx, expr, cty.Number, name)
	if diags.HasErrors() || v.IsNull() {
		return 0, false, diags
	}
	v, _ = v.UnmarkDeep()
	bf := v.AsBigFloat()
	i, acc := bf.Int64()
	if !bf.IsInt() || acc != big.Exact || i > math.MaxInt32 || i < math.MinInt32 {
		return 0, false, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid number",
			Detail:   fmt.Sprintf("%s must be a whole number.", name),
			Subject:  expr.Range().Ptr(),
		})
	}
	return int(i), true, diags
}

// intAttrIn is intAttr for a number that must lie between lo and hi; one
// outside them is reported with summary and detail, and still returned.
func (e *evaluator) intAttrIn(ctx *hcl.EvalContext, expr hcl.Expression, name string, lo, hi int, summary, detail string) (int, bool, hcl.Diagnostics) {
	n, ok, diags := e.intAttr(ctx, expr, name)
	if ok && (n < lo || n > hi) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  summary,
			Detail:   detail,
			Subject:  expr.Range().Ptr(),
		})
	}
	return n, ok, diags
}

// durationAttr evaluates a duration such as "30s"; not set is 0.
func (e *evaluator) durationAttr(ctx *hcl.EvalContext, expr hcl.Expression, name string) (time.Duration, hcl.Diagnostics) {
	return e.duration(ctx, expr, name, false)
}

// timeoutAttr evaluates a timeout: not set is 0, the default, so a timeout
// that is set must be positive; "0s" would silently mean the default.
func (e *evaluator) timeoutAttr(ctx *hcl.EvalContext, expr hcl.Expression) (time.Duration, hcl.Diagnostics) {
	return e.duration(ctx, expr, "timeout", true)
}

func (e *evaluator) duration(ctx *hcl.EvalContext, expr hcl.Expression, name string, positive bool) (time.Duration, hcl.Diagnostics) {
	v, diags := e.eval(ctx, expr, cty.String, name)
	if diags.HasErrors() || v.IsNull() {
		return 0, diags
	}
	s := plainString(v)
	d, err := time.ParseDuration(s)
	if err == nil && d > 0 || err == nil && d == 0 && !positive {
		return d, diags
	}
	summary, detail := "Invalid duration", fmt.Sprintf("%s must be a duration such as \"30s\", \"1m30s\" or \"200ms\"", name)
	if err == nil && d == 0 {
		summary, detail = "Invalid timeout", "A timeout must be positive, such as \"30s\"; leave it out for the default"
	}
	if !v.ContainsMarked() {
		detail += fmt.Sprintf(", not %q", s)
	}
	return 0, append(diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   detail + ".",
		Subject:  expr.Range().Ptr(),
	})
}

func plainString(v cty.Value) string {
	v, _ = v.UnmarkDeep()
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

func plainBool(v cty.Value) bool {
	v, _ = v.UnmarkDeep()
	return !v.IsNull() && v.IsKnown() && v.Type() == cty.Bool && v.True()
}

// stringList evaluates an optional list of strings.
func (e *evaluator) stringList(ctx *hcl.EvalContext, expr hcl.Expression, name string) ([]string, hcl.Diagnostics) {
	v, diags := e.eval(ctx, expr, cty.List(cty.String), name)
	if diags.HasErrors() || v.IsNull() {
		return nil, diags
	}
	out, ds := plainStrings(v, expr, name)
	return out, append(diags, ds...)
}

// plainStrings reads a list of strings, refusing null elements.
func plainStrings(v cty.Value, expr hcl.Expression, name string) ([]string, hcl.Diagnostics) {
	v, _ = v.UnmarkDeep()
	if v.IsNull() {
		return nil, nil
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, el := it.Element()
		if el.IsNull() {
			return nil, hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Null value in list",
				Detail:   fmt.Sprintf("The elements of %s must not be null.", name),
				Subject:  expr.Range().Ptr(),
			}}
		}
		out = append(out, el.AsString())
	}
	return out, nil
}

// setExprs sets each field to the expression of the attribute it is keyed
// by, or to nil when content does not set that attribute.
func setExprs(content *hcl.BodyContent, fields map[string]*hcl.Expression) {
	for name, field := range fields {
		*field = attrExpr(content, name)
	}
}

// decodeExprs reads a block's body with schema and sets fields as setExprs
// does. The content is returned for the attributes that need more than
// their expression.
func decodeExprs(block *hcl.Block, schema *hcl.BodySchema, fields map[string]*hcl.Expression) (*hcl.BodyContent, hcl.Diagnostics) {
	content, diags := block.Body.Content(schema)
	setExprs(content, fields)
	return content, diags
}

func attrExpr(content *hcl.BodyContent, name string) hcl.Expression {
	if content == nil {
		return nil
	}
	if attr, ok := content.Attributes[name]; ok {
		return attr.Expr
	}
	return nil
}

func objectVal(m map[string]cty.Value) cty.Value {
	if len(m) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(m)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedAttributes(attrs hcl.Attributes) []*hcl.Attribute {
	out := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Range, out[j].Range
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	return out
}

// minRedactLen is the length from which redact masks a secret.
const minRedactLen = 4

// redact replaces secrets in diagnostic text, a last guard in case a
// message quoted a sensitive value.
func redact(diags hcl.Diagnostics, secrets []string) hcl.Diagnostics {
	if len(diags) == 0 || len(secrets) == 0 {
		return diags
	}
	var s []string
	for _, x := range uniqueStrings(secrets) {
		// Shorter strings would turn up inside ordinary words and make
		// messages unreadable; values are kept out of messages by marks in
		// the first place.
		if len(x) >= minRedactLen {
			s = append(s, x)
		}
	}
	if len(s) == 0 {
		return diags
	}
	sort.Slice(s, func(i, j int) bool { return len(s[i]) > len(s[j]) })
	pairs := make([]string, 0, 2*len(s))
	for _, x := range s {
		pairs = append(pairs, x, "(sensitive value)")
	}
	r := strings.NewReplacer(pairs...)
	out := make(hcl.Diagnostics, len(diags))
	for i, d := range diags {
		c := *d
		c.Summary, c.Detail = r.Replace(c.Summary), r.Replace(c.Detail)
		out[i] = &c
	}
	return out
}

// rangeOf is where expr is written, or fallback when it is not set.
func rangeOf(expr hcl.Expression, fallback hcl.Range) hcl.Range {
	if expr == nil {
		return fallback
	}
	return expr.Range()
}
