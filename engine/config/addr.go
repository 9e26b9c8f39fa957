package config

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Kind is the kind of block a task comes from.
type Kind string

const (
	KindCommand Kind = "command"
	KindConfig  Kind = "config"
)

// Addr is a task's address in the runbook: the kind and name of the block
// it comes from, written "command.clock" or "config.ntp" in plans, state and
// depends_on. It is the one place that spelling is built.
type Addr struct {
	Kind Kind
	Name string
}

func (a Addr) String() string { return string(a.Kind) + "." + a.Name }

// ParseAddr reads "command.NAME" or "config.NAME"; ok is false for anything
// else.
func ParseAddr(s string) (a Addr, ok bool) {
	kind, name, found := strings.Cut(s, ".")
	switch Kind(kind) {
	case KindCommand, KindConfig:
		if found && name != "" {
			return Addr{Kind: Kind(kind), Name: name}, true
		}
	}
	return Addr{}, false
}

// traversalAddr reads a reference written command.NAME or config.NAME, as
// in depends_on; ok is false for anything else.
func traversalAddr(tr hcl.Traversal) (a Addr, ok bool) {
	if len(tr) != 2 {
		return Addr{}, false
	}
	attr, isAttr := tr[1].(hcl.TraverseAttr)
	switch kind := Kind(tr.RootName()); kind {
	case KindCommand, KindConfig:
		if isAttr {
			return Addr{Kind: kind, Name: attr.Name}, true
		}
	}
	return Addr{}, false
}

// Addr is the command block's task address.
func (c *Command) Addr() Addr { return Addr{Kind: KindCommand, Name: c.Name} }

// Addr is the config block's task address.
func (d *Desired) Addr() Addr { return Addr{Kind: KindConfig, Name: d.Name} }
