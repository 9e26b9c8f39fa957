package config

import (
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/netrun/netrun/drivers"
)

// ConnectionConfig is what device and jump_host blocks both say about
// reaching a host over SSH, as written.
type ConnectionConfig struct {
	Host                hcl.Expression
	Port                hcl.Expression
	Credentials         hcl.Expression
	KnownHosts          hcl.Expression
	HostKey             hcl.Expression // nil when not set
	InsecureSkipHostKey hcl.Expression
	Timeout             hcl.Expression
	SSH                 *SSHConfig // nil without an ssh block
	Via                 *ViaRef    // nil when reached directly
}

// Connection is an evaluated ConnectionConfig: how to reach a device or a
// jump host.
type Connection struct {
	Host string
	Port int

	// Credentials are plain values, for the driver only.
	Credentials     drivers.Credentials
	CredentialsName string

	Timeout             time.Duration // 0: drivers.DefaultTimeout
	KnownHosts          string        // absolute or relative to the working directory
	InsecureSkipHostKey bool
	// HostKeys pins the host's key: public keys or SHA256 fingerprints,
	// from host_key.
	HostKeys []string
	// Algorithms are the legacy SSH algorithms the ssh block adds for this
	// host only.
	Algorithms drivers.Algorithms
	// Via names the jump_host this host is reached through; "" is direct.
	Via string
}

// Target fills the fields of a drivers.Target that come from the runbook's
// connection attributes; the caller adds what depends on the run (host key
// policy, dialer, logger) and, for a device, its platform, prompt and
// driver settings.
func (c *Connection) Target(name string) drivers.Target {
	return drivers.Target{
		Name:                name,
		Host:                c.Host,
		Port:                c.Port,
		Credentials:         c.Credentials,
		Timeout:             c.Timeout,
		KnownHosts:          c.KnownHosts,
		InsecureSkipHostKey: c.InsecureSkipHostKey,
		HostKeys:            c.HostKeys,
		Algorithms:          c.Algorithms,
	}
}

// connectionAttributes are the attributes of ConnectionConfig, in both the
// device and the jump_host schema.
var connectionAttributes = append([]hcl.AttributeSchema{{Name: "host", Required: true}},
	attributes("port", "credentials", "known_hosts", "host_key", "insecure_skip_host_key", "timeout", "via")...)

// decodeConnection reads the connection attributes and the ssh block from
// a block's content; it leaves the other blocks to the caller.
func decodeConnection(content *hcl.BodyContent) (ConnectionConfig, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	c := ConnectionConfig{
		Host:                attrExpr(content, "host"),
		Port:                attrExpr(content, "port"),
		Credentials:         attrExpr(content, "credentials"),
		KnownHosts:          attrExpr(content, "known_hosts"),
		HostKey:             attrExpr(content, "host_key"),
		InsecureSkipHostKey: attrExpr(content, "insecure_skip_host_key"),
		Timeout:             attrExpr(content, "timeout"),
	}
	if x := attrExpr(content, "via"); x != nil {
		via, ds := decodeVia(x)
		diags = append(diags, ds...)
		c.Via = via
	}
	for _, b := range content.Blocks {
		if b.Type != "ssh" {
			continue
		}
		if c.SSH != nil {
			diags = append(diags, duplicate(b, "ssh", "", c.SSH.DeclRange))
			continue
		}
		s, ds := decodeSSHBlock(b)
		diags = append(diags, ds...)
		c.SSH = s
	}
	return c, diags
}

// exprs lists the connection's expressions, for finding references.
func (c *ConnectionConfig) exprs() []hcl.Expression {
	return append([]hcl.Expression{c.Host, c.Port, c.Credentials, c.KnownHosts, c.HostKey,
		c.InsecureSkipHostKey, c.Timeout}, c.SSH.exprs()...)
}

