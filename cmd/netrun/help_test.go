package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/posener/complete/v2"
)

// TestCommandHelp: every command's -help prints its synopsis, a
// description and each of its flags on stdout, and exits 0.
func TestCommandHelp(t *testing.T) {
	t.Parallel()
	for name, c := range commands {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h, ok := help[name]
			if !ok || h.summary == "" || h.text == "" {
				t.Fatalf("command %q has no help entry (help.go) with a summary and a description", name)
			}
			code, stdout, stderr := netrun(t, "", name, "-help")
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if want := "Usage: netrun [global options] " + name; !strings.HasPrefix(stdout, want+" ") && !strings.HasPrefix(stdout, want+"\n") {
				t.Errorf("help does not start with %q:\n%s", want, stdout)
			}
			if !strings.Contains(stdout, strings.Fields(h.text)[0]) {
				t.Errorf("help lacks the description:\n%s", stdout)
			}
			c.flags().VisitAll(func(f *flag.Flag) {
				if !strings.Contains(stdout, "\n  -"+f.Name) {
					t.Errorf("help lacks -%s:\n%s", f.Name, stdout)
				}
			})
		})
	}
	code, stdout, _ := netrun(t, "", "-help")
	if code != 0 {
		t.Errorf("netrun -help: exit %d", code)
	}
	for name := range commands {
		if !strings.Contains(stdout, "\n  "+name+" ") {
			t.Errorf("netrun -help does not list %s:\n%s", name, stdout)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string // in stderr; "" for no suggestion
	}{
		{[]string{"aply"}, `unknown command "aply". Did you mean "apply"?`},
		{[]string{"valdate"}, `Did you mean "validate"?`},
		{[]string{"outptu"}, `Did you mean "output"?`},
		{[]string{"force-unlok", "x"}, `Did you mean "force-unlock"?`},
		{[]string{"-chdri=.", "plan"}, `Did you mean "-chdir"?`},
		{[]string{"frobnicate"}, ""},
		{[]string{"apply", "-auto-aprove"}, `Did you mean "-auto-approve"?`},
		{[]string{"apply", "--auto-aprove=true"}, `Did you mean "-auto-approve"?`},
		{[]string{"plan", "-detailed-exit-code"}, `Did you mean "-detailed-exitcode"?`},
		{[]string{"plan", "-paralelism=3"}, `Did you mean "-parallelism"?`},
		{[]string{"sim", "-cuont=3"}, `Did you mean "-count"?`},
		{[]string{"output", "-jsn"}, `Did you mean "-json"?`},
		{[]string{"apply", "-frobnicate"}, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			code, _, stderr := netrun(t, "", tt.args...)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if tt.want == "" {
				if strings.Contains(stderr, "Did you mean") {
					t.Errorf("a suggestion for nothing close:\n%s", stderr)
				}
				return
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
		})
	}
}

// TestCompletionTree: the completion tree has every command, and each
// command every flag its parser defines.
func TestCompletionTree(t *testing.T) {
	t.Parallel()
	tree := completion()
	var names []string
	for name := range commands {
		names = append(names, name)
	}
	complete.Test(t, tree, "", append(names, "-h"))
	for name, c := range commands {
		t.Run(name, func(t *testing.T) {
			var want []string
			c.flags().VisitAll(func(f *flag.Flag) { want = append(want, "-"+f.Name) })
			if len(want) == 0 {
				return
			}
			complete.Test(t, tree, name+" -", append(want, "-h"))
		})
	}
	complete.Test(t, tree, "ap", []string{"apply"})
	complete.Test(t, tree, "apply -mode ", []string{"goroutine", "subprocess"})
	complete.Test(t, tree, "-chdir=examples pl", []string{"plan"})
}

// TestCompletionProcess: the shell runs netrun with COMP_LINE and
// COMP_POINT (complete -C); netrun prints the candidates and exits 0.
func TestCompletionProcess(t *testing.T) {
	t.Parallel()
	for line, want := range map[string][]string{
		"netrun ap":            {"apply"},
		"netrun apply -auto-a": {"-auto-approve"},
	} {
		cmd := netrunProcess()
		cmd.Env = append(cmd.Env, "COMP_LINE="+line, fmt.Sprintf("COMP_POINT=%d", len(line)))
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if got := strings.Fields(string(out)); !slices.Equal(got, want) {
			t.Errorf("%q: completions %q, want %q", line, got, want)
		}
	}
}

