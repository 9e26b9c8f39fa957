package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netrun/netrun/drivers"
)

// secretsRunbook uses two sensitive values in two blocks: one line holds the
// token alone, another the token and a value built from the password, so a
// masking of one line that depended on the other would show the password.
const secretsRunbook = labCredentials + `
variable "base_port" { type = number }
variable "token" { sensitive = true }
variable "password" { sensitive = true }

device "r1" {
  host        = "127.0.0.1"
  port        = var.base_port
  credentials = credentials.lab
  known_hosts = "sim_known_hosts"
}

# One line holds the token alone, the next one the token and the password.
command "one" {
  commands = ["show running-config | include ${var.token}"]
}

command "two" {
  commands = ["show running-config | include ${var.token} key-${var.password}"]
}

command "secret" {
  configure  = ["snmp-server community key-${var.password} RO"]
  depends_on = [command.two, config.ntp]
}

# The device echoes the secret inside a word of its own making.
command "three" {
  commands   = ["show running-config | include snmp-server"]
  depends_on = [command.secret]
}

config "ntp" {
  text = "ntp server 10.0.0.1"
}
`

// TestSecretsMaskedWhole greps everything a plan and an apply print and
// leave (stdout, stderr, plan -json, the saved plan, state, transcripts,
// backups) for each secret, over real SSH to a simulated router.
func TestSecretsMaskedWhole(t *testing.T) {
	dir := runbookDir(t, secretsRunbook)
	// The backup config.ntp takes holds the password too, inside a word.
	if err := os.WriteFile(filepath.Join(dir, "start.cfg"), []byte("hostname r1\nsnmp-server community ro-Pa55wordXyz7 RO\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, base := startFleet(t, dir, 1)
	vars := []string{"-var", fmt.Sprintf("base_port=%d", base), "-var", "token=Tok3nAlpha9q", "-var", "password=Pa55wordXyz7"}
	var shown []string
	for _, args := range [][]string{
		{"plan", "-out", filepath.Join(dir, "saved.plan"), dir},
		{"plan", "-json", dir},
		{"apply", "-auto-approve", "-transcript-dir", filepath.Join(dir, "transcripts"), dir},
		{"apply", "-json", "-auto-approve", dir},
	} {
		code, stdout, stderr := netrun(t, "", append(append(args[:1:1], vars...), args[1:]...)...)
		if code != 0 {
			t.Fatalf("netrun %s: exit %d\n%s\n%s", args[0], code, stdout, stderr)
		}
		shown = append(shown, strings.Join(args[:2], " ")+" stdout:\n"+stdout, args[0]+" stderr:\n"+stderr)
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "main.hcl" || d.Name() == "start.cfg" {
			return err
		}
		data, err := os.ReadFile(path)
		if err == nil && d.Name() == "saved.plan" {
			data, err = withoutVariables(data)
		}
		shown = append(shown, path+":\n"+string(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	for _, text := range shown {
		for _, secret := range []string{"Tok3nAlpha9q", "Pa55wordXyz7"} {
			if strings.Contains(text, secret) {
				t.Errorf("%q shown in %s", secret, text)
			}
		}
		if strings.Contains(text, "(sensitive) key-") || strings.Contains(text, "show (sensitive)") && strings.Contains(text, "key-") {
			t.Errorf("a line built from secrets is masked in part:\n%s", text)
		}
		files++
	}
	if files < 8 {
		t.Errorf("checked %d outputs and files, want the plan, state, transcript and backup among them", files)
	}
}

// withoutVariables is a saved plan without its variables: the one place a
// plan file holds secrets in clear, as README's "Saved plans" says (the
// file is 0600 and lists them in holds_secrets; TestSavedPlanAppliesAnywhere
// checks that part).
func withoutVariables(data []byte) ([]byte, error) {
	var p map[string]json.RawMessage
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, err
	}
	delete(p, "variables")
	return json.Marshal(p)
}

// TestLoginErrorNamesUser: the username is shown as the username, even when
// a password equals it (show-clock-errors logs in as cisco with password
// cisco, and r2 refuses it).
func TestLoginErrorNamesUser(t *testing.T) {
	dir := copyExample(t, "show-clock-errors")
	stdout, _ := applyExpect(t, 1, "-sim", "-auto-approve", dir)
	if !strings.Contains(stdout, `authentication failed for user "cisco"`) || strings.Contains(stdout, `user "(sensitive)"`) {
		t.Errorf("the login error does not name the user:\n%s", stdout)
	}
}

// TestShortSecretMaskedAsWord: a short secret (the lab password cisco) is
// masked in device output where it stands as a word, and left alone inside
// one, as the README says.
func TestShortSecretMaskedAsWord(t *testing.T) {
	dir := runbookDir(t, labCredentials+`
device "r1" {
  host        = "192.0.2.1"
  credentials = credentials.lab
}

command "version" {
  commands = ["show version"]
}
`)
	stdout, _ := applyExpect(t, 0, "-sim", "-auto-approve", dir)
	for _, want := range []string{"by (sensitive) Systems", "http://www.cisco.com/techsupport", "export@cisco.com"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q in:\n%s", want, stdout)
		}
	}
}

// TestPluginStderrMasked: a plugin that panics with its credentials in the
// message: its relayed stderr and the device's error show them masked.
func TestPluginStderrMasked(t *testing.T) {
	t.Parallel()
	dir := echoPluginRunbook(t, "leak")
	code, stdout, stderr := netrun(t, "", "apply", "-auto-approve", "-var", "password=Pa55wordXyz7", dir)
	if code != 1 {
		t.Fatalf("apply exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "panic: boom: password ") || strings.Contains(stdout+stderr, "Pa55wordXyz7") {
		t.Errorf("the panic is not relayed masked:\n%s\n%s", stdout, stderr)
	}
}

// TestPluginEnvironment reads the environment of a live plugin process
// netrun started while a -var value was given as NETRUN_VAR_password: the
// value is not there.
func TestPluginEnvironment(t *testing.T) {
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("reads /proc/PID/environ")
	}
	dir := echoPluginRunbook(t, "pid")
	t.Setenv("NETRUN_VAR_password", "Pa55wordXyz7")
	c := loadRunbook(t, dir, 1, "", io.Discard)
	sess, err := c.set.reg["echo"].Open(context.Background(), drivers.Target{Name: "d1", Host: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	res, err := sess.Run(context.Background(), "pid")
	if err != nil {
		t.Fatal(err)
	}
	env := readFile(t, "/proc/"+res.Output+"/environ")
	if strings.Contains(env, "NETRUN_VAR_") || strings.Contains(env, "Pa55wordXyz7") {
		t.Errorf("the plugin's environment holds the -var value:\n%s", strings.ReplaceAll(env, "\x00", "\n"))
	}
}

// echoPluginRunbook is a runbook directory with the echo test plugin and
// one device d1 of it, logging in with var.password, that runs command.
func echoPluginRunbook(t *testing.T, command string) string {
	t.Helper()
	dir := t.TempDir()
	buildPlugin(t, "github.com/netrun/netrun/drivers/plugin/testdata/plugin-echo", filepath.Join(dir, ".netrun", "plugins"), "netrun-driver-echo")
	writeRunbook(t, dir, fmt.Sprintf(`
variable "password" { sensitive = true }
credentials "lab" {
  username = "u"
  password = var.password
}
device "d1" {
  host        = "127.0.0.1"
  driver      = "echo"
  credentials = credentials.lab
  mode        = "plain"
}
command "run" {
  commands = [%q]
}
`, command))
	return dir
}
