package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// savedPlanRunbook has a sensitive login password and a sensitive value in
// a configuration line; its devices and the text of each block are built
// from variables of several types that only plan -var gives.
const savedPlanRunbook = `
variable "password" {
  type      = string
  sensitive = true
}
variable "key" {
  type      = string
  sensitive = true
}
variable "what" {
  type = string
}
variable "ntp" {
  type = list(string)
}
# Not declared sensitive, but a secret all the same.
variable "enable" {
  type = string
}
credentials "lab" {
  username = "cisco"
  password = var.password
  enable   = var.enable
}
variable "hosts" {
  type = map(string)
}
device "r" {
  for_each    = var.hosts
  host        = each.value
  credentials = credentials.lab
}
command "show" {
  commands = ["show ${var.what}"]
}
command "ntp" {
  configure = [for s in var.ntp : "ntp server ${s}"]
}
command "users" {
  configure = ["username ops secret ${var.key}"]
}
`

// sentSteps counts "device task command" for every step of the last apply
// in dir's state.
func sentSteps(t *testing.T, dir string) map[string]int {
	t.Helper()
	var st struct {
		Devices map[string]struct {
			Commands map[string]struct {
				Status  string `json:"status"`
				Results []struct {
					Command string `json:"command"`
				} `json:"results"`
			} `json:"commands"`
		} `json:"devices"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "netrun.state.json"))), &st); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for dev, d := range st.Devices {
		for task, c := range d.Commands {
			if c.Status != "ok" {
				continue
			}
			for _, r := range c.Results {
				out[dev+" "+task+" "+r.Command]++
			}
		}
	}
	return out
}

// plannedSteps counts "device task command" for every step of a plan
// file, as apply records them (configuration lines sent at once).
func plannedSteps(t *testing.T, path string) map[string]int {
	t.Helper()
	var p struct {
		Devices []struct {
			Name  string `json:"name"`
			Steps []struct {
				Task     string   `json:"task"`
				Action   string   `json:"action"`
				Commands []string `json:"commands"`
			} `json:"steps"`
		} `json:"devices"`
	}
	if err := json.Unmarshal([]byte(readFile(t, path)), &p); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, d := range p.Devices {
		for _, s := range d.Steps {
			if s.Action == "configure" {
				out[d.Name+" "+s.Task+" "+strings.Join(s.Commands, "\n")]++
				continue
			}
			for _, c := range s.Commands {
				out[d.Name+" "+s.Task+" "+c]++
			}
		}
	}
	return out
}

// TestSavedPlanAppliesAnywhere: a plan saved with -var values applies from
// another working directory with no -var and no answer on stdin, sends
// exactly the planned steps, and refuses, step by step, the ones whose
// runbook text changed since.
func TestSavedPlanAppliesAnywhere(t *testing.T) {
	t.Parallel()
	const password, key, enable = "Pl4nPassw0rd", "K3yOfTheUsers", "En4bleSecr3t"
	dir := runbookDir(t, savedPlanRunbook)
	code, stdout, stderr := runIn(t, dir, "plan", "-sim", "-out=saved.plan", "-var", "enable="+enable,
		"-var", "password="+password, "-var", "key="+key, "-var", "what=clock", "-var", `ntp=["10.9.9.9","10.9.9.10"]`, "-var", `hosts={r1="192.0.2.1",r2="192.0.2.2"}`, ".")
	if code != 0 {
		t.Fatalf("plan -out: exit %d\n%s%s", code, stdout, stderr)
	}
	planFile := filepath.Join(dir, "saved.plan")
	fi, err := os.Stat(planFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("plan file mode %v, want 0600", fi.Mode().Perm())
	}
	// The plan carries the sensitive values once each, where it says so,
	// and nowhere else (commands, expect answers and diffs are masked).
	saved := readFile(t, planFile)
	for _, secret := range []string{password, key, enable} {
		if n := strings.Count(saved, secret); n != 1 {
			t.Errorf("the plan file holds %q %d times, want once (its variable's value):\n%s", secret, n, saved)
		}
	}
	var holds struct {
		HoldsSecrets []string `json:"holds_secrets"`
	}
	if err := json.Unmarshal([]byte(saved), &holds); err != nil || cmp.Diff(holds.HoldsSecrets, []string{"enable", "key", "password"}) != "" {
		t.Errorf("the plan file does not say which secrets it holds (%v):\n%s", err, saved)
	}

	// plan -json and apply -json show the plan, never its variables.
	code, stdout, stderr = netrun(t, "", "plan", "-json", "-out="+filepath.Join(t.TempDir(), "p.plan"), "-var", "enable="+enable,
		"-var", "password="+password, "-var", "key="+key, "-var", "what=clock", "-var", `ntp=["10.9.9.9"]`, "-var", `hosts={r1="192.0.2.1"}`, dir)
	if code != 0 || strings.Contains(stdout+stderr, password) || strings.Contains(stdout+stderr, key) {
		t.Errorf("plan -json -out: exit %d, or a secret in its output:\n%s%s", code, stdout, stderr)
	}
	// The values are the plan's: -var cannot change them.
	code, _, stderr = netrun(t, "", "apply", "-var", "what=version", planFile)
	if code != 1 || !strings.Contains(stderr, "takes no -var or -var-file") {
		t.Errorf("apply PLANFILE -var: exit %d\n%s", code, stderr)
	}

	elsewhere := t.TempDir()
	// The plan was made with -sim: it is applied to the simulators again
	// without saying so.
	code, stdout, stderr = runIn(t, elsewhere, "apply", planFile)
	if code != 0 {
		t.Fatalf("apply PLANFILE from another directory: exit %d\n%s%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "Enter a value") || strings.Contains(stdout, "Do you want") {
		t.Errorf("apply of a saved plan asked to go ahead:\n%s", stdout)
	}
	planned, sent := plannedSteps(t, planFile), sentSteps(t, dir)
	if diff := cmp.Diff(planned, sent); diff != "" {
		t.Errorf("apply sent other steps than planned (-planned +sent):\n%s", diff)
	}
	if !strings.Contains(stdout, "r1# show clock") || !strings.Contains(stdout, "ntp server 10.9.9.10") {
		t.Errorf("apply output lacks the planned commands:\n%s", stdout)
	}
	if strings.Contains(stdout+stderr, password) || strings.Contains(stdout+stderr, key) || strings.Contains(stdout+stderr, enable) {
		t.Errorf("a secret in apply's output:\n%s%s", stdout, stderr)
	}

	// The runbook's command text changes: that step is refused on every
	// device, with what changed; the others still apply.
	writeRunbook(t, dir, strings.Replace(savedPlanRunbook, `"show ${var.what}"`, `"show version"`, 1))
	code, stdout, stderr = runIn(t, elsewhere, "apply", "-sim", planFile)
	if code != 1 {
		t.Fatalf("apply of a plan whose runbook changed: exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	for _, dev := range []string{"r1", "r2"} {
		refusal := "\n  " + dev + `: command.show: stale plan: its commands changed since the plan was made (line 1 was "show clock", now "show version")`
		if !strings.Contains(stdout, refusal) {
			t.Errorf("no refusal of command.show on %s naming what changed:\n%s", dev, stdout)
		}
	}
	if strings.Contains(stdout, "# show version") {
		t.Errorf("the changed command was sent:\n%s", stdout)
	}
	got := sentSteps(t, dir)
	want := map[string]int{}
	for s, n := range planned {
		if !strings.Contains(s, " command.show ") {
			want[s] = n
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("steps applied besides the refused ones (-want +got):\n%s", diff)
	}
}