func TestInstallAutocomplete(t *testing.T) {
	var calls []string
	installCompletion = func(name string) error { calls = append(calls, "install "+name); return nil }
	uninstallCompletion = func(name string) error { calls = append(calls, "uninstall "+name); return nil }
	oldInstall, oldUninstall := installCompletion, uninstallCompletion
	t.Cleanup(func() { installCompletion, uninstallCompletion = oldInstall, oldUninstall })
	for _, arg := range []string{"-install-autocomplete", "-uninstall-autocomplete"} {
		if code, _, stderr := netrun(t, "", arg); code != 0 {
			t.Errorf("%s: exit %d\n%s", arg, code, stderr)
		}
	}
	if want := []string{"install netrun", "uninstall netrun"}; !slices.Equal(calls, want) {
		t.Errorf("calls %q, want %q", calls, want)
	}
}

// TestNoInput: with -input=false or NETRUN_IN_AUTOMATION, apply without
// -auto-approve fails at once rather than waiting for a "yes" on stdin
// (the process's stdin is left open and never written).
func TestNoInput(t *testing.T) {
	t.Parallel()
	dir := copyExample(t, "show-clock")
	for name, tc := range map[string]struct {
		env  []string
		args []string
	}{
		"-input=false":         {nil, []string{"apply", "-sim", "-input=false", dir}},
		"NETRUN_IN_AUTOMATION": {[]string{"NETRUN_IN_AUTOMATION=1"}, []string{"apply", "-sim", dir}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cmd := netrunProcess(tc.args...)
			cmd.Env = append(cmd.Env, tc.env...)
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			var errb strings.Builder
			cmd.Stderr = &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if code := waitExit(t, cmd, 20e9); code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if want := "apply needs -auto-approve when -input=false"; !strings.Contains(errb.String(), want) {
				t.Errorf("stderr lacks %q:\n%s", want, errb.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "netrun.state.json")); err == nil {
				t.Errorf("apply ran")
			}
		})
	}
	// A variable without a value is an error, never a prompt.
	vdir := runbookDir(t, `variable "who" { type = string }`+"\n")
	code, _, stderr := netrun(t, "", "validate", "-input=false", vdir)
	if code != 1 || !strings.Contains(stderr, "No value for required variable") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
}

// TestAutoVarFiles: netrun.vars, netrun.vars.json and *.auto.vars(.json)
// in the runbook directory load by themselves, above NETRUN_VAR_ and below
// -var-file and -var; *.auto.vars files in lexical order.
func TestAutoVarFiles(t *testing.T) {
	t.Parallel()
	src := labLogin + `
device "r1" {
  host        = "192.0.2.1"
  credentials = credentials.lab
}
command "show" {
  commands = ["a ${var.a}", "b ${var.b}", "c ${var.c}", "d ${var.d}", "e ${var.e}", "f ${var.f}"]
}
`
	for _, v := range []string{"a", "b", "c", "d", "e", "f"} {
		src += fmt.Sprintf("variable %q {\n  type = string\n}\n", v)
	}
	dir := runbookDir(t, src)
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("netrun.vars", "a = \"netrun.vars\"\nb = \"netrun.vars\"\nc = \"netrun.vars\"\nd = \"netrun.vars\"\ne = \"netrun.vars\"\n")
	write("netrun.vars.json", `{"b": "netrun.vars.json", "c": "netrun.vars.json", "d": "netrun.vars.json", "e": "netrun.vars.json"}`)
	write("1.auto.vars", "c = \"1.auto.vars\"\nd = \"1.auto.vars\"\ne = \"1.auto.vars\"\n")
	write("2.auto.vars.json", `{"d": "2.auto.vars.json", "e": "2.auto.vars.json"}`)
	write("0.auto.vars", "d = \"0.auto.vars\"\n")
	write("given.vars", "e = \"-var-file\"\n")
	write("x.auto.vars.bak", "a = \"not a variable file\"\n") // not a variable file
	cmd := netrunProcess("-chdir="+dir, "plan", "-var-file=given.vars", "-var", "f=-var")
	cmd.Env = append(cmd.Env, "NETRUN_VAR_a=env", "NETRUN_VAR_f=env")
	var errb strings.Builder
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out, errb.String())
	}
	for _, want := range []string{"a netrun.vars", "b netrun.vars.json", "c 1.auto.vars", "d 2.auto.vars.json", "e -var-file", "f -var"} {
		if !strings.Contains(string(out), want+"\n") {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
}
