package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/netrun/netrun/drivers"
)

// CredentialsConfig is a credentials block: how to log in to devices that
// refer to it.
type CredentialsConfig struct {
	Name       string
	Username   hcl.Expression
	Password   hcl.Expression // nil when not set
	Enable     hcl.Expression // nil when not set
	PrivateKey hcl.Expression // nil when not set
	DeclRange  hcl.Range
}

func (c *CredentialsConfig) declRange() hcl.Range { return c.DeclRange }

var credentialsSchema = &hcl.BodySchema{
	Attributes: append([]hcl.AttributeSchema{{Name: "username", Required: true}}, attributes("password", "enable", "private_key")...),
}

// credentialsType is the type of credentials.NAME in expressions. The secret
// attributes are always marked sensitive.
var credentialsType = cty.Object(map[string]cty.Type{
	"name":        cty.String,
	"username":    cty.String,
	"password":    cty.String,
	"enable":      cty.String,
	"private_key": cty.String,
})

func decodeCredentialsBlock(block *hcl.Block) (*CredentialsConfig, hcl.Diagnostics) {
	c := &CredentialsConfig{Name: block.Labels[0], DeclRange: block.DefRange}
	_, diags := decodeExprs(block, credentialsSchema, map[string]*hcl.Expression{
		"username": &c.Username, "password": &c.Password, "enable": &c.Enable, "private_key": &c.PrivateKey,
	})
	return c, diags
}

func (e *evaluator) evalCredentials(c *CredentialsConfig) hcl.Diagnostics {
	ctx := e.ctx(nil)
	var diags hcl.Diagnostics
	str := func(expr hcl.Expression, name string, secret bool) (string, cty.Value) {
		v, ds := e.eval(ctx, expr, cty.String, name)
		diags = append(diags, ds...)
		if ds.HasErrors() || v.IsNull() {
			v = cty.StringVal("")
		}
		if secret {
			v = v.Mark(markSensitive)
		}
		return plainString(v), v
	}
	var creds drivers.Credentials
	var user, pass, enable, key cty.Value
	creds.Username, user = str(c.Username, "username", false)
	creds.Password, pass = str(c.Password, "password", true)
	creds.Enable, enable = str(c.Enable, "enable", true)
	creds.PrivateKey, key = str(c.PrivateKey, "private_key", true)
	if diags.HasErrors() {
		return diags
	}
	if creds.Username == "" {
		return append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing username",
			Detail:   "The username of a credentials block must not be empty.",
			Subject:  rangeOf(c.Username, c.DeclRange).Ptr(),
		})
	}
	e.secrets = append(e.secrets, creds.Secrets()...)
	e.creds[c.Name] = creds
	e.credVals[c.Name] = cty.ObjectVal(map[string]cty.Value{
		"name":        cty.StringVal(c.Name),
		"username":    user,
		"password":    pass,
		"enable":      enable,
		"private_key": key,
	})
	return diags
}
