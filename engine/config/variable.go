package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Variable is a variable block. Its type and default are constants, so they
// are decoded when the runbook is loaded, as Terraform does.
type Variable struct {
	Name        string
	Description string
	// Type is the declared type constraint; cty.DynamicPseudoType when the
	// block has no type argument.
	Type    cty.Type
	HasType bool
	// Default is cty.NilVal when the variable is required.
	Default      cty.Value
	DefaultRange hcl.Range
	Sensitive    bool
	DeclRange    hcl.Range
}

func (v *Variable) declRange() hcl.Range { return v.DeclRange }

// EnvPrefix starts the name of an environment variable that sets a runbook
// variable: NETRUN_VAR_password sets var.password.
const EnvPrefix = "NETRUN_VAR_"

var variableSchema = &hcl.BodySchema{
	Attributes: attributes("type", "default", "sensitive", "description"),
}

func decodeVariableBlock(block *hcl.Block) (*Variable, hcl.Diagnostics) {
	v := &Variable{
		Name:      block.Labels[0],
		Type:      cty.DynamicPseudoType,
		Default:   cty.NilVal,
		DeclRange: block.DefRange,
	}
	content, diags := block.Body.Content(variableSchema)
	if attr, ok := content.Attributes["type"]; ok {
		ty, ds := typeexpr.TypeConstraint(attr.Expr)
		diags = append(diags, ds...)
		if !ds.HasErrors() {
			v.Type, v.HasType = ty, true
		}
	}
	if attr, ok := content.Attributes["sensitive"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &v.Sensitive)...)
	}
	if attr, ok := content.Attributes["description"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &v.Description)...)
	}
	if attr, ok := content.Attributes["default"]; ok {
		val, ds := attr.Expr.Value(nil)
		diags = append(diags, ds...)
		if !ds.HasErrors() {
			conv, err := convert.Convert(val, v.Type)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid default value for variable",
					Detail:   fmt.Sprintf("The default value is not of type %s: %s.", typeexpr.TypeString(v.Type), err),
					Subject:  attr.Expr.Range().Ptr(),
				})
			} else if !conv.IsNull() {
				v.Default, v.DefaultRange = conv, attr.Expr.Range()
			}
		}
	}
	return v, diags
}

// AutoVarFiles are the variable files of the runbook in dir that load
// without -var-file, as Terraform's terraform.tfvars and *.auto.tfvars, in
// the order they load (a later file wins): netrun.vars, netrun.vars.json,
// then *.auto.vars and *.auto.vars.json in name order. Their names end
// otherwise than .hcl, so that they are never read as runbook files, nor a
// runbook file as one of them. Put them before -var-file's in
// Inputs.VarFiles.
func AutoVarFiles(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil // Load reports an unreadable directory
	}
	var fixed, auto []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		switch {
		case name == "netrun.vars", name == "netrun.vars.json":
			fixed = append(fixed, filepath.Join(dir, name))
		case strings.HasSuffix(name, ".auto.vars"), strings.HasSuffix(name, ".auto.vars.json"):
			auto = append(auto, filepath.Join(dir, name))
		}
	}
	// ReadDir sorts by name: netrun.vars comes before netrun.vars.json.
	return append(fixed, auto...)
}

// Inputs are the variable values given outside the runbook.
type Inputs struct {
	Vars     []string // "NAME=VALUE" from -var, in order
	VarFiles []string // AutoVarFiles, then -var-file paths, in order; *.json files are JSON
	Env      []string // os.Environ(); NETRUN_VAR_NAME=VALUE entries are used
	// Values are evaluated values (a saved plan's, from
	// Runbook.Variables): they win over every other input.
	Values map[string]cty.Value
}

// inputValue is one value for a variable and where it came from.
type inputValue struct {
	val    cty.Value // set unless raw
	raw    string    // a string still to be parsed (-var, environment)
	isRaw  bool
	source string     // for messages: "-var", "the environment", a file name
	rng    *hcl.Range // where the value is written, when in a file
}

