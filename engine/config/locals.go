package config

import (
	"github.com/hashicorp/hcl/v2"
)

// Local is one named value of a locals block.
type Local struct {
	Name      string
	Expr      hcl.Expression
	DeclRange hcl.Range
}

func decodeLocalsBlock(block *hcl.Block) ([]*Local, hcl.Diagnostics) {
	attrs, diags := block.Body.JustAttributes()
	var out []*Local
	for _, attr := range sortedAttributes(attrs) {
		out = append(out, &Local{Name: attr.Name, Expr: attr.Expr, DeclRange: attr.Range})
	}
	return out, diags
}

func (e *evaluator) evalLocal(l *Local) hcl.Diagnostics {
	val, diags := l.Expr.Value(e.ctx(nil))
	if diags.HasErrors() {
		return diags
	}
	e.locals[l.Name] = val
	return diags
}
