package config

import (
	"fmt"

	yaml "github.com/zclconf/go-cty-yaml"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	yamlv3 "gopkg.in/yaml.v3"
)

// Limits on what one yamldecode call may build, counting every alias as a
// copy of what it names: a few lines of nested aliases (a "billion laughs"
// document) expand exponentially, and go-cty-yaml expands them all. A
// million nodes is far more than any inventory.
const (
	MaxYAMLNodes = 1_000_000
	MaxYAMLBytes = MaxFileSize // of scalar text
)

// yamlDecodeFunc is go-cty-yaml's yamldecode after a check of the expanded
// size, made on yaml.v3's node tree, which keeps aliases as references.
// The check runs in Type because go-cty-yaml infers the type by decoding.
var yamlDecodeFunc = function.New(&function.Spec{
	Description: "Parses a YAML document into a value.",
	Params:      []function.Parameter{{Name: "src", Type: cty.String}},
	Type: func(args []cty.Value) (cty.Type, error) {
		if err := checkYAMLSize(args[0].AsString()); err != nil {
			return cty.NilType, function.NewArgError(0, err)
		}
		return yaml.YAMLDecodeFunc.ReturnTypeForValues(args)
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return yaml.YAMLDecodeFunc.Call(args)
	},
})

func checkYAMLSize(src string) error {
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal([]byte(src), &doc); err != nil {
		return nil // go-cty-yaml reports the syntax error in its own words
	}
	s := yamlSizer{done: map[*yamlv3.Node]yamlSize{}, busy: map[*yamlv3.Node]bool{}}
	n := s.size(&doc)
	switch {
	case n.nodes > MaxYAMLNodes:
		return fmt.Errorf("the YAML document expands to more than %d nodes (aliases count as copies); yamldecode refuses it", MaxYAMLNodes)
	case n.bytes > MaxYAMLBytes:
		return fmt.Errorf("the YAML document expands to more than %d MiB of text (aliases count as copies); yamldecode refuses it", MaxYAMLBytes>>20)
	}
	return nil
}

type yamlSize struct{ nodes, bytes int }

// yamlSizer sizes each node once, so that counting is linear in the
// document even when its expansion is exponential; sizes stop growing just
// past the limits, so they cannot overflow.
type yamlSizer struct {
	done map[*yamlv3.Node]yamlSize
	busy map[*yamlv3.Node]bool
}

func (s *yamlSizer) size(n *yamlv3.Node) yamlSize {
	if n.Kind == yamlv3.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if z, ok := s.done[n]; ok {
		return z
	}
	if s.busy[n] { // an alias inside its anchor: go-cty-yaml refuses it
		return yamlSize{nodes: 1}
	}
	s.busy[n] = true
	z := yamlSize{nodes: 1, bytes: len(n.Value)}
	for _, c := range n.Content {
		cz := s.size(c)
		z.nodes = min(z.nodes+cz.nodes, MaxYAMLNodes+1)
		z.bytes = min(z.bytes+cz.bytes, MaxYAMLBytes+1)
	}
	delete(s.busy, n)
	s.done[n] = z
	return z
}
