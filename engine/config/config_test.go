package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/sshconn"
	"github.com/netrun/netrun/engine/config"
)

var testOptions = config.LoadOptions{
	Drivers:         []string{"ssh", "scrapli", "fake"},
	Platforms:       []string{"cisco_iosxe", "cisco_nxos", "arista_eos", "juniper_junos"},
	DefaultPlatform: "cisco_iosxe",
	DefaultDriver:   "ssh",
	Algorithms:      sshconn.Supported(),
	Schemas:         map[string]drivers.Schema{"fake": fakeSchema},
}

// fakeSchema is what a plugin driver "fake" declares: one attribute of
// each type, and a required one.
var fakeSchema = drivers.Schema{Attributes: []drivers.SchemaAttribute{
	{Name: "token", Type: "string", Required: true, Description: "API token"},
	{Name: "shell", Type: "string"},
	{Name: "env", Type: "map(string)"},
	{Name: "sudo", Type: "bool"},
	{Name: "retries", Type: "number"},
	{Name: "paths", Type: "list(string)"},
}}

// load loads and evaluates a runbook that must be valid.
func load(t *testing.T, dir string, in config.Inputs) *config.Runbook {
	t.Helper()
	parser, m := loadModule(t, dir)
	rb, diags := m.Evaluate(in, testOptions)
	if diags.HasErrors() {
		t.Fatalf("Evaluate(%s): %s", dir, diagText(parser, diags))
	}
	return rb
}

// loadModule loads dir and fails the test on errors; the parser lets
// diagText show snippets.
func loadModule(t *testing.T, dir string) (*hclparse.Parser, *config.Module) {
	t.Helper()
	parser := hclparse.NewParser()
	m, diags := config.Load(parser, dir)
	if diags.HasErrors() {
		t.Fatalf("Load(%s): %s", dir, diagText(parser, diags))
	}
	return parser, m
}

