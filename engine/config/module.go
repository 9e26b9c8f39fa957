package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Module is a runbook as written: the blocks of all its files, with their
// expressions kept unevaluated. Maps are keyed by block label; the slices
// keep declaration order (files sorted by name, blocks in file order).
type Module struct {
	Dir string

	Settings    *SettingsConfig // nil when there is no netrun block
	Variables   []*Variable
	Locals      []*Local
	Credentials []*CredentialsConfig
	Defaults    *GroupConfig // nil when there is no defaults block
	Groups      []*GroupConfig
	Devices     []*DeviceConfig
	Commands    []*CommandConfig
	Configs     []*DesiredConfig
	Outputs     []*Output
	JumpHosts   []*JumpHostConfig

	variables   map[string]*Variable
	locals      map[string]*Local
	credentials map[string]*CredentialsConfig
	groups      map[string]*GroupConfig
	devices     map[string]*DeviceConfig
	commands    map[string]*CommandConfig
	configs     map[string]*DesiredConfig
	outputs     map[string]*Output
	jumpHosts   map[string]*JumpHostConfig

	parser *hclparse.Parser // for -var-file files, so their diagnostics show snippets
}

var rootSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "netrun"},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "credentials", LabelNames: []string{"name"}},
		{Type: "defaults"},
		{Type: "group", LabelNames: []string{"name"}},
		{Type: "device", LabelNames: []string{"name"}},
		{Type: "command", LabelNames: []string{"name"}},
		{Type: "config", LabelNames: []string{"name"}},
		{Type: "output", LabelNames: []string{"name"}},
		{Type: "jump_host", LabelNames: []string{"name"}},
	},
}

// Load parses and decodes every *.hcl file in dir. Files are read in name
// order and merged as one runbook, as Terraform merges *.tf files. The
// parser is shared with the caller so that diagnostics can show snippets.
func Load(parser *hclparse.Parser, dir string) (m *Module, diags hcl.Diagnostics) {
	defer recoverDiags(&diags)

	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read runbook directory",
			Detail:   err.Error(),
		}}
	}
	var files []string
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".hcl") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		files = append(files, filepath.Join(dir, e.Name()))
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "No runbook files",
			Detail:   fmt.Sprintf("The directory %s contains no .hcl files.", dir),
		}}
	}

	m = &Module{
		Dir:         dir,
		parser:      parser,
		variables:   map[string]*Variable{},
		locals:      map[string]*Local{},
		credentials: map[string]*CredentialsConfig{},
		groups:      map[string]*GroupConfig{},
		devices:     map[string]*DeviceConfig{},
		commands:    map[string]*CommandConfig{},
		configs:     map[string]*DesiredConfig{},
		outputs:     map[string]*Output{},
		jumpHosts:   map[string]*JumpHostConfig{},
	}
	for _, name := range files {
		f, fileDiags := parser.ParseHCLFile(name)
		diags = append(diags, fileDiags...)
		if f == nil {
			continue
		}
		diags = append(diags, m.addFile(f)...)
	}
	return m, diags
}

func (m *Module) addFile(f *hcl.File) hcl.Diagnostics {
	content, diags := f.Body.Content(rootSchema)
	labelled := m.labelledBlocks()
	for _, block := range content.Blocks {
		if len(block.Labels) > 0 && !hclsyntax.ValidIdentifier(block.Labels[0]) {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  fmt.Sprintf("Invalid %s name", block.Type),
				Detail:   "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.",
				Subject:  block.LabelRanges[0].Ptr(),
			})
			continue
		}
		switch block.Type {
		case "netrun":
			diags = append(diags, single(block, decodeSettingsBlock, &m.Settings)...)
		case "defaults":
			diags = append(diags, single(block, decodeGroupBlock, &m.Defaults)...)
		case "locals":
			ls, ds := decodeLocalsBlock(block)
			diags = append(diags, ds...)
			for _, l := range ls {
				if prev, ok := m.locals[l.Name]; ok {
					diags = append(diags, &hcl.Diagnostic{
						Severity: hcl.DiagError,
						Summary:  "Duplicate local value definition",
						Detail:   fmt.Sprintf("A local value named %q was already defined at %s.", l.Name, where(prev.DeclRange)),
						Subject:  l.DeclRange.Ptr(),
					})
					continue
				}
				m.locals[l.Name] = l
				m.Locals = append(m.Locals, l)
			}
		default:
			diags = append(diags, labelled[block.Type](block)...)
		}
	}
	return diags
}