// evalConnection evaluates the connection attributes of a block; what is
// "device" or "jump host", for messages. host is the host as a cty value,
// marks kept, for the device's value in expressions.
func (e *evaluator) evalConnection(ctx *hcl.EvalContext, c *ConnectionConfig, declRange hcl.Range, what string) (conn Connection, host cty.Value, diags hcl.Diagnostics) {
	conn.Port = 22
	host, diags = e.eval(ctx, c.Host, cty.String, "host")
	if diags.HasErrors() || host.IsNull() {
		host = cty.StringVal("")
	}
	conn.Host = plainString(host)
	if conn.Host == "" && !diags.HasErrors() {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing host",
			Detail:   fmt.Sprintf("A %s needs a host name or address to connect to.", what),
			Subject:  rangeOf(c.Host, declRange).Ptr(),
		})
	}
	n, ok, ds := e.intAttrIn(ctx, c.Port, "port", 1, 65535, "Invalid port", "A port must be between 1 and 65535.")
	diags = append(diags, ds...)
	if ok {
		conn.Port = n
	}
	conn.CredentialsName, conn.Credentials, ds = e.credentialsRef(ctx, c.Credentials)
	diags = append(diags, ds...)
	conn.Timeout, ds = e.timeoutAttr(ctx, c.Timeout)
	diags = append(diags, ds...)
	v, ds := e.eval(ctx, c.KnownHosts, cty.String, "known_hosts")
	diags = append(diags, ds...)
	if kh := plainString(v); kh != "" {
		conn.KnownHosts = expandPath(e.m.Dir, kh)
	}
	v, ds = e.eval(ctx, c.InsecureSkipHostKey, cty.Bool, "insecure_skip_host_key")
	diags = append(diags, ds...)
	conn.InsecureSkipHostKey = plainBool(v)
	conn.HostKeys, ds = e.hostKeys(ctx, c.HostKey, conn.InsecureSkipHostKey, c.InsecureSkipHostKey)
	diags = append(diags, ds...)
	conn.Algorithms, ds = e.evalSSH(ctx, c.SSH)
	diags = append(diags, ds...)
	if c.Via != nil {
		conn.Via = c.Via.Name
	}
	return conn, host, diags
}

// credentialsRef evaluates a credentials argument, a reference to a
// credentials block.
func (e *evaluator) credentialsRef(ctx *hcl.EvalContext, expr hcl.Expression) (string, drivers.Credentials, hcl.Diagnostics) {
	if expr == nil {
		return "", drivers.Credentials{}, nil
	}
	v, diags := e.eval(ctx, expr, cty.DynamicPseudoType, "credentials")
	if diags.HasErrors() || v.IsNull() {
		return "", drivers.Credentials{}, diags
	}
	plain, _ := v.UnmarkDeep()
	if !plain.Type().Equals(credentialsType) {
		return "", drivers.Credentials{}, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid credentials",
			Detail:   "credentials must refer to a credentials block, such as credentials.lab.",
			Subject:  expr.Range().Ptr(),
		})
	}
	name := plainString(plain.GetAttr("name"))
	return name, e.creds[name], diags
}

// ViaRef is a via argument: the jump host a device or another jump host is
// reached through, a static reference such as jump_host.dc1.
type ViaRef struct {
	Name  string
	Range hcl.Range
}

func decodeVia(expr hcl.Expression) (*ViaRef, hcl.Diagnostics) {
	bad := hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid via reference",
		Detail:   "via refers to a jump_host block, as in via = jump_host.dc1.",
		Subject:  expr.Range().Ptr(),
	}}
	tr, diags := hcl.AbsTraversalForExpr(expr)
	if diags.HasErrors() || tr.RootName() != "jump_host" || len(tr) != 2 {
		return nil, bad
	}
	attr, ok := tr[1].(hcl.TraverseAttr)
	if !ok {
		return nil, bad
	}
	return &ViaRef{Name: attr.Name, Range: tr.SourceRange()}, nil
}
