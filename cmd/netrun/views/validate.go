package views

import (
	"fmt"

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
		return validateJSON{jsonView{View: v}}
	}
	return validateHuman{v}
}

type validateHuman struct{ *View }

func (v validateHuman) Valid(rb *config.Runbook) {
	fmt.Fprintf(v.Stdout, "Success! The runbook is valid: %s, %s, %s, %s.\n",
		plural(len(rb.Devices), "device"), plural(len(rb.Commands), "command block"),
		plural(len(rb.Configs), "config block"), plural(len(rb.Outputs), "output"))
}

// validateJSON says everything in its diagnostics' "valid".
type validateJSON struct{ jsonView }

func (validateJSON) Valid(*config.Runbook) {}
