package config

import (
	"github.com/hashicorp/hcl/v2"
)

// SettingsConfig is the netrun block as written.
type SettingsConfig struct {
	Parallelism hcl.Expression // nil when not set
	Mode        hcl.Expression // nil when not set
	DeclRange   hcl.Range
}

func (s *SettingsConfig) declRange() hcl.Range { return s.DeclRange }

// Settings are the evaluated runbook-wide settings.
type Settings struct {
	// Parallelism bounds concurrent device sessions; 0 means not set, and
	// the -parallelism flag or the engine's default applies.
	Parallelism int
	// Mode is where device sessions run: "goroutine" or "subprocess";
	// "" means not set (the -mode flag or goroutine applies).
	Mode      string
	DeclRange hcl.Range
}

var settingsSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "parallelism"}, {Name: "mode"}},
}

func decodeSettingsBlock(block *hcl.Block) (*SettingsConfig, hcl.Diagnostics) {
	s := &SettingsConfig{DeclRange: block.DefRange}
	content, diags := block.Body.Content(settingsSchema)
	if attr, ok := content.Attributes["parallelism"]; ok {
		s.Parallelism = attr.Expr
	}
	if attr, ok := content.Attributes["mode"]; ok {
		s.Mode = attr.Expr
	}
	return s, diags
}

func (e *evaluator) evalSettings() (Settings, hcl.Diagnostics) {
	sc := e.m.Settings
	if sc == nil {
		return Settings{}, nil
	}
	s := Settings{DeclRange: sc.DeclRange}
	var diags hcl.Diagnostics
	if sc.Mode != nil {
		s.Mode, diags = e.keyword(e.ctx(nil), sc.Mode, "mode", "", "goroutine", "subprocess")
	}
	if sc.Parallelism == nil {
		return s, diags
	}
	n, ok, ds := e.intAttr(e.ctx(nil), sc.Parallelism, "parallelism")
	diags = append(diags, ds...)
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
