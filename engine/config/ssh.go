package config

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
)

// SSHConfig is the ssh block of a device or jump host: SSH algorithms
// added to the secure defaults for it alone, for old devices.
type SSHConfig struct {
	KeyExchanges      hcl.Expression
	Ciphers           hcl.Expression
	HostKeyAlgorithms hcl.Expression
	MACs              hcl.Expression
	DeclRange         hcl.Range
}

var sshSchema = &hcl.BodySchema{
	Attributes: attributes("key_exchanges", "ciphers", "host_key_algorithms", "macs"),
}

func decodeSSHBlock(block *hcl.Block) (*SSHConfig, hcl.Diagnostics) {
	s := &SSHConfig{DeclRange: block.DefRange}
	_, diags := decodeExprs(block, sshSchema, map[string]*hcl.Expression{
		"key_exchanges": &s.KeyExchanges, "ciphers": &s.Ciphers,
		"host_key_algorithms": &s.HostKeyAlgorithms, "macs": &s.MACs,
	})
	return s, diags
}

func (s *SSHConfig) exprs() []hcl.Expression {
	if s == nil {
		return nil
	}
	return []hcl.Expression{s.KeyExchanges, s.Ciphers, s.HostKeyAlgorithms, s.MACs}
}

// evalSSH evaluates an ssh block, checking each name against
// LoadOptions.Algorithms.
func (e *evaluator) evalSSH(ctx *hcl.EvalContext, s *SSHConfig) (drivers.Algorithms, hcl.Diagnostics) {
	var a drivers.Algorithms
	if s == nil {
		return a, nil
	}
	var diags hcl.Diagnostics
	known := e.opts.Algorithms
	list := func(expr hcl.Expression, attr, what string, known []string) []string {
		names, ds := e.stringList(ctx, expr, attr)
		diags = append(diags, ds...)
		for _, n := range names {
			if ds := checkName(expr, s.DeclRange, what, n, known); ds.HasErrors() {
				diags = append(diags, ds...)
				return nil
			}
		}
		return names
	}
	a.KeyExchanges = list(s.KeyExchanges, "key_exchanges", "SSH key exchange", known.KeyExchanges)
	a.Ciphers = list(s.Ciphers, "ciphers", "SSH cipher", known.Ciphers)
	a.HostKeyAlgorithms = list(s.HostKeyAlgorithms, "host_key_algorithms", "SSH host key algorithm", known.HostKeyAlgorithms)
	a.MACs = list(s.MACs, "macs", "SSH MAC", known.MACs)
	return a, diags
}

// legacyWarning says, once per block, which devices (or which jump host)
// get extra algorithms: they weaken those connections, so it is shown on
// every plan and apply.
func legacyWarning(s *SSHConfig, kind string, devices []*Device) hcl.Diagnostics {
	if s == nil {
		return nil
	}
	// for_each instances may differ: one warning per distinct set.
	var order []string
	groups := map[string][]*Device{}
	for _, d := range devices {
		if d.Algorithms.Empty() {
			continue
		}
		k := fmt.Sprint(d.Algorithms)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], d)
	}
	var diags hcl.Diagnostics
	for _, k := range order {
		g := groups[k]
		var names []string
		for i, d := range g {
			if i == 10 {
				names = append(names, fmt.Sprintf("and %d more", len(g)-i))
				break
			}
			names = append(names, d.Name)
		}
		what := kind + " " + names[0]
		if len(g) > 1 {
			what = kind + "s " + strings.Join(names, ", ")
		}
		diags = append(diags, algorithmsWarning(s, what, g[0].Algorithms))
	}
	return diags
}

func algorithmsWarning(s *SSHConfig, what string, a drivers.Algorithms) *hcl.Diagnostic {
	var parts []string
	for _, k := range []struct {
		kind  string
		names []string
	}{
		{"key exchanges", a.KeyExchanges},
		{"ciphers", a.Ciphers},
		{"host key algorithms", a.HostKeyAlgorithms},
		{"MACs", a.MACs},
	} {
		if len(k.names) > 0 {
			parts = append(parts, k.kind+" "+strings.Join(k.names, ", "))
		}
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Legacy SSH algorithms enabled",
		Detail: fmt.Sprintf("legacy SSH algorithms enabled for %s only: %s. They are weaker than the defaults; "+
			"remove the ssh block once the device is upgraded.", what, strings.Join(parts, "; ")),
		Subject: s.DeclRange.Ptr(),
	}
}

// hostKeys evaluates host_key: one key or fingerprint, or a list of them.
// Pinning while skipping verification is contradictory, so it is an error.
func (e *evaluator) hostKeys(ctx *hcl.EvalContext, expr hcl.Expression, insecure bool, insecureExpr hcl.Expression) ([]string, hcl.Diagnostics) {
	if expr == nil {
		return nil, nil
	}
	v, diags := e.eval(ctx, expr, cty.DynamicPseudoType, "host_key")
	if diags.HasErrors() || v.IsNull() {
		return nil, diags
	}
	v, _ = v.UnmarkDeep()
	if v.Type() == cty.String {
		v = cty.ListVal([]cty.Value{v})
	}
	lv, err := convert.Convert(v, cty.List(cty.String))
	if err != nil {
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Incorrect attribute value type",
			Detail:   `host_key must be a string or a list of strings: public keys ("ssh-ed25519 AAAA...") or SHA256 fingerprints ("SHA256:...").`,
			Subject:  expr.Range().Ptr(),
		})
	}
	keys, ds := plainStrings(lv, expr, "host_key")
	diags = append(diags, ds...)
	for _, k := range keys {
		if msg := checkHostKey(k); msg != "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid host_key",
				Detail:   msg,
				Subject:  expr.Range().Ptr(),
			})
		}
	}
	if len(keys) == 0 && !diags.HasErrors() {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid host_key",
			Detail:   "host_key must list at least one key or fingerprint; remove it to use known_hosts.",
			Subject:  expr.Range().Ptr(),
		})
	}
	if insecure && len(keys) > 0 {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Conflicting host key settings",
			Detail:   "host_key pins the device's key and insecure_skip_host_key = true skips checking it; keep one.",
			Subject:  rangeOf(insecureExpr, expr.Range()).Ptr(),
		})
	}
	return keys, diags
}

// checkHostKey explains why s is neither an authorized_keys style public
// key nor a SHA256 fingerprint, or returns "".
func checkHostKey(s string) string {
	s = strings.TrimSpace(s)
	if fp, ok := strings.CutPrefix(s, "SHA256:"); ok {
		b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(fp, "="))
		if err != nil || len(b) != 32 {
			return fmt.Sprintf("%q is not a SHA256 fingerprint: SHA256: is followed by 43 base64 characters, as `ssh-keygen -lf` prints them.", s)
		}
		return ""
	}
	if _, _, _, _, err := ssh.ParseAuthorizedKey([]byte(s)); err != nil {
		return fmt.Sprintf("%q is neither a public key as in authorized_keys (\"ssh-ed25519 AAAA...\") nor a SHA256 fingerprint (\"SHA256:...\").", s)
	}
	return ""
}