// writeRunbook writes src as the main.hcl of a new directory, returned.
func writeRunbook(t testing.TB, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func diagText(parser *hclparse.Parser, diags hcl.Diagnostics) string {
	var b strings.Builder
	w := hcl.NewDiagnosticTextWriter(&b, parser.Files(), 100, false)
	_ = w.WriteDiagnostics(diags)
	return b.String()
}

func ptr[T any](v T) *T { return &v }

var cmpOpts = []cmp.Option{
	cmpopts.IgnoreFields(config.Device{}, "DeclRange"),
	cmpopts.IgnoreFields(config.Command{}, "DeclRange", "DependsOnRanges"),
	cmpopts.EquateEmpty(),
	cmp.Comparer(func(a, b cty.Value) bool { return a.RawEquals(b) }),
}

func TestBasic(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "basic")
	rb := load(t, dir, config.Inputs{})

	keyFile, err := os.ReadFile(filepath.Join(dir, "id_test"))
	if err != nil {
		t.Fatal(err)
	}
	key := string(keyFile)
	creds := drivers.Credentials{Username: "cisco", Password: "s3cr3t-pass", Enable: "s3cr3t-pass", PrivateKey: key}
	wantDevices := []*config.Device{
		{
			Name: "r1", Address: "device.r1",
			Connection: config.Connection{Host: "10.0.0.1", Port: 10022, Credentials: creds, CredentialsName: "lab",
				Timeout: 30 * time.Second, KnownHosts: filepath.Join(dir, "known_hosts")},
			Platform: "cisco_iosxe", Driver: "ssh", Tags: []string{"core"}, Prompt: "^r1[>#]$",
			Sim: config.SimSettings{
				Password: ptr("other"), Latency: 200 * time.Millisecond, BannerDelay: time.Second,
				HangOn: []string{"show tech"}, PageLength: 24,
			},
		},
		{
			Name: "e1", Address: `device.edge["e1"]`,
			Connection: config.Connection{Host: "10.0.1.1", Port: 22, Credentials: creds, CredentialsName: "lab"},
			Platform:   "cisco_nxos", Driver: "ssh",
			Tags: []string{"e1", "edge"},
		},
		{
			Name: "e2", Address: `device.edge["e2"]`,
			Connection: config.Connection{Host: "10.0.1.2", Port: 22, Credentials: creds, CredentialsName: "lab"},
			Platform:   "arista_eos", Driver: "ssh",
			Tags: []string{"e2", "edge"},
		},
	}
	if diff := cmp.Diff(wantDevices, rb.Devices, cmpOpts...); diff != "" {
		t.Errorf("Devices (-want +got):\n%s", diff)
	}

	wantCommands := []*config.Command{
		{Name: "clock", Commands: []string{"show clock"}, Devices: []string{"e1", "e2"}, Timeout: 10 * time.Second},
		{Name: "version", Commands: []string{"show version", "show inventory"}, Devices: []string{"r1", "e2"}, DependsOn: []string{"command.clock"}},
		{Name: "by_name", Commands: []string{"show ip int brief"}, Devices: []string{"r1", "e1"}, DependsOn: []string{"command.clock", "command.version"}},
		{Name: "everywhere", Commands: []string{"show users"}, Devices: []string{"r1", "e1", "e2"}},
	}
	if diff := cmp.Diff(wantCommands, rb.Commands, cmpOpts...); diff != "" {
		t.Errorf("Commands (-want +got):\n%s", diff)
	}
	if r, ok := rb.Commands[2].DependsOnRanges["command.version"]; !ok || r.Start.Line != 16 || filepath.Base(r.Filename) != "commands.hcl" {
		t.Errorf("DependsOnRanges[version] = %v, want commands.hcl line 16", r)
	}

	if rb.Settings.Parallelism != 2 || rb.Settings.DeclRange.Start.Line != 1 {
		t.Errorf("Settings = %+v, want parallelism 2 declared on line 1", rb.Settings)
	}
	if got := rb.Devices[0].DeclRange; filepath.Base(got.Filename) != "devices.hcl" || got.Start.Line != 1 {
		t.Errorf("r1 DeclRange = %v", got)
	}

	wantSecrets := []string{key, "other", "s3cr3t-pass"}
	if diff := cmp.Diff(wantSecrets, rb.Secrets()); diff != "" {
		t.Errorf("Secrets (-want +got):\n%s", diff)
	}
}

