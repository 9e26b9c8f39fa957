package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/netrun/netrun/engine/graph"
)

// JumpHostConfig is a jump_host block: a bastion that devices (and other
// jump hosts) with via = jump_host.NAME are reached through.
type JumpHostConfig struct {
	ConnectionConfig
	Name      string
	DeclRange hcl.Range
}

func (j *JumpHostConfig) declRange() hcl.Range { return j.DeclRange }

// JumpHost is an evaluated jump_host block.
type JumpHost struct {
	Connection
	Name      string
	DeclRange hcl.Range
}

// Address is how the jump host is written in a runbook, jump_host.NAME.
func (j *JumpHost) Address() string { return "jump_host." + j.Name }

var jumpHostSchema = &hcl.BodySchema{
	Attributes: connectionAttributes,
	Blocks:     []hcl.BlockHeaderSchema{{Type: "ssh"}},
}

func decodeJumpHostBlock(block *hcl.Block) (*JumpHostConfig, hcl.Diagnostics) {
	content, diags := block.Body.Content(jumpHostSchema)
	conn, ds := decodeConnection(content)
	return &JumpHostConfig{ConnectionConfig: conn, Name: block.Labels[0], DeclRange: block.DefRange}, append(diags, ds...)
}

// checkVia reports via references to undeclared jump hosts and cycles in
// chains of jump hosts.
func (e *evaluator) checkVia() hcl.Diagnostics {
	var diags hcl.Diagnostics
	undeclared := func(v *ViaRef) bool {
		if v == nil {
			return false
		}
		if e.m.declares("jump_host", v.Name) {
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
	// An inherited via is checked once, at its group.
	for _, d := range e.m.Devices {
		undeclared(d.Via)
	}
	for _, g := range e.m.allGroups() {
		undeclared(g.Via)
	}
	// Each jump host is reached through at most one other, so every cycle
	// is a simple loop, reported once from its first host.
	g := graph.New()
	for _, j := range e.m.JumpHosts {
		g.Add(j.Name)
	}
	for _, j := range e.m.JumpHosts {
		if j.Via != nil && !undeclared(j.Via) {
			g.Connect(j.Via.Name, j.Name)
		}
	}
	for _, cycle := range cyclesAsWritten(g) {
		addrs := make([]string, 0, len(cycle)+1)
		for _, n := range append(cycle, cycle[0]) {
			addrs = append(addrs, "jump_host."+n)
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cycle in jump hosts",
			Detail:   fmt.Sprintf("These jump hosts are each reached through the next, so none can be reached: %s.", strings.Join(addrs, " -> ")),
			Subject:  e.m.jumpHosts[cycle[0]].Via.Range.Ptr(),
		})
	}
	return diags
}

func (e *evaluator) evalJumpHost(j *JumpHostConfig) (*JumpHost, hcl.Diagnostics) {
	conn, _, diags := e.evalConnection(e.ctx(nil), &j.ConnectionConfig, j.DeclRange, "jump host")
	if j.Credentials == nil {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing credentials",
			Detail:   "A jump host needs credentials to log in with, such as credentials = credentials.bastion.",
			Subject:  j.DeclRange.Ptr(),
		})
	}
	if j.SSH != nil && !conn.Algorithms.Empty() {
		diags = append(diags, algorithmsWarning(j.SSH, "jump_host "+j.Name, conn.Algorithms))
	}
	return &JumpHost{Connection: conn, Name: j.Name, DeclRange: j.DeclRange}, diags
}
