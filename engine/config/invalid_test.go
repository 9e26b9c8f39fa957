package config_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/netrun/netrun/engine/config"
)

// expectation is an "# ERROR: message" comment: a diagnostic whose summary
// or detail contains message must point at this line of this file.
type expectation struct {
	file    string // base name
	line    int
	message string
}

var errorComment = regexp.MustCompile(`#\s*ERROR:\s*(.+?)\s*$`)

func readExpectations(t *testing.T, dir string) []expectation {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []expectation
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for line := 1; sc.Scan(); line++ {
			if m := errorComment.FindStringSubmatch(sc.Text()); m != nil {
				out = append(out, expectation{filepath.Base(name), line, m[1]})
			}
		}
		f.Close()
	}
	return out
}

// invalidCases lists testdata/invalid: a NAME.hcl file is a runbook of its
// own (copied into a directory alone), a directory is a runbook of several
// files.
func invalidCases(t *testing.T) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", "invalid"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{}
	for _, e := range entries {
		path := filepath.Join("testdata", "invalid", e.Name())
		if e.IsDir() {
			cases[e.Name()] = path
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), strings.TrimSuffix(e.Name(), ".hcl"))
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), src, 0o600); err != nil {
			t.Fatal(err)
		}
		cases[strings.TrimSuffix(e.Name(), ".hcl")] = dir
	}
	return cases
}

// loadAndEvaluate returns the diagnostics of Load or, when Load has no
// errors, of Evaluate.
func loadAndEvaluate(dir string) (*hclparse.Parser, hcl.Diagnostics) {
	parser := hclparse.NewParser()
	m, diags := config.Load(parser, dir)
	if diags.HasErrors() {
		return parser, diags
	}
	_, ds := m.Evaluate(config.Inputs{}, testOptions)
	return parser, append(diags, ds...)
}

func TestInvalid(t *testing.T) {
	t.Parallel()
	for name, dir := range invalidCases(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want := readExpectations(t, dir)
			if len(want) == 0 {
				t.Fatalf("%s has no # ERROR: comments", dir)
			}
			parser, diags := loadAndEvaluate(dir)
			matched := make([]bool, len(want))
			for _, d := range diags {
				if d.Severity != hcl.DiagError {
					continue
				}
				if d.Subject == nil {
					t.Errorf("diagnostic without a subject: %s: %s", d.Summary, d.Detail)
					continue
				}
				ok := false
				for i, w := range want {
					if w.file == filepath.Base(d.Subject.Filename) && w.line == d.Subject.Start.Line &&
						strings.Contains(d.Summary+": "+d.Detail, w.message) {
						matched[i], ok = true, true
					}
				}
				if !ok {
					t.Errorf("unexpected diagnostic:\n%s", diagText(parser, hcl.Diagnostics{d}))
				}
			}
			for i, w := range want {
				if !matched[i] {
					t.Errorf("%s line %d: no diagnostic contains %q; got:\n%s", w.file, w.line, w.message, diagText(parser, diags))
				}
			}
		})
	}
}

