package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/netrun/netrun/drivers"
)

// A device block's attributes outside netrun's own schema belong to its
// driver. Which driver that is may depend on each.value or a variable, so
// Load only sets them aside and Evaluate checks them, per device, against
// the schema the driver declared (LoadOptions.Schemas). Built-in drivers
// declare none, and for them an unknown attribute stays the error it has
// always been.

// remainingAttributes returns the attributes of a device body that
// PartialContent left, and reports the blocks it left: a device has no
// blocks but ssh and sim.
func remainingAttributes(remain hcl.Body) (hcl.Attributes, hcl.Diagnostics) {
	// JustAttributes also complains about the ssh and sim blocks, which
	// PartialContent took: its diagnostics are dropped, and Content below
	// reports the other blocks as any block body does.
	attrs, _ := remain.JustAttributes()
	schema := &hcl.BodySchema{Blocks: deviceSchema.Blocks}
	for _, name := range sortedKeys(attrs) {
		schema.Attributes = append(schema.Attributes, hcl.AttributeSchema{Name: name})
	}
	content, diags := remain.Content(schema)
	if len(content.Attributes) == 0 {
		return nil, diags
	}
	return content.Attributes, diags
}

// evalDriverSettings checks a device's driver-specific attributes against
// the schema of its driver and converts them to plain values.
func (e *evaluator) evalDriverSettings(ctx *hcl.EvalContext, d *DeviceConfig, driver string) (map[string]any, hcl.Diagnostics) {
	schema, ok := e.opts.Schemas[driver]
	if !ok {
		return nil, unsupportedSettings(d, driver)
	}
	var diags hcl.Diagnostics
	declared := map[string]drivers.SchemaAttribute{}
	var candidates []string
	for _, a := range schema.Attributes {
		declared[a.Name] = a
		if _, set := d.Settings[a.Name]; !set {
			candidates = append(candidates, a.Name)
		}
	}
	candidates = append(candidates, d.unset...)

	var out map[string]any
	for _, attr := range attributesInOrder(d.Settings) {
		a, ok := declared[attr.Name]
		if !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unsupported argument",
				Detail: fmt.Sprintf("An argument named %q is not expected here: the driver %q does not declare it.%s",
					attr.Name, driver, didYouMean(attr.Name, candidates)),
				Subject: attr.NameRange.Ptr(),
			})
			continue
		}
		ty, ok := settingType(a.Type)
		if !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid driver schema",
				Detail: fmt.Sprintf("The driver %q declares the argument %q with the type %q, which netrun does not support (string, number, bool, list(string), map(string)). This is a bug in the driver.",
					driver, a.Name, a.Type),
				Subject: attr.NameRange.Ptr(),
			})
			continue
		}
		v, ds := e.eval(ctx, attr.Expr, ty, attr.Name)
		diags = append(diags, ds...)
		if ds.HasErrors() {
			continue
		}
		if v.IsNull() {
			if a.Required {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Missing required argument",
					Detail:   fmt.Sprintf("The argument %q is required by the driver %q and must not be null.", a.Name, driver),
					Subject:  attr.Expr.Range().Ptr(),
				})
			}
			continue
		}
		if hasNullElement(v) {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Null value in " + strings.TrimSuffix(a.Type, "(string)"),
				Detail:   fmt.Sprintf("The elements of %s must not be null.", a.Name),
				Subject:  attr.Expr.Range().Ptr(),
			})
			continue
		}
		// A setting may carry a secret (an API token for the driver):
		// allowed, and masked like any other.
		e.secrets = append(e.secrets, sensitiveStrings(v, false)...)
		if out == nil {
			out = map[string]any{}
		}
		out[attr.Name] = plainGo(v)
	}

	for _, a := range schema.Attributes {
		if _, set := d.Settings[a.Name]; set || !a.Required || slices.Contains(deviceAttributeNames(), a.Name) {
			continue
		}
		detail := fmt.Sprintf("The argument %q is required by the driver %q, but no definition was found.", a.Name, driver)
		if a.Description != "" {
			detail += fmt.Sprintf(" %s: %s", a.Name, a.Description)
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing required argument",
			Detail:   detail,
			Subject:  d.DeclRange.Ptr(),
		})
	}
	return out, diags
}

