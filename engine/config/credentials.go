package config

import (
	"errors"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"golang.org/x/crypto/ssh"

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
	if d := checkPrivateKey(creds.PrivateKey, c.PrivateKey); d != nil {
		return append(diags, d)
	}
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

// checkPrivateKey parses a private key at validate, so that a garbage key is
// not found only when the first device is dialled. netrun does not ask for
// passphrases, so a protected key is refused too.
func checkPrivateKey(key string, expr hcl.Expression) *hcl.Diagnostic {
	if key == "" {
		return nil
	}
	_, err := ssh.ParsePrivateKey([]byte(key))
	var missing *ssh.PassphraseMissingError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &missing):
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Private key has a passphrase",
			Detail:   "The private key is protected by a passphrase, which netrun does not support; use a key without a passphrase (ssh-keygen -p -N '' -f KEYFILE removes it from a copy).",
			Subject:  expr.Range().Ptr(),
		}
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid private key",
		Detail:   fmt.Sprintf("private_key must be an SSH private key in PEM or OpenSSH format, as in file(\"id_ed25519\"): %s.", err),
		Subject:  expr.Range().Ptr(),
	}
}