func TestDiagnosticTextShowsSource(t *testing.T) {
	t.Parallel()
	parser, diags := loadAndEvaluate(filepath.Join("testdata", "invalid", "duplicates_across_files"))
	text := diagText(parser, diags)
	for _, want := range []string{
		"Error: Duplicate device block",
		"on testdata/invalid/duplicates_across_files/b.hcl line 1, in device \"r1\":",
		`1: device "r1" {`,
		"testdata/invalid/duplicates_across_files/a.hcl:1.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}
}

func TestSensitiveValuesStayOutOfDiagnostics(t *testing.T) {
	t.Parallel()
	for name, dir := range invalidCases(t) {
		parser, diags := loadAndEvaluate(dir)
		text := diagText(parser, diags)
		// The snippet shows the source line with the default, which the
		// user wrote; values must not show anywhere else.
		text = strings.ReplaceAll(text, `default   = "hunter2-do-not-show"`, "")
		if strings.Contains(text, "hunter2") {
			t.Errorf("%s: diagnostics show a sensitive value:\n%s", name, text)
		}
	}
}

// TestGarbage feeds broken runbooks through everything: none may panic or
// fail inside netrun.
func TestGarbage(t *testing.T) {
	t.Parallel()
	inputs := []string{
		"",
		"{",
		"}}}}",
		"device",
		`device "r1" {`,
		"\x00\xff\xfe",
		`device "r1" { host = 1 + }`,
		`device "" { host = "x" }`,
		`device "r" "s" { host = "x" }`,
		`locals { a = local.a }`,
		`locals { a = [for x in local.b : x] b = local.a }`,
		`device "x" {
		  for_each = { a = 1 }
		  host = each.value.nope
		}`,
		`device "x" {
		  for_each = toset([""])
		  host = "h"
		}`,
		`device "x" {
		  for_each = { a = { b = null } }
		  host = each.value.b
		  port = null
		  tags = [null]
		}`,
		`device "x" {
		  host = "h"
		  tags = null
		  sim {}
		  sim {}
		}`,
		`command "c" {
		  commands = [for x in [] : x]
		  devices = {}
		}`,
		`command "c" {
		  commands = [null]
		  devices = [null, [[["x"]]], { a = "b" }]
		}`,
		`command "c" { commands = ["x"] devices = null }`,
		`output "o" { value = command }`,
		`output "o" { value = command.x.y.z }`,
		`output "o" { value = path.root }`,
		`variable "v" { type = list(nope) }`,
		`variable "v" { type = object({a = string}) default = { b = 1 } }`,
		`variable "v" { default = var.v }`,
		`netrun { parallelism = 1e100 }`,
		`netrun { parallelism = -0.5 }`,
		`netrun { parallelism = null }`,
		`netrun { parallelism = "two" }`,
		`credentials "c" { username = null }`,
		`credentials "c" { username = ["u"] password = 1 }`,
		`device "d" { host = "h" credentials = { name = "c" } }`,
		`device "d" { host = "h" timeout = "9999999999999999h" }`,
		`device "d" { host = "${"${"${"x"}"}"}" port = 1/0 }`,
		`device "d" { host = jsondecode("{") }`,
		`device "d" { host = yamldecode(": :") }`,
		`device "d" { host = templatefile("/dev/null", 1) }`,
		`device "d" { host = templatefile("/dev/null", { a = 1 }) }`,
		`device "d" { host = csvdecode("a,b\n1") }`,
		`device "d" { host = file("/") }`,
		`device "d" { host = try(local.nope, "x") }`,
		`jump_host "j" { host = "h" via = jump_host.j }`,
		`jump_host "j" { host = null port = null credentials = null ssh { macs = null } }`,
		`device "d" { host = "h" via = jump_host }`,
		`device "d" { host = "h" via = jump_host.x[0] }`,
		`device "d" { host = "h" host_key = [null] ssh { ciphers = [null] } }`,
		`device "d" { host = "h" host_key = null insecure_skip_host_key = true }`,
		`command "c" { commands = ["x"] expect = { (null) = "x" } }`,
		`command "c" { commands = ["x"] expect = null }`,
		`command "c" { commands = ["x"] expect = { for k in ["a"] : k => null } }`,
		`command "c" { commands = ["x"] expect = { a = { b = 1 } } }`,
		`device "d" { host = "h" driver = "fake" token = "t" env = { (null) = "x" } paths = null retries = 1e400 }`,
		`device "d" { host = "h" driver = "fake" token = [null] env = { a = null } sudo = null shell = {} }`,
		`device "d" { for_each = { a = "fake", b = null } host = "h" driver = each.value token = each.key x = each.nope }`,
		`device "d" { host = "h" driver = null token = "t" }`,
		strings.Repeat("(", 500) + "1" + strings.Repeat(")", 500),
		`locals { x = ` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + ` }`,
	}
	for i, src := range inputs {
		parser := hclparse.NewParser()
		m, diags := config.Load(parser, writeRunbook(t, src))
		if m != nil {
			// Bad inputs stop evaluation at the variables, so every input
			// is also evaluated without them, through every block.
			for _, in := range []config.Inputs{{}, {Vars: []string{"v=[", "=", "x"}, VarFiles: []string{"/nonexistent.json"}}} {
				rb, ds := m.Evaluate(in, testOptions)
				diags = append(diags, ds...)
				if rb != nil {
					_, ds := rb.EvalOutputs(config.Results{
						Outputs: map[string]map[string][]string{"c": {"nosuch": nil}},
						Failed:  map[string][]string{"c": {"x", "x"}},
					})
					diags = append(diags, ds...)
				}
			}
		}
		for _, d := range diags {
			if strings.Contains(d.Summary, "Internal error") {
				t.Errorf("input %d: %s: %s", i, d.Summary, d.Detail)
			}
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add(`device "r1" { host = "h" }`)
	f.Add(`locals { a = local.b b = 1 } command "c" { commands = [local.a] }`)
	f.Add(`device "r" { for_each = toset(["a"]) host = each.key } output "o" { value = device.r }`)
	f.Fuzz(func(t *testing.T, src string) {
		m, diags := config.Load(hclparse.NewParser(), writeRunbook(t, src))
		if m == nil {
			return
		}
		rb, ds := m.Evaluate(config.Inputs{}, testOptions)
		diags = append(diags, ds...)
		if rb != nil {
			_, ds = rb.EvalOutputs(config.Results{})
			diags = append(diags, ds...)
		}
		for _, d := range diags {
			if strings.Contains(d.Summary, "Internal error") {
				t.Errorf("%s: %s", d.Summary, d.Detail)
			}
		}
	})
}
