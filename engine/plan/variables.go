package plan

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Variable is one runbook variable's value, typed, as cty's JSON encoding
// writes it.
//
// The values of sensitive variables are kept in clear, as Terraform keeps
// them in its plan files: the file is the one thing apply PLANFILE needs,
// so a key to decrypt them would have to travel with it (and protect
// nothing) or be one more secret to pass at apply (what -var was). The file
// is written readable by its owner only and says, in HoldsSecrets, which
// values it holds.
type Variable struct {
	Value     json.RawMessage `json:"value"`
	Type      json.RawMessage `json:"type"`
	Sensitive bool            `json:"sensitive,omitempty"`
}

// SetVariables records the runbook's variable values (config's
// Runbook.Variables). A marked value is a sensitive variable's; so is one
// holding any of secrets (the runbook's, say a variable not declared
// sensitive but used as a password), for HoldsSecrets to name every value
// the file holds in clear that netrun masks elsewhere.
func (p *Plan) SetVariables(vals map[string]cty.Value, secrets []string) error {
	p.Variables, p.HoldsSecrets = map[string]Variable{}, nil
	for name, val := range vals {
		plain, marks := val.UnmarkDeep()
		ty, err := ctyjson.MarshalType(plain.Type())
		if err != nil {
			return fmt.Errorf("variable %q: %w", name, err)
		}
		data, err := ctyjson.Marshal(plain, plain.Type())
		if err != nil {
			// The message of a sensitive value's error is not shown: it
			// may quote it.
			return fmt.Errorf("variable %q cannot be saved in a plan", name)
		}
		v := Variable{Value: data, Type: ty, Sensitive: len(marks) > 0 || holdsAny(plain, secrets)}
		if v.Sensitive {
			p.HoldsSecrets = append(p.HoldsSecrets, name)
		}
		p.Variables[name] = v
	}
	slices.Sort(p.HoldsSecrets)
	return nil
}

// holdsAny reports whether one of the strings in v is one of secrets.
func holdsAny(v cty.Value, secrets []string) bool {
	found := false
	_ = cty.Walk(v, func(_ cty.Path, val cty.Value) (bool, error) {
		if val.IsKnown() && !val.IsNull() && val.Type() == cty.String && slices.Contains(secrets, val.AsString()) {
			found = true
		}
		return !found, nil
	})
	return found
}

// VariableValues are the recorded values, for config's Inputs.Values.
func (p *Plan) VariableValues() (map[string]cty.Value, error) {
	out := make(map[string]cty.Value, len(p.Variables))
	for name, v := range p.Variables {
		ty, err := ctyjson.UnmarshalType(v.Type)
		if err != nil {
			return nil, fmt.Errorf("variable %q of the plan: %w", name, err)
		}
		val, err := ctyjson.Unmarshal(v.Value, ty)
		if err != nil {
			return nil, fmt.Errorf("variable %q of the plan cannot be read", name)
		}
		out[name] = val
	}
	return out, nil
}
