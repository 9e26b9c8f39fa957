package main

import (
	"bufio"
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// threeNamesRunbook declares devices (by for_each keys, which may hold any
// character) whose names differ only in characters a file name cannot hold
// as they are, one per simulated router from base_port on, and a config
// block for all of them.
const threeNamesRunbook = `
variable "base_port" {
  type = number
}
` + labCredentials + `
device "r" {
  for_each    = { "a/b" = 0, "a_b" = 1, "a:b" = 2 }
  host        = "127.0.0.1"
  port        = var.base_port + each.value
  credentials = credentials.lab
  known_hosts = "sim_known_hosts"
}
config "ntp" {
  text = "ntp server 10.0.0.1"
}
`

// TestDeviceFilesDoNotCollide: devices a/b, a_b and a:b each get their own
// backup, applied configuration and transcript, and the drift check after
// an apply over SSH finds each in sync with what it was left as.
func TestDeviceFilesDoNotCollide(t *testing.T) {
	t.Parallel()
	dir := runbookDir(t, threeNamesRunbook)
	fleet, base := startFleet(t, dir, 3)
	names := []string{"a/b", "a_b", "a:b"}
	for i, s := range fleet.Servers {
		if err := s.SetRunningConfig(s.RunningConfig() + fmt.Sprintf("\nsnmp-server location rack-%d\n", i)); err != nil {
			t.Fatal(err)
		}
	}
	port := fmt.Sprintf("base_port=%d", base)
	tr := filepath.Join(dir, "transcripts")
	applyExpect(t, 0, "-auto-approve", "-transcript-dir", tr, "-var", port, dir)

	for _, sub := range []string{"backups", "results", filepath.Join(".netrun", "applied")} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != len(names) {
			t.Errorf("%s holds %d files, want one per device: %v", sub, len(entries), entries)
		}
	}
	if entries, _ := os.ReadDir(tr); len(entries) != len(names) {
		t.Errorf("transcripts holds %d files, want one per device: %v", len(entries), entries)
	}
	for i, name := range names {
		backup := readFile(t, filepath.Join(dir, "backups", deviceFile(name)+".cfg"))
		if want := fmt.Sprintf("rack-%d", i); !strings.Contains(backup, want) {
			t.Errorf("the backup of %s lacks its own %s:\n%s", name, want, backup)
		}
		if log := readFile(t, filepath.Join(tr, deviceFile(name)+".log")); !strings.Contains(log, "transcript of "+name+" ") {
			t.Errorf("the transcript file of %s is another device's:\n%s", name, log)
		}
	}

	code, stdout, stderr := netrun(t, "", "plan", "-refresh-only", "-detailed-exitcode", "-var", port, dir)
	if code != 0 || strings.Contains(stdout, "drifted") {
		t.Errorf("refresh-only after apply: exit %d, want 0 and no drift\n%s%s", code, stdout, stderr)
	}
}

// deviceFile is the file name netrun gives a device's files.
func deviceFile(name string) string {
	return map[string]string{"a/b": "a%2Fb", "a_b": "a_b", "a:b": "a%3Ab"}[name]
}

// TestSymlinksNotFollowed plants, for each kind of file netrun writes, a
// symbolic link at the file's path pointing outside the runbook, and runs
// the command that writes it over SSH: the link is replaced by the file (or
// refused, naming the link, where the file is written in place), and the
// file outside is untouched.
func TestSymlinksNotFollowed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, link string
		args       []string // DIR stands for the runbook directory
		refused    bool     // written in place: the link is refused, not replaced
		outside    string   // what the link points to: something netrun reads, unless empty
	}{
		{"transcript", "transcripts/r1.log", []string{"apply", "-auto-approve", "-transcript-dir", "DIR/transcripts"}, false, ""},
		{"backup", "backups/r1.cfg", []string{"apply", "-auto-approve"}, false, ""},
		{"applied", ".netrun/applied/r1.cfg", []string{"apply", "-auto-approve"}, false, ""},
		{"result", "results/r1.txt", []string{"apply", "-auto-approve"}, false, ""},
		{"state", "netrun.state.json", []string{"apply", "-auto-approve"}, false, ""},
		{"plan file", "r1.plan", []string{"plan", "-out", "DIR/r1.plan"}, false, ""},
		{"lock", ".netrun.lock", []string{"apply", "-auto-approve"}, true, ""},
		{"known_hosts", "tofu_known_hosts", []string{"apply", "-auto-approve", "-accept-new-host-keys", "-var", "known_hosts=tofu_known_hosts"}, true, "# not netrun's\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := runbookDir(t, `
variable "base_port" {
  type = number
}
variable "known_hosts" {
  type    = string
  default = "sim_known_hosts"
}
`+labCredentials+`
device "r1" {
  host        = "127.0.0.1"
  port        = var.base_port
  credentials = credentials.lab
  known_hosts = var.known_hosts
}
config "ntp" {
  text = "ntp server 10.0.0.1"
}
`)
			_, base := startFleet(t, dir, 1)
			outside := plantLink(t, dir, c.link, c.outside)
			var args []string
			for _, a := range c.args {
				args = append(args, strings.Replace(a, "DIR", dir, 1))
			}
			args = append(args, "-var", fmt.Sprintf("base_port=%d", base), dir)
			code, stdout, stderr := netrun(t, "", args...)
			checkOutside(t, outside, c.outside)
			fi, err := os.Lstat(filepath.Join(dir, c.link))
			if c.refused {
				if code == 0 || !strings.Contains(stdout+stderr, "symbolic link") {
					t.Errorf("%s: exit %d, want the link refused by name\n%s%s", c.args[0], code, stdout, stderr)
				}
				return
			}
			if code != 0 {
				t.Fatalf("%s: exit %d\n%s%s", c.args[0], code, stdout, stderr)
			}
			if err != nil || !fi.Mode().IsRegular() {
				t.Errorf("%s is not a regular file after %s: %v %v", c.link, c.args[0], fi, err)
			}
		})
	}
}

// TestSimKnownHostsSymlink: `netrun sim -known-hosts` replaces a link at
// the file's path rather than writing the keys where it points.
func TestSimKnownHostsSymlink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	outside := plantLink(t, dir, "kh", "")
	cmd := exec.Command(os.Args[0], "sim", "-count", "1", "-listen", "127.0.0.1:0", "-known-hosts", filepath.Join(dir, "kh"))
	cmd.Env = append(os.Environ(), "NETRUN_TEST_AS_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	seen := scanUntil(bufio.NewScanner(stdout), "Press Ctrl-C")
	_ = cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Errorf("netrun sim: %v\n%s", err, strings.Join(seen, "\n"))
	}
	checkOutside(t, outside, "")
	if kh := readFile(t, filepath.Join(dir, "kh")); !strings.Contains(kh, "ssh-ed25519") {
		t.Errorf("kh has no host key:\n%s", kh)
	}
}

// plantLink makes rel under dir a symbolic link to a file outside dir
// holding text ("{}", which reads as an empty state, if text is empty) and
// returns that file's path.
func plantLink(t *testing.T, dir, rel, text string) string {
	t.Helper()
	text = cmp.Or(text, "{}\n")
	outside := filepath.Join(t.TempDir(), "t.txt")
	if err := os.WriteFile(outside, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	return outside
}

// checkOutside fails the test unless the file plantLink made still holds
// text.
func checkOutside(t *testing.T, outside, text string) {
	t.Helper()
	if got := readFile(t, outside); got != cmp.Or(text, "{}\n") {
		t.Errorf("the file the link pointed to was written:\n%s", got)
	}
}