// unsupportedSettings reports the extra attributes of a device whose driver
// declares no settings, as HCL reports any unexpected argument.
func unsupportedSettings(d *DeviceConfig, driver string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, attr := range attributesInOrder(d.Settings) {
		hint := didYouMean(attr.Name, d.unset)
		if hint == "" {
			hint = fmt.Sprintf(" The driver %q takes no settings of its own.", driver)
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unsupported argument",
			Detail:   fmt.Sprintf("An argument named %q is not expected here.%s", attr.Name, hint),
			Subject:  attr.NameRange.Ptr(),
		})
	}
	return diags
}

func deviceAttributeNames() []string {
	out := make([]string, len(deviceSchema.Attributes))
	for i, a := range deviceSchema.Attributes {
		out[i] = a.Name
	}
	return out
}

// attributesInOrder lists attributes as written, so diagnostics come in
// source order.
func attributesInOrder(attrs hcl.Attributes) []*hcl.Attribute {
	out := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *hcl.Attribute) int {
		if c := strings.Compare(a.NameRange.Filename, b.NameRange.Filename); c != 0 {
			return c
		}
		return a.NameRange.Start.Byte - b.NameRange.Start.Byte
	})
	return out
}

// settingType is the cty type of a drivers.SchemaAttribute type name.
func settingType(name string) (cty.Type, bool) {
	switch name {
	case "string":
		return cty.String, true
	case "number":
		return cty.Number, true
	case "bool":
		return cty.Bool, true
	case "list(string)":
		return cty.List(cty.String), true
	case "map(string)":
		return cty.Map(cty.String), true
	}
	return cty.NilType, false
}

func hasNullElement(v cty.Value) bool {
	v, _ = v.UnmarkDeep()
	if !v.CanIterateElements() {
		return false
	}
	for it := v.ElementIterator(); it.Next(); {
		if _, el := it.Element(); el.IsNull() {
			return true
		}
	}
	return false
}

// plainGo converts a known, non-null value of a settings type to the
// JSON-like Go value drivers get: string, float64, bool, []any, map[string]any.
func plainGo(v cty.Value) any {
	v, _ = v.UnmarkDeep()
	ty := v.Type()
	switch {
	case ty == cty.String:
		return v.AsString()
	case ty == cty.Number:
		f, _ := v.AsBigFloat().Float64()
		return f
	case ty == cty.Bool:
		return v.True()
	case ty.IsListType():
		out := make([]any, 0, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			_, el := it.Element()
			out = append(out, plainGo(el))
		}
		return out
	case ty.IsMapType():
		out := make(map[string]any, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			k, el := it.Element()
			out[k.AsString()] = plainGo(el)
		}
		return out
	}
	panic(fmt.Sprintf("plainGo: unexpected type %s", ty.FriendlyName()))
}

// sensitiveStrings returns the strings of v that are sensitive, or within a
// sensitive value (inherited).
func sensitiveStrings(v cty.Value, inherited bool) []string {
	marked := inherited || v.HasMark(markSensitive)
	v, _ = v.Unmark()
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	switch {
	case v.Type() == cty.String:
		if marked {
			return []string{v.AsString()}
		}
	case v.CanIterateElements():
		var out []string
		for it := v.ElementIterator(); it.Next(); {
			_, el := it.Element()
			out = append(out, sensitiveStrings(el, marked)...)
		}
		return out
	}
	return nil
}

// didYouMean suggests the candidate closest to name, as HCL does for
// misspelled arguments: " Did you mean "x"?", or "" when none is close.
func didYouMean(name string, candidates []string) string {
	best, bestDist := "", 3 // at most two edits away
	for _, c := range candidates {
		if d := editDistance(name, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" Did you mean %q?", best)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
