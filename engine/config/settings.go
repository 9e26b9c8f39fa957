package config

import (
	"github.com/hashicorp/hcl/v2"
)

// SettingsConfig is the netrun block as written.
type SettingsConfig struct {
	Parallelism hcl.Expression // nil when not set
	DeclRange   hcl.Range
}

// Settings are the evaluated runbook-wide settings.
type Settings struct {
	// Parallelism bounds concurrent device sessions; 0 means not set, and
	// the -parallelism flag or the engine's default applies.
	Parallelism int
	DeclRange   hcl.Range
}

var settingsSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "parallelism"}},
}

func decodeSettingsBlock(block *hcl.Block) (*SettingsConfig, hcl.Diagnostics) {
	s := &SettingsConfig{DeclRange: block.DefRange}
	content, diags := block.Body.Content(settingsSchema)
	if attr, ok := content.Attributes["parallelism"]; ok {
		s.Parallelism = attr.Expr
	}
	return s, diags
}

func (e *evaluator) evalSettings() (Settings, hcl.Diagnostics) {
	sc := e.m.Settings
	if sc == nil {
		return Settings{}, nil
	}
	s := Settings{DeclRange: sc.DeclRange}
	if sc.Parallelism == nil {
		return s, nil
	}
	n, ok, diags := e.intAttr(e.ctx(nil), sc.Parallelism, "parallelism")
	if !ok {
		return s, diags
	}
	if n < 1 {
		return s, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid parallelism",
			Detail:   "parallelism must be a positive whole number.",
			Subject:  sc.Parallelism.Range().Ptr(),
		})
	}
	s.Parallelism = n
	return s, diags
}
