package views

import (
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/netrun/netrun/engine/config"
)

// Validate is the view of netrun validate.
type Validate interface {
	Diagnostics(files map[string]*hcl.File, diags hcl.Diagnostics)
	// Valid reports a runbook without errors.
	Valid(rb *config.Runbook)
}

// NewValidate returns the validate view of the given type.
func NewValidate(vt ViewType, v *View) Validate {
	if vt == JSON {
		return &validateJSON{streamView: newStreamView(v)}
	}
	return validateHuman{v}
}

type validateHuman struct{ *View }

func (v validateHuman) Valid(rb *config.Runbook) {
	fmt.Fprintf(v.Stdout, "Success! The runbook is valid: %s, %s, %s, %s.\n",
		plural(len(rb.Devices), "device"), plural(len(rb.Commands), "command block"),
		plural(len(rb.Configs), "config block"), plural(len(rb.Outputs), "output"))
}

// validateJSON writes a diagnostic event per problem, then a
// validate_result event that says whether the runbook is valid.
type validateJSON struct {
	streamView
	warnings int
}

func (v *validateJSON) Diagnostics(files map[string]*hcl.File, diags hcl.Diagnostics) {
	v.streamView.Diagnostics(files, diags)
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			v.warnings++
		}
	}
	if errs := len(diags.Errs()); errs > 0 {
		v.result(false, errs)
	}
}

func (v *validateJSON) Valid(*config.Runbook) { v.result(true, 0) }

func (v *validateJSON) result(valid bool, errs int) {
	msg := "The runbook is valid."
	if !valid {
		msg = fmt.Sprintf("The runbook is not valid: %s.", plural(errs, "error"))
	}
	v.s.emit(time.Now(), "info", eventValid, msg, map[string]any{"valid": valid, "error_count": errs, "warning_count": v.warnings})
}
