package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/netrun/netrun/drivers"
)

// JumpHostConfig is a jump_host block: a bastion that devices (and other
// jump hosts) with via = jump_host.NAME are reached through.
type JumpHostConfig struct {
	Name                string
	Host                hcl.Expression
	Port                hcl.Expression
	Credentials         hcl.Expression
	KnownHosts          hcl.Expression
	HostKey             hcl.Expression
	InsecureSkipHostKey hcl.Expression
	Timeout             hcl.Expression
	SSH                 *SSHConfig // nil without an ssh block
	Via                 *ViaRef    // nil when reached directly
	DeclRange           hcl.Range
}

// JumpHost is an evaluated jump_host block.
type JumpHost struct {
	Name                string
	Host                string
	Port                int
	Credentials         drivers.Credentials
	CredentialsName     string
	KnownHosts          string // absolute or relative to the working directory
	HostKeys            []string
	InsecureSkipHostKey bool
	Algorithms          drivers.Algorithms
	// Via names the jump host this one is reached through; "" is direct.
	Via       string
	Timeout   time.Duration // 0: drivers.DefaultTimeout
	DeclRange hcl.Range
}

// Address is how the jump host is written in a runbook, jump_host.NAME.
func (j *JumpHost) Address() string { return "jump_host." + j.Name }

var jumpHostSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "host", Required: true},
		{Name: "port"},
		{Name: "credentials"},
		{Name: "known_hosts"},
		{Name: "host_key"},
		{Name: "insecure_skip_host_key"},
		{Name: "timeout"},
		{Name: "via"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "ssh"}},
}

func decodeJumpHostBlock(block *hcl.Block) (*JumpHostConfig, hcl.Diagnostics) {
	j := &JumpHostConfig{Name: block.Labels[0], DeclRange: block.DefRange}
	content, diags := block.Body.Content(jumpHostSchema)
	j.Host = attrExpr(content, "host")
	j.Port = attrExpr(content, "port")
	j.Credentials = attrExpr(content, "credentials")
	j.KnownHosts = attrExpr(content, "known_hosts")
	j.HostKey = attrExpr(content, "host_key")
	j.InsecureSkipHostKey = attrExpr(content, "insecure_skip_host_key")
	j.Timeout = attrExpr(content, "timeout")
	if x := attrExpr(content, "via"); x != nil {
		via, ds := decodeVia(x)
		diags = append(diags, ds...)
		j.Via = via
	}
	for _, b := range content.Blocks {
		if j.SSH != nil {
			diags = append(diags, duplicate(b, "ssh", "", j.SSH.DeclRange))
			continue
		}
		s, ds := decodeSSHBlock(b)
		diags = append(diags, ds...)
		j.SSH = s
	}
	return j, diags
}

func (j *JumpHostConfig) exprs() []hcl.Expression {
	return append([]hcl.Expression{j.Host, j.Port, j.Credentials, j.KnownHosts, j.HostKey,
		j.InsecureSkipHostKey, j.Timeout}, j.SSH.exprs()...)
}

// checkVia reports via references to undeclared jump hosts and cycles in
// chains of jump hosts.
func (e *evaluator) checkVia() hcl.Diagnostics {
	var diags hcl.Diagnostics
	undeclared := func(v *ViaRef) bool {
		if v == nil {
			return false
		}
		if _, ok := e.m.jumpHosts[v.Name]; ok {
			return false
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Reference to undeclared jump host",
			Detail:   fmt.Sprintf("No jump_host block named %q is declared in this runbook.", v.Name),
			Subject:  v.Range.Ptr(),
		})
		return true
	}
	for _, d := range e.m.Devices {
		undeclared(d.Via)
	}
	bad := map[string]bool{}
	for _, j := range e.m.JumpHosts {
		bad[j.Name] = undeclared(j.Via)
	}
	// Each jump host has at most one via, so a cycle is found by following
	// the chain from every host; it is reported once, from its first host
	// in declaration order.
	reported := map[string]bool{}
	for _, j := range e.m.JumpHosts {
		chain := []string{j.Name}
		seen := map[string]bool{j.Name: true}
		for cur := j; cur.Via != nil && !bad[cur.Name]; {
			next := e.m.jumpHosts[cur.Via.Name]
			if seen[next.Name] {
				if next.Name == j.Name && !reported[j.Name] {
					for _, n := range chain {
						reported[n] = true
					}
					addrs := make([]string, 0, len(chain)+1)
					for _, n := range append(chain, j.Name) {
						addrs = append(addrs, "jump_host."+n)
					}
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagError,
						Summary:  "Cycle in jump hosts",
						Detail:   fmt.Sprintf("These jump hosts are each reached through the next, so none can be reached: %s.", strings.Join(addrs, " -> ")),
						Subject:  j.Via.Range.Ptr(),
					})
				}
				break
			}
			seen[next.Name] = true
			chain = append(chain, next.Name)
			cur = next
		}
	}
	return diags
}

func (e *evaluator) evalJumpHost(j *JumpHostConfig) (*JumpHost, hcl.Diagnostics) {
	ctx := e.ctx(nil)
	var diags hcl.Diagnostics
	jh := &JumpHost{Name: j.Name, Port: 22, DeclRange: j.DeclRange}
	if j.Via != nil {
		jh.Via = j.Via.Name
	}
	v, ds := e.eval(ctx, j.Host, cty.String, "host")
	diags = append(diags, ds...)
	jh.Host = plainString(v)
	if jh.Host == "" && !ds.HasErrors() {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing host",
			Detail:   "A jump host needs a host name or address to connect to.",
			Subject:  rangeOf(j.Host, j.DeclRange).Ptr(),
		})
	}
	if n, ok, ds := e.intAttr(ctx, j.Port, "port"); ok {
		if n < 1 || n > 65535 {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid port",
				Detail:   "A port must be between 1 and 65535.",
				Subject:  j.Port.Range().Ptr(),
			})
		}
		jh.Port = n
	} else {
		diags = append(diags, ds...)
	}
	jh.CredentialsName, jh.Credentials, ds = e.credentialsRef(ctx, j.Credentials)
	diags = append(diags, ds...)
	if j.Credentials == nil {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing credentials",
			Detail:   "A jump host needs credentials to log in with, such as credentials = credentials.bastion.",
			Subject:  j.DeclRange.Ptr(),
		})
	}
	v, ds = e.eval(ctx, j.KnownHosts, cty.String, "known_hosts")
	diags = append(diags, ds...)
	if kh := plainString(v); kh != "" {
		jh.KnownHosts = expandPath(e.m.Dir, kh)
	}
	v, ds = e.eval(ctx, j.InsecureSkipHostKey, cty.Bool, "insecure_skip_host_key")
	diags = append(diags, ds...)
	jh.InsecureSkipHostKey = plainBool(v)
	jh.HostKeys, ds = e.hostKeys(ctx, j.HostKey, jh.InsecureSkipHostKey, j.InsecureSkipHostKey)
	diags = append(diags, ds...)
	jh.Algorithms, ds = e.evalSSH(ctx, j.SSH)
	diags = append(diags, ds...)
	if j.SSH != nil && !jh.Algorithms.Empty() {
		diags = append(diags, algorithmsWarning(j.SSH, "jump_host "+j.Name, jh.Algorithms))
	}
	jh.Timeout, ds = e.durationAttr(ctx, j.Timeout, "timeout")
	diags = append(diags, ds...)
	return jh, diags
}
