package platform

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/scrapli/scrapligo/assets"
	"gopkg.in/yaml.v3"
)

// builtin is one built-in platform: the scrapligo definition it is read
// from, and what netrun adds that scrapligo's definitions lack.
type builtin struct {
	name       string
	definition string // file under scrapligo's assets/platforms, without .yaml

	pager        string
	commit       string
	abort        string
	commitFailed []string
	expect       []Expect

	running string // shows the running configuration
	save    string // saves it to startup; "" when a commit already does
	saveAsk []Expect

	// dialect is the configuration dialect (dialect.go); commandsOnly
	// marks a platform that deliberately has none.
	dialect      *Dialect
	commandsOnly bool
}

// Reading and saving the configuration, for config blocks.
const (
	showRunning = "show running-config"
	copyRunning = "copy running-config startup-config"
)

// copyAnswers answer IOS's copy question with the default file.
var copyAnswers = []Expect{{Prompt: `Destination filename \[[^\]]*\]\?`, Answer: ""}}

// Pager prompts: Cisco and Arista print " --More-- ", Junos
// "---(more)---" or "---(more 42%)---".
const (
	morePager  = `(?i)\s*-+ ?more ?-+\s*$`
	junosPager = `\s*---\(more( \d+%)?\)---\s*$`
)

var builtins = []builtin{
	// No built-in platform answers questions by default: a copy or a reload
	// asks for a reason, and netmiko users know the pain of answers they
	// did not choose. Runbooks declare expect on the command.
	// Saving the configuration is different: netrun chose that answer (the
	// default file name) for its own save step, in SaveExpect.
	{name: "cisco_iosxe", definition: "cisco_iosxe", pager: morePager,
		running: showRunning, save: copyRunning, saveAsk: copyAnswers, dialect: &iosDialect},
	{name: "cisco_ios", definition: "cisco_iosxe", pager: morePager,
		running: showRunning, save: copyRunning, saveAsk: copyAnswers, dialect: &iosDialect},
	{name: "cisco_nxos", definition: "cisco_nxos", pager: morePager,
		running: showRunning, save: copyRunning, dialect: &nxosDialect},
	{name: "arista_eos", definition: "arista_eos", pager: morePager,
		running: showRunning, save: "write memory", dialect: &eosDialect},
	{name: "cisco_iosxr", definition: "cisco_iosxr", pager: morePager,
		commit: "commit", abort: "abort", commitFailed: []string{"% Failed to commit"},
		running: showRunning, dialect: &iosxrDialect},
	{name: "juniper_junos", definition: "juniper_junos", pager: junosPager,
		commit: "commit", abort: "rollback 0", commitFailed: []string{"error:", "commit failed"},
		running: "show configuration | display set", dialect: &junosDialect},
}

// definition is the part of a scrapligo platform definition netrun reads
// (scrapligo's platform.Definition, without pulling in its drivers).
type definition struct {
	PlatformType string `yaml:"platform-type"`
	Default      struct {
		DriverType      string `yaml:"driver-type"`
		PrivilegeLevels map[string]struct {
			Name           string   `yaml:"name"`
			Pattern        string   `yaml:"pattern"`
			NotContains    []string `yaml:"not-contains"`
			PreviousPriv   string   `yaml:"previous-priv"`
			Deescalate     string   `yaml:"deescalate"`
			Escalate       string   `yaml:"escalate"`
			EscalateAuth   bool     `yaml:"escalate-auth"`
			EscalatePrompt string   `yaml:"escalate-prompt"`
		} `yaml:"privilege-levels"`
		DefaultDesiredPrivilegeLevel string           `yaml:"default-desired-privilege-level"`
		FailedWhenContains           []string         `yaml:"failed-when-contains"`
		NetworkOnOpen                []map[string]any `yaml:"network-on-open"`
	} `yaml:"default"`
}

// Privilege level names in scrapligo's definitions.
const (
	levelExec   = "exec"
	levelPriv   = "privilege-exec"
	levelConfig = "configuration"
)

func builtinPlatforms() map[string]Platform {
	m := make(map[string]Platform, len(builtins))
	for _, b := range builtins {
		p, err := b.load()
		if err == nil {
			// Compiled now, so a pattern that does not compile is a broken
			// build rather than a failed session.
			_, err = p.Patterns()
		}
		if err != nil {
			// Definitions are embedded: a failure is a broken build, caught
			// by the package's tests.
			panic(fmt.Sprintf("platform %s: %v", b.name, err))
		}
		m[b.name] = p
	}
	return m
}