// labelledBlocks maps each labelled block type of rootSchema to the
// function that decodes a block of that type and registers it in m.
func (m *Module) labelledBlocks() map[string]func(*hcl.Block) hcl.Diagnostics {
	return map[string]func(*hcl.Block) hcl.Diagnostics{
		"variable":    registrar(decodeVariableBlock, m.variables, &m.Variables),
		"credentials": registrar(decodeCredentialsBlock, m.credentials, &m.Credentials),
		"group":       registrar(decodeGroupBlock, m.groups, &m.Groups),
		"device":      registrar(decodeDeviceBlock, m.devices, &m.Devices),
		"command":     registrar(decodeCommandBlock, m.commands, &m.Commands),
		"config":      registrar(decodeDesiredBlock, m.configs, &m.Configs),
		"output":      registrar(decodeOutputBlock, m.outputs, &m.Outputs),
		"jump_host":   registrar(decodeJumpHostBlock, m.jumpHosts, &m.JumpHosts),
	}
}

// single decodes a block a runbook has at most one of into *slot, or
// reports it as a second one.
func single[T any, P interface {
	*T
	declared
}](block *hcl.Block, decode func(*hcl.Block) (P, hcl.Diagnostics), slot *P) hcl.Diagnostics {
	v, diags := decode(block)
	if *slot != nil {
		return append(diags, duplicate(block, block.Type, "", (*slot).declRange()))
	}
	*slot = v
	return diags
}

// declared is a decoded block that knows where it is declared, for
// diagnostics about a second block of the same name.
type declared interface {
	declRange() hcl.Range
}

// registrar returns the function that decodes a labelled block and adds it
// to the module's map and list of its type, or reports it as a duplicate
// of the one declared first. Every decoder names its block by its label.
func registrar[T declared](decode func(*hcl.Block) (T, hcl.Diagnostics), byName map[string]T, list *[]T) func(*hcl.Block) hcl.Diagnostics {
	return func(block *hcl.Block) hcl.Diagnostics {
		v, diags := decode(block)
		name := block.Labels[0]
		if prev, ok := byName[name]; ok {
			return append(diags, duplicate(block, block.Type, name, prev.declRange()))
		}
		byName[name] = v
		*list = append(*list, v)
		return diags
	}
}

// declares reports whether the runbook declares what a reference
// kind.NAME names: kind is var, local, credentials, device, command, config
// or jump_host. It is the one check of references for being declared.
func (m *Module) declares(kind, name string) bool {
	var ok bool
	switch kind {
	case "var":
		_, ok = m.variables[name]
	case "local":
		_, ok = m.locals[name]
	case "credentials":
		_, ok = m.credentials[name]
	case "device":
		_, ok = m.devices[name]
	case string(KindCommand):
		_, ok = m.commands[name]
	case string(KindConfig):
		_, ok = m.configs[name]
	case "jump_host":
		_, ok = m.jumpHosts[name]
	}
	return ok
}

// attributes lists optional attributes for a block's schema.
func attributes(names ...string) []hcl.AttributeSchema {
	out := make([]hcl.AttributeSchema, len(names))
	for i, n := range names {
		out[i] = hcl.AttributeSchema{Name: n}
	}
	return out
}

func duplicate(block *hcl.Block, typ, name string, prev hcl.Range) *hcl.Diagnostic {
	if name == "" {
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Duplicate %s block", typ),
			Detail:   fmt.Sprintf("Only one %s block is allowed; the first was declared at %s.", typ, where(prev)),
			Subject:  block.DefRange.Ptr(),
		}
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Duplicate %s block", typ),
		Detail:   fmt.Sprintf("A %s block named %q was already declared at %s. Names must be unique within a runbook.", typ, name, where(prev)),
		Subject:  block.DefRange.Ptr(),
	}
}

// recoverDiags turns a panic into an error diagnostic: a runbook must never
// crash the tool, whatever it contains.
func recoverDiags(diags *hcl.Diagnostics) {
	if r := recover(); r != nil {
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Internal error in netrun",
			Detail:   fmt.Sprintf("netrun failed to process this runbook (%v). Please report this as a bug.", r),
		})
	}
}

// where names a place in a runbook for messages, as FILE:LINE.
func where(r hcl.Range) string {
	return fmt.Sprintf("%s:%d", r.Filename, r.Start.Line)
}
