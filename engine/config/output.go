package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/zclconf/go-cty/cty"
)

// Output is an output block. Its value refers to command results, so it is
// kept as an expression and evaluated by EvalOutputs after apply.
type Output struct {
	Name        string
	Sensitive   bool
	Description string
	Expr        hcl.Expression
	DeclRange   hcl.Range
}

func (o *Output) declRange() hcl.Range { return o.DeclRange }

// OutputValue is an evaluated output. Value carries no marks.
type OutputValue struct {
	Value     cty.Value
	Sensitive bool
	// Command is set when the output is a command block's output as it
	// stands (value = command.NAME.output): the block's name. The state
	// then refers to the device results it already holds instead of
	// storing each device's output a second time.
	Command string
}

// Results is what apply produced: command name -> device name -> one output
// per command of the block. Failed lists, per command, the devices whose
// step failed; they are left out of the command's output maps.
type Results struct {
	Outputs map[string]map[string][]string
	Failed  map[string][]string
}

var outputSchema = &hcl.BodySchema{
	Attributes: append([]hcl.AttributeSchema{{Name: "value", Required: true}}, attributes("sensitive", "description")...),
}

// commandType is the type of command.NAME in output expressions.
var commandType = cty.Object(map[string]cty.Type{
	"output":  cty.Map(cty.String),
	"outputs": cty.Map(cty.List(cty.String)),
	"failed":  cty.List(cty.String),
})

func decodeOutputBlock(block *hcl.Block) (*Output, hcl.Diagnostics) {
	o := &Output{Name: block.Labels[0], DeclRange: block.DefRange}
	content, diags := block.Body.Content(outputSchema)
	o.Expr = attrExpr(content, "value")
	if attr, ok := content.Attributes["sensitive"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &o.Sensitive)...)
	}
	if attr, ok := content.Attributes["description"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &o.Description)...)
	}
	return o, diags
}

// EvalOutputs evaluates every output block against the results of apply.
// An output whose value derives from a sensitive value must be declared
// sensitive, as in Terraform.
func (r *Runbook) EvalOutputs(res Results) (out map[string]OutputValue, diags hcl.Diagnostics) {
	defer recoverDiags(&diags)
	defer func() { diags = redact(diags, r.redact) }()

	cmds := map[string]cty.Value{}
	for _, c := range r.Commands {
		cmds[c.Name] = commandValue(c, res)
	}
	ctx := r.outputContext(cmds)
	out = map[string]OutputValue{}
	for _, o := range r.Outputs {
		val, ds := r.evalOutput(o, ctx)
		diags = append(diags, ds...)
		if !ds.HasErrors() {
			val, _ = val.UnmarkDeep()
			out[o.Name] = OutputValue{Value: val, Sensitive: o.Sensitive, Command: commandOutputRef(o.Expr)}
		}
	}
	return out, diags
}

func (r *Runbook) outputContext(cmds map[string]cty.Value) *hcl.EvalContext {
	vars := make(map[string]cty.Value, len(r.vars)+1)
	for k, v := range r.vars {
		vars[k] = v
	}
	vars["command"] = objectVal(cmds)
	return &hcl.EvalContext{Variables: vars, Functions: r.funcs}
}

// commandOutputRef is NAME when expr is command.NAME.output, else "".
func commandOutputRef(expr hcl.Expression) string {
	if expr == nil {
		return ""
	}
	tr, diags := hcl.AbsTraversalForExpr(expr)
	if diags.HasErrors() || len(tr) != 3 || tr.RootName() != "command" {
		return ""
	}
	name, ok1 := tr[1].(hcl.TraverseAttr)
	attr, ok2 := tr[2].(hcl.TraverseAttr)
	if !ok1 || !ok2 || attr.Name != "output" {
		return ""
	}
	return name.Name
}

func (r *Runbook) evalOutput(o *Output, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	if o.Expr == nil {
		return cty.NullVal(cty.DynamicPseudoType), nil
	}
	val, diags := o.Expr.Value(ctx)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	if val.HasMarkDeep(markSensitive) && !o.Sensitive {
		return cty.DynamicVal, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Output refers to sensitive values",
			Detail:   fmt.Sprintf("The value of output %q is derived from sensitive values. Declare it sensitive = true: netrun then never shows or stores it.", o.Name),
			Subject:  o.Expr.Range().Ptr(),
		})
	}
	return val, diags
}

// commandValue is command.NAME for outputs: output maps each device to its
// outputs joined by newlines, outputs to the list of them, and failed lists
// the devices that failed, which the maps leave out.
func commandValue(c *Command, res Results) cty.Value {
	failed := map[string]bool{}
	var failedVals []cty.Value
	for _, d := range res.Failed[c.Name] {
		if !failed[d] {
			failed[d] = true
			failedVals = append(failedVals, cty.StringVal(d))
		}
	}
	output, outputs := map[string]cty.Value{}, map[string]cty.Value{}
	for dev, outs := range res.Outputs[c.Name] {
		if failed[dev] {
			continue
		}
		output[dev] = cty.StringVal(strings.Join(outs, "\n"))
		list := cty.ListValEmpty(cty.String)
		if len(outs) > 0 {
			vals := make([]cty.Value, len(outs))
			for i, s := range outs {
				vals[i] = cty.StringVal(s)
			}
			list = cty.ListVal(vals)
		}
		outputs[dev] = list
	}
	v := map[string]cty.Value{
		"output":  cty.MapValEmpty(cty.String),
		"outputs": cty.MapValEmpty(cty.List(cty.String)),
		"failed":  cty.ListValEmpty(cty.String),
	}
	if len(output) > 0 {
		v["output"], v["outputs"] = cty.MapVal(output), cty.MapVal(outputs)
	}
	if len(failedVals) > 0 {
		v["failed"] = cty.ListVal(failedVals)
	}
	return cty.ObjectVal(v)
}