func (b builtin) load() (Platform, error) {
	src, err := assets.Assets.ReadFile("platforms/" + b.definition + ".yaml")
	if err != nil {
		return Platform{}, err
	}
	var d definition
	if err := yaml.Unmarshal(src, &d); err != nil {
		return Platform{}, fmt.Errorf("scrapligo definition %s: %v", b.definition, err)
	}
	if (b.dialect == nil) == !b.commandsOnly {
		return Platform{}, fmt.Errorf("a platform has a dialect or is marked commands-only, not both or neither")
	}
	if d.Default.DriverType != "network" {
		return Platform{}, fmt.Errorf("scrapligo definition %s is a %q driver, not network", b.definition, d.Default.DriverType)
	}
	p := Platform{
		Name:                     b.name,
		FailedWhenContains:       d.Default.FailedWhenContains,
		PagerPattern:             b.pager,
		CommitCommand:            b.commit,
		AbortConfigCommand:       b.abort,
		CommitFailedWhenContains: b.commitFailed,
		DefaultExpect:            b.expect,
		RunningConfigCommand:     b.running,
		SaveCommand:              b.save,
		SaveExpect:               b.saveAsk,
		DefaultPrivilege:         d.Default.DefaultDesiredPrivilegeLevel,
		CommandsOnly:             b.commandsOnly,
	}
	if b.dialect != nil {
		dl := *b.dialect
		dl.Name = b.name
		p.Dialect = &dl
	}

	// Only the levels netrun uses: tclsh, shells, "run" and the exclusive
	// configuration flavours are never entered, and their broad prompts
	// (Junos's shell: any line ending in % or $) would end commands early.
	levels := []string{levelExec, p.DefaultPrivilege, levelConfig}
	if p.DefaultPrivilege == levelExec {
		levels = levels[1:]
	}
	var prompts []string
	for _, name := range levels {
		l, ok := d.Default.PrivilegeLevels[name]
		if !ok {
			return Platform{}, fmt.Errorf("scrapligo definition %s has no %q privilege level", b.definition, name)
		}
		l.Pattern = trailingSpace(l.Pattern)
		if _, err := regexp.Compile(l.Pattern); err != nil {
			return Platform{}, fmt.Errorf("privilege level %s: %v", name, err)
		}
		p.Privileges = append(p.Privileges, Privilege{
			Name: l.Name, Pattern: l.Pattern, NotContains: l.NotContains,
			Previous: l.PreviousPriv, Escalate: l.Escalate, EscalateAuth: l.EscalateAuth,
			EscalatePrompt: l.EscalatePrompt, Deescalate: l.Deescalate,
		})
		prompts = append(prompts, "(?:"+l.Pattern+")")
		switch name {
		case levelExec:
			if p.DefaultPrivilege != levelExec {
				p.ExecPattern = l.Pattern
			} else {
				p.PrivPattern = l.Pattern
			}
		case levelPriv:
			p.PrivPattern = l.Pattern
			p.EnableCommand = l.Escalate
			p.PasswordPattern = l.EscalatePrompt
		case levelConfig:
			p.ConfigPattern = l.Pattern
			p.ConfigCommand = l.Escalate
			p.ExitConfigCommand = l.Deescalate
		}
	}
	p.PromptPattern = strings.Join(prompts, "|")

	for _, op := range d.Default.NetworkOnOpen {
		if c, ok := op["command"].(string); ok && op["operation"] == "driver.send-command" && c != "" {
			p.OnOpen = append(p.OnOpen, c)
		}
	}
	return p, nil
}

// trailingSpace lets a prompt pattern ending in "$" accept one trailing
// space, as scrapligo's patterns for every platform but IOS-XE already do:
// some IOS images and prompt customisations print "r1# ".
func trailingSpace(p string) string {
	if !strings.HasSuffix(p, "$") || strings.HasSuffix(p, `\s?$`) || strings.HasSuffix(p, `\s*$`) {
		return p
	}
	return strings.TrimSuffix(p, "$") + `\s?$`
}
