package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netrun/netrun/drivers/drivertest"
)

// TestApplySSHD: netrun apply, as its own process, against a real OpenSSH
// server (skipped when none is installed) whose login shell is not a
// network CLI, with a private key and the host key verified from the
// runbook's known_hosts, by both drivers.
func TestApplySSHD(t *testing.T) {
	t.Parallel()
	s, key := drivertest.StartSSHDCLI(t)
	for _, drv := range []string{"ssh", "scrapli"} {
		t.Run(drv, func(t *testing.T) {
			t.Parallel()
			dir := runbookDir(t, fmt.Sprintf(`
credentials "key" {
  username    = %q
  private_key = file("id_ed25519")
}
device "r1" {
  host                   = "127.0.0.1"
  port                   = %d
  driver                 = %q
  credentials            = credentials.key
  known_hosts            = %q
  insecure_skip_host_key = false
  timeout                = "10s"
}
command "clock" {
  commands = ["show clock"]
}
`, s.User, s.Port, drv, s.KnownHosts))
			if err := os.WriteFile(filepath.Join(dir, "id_ed25519"), []byte(key), 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "apply", "-auto-approve", dir)
			cmd.Env = append(os.Environ(), "NETRUN_TEST_AS_MAIN=1")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("netrun apply: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
			}
			for _, want := range []string{drivertest.CLIOutputs["show clock"], "Apply complete: 1 succeeded, 0 failed"} {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			if strings.Contains(stdout.String()+stderr.String(), "PRIVATE KEY") {
				t.Errorf("the private key leaks into the output")
			}
		})
	}
}
