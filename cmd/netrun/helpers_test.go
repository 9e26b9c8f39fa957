package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netrun/netrun/cmd/netrun/views"
	"github.com/netrun/netrun/sim"
)

// The helpers every test file of netrun's command line uses.

// netrun runs the command line in-process and returns its exit status and
// streams.
func netrun(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// applyExpect runs netrun apply with args and stops the test unless it
// exits with want.
func applyExpect(t *testing.T, want int, args ...string) (stdout, stderr string) {
	t.Helper()
	code, stdout, stderr := netrun(t, "", append([]string{"apply"}, args...)...)
	if code != want {
		t.Fatalf("apply exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, want, stdout, stderr)
	}
	return stdout, stderr
}

// netrunProcess is this test binary as a netrun process (see TestMain)
// with args, not started.
func netrunProcess(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "NETRUN_TEST_AS_MAIN=1")
	return cmd
}

// startNetrun starts netrunProcess(args) with env added to its
// environment, and returns it with its stderr.
func startNetrun(t *testing.T, env []string, args ...string) (*exec.Cmd, io.ReadCloser) {
	t.Helper()
	cmd := netrunProcess(args...)
	cmd.Env = append(cmd.Env, env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, stderr
}

// runIn runs netrun as a process in dir, with no stdin and no NETRUN_VAR_
// variables in its environment.
func runIn(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NETRUN_VAR_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "NETRUN_TEST_AS_MAIN=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

// scanUntil reads lines until one contains substr (or the stream ends) and
// returns the lines read.
func scanUntil(sc *bufio.Scanner, substr string) []string {
	var seen []string
	for sc.Scan() {
		seen = append(seen, sc.Text())
		if strings.Contains(sc.Text(), substr) {
			break
		}
	}
	return seen
}

// waitExit waits for cmd to end, killing it after within, and returns its
// exit status (-1 for a process killed by a signal).
func waitExit(t *testing.T, cmd *exec.Cmd, within time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(within):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("netrun did not exit within %s", within)
		return 0
	}
}

// fastAndSlow declares var.hang (default as given) and two simulated
// routers with the lab credentials: fast at 192.0.2.1, and slow at
// 192.0.2.2, which with hang never answers show tech-support, for tests
// that stop a run mid-step.
func fastAndSlow(hang bool) string {
	return fmt.Sprintf(`
variable "hang" {
  type    = bool
  default = %v
}
`, hang) + labCredentials + `
device "fast" {
  host        = "192.0.2.1"
  credentials = credentials.lab
}
device "slow" {
  host        = "192.0.2.2"
  credentials = credentials.lab
  timeout     = "5m"
  sim { hang_on = var.hang ? ["show tech-support"] : [] }
}
`
}

// copyExample copies examples/NAME to a temporary directory, so the state
// an apply writes stays out of the source tree.
func copyExample(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("..", "..", "examples", name)
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if d.Name() == "netrun.state.json" { // left by someone trying the example
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// writeRunbook writes src as dir's main.hcl.
func writeRunbook(tb testing.TB, dir, src string) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// runbookDir is a temporary runbook directory with src as its main.hcl.
func runbookDir(tb testing.TB, src string) string {
	tb.Helper()
	dir := tb.TempDir()
	writeRunbook(tb, dir, src)
	return dir
}

// labLogin is a credentials block "lab" with the simulated routers' default
// login; labCredentials adds their enable secret.
const labLogin = `
credentials "lab" {
  username = "cisco"
  password = "cisco"
}
`

// labCredentials: see labLogin.
const labCredentials = `
credentials "lab" {
  username = "cisco"
  password = "cisco"
  enable   = "cisco"
}
`

// loadRunbook runs the commands' preamble on dir without the signal
// handling: drivers, runbook, plan at parallelism, execution mode. The
// worker and plugin processes stop when the test ends.
func loadRunbook(tb testing.TB, dir string, parallelism int, mode string, stderr io.Writer) *runbookCmd {
	tb.Helper()
	set, err := discoverDrivers(context.Background(), dir, stderr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(set.Close)
	c := &runbookCmd{ctx: context.Background(), stop: func() {}, set: set, stderr: stderr}
	var diags bytes.Buffer
	if !c.load(runbookArgs{Dir: dir, Parallelism: parallelism, Mode: mode}, &views.View{Stdout: &diags, Stderr: &diags}) {
		tb.Fatalf("the runbook does not load:\n%s", diags.String())
	}
	return c
}

// startFleet serves n simulated routers on consecutive loopback ports,
// starting from the runbook directory's start.cfg if it has one, writes
// their keys to the directory's sim_known_hosts, and returns the first port.
func startFleet(t *testing.T, dir string, n int) (*sim.Fleet, int) {
	t.Helper()
	cfg := readIfExists(filepath.Join(dir, "start.cfg"))
	key, err := sim.NewHostKey()
	if err != nil {
		t.Fatal(err)
	}
	for range 20 { // consecutive free ports: try a few random bases
		base := 20000 + rand.IntN(30000)
		fleet, err := sim.StartFleet(fmt.Sprintf("127.0.0.1:%d", base), n, "r",
			sim.Device{Username: "cisco", Password: "cisco", Enable: "cisco", Config: cfg}, key)
		if err != nil {
			continue
		}
		t.Cleanup(func() { fleet.Close() })
		if err := os.WriteFile(filepath.Join(dir, "sim_known_hosts"), []byte(fleet.KnownHosts()), 0o644); err != nil {
			t.Fatal(err)
		}
		return fleet, base
	}
	t.Fatal("no free ports")
	return nil, 0
}

// buildPlugin builds a package into dir as name, for plugin tests.
func buildPlugin(t *testing.T, pkg, dir, name string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "build", "-o", filepath.Join(dir, name), pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func readIfExists(path string) string {
	data, _ := os.ReadFile(path)
	return string(data)
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