// evalVariables resolves every variable with the precedence, lowest first:
// default, environment, VarFiles (the automatic ones, then -var-file's),
// -var, Values.
func (e *evaluator) evalVariables(parser *hclparse.Parser, in Inputs) hcl.Diagnostics {
	var diags hcl.Diagnostics
	given := map[string]inputValue{}

	for _, kv := range in.Env {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, EnvPrefix) {
			continue
		}
		name = strings.TrimPrefix(name, EnvPrefix)
		if _, declared := e.m.variables[name]; declared {
			given[name] = inputValue{raw: value, isRaw: true, source: "environment variable " + EnvPrefix + name}
		}
	}

	for _, path := range in.VarFiles {
		var f *hcl.File
		var ds hcl.Diagnostics
		if strings.HasSuffix(path, ".json") {
			f, ds = parser.ParseJSONFile(path)
		} else {
			f, ds = parser.ParseHCLFile(path)
		}
		diags = append(diags, ds...)
		if f == nil || ds.HasErrors() {
			continue
		}
		attrs, ds := f.Body.JustAttributes()
		diags = append(diags, ds...)
		for _, attr := range sortedAttributes(attrs) {
			if _, declared := e.m.variables[attr.Name]; !declared {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagWarning,
					Summary:  "Value for undeclared variable",
					Detail:   fmt.Sprintf("The runbook does not declare a variable named %q, so this value is ignored. Add a variable block to use it.", attr.Name),
					Subject:  attr.NameRange.Ptr(),
				})
				continue
			}
			val, ds := attr.Expr.Value(nil)
			diags = append(diags, ds...)
			if ds.HasErrors() {
				continue
			}
			rng := attr.Expr.Range()
			given[attr.Name] = inputValue{val: val, source: filepath.Base(path), rng: &rng}
		}
	}

	for _, kv := range in.Vars {
		name, value, ok := strings.Cut(kv, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid -var option",
				Detail:   "A -var option must be a variable name and a value, as in -var='name=value'.",
			})
			continue
		}
		if _, declared := e.m.variables[name]; !declared {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Value for undeclared variable",
				Detail:   fmt.Sprintf("A -var option sets %q, but the runbook declares no variable of that name. Add a variable block to use it.", name),
			})
			continue
		}
		given[name] = inputValue{raw: value, isRaw: true, source: "-var"}
	}
	for name, val := range in.Values {
		if _, declared := e.m.variables[name]; declared {
			given[name] = inputValue{val: val, source: "the saved plan"}
		}
	}

	for _, v := range e.m.Variables {
		val, ds := e.variableValue(v, given)
		diags = append(diags, ds...)
		if ds.HasErrors() {
			val = cty.DynamicVal
		}
		e.vars[v.Name] = val
	}
	return diags
}

func (e *evaluator) variableValue(v *Variable, given map[string]inputValue) (cty.Value, hcl.Diagnostics) {
	in, ok := given[v.Name]
	if ok && in.isRaw && v.Sensitive {
		e.redact = append(e.redact, in.raw)
	}
	val := cty.NilVal
	var diags hcl.Diagnostics
	switch {
	case ok && in.isRaw:
		val, diags = parseRawValue(v, in.raw)
	case ok:
		val = in.val
	}
	if diags.HasErrors() {
		if v.Sensitive {
			// Parser messages may quote the text they could not read.
			diags = hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Invalid value for variable",
				Detail:   fmt.Sprintf("The value given for the sensitive variable %q in %s is not a valid expression.", v.Name, in.source),
				Subject:  v.DeclRange.Ptr(),
			}}
		}
		return cty.DynamicVal, diags
	}
	if val == cty.NilVal || val.IsNull() {
		val, in = v.Default, inputValue{source: "its default", rng: &v.DefaultRange}
	}
	if val == cty.NilVal {
		return cty.DynamicVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "No value for required variable",
			Detail:   fmt.Sprintf("The variable %q has no default, so a value must be given with -var, -var-file or the environment variable %s%s.", v.Name, EnvPrefix, v.Name),
			Subject:  v.DeclRange.Ptr(),
		}}
	}
	conv, err := convert.Convert(val, v.Type)
	if err != nil {
		subject := v.DeclRange
		if in.rng != nil {
			subject = *in.rng
		}
		return cty.DynamicVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail:   fmt.Sprintf("The value for variable %q from %s is not of type %s: %s.", v.Name, in.source, typeexpr.TypeString(v.Type), err),
			Subject:  subject.Ptr(),
		}}
	}
	if v.Sensitive {
		e.secrets = append(e.secrets, stringLeaves(conv)...)
		conv = conv.Mark(markSensitive)
	}
	return conv, nil
}

// parseRawValue reads a value given as text, as Terraform does: taken as is
// for string and untyped variables, otherwise parsed as an HCL expression.
func parseRawValue(v *Variable, raw string) (cty.Value, hcl.Diagnostics) {
	if !v.HasType || v.Type == cty.String {
		return cty.StringVal(raw), nil
	}
	filename := fmt.Sprintf("<value for var.%s>", v.Name)
	// The raw text has no source file to show, so a problem is one plain
	// sentence saying what the variable needs, not an HCL parse trace.
	invalid := hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid value for variable",
		Detail: fmt.Sprintf("The value given for variable %q is not a valid %s: write it as in HCL, e.g. %s.",
			v.Name, typeexpr.TypeString(v.Type), typeExample(v.Type)),
		Subject: v.DeclRange.Ptr(),
	}}
	expr, diags := hclsyntax.ParseExpression([]byte(raw), filename, hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		return cty.DynamicVal, invalid
	}
	val, diags := expr.Value(nil)
	if diags.HasErrors() {
		return cty.DynamicVal, invalid
	}
	return val, nil
}

// typeExample shows how a value of ty is written on the command line.
func typeExample(ty cty.Type) string {
	switch {
	case ty == cty.Number:
		return "-var 'n=42'"
	case ty == cty.Bool:
		return "-var 'b=true'"
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		return `-var 'names=["a","b"]'`
	case ty.IsMapType() || ty.IsObjectType():
		return `-var 'm={a=1,b=2}'`
	}
	return `-var 'x="text"'`
}

// stringLeaves lists the non-empty strings in a value, for masking.
func stringLeaves(v cty.Value) []string {
	v, _ = v.UnmarkDeep()
	var out []string
	_ = cty.Walk(v, func(_ cty.Path, val cty.Value) (bool, error) {
		if val.IsKnown() && !val.IsNull() && val.Type() == cty.String && val.AsString() != "" {
			out = append(out, val.AsString())
		}
		return true, nil
	})
	return out
}