func TestEvalOutputs(t *testing.T) {
	t.Parallel()
	rb := load(t, filepath.Join("testdata", "basic"), config.Inputs{})
	res := config.Results{
		Outputs: map[string]map[string][]string{
			"clock":   {"e1": {"08:00"}, "e2": {"09:00"}},
			"version": {"r1": {"v1", "inv1"}, "e2": {"v2", "inv2"}},
		},
		Failed: map[string][]string{"version": {"e2"}},
	}
	got, diags := rb.EvalOutputs(res)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	want := map[string]config.OutputValue{
		"clock": {Value: cty.MapVal(map[string]cty.Value{
			"e1": cty.StringVal("08:00"), "e2": cty.StringVal("09:00"),
		}), Command: "clock"},
		"version": {Value: cty.MapVal(map[string]cty.Value{
			"r1": cty.ListVal([]cty.Value{cty.StringVal("v1"), cty.StringVal("inv1")}),
		})},
		"failed":   {Value: cty.ListVal([]cty.Value{cty.StringVal("e2")})},
		"summary":  {Value: cty.ObjectVal(map[string]cty.Value{"r1": cty.NumberIntVal(2)})},
		"password": {Value: cty.StringVal("s3cr3t-pass"), Sensitive: true},
	}
	if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
		t.Errorf("EvalOutputs (-want +got):\n%s", diff)
	}

	// Before anything ran, the maps are empty, not missing.
	got, diags = rb.EvalOutputs(config.Results{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if v := got["clock"].Value; !v.RawEquals(cty.MapValEmpty(cty.String)) {
		t.Errorf("clock with no results = %#v, want an empty map", v)
	}
}

func TestYAMLAndTemplates(t *testing.T) {
	t.Parallel()
	rb := load(t, filepath.Join("testdata", "yaml"), config.Inputs{})
	type dev struct {
		Name, Address, Host, Prompt string
		Port                        int
		Tags                        []string
	}
	var got []dev
	for _, d := range rb.Devices {
		got = append(got, dev{d.Name, d.Address, d.Host, d.Prompt, d.Port, d.Tags})
	}
	want := []dev{
		{"leaf1", `device.leaf["leaf1"]`, "192.0.2.11", "", 22, []string{"dc1"}},
		{"leaf2", `device.leaf["leaf2"]`, "192.0.2.12", "", 2222, []string{"dc1", "pod2"}},
		{"s1", `device.spine["s1"]`, "s1.lab.example", "^s1[>#]$", 22, nil},
		{"s2", `device.spine["s2"]`, "s2.lab.example", "^s2[>#]$", 22, nil},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Devices (-want +got):\n%s", diff)
	}
	c := rb.Commands[0]
	if diff := cmp.Diff([]string{"leaf1", "leaf2", "s1", "s2"}, c.Devices); diff != "" {
		t.Errorf("banner devices (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"SHOW BANNER", "show run | i hostname"}, c.Commands); diff != "" {
		t.Errorf("banner commands (-want +got):\n%s", diff)
	}
}

func TestVariables(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "vars")
	file := filepath.Join("testdata", "varfiles", "file.hcl")
	json := filepath.Join("testdata", "varfiles", "file.json")
	type dev struct {
		Name, Host string
		Port       int
		Tags       []string
	}
	tests := []struct {
		name string
		in   config.Inputs
		want []dev
	}{
		{"defaults", config.Inputs{}, []dev{{"h0", "h0.default", 22, []string{"u"}}}},
		{"env", config.Inputs{Env: []string{"PATH=/bin", "NETRUN_VAR_site=env", "NETRUN_VAR_count=2", "NETRUN_VAR_untyped=[1]"}},
			[]dev{{"h0", "h0.env", 23, []string{"[1]"}}}},
		{"var file beats env", config.Inputs{Env: []string{"NETRUN_VAR_site=env"}, VarFiles: []string{file}},
			[]dev{{"h0", "h0.file", 24, []string{"u"}}}},
		{"json var file", config.Inputs{VarFiles: []string{file, json}},
			[]dev{{"j1", "j1.file", 2203, []string{"u"}}, {"j2", "j2.file", 24, []string{"u"}}}},
		{"-var beats all", config.Inputs{
			Env:      []string{"NETRUN_VAR_site=env"},
			VarFiles: []string{file},
			Vars:     []string{"site=flag", "count=10", `hosts=["a", "b"]`, `ports={a = 1000}`, "site=last=wins"},
		}, []dev{{"a", "a.last=wins", 1009, []string{"u"}}, {"b", "b.last=wins", 31, []string{"u"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rb := load(t, dir, tt.in)
			var got []dev
			for _, d := range rb.Devices {
				got = append(got, dev{d.Name, d.Host, d.Port, d.Tags})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("devices (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSensitiveVariable(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "vars")
	rb := load(t, dir, config.Inputs{Vars: []string{"token=flag-secret"}})
	if diff := cmp.Diff([]string{"flag-secret"}, rb.Secrets()); diff != "" {
		t.Errorf("Secrets (-want +got):\n%s", diff)
	}
	if got := rb.Devices[0].Credentials; got != (drivers.Credentials{}) {
		t.Errorf("device without credentials has %+v", got)
	}
	out, diags := rb.EvalOutputs(config.Results{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if got := out["token_len"]; !got.Sensitive || !got.Value.RawEquals(cty.NumberIntVal(11)) {
		t.Errorf("token_len = %#v", got)
	}
}

// TestInputErrors covers problems in -var, -var-file and the environment.
func TestInputErrors(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "vars")
	tests := []struct {
		name   string
		in     config.Inputs
		want   string // substring of the error
		file   string // base name of the subject's file, "" for none
		line   int
		secret string // must not appear in any diagnostic
	}{
		{name: "undeclared -var", in: config.Inputs{Vars: []string{"nosuch=1"}}, want: `declares no variable of that name`},
		{name: "malformed -var", in: config.Inputs{Vars: []string{"site"}}, want: "must be a variable name and a value"},
		{name: "-var of wrong type", in: config.Inputs{Vars: []string{`count=["x"]`}}, want: "number required", file: "main.hcl", line: 6},
		{name: "env of wrong type", in: config.Inputs{Env: []string{"NETRUN_VAR_hosts=12"}}, want: "list of string required", file: "main.hcl", line: 11},
		{name: "var file of wrong type", in: config.Inputs{VarFiles: []string{filepath.Join("testdata", "varfiles", "file.json")}, Vars: []string{"count=x"}},
			want: `"count" is not a valid number`, file: "main.hcl", line: 6},
		{name: "missing var file", in: config.Inputs{VarFiles: []string{"testdata/varfiles/nope.hcl"}}, want: "Failed to read file"},
		{name: "sensitive -var that is not an expression", in: config.Inputs{Vars: []string{`keys=["hunter22-secret"`}},
			want: "is not a valid expression", file: "main.hcl", line: 31, secret: "hunter22-secret"},
		{name: "sensitive value of the wrong type", in: config.Inputs{Vars: []string{`keys={a = "hunter22-secret"}`}},
			want: "list of string required", file: "main.hcl", line: 31, secret: "hunter22-secret"},
		{name: "short sensitive value keeps messages readable", in: config.Inputs{Vars: []string{"token=e", "nosuch=1"}},
			want: "declares no variable of that name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			parser, m := loadModule(t, dir)
			_, diags := m.Evaluate(tt.in, testOptions)
			if !diags.HasErrors() {
				t.Fatal("Evaluate succeeded, want an error")
			}
			if tt.secret != "" && strings.Contains(diagText(parser, diags), tt.secret) {
				t.Errorf("diagnostics show the secret:\n%s", diagText(parser, diags))
			}
			var found bool
			for _, d := range diags {
				text := d.Summary + ": " + d.Detail
				if !strings.Contains(text, tt.want) {
					continue
				}
				found = true
				if tt.file == "" {
					continue
				}
				if d.Subject == nil || filepath.Base(d.Subject.Filename) != tt.file || d.Subject.Start.Line != tt.line {
					t.Errorf("%q points to %v, want %s line %d", text, d.Subject, tt.file, tt.line)
				}
			}
			if !found {
				t.Errorf("no diagnostic contains %q in:\n%s", tt.want, diagText(parser, diags))
			}
		})
	}
}

func TestUndeclaredVarFileValueWarns(t *testing.T) {
	t.Parallel()
	parser, m := loadModule(t, filepath.Join("testdata", "vars"))
	_, diags := m.Evaluate(config.Inputs{VarFiles: []string{filepath.Join("testdata", "varfiles", "undeclared.hcl")}}, testOptions)
	if diags.HasErrors() || len(diags) != 1 || diags[0].Severity != hcl.DiagWarning || diags[0].Subject.Start.Line != 1 {
		t.Errorf("want one warning on line 1, got %s", diagText(parser, diags))
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{filepath.Join("testdata", "nope"), t.TempDir()} {
		_, diags := config.Load(hclparse.NewParser(), dir)
		if !diags.HasErrors() {
			t.Errorf("Load(%s) succeeded, want an error", dir)
		}
	}
}

func TestFileFunctionHome(t *testing.T) {
	// Not parallel: it sets HOME.
	home := t.TempDir()
	t.Setenv("HOME", home)
	if err := os.WriteFile(filepath.Join(home, "host.txt"), []byte("10.9.9.9"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := writeRunbook(t, `device "r1" {
  host        = trimspace(file("~/host.txt"))
  known_hosts = "~/.ssh/known_hosts"
}
`)
	rb := load(t, dir, config.Inputs{})
	d := rb.Devices[0]
	if d.Host != "10.9.9.9" || d.KnownHosts != filepath.Join(home, ".ssh", "known_hosts") {
		t.Errorf("got host %q, known_hosts %q", d.Host, d.KnownHosts)
	}
}
