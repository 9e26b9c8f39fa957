package plugin_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/drivertest"
	"github.com/netrun/netrun/drivers/plugin"
)

// Test executables, built once by TestMain.
var (
	echoPath     string // testdata/plugin-echo as netrun-driver-echo
	v2Path       string // testdata/plugin-v2
	notAPlugPath string // testdata/not-a-plugin
	workerPath   string // testdata/plugin-worker
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "netrun-plugin-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	build := exec.Command("go", "build", "-o", dir+string(filepath.Separator),
		"./testdata/plugin-echo", "./testdata/plugin-v2", "./testdata/not-a-plugin", "./testdata/plugin-worker")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building test plugins:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	echoPath = filepath.Join(dir, "netrun-driver-echo")
	if err := os.Rename(filepath.Join(dir, "plugin-echo"), echoPath); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	v2Path = filepath.Join(dir, "plugin-v2")
	notAPlugPath = filepath.Join(dir, "not-a-plugin")
	workerPath = filepath.Join(dir, "plugin-worker")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func echoCmd() *exec.Cmd   { return exec.Command(echoPath) }
func workerCmd() *exec.Cmd { return exec.Command(echoPath, "worker") }

// newPool returns a pool of the echo plugin, closed at the end of the test,
// which then checks that no process is left.
func newPool(t *testing.T, size int, opts ...plugin.PoolOption) *plugin.Pool {
	t.Helper()
	p := plugin.NewPool("echo", echoCmd, size, opts...)
	t.Cleanup(func() {
		p.Close()
		checkNoChildren(t)
	})
	return p
}

func open(t *testing.T, d drivers.Driver, name string) drivers.Session {
	t.Helper()
	s, err := d.Open(context.Background(), drivers.Target{Name: name, Host: "127.0.0.1", Port: 22})
	if err != nil {
		t.Fatalf("Open %s: %v", name, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func run(t *testing.T, s drivers.Session, command string) string {
	t.Helper()
	res, err := s.Run(context.Background(), command)
	if err != nil {
		t.Fatalf("Run %q: %v", command, err)
	}
	return res.Output
}

func pidOf(t *testing.T, s drivers.Session) int {
	t.Helper()
	pid, err := strconv.Atoi(run(t, s, "pid"))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// alive reports whether pid runs (a zombie does not: orphans are reaped by
// whatever init the test runs under, if at all).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || !strings.HasPrefix(s[i+1:], " Z")
}

func waitGone(t *testing.T, pids ...int) {
	t.Helper()
	if runtime.GOOS != "linux" {
		return
	}
	deadline := time.Now().Add(3 * time.Second)
	for _, pid := range pids {
		for alive(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("process %d still running", pid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// children lists the processes whose parent is the test, zombies included
// (a zombie child is one nobody waited for).
func children() []int {
	var out []int
	ps, _ := drivertest.Processes()
	for _, p := range ps {
		if p.PPID == os.Getpid() {
			out = append(out, p.PID)
		}
	}
	return out
}

func checkNoChildren(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		return
	}
	if c := children(); len(c) > 0 {
		t.Errorf("processes left behind: %v", c)
	}
}

func TestRoundTrip(t *testing.T) {
	p := newPool(t, 2)
	target := drivers.Target{
		Name:        "r1",
		Host:        "192.0.2.1",
		Port:        2222,
		Platform:    "cisco_nxos",
		Credentials: drivers.Credentials{Username: "cisco", Password: "secret"},
		Timeout:     7 * time.Second,
		HostKeys:    []string{"SHA256:abc"},
		Settings:    map[string]any{"mode": "loud", "retries": 3.0, "tags": []any{"a", "b"}},
	}
	s, err := p.Open(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	if got := run(t, s, "show clock"); got != "echo: show clock" {
		t.Errorf("Run = %q", got)
	}
	res, err := s.Run(context.Background(), "target", drivers.WithExpect(drivers.Expect{Prompt: `\[confirm\]`, Answer: "y"}))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(res.Output), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"name": "r1", "host": "192.0.2.1", "port": 2222.0, "platform": "cisco_nxos", "username": "cisco",
		"timeout": "7s", "hostkeys": []any{"SHA256:abc"},
		"settings":   map[string]any{"mode": "loud", "retries": 3.0, "tags": []any{"a", "b"}},
		"expect":     []any{map[string]any{"prompt": `\[confirm\]`, "answer": "y"}},
		"transcript": false, "logger": false,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("target as the plugin saw it (-want +got):\n%s", d)
	}
	if res.Started.IsZero() || res.Finished.Before(res.Started) {
		t.Errorf("times not kept: %v %v", res.Started, res.Finished)
	}

	res, err = s.Configure(context.Background(), []string{"ntp server 1.1.1.1", "ntp server 2.2.2.2"})
	if err != nil || res.Output != "echo: ntp server 1.1.1.1;ntp server 2.2.2.2" {
		t.Errorf("Configure = %q, %v", res.Output, err)
	}
	res, err = s.Run(context.Background(), "fail")
	if err != nil || !res.Failed || !strings.Contains(res.Output, "% Invalid input") {
		t.Errorf("failed command = %+v, %v", res, err)
	}
	if res, err := s.Run(context.Background(), "big 1000000"); err != nil || len(res.Output) != 1000000 {
		t.Errorf("big output: %d bytes, %v", len(res.Output), err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(context.Background(), "x"); !errors.Is(err, drivers.ErrClosed) {
		t.Errorf("Run after Close: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestErrorsCrossTheWire(t *testing.T) {
	p := newPool(t, 1)
	_, err := p.Open(context.Background(), drivers.Target{Name: "r1", Host: "badauth", Credentials: drivers.Credentials{Username: "bob"}})
	if !errors.Is(err, drivers.ErrAuth) || err.Error() != "device r1: authentication failed for user bob" {
		t.Errorf("Open: %v, want ErrAuth with the driver's message", err)
	}
	s := open(t, p, "r2")
	if _, err := s.Run(context.Background(), "auth"); !errors.Is(err, drivers.ErrAuth) || errors.Is(err, drivers.ErrTimeout) {
		t.Errorf("Run auth: %v, want ErrAuth", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = s.Run(ctx, "sleep")
	if !errors.Is(err, drivers.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "device r2") {
		t.Errorf("Run past deadline: %v, want ErrTimeout and DeadlineExceeded", err)
	}
	if got := run(t, s, "still here"); got != "echo: still here" {
		t.Errorf("after timeout: %q", got)
	}
}

func TestInfo(t *testing.T) {
	p := newPool(t, 1)
	info, err := p.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := plugin.Info{
		Name: "echo", Version: "0.3.1", Protocol: plugin.ProtocolVersion, Drivers: []string{"echo"},
		Schema: drivers.Schema{Attributes: []drivers.SchemaAttribute{
			{Name: "mode", Type: "string", Required: true, Description: "how to echo"},
			{Name: "retries", Type: "number"},
		}},
	}
	if d := cmp.Diff(want, info); d != "" {
		t.Errorf("Info (-want +got):\n%s", d)
	}
	var d drivers.Driver = p
	desc, ok := d.(drivers.Describer)
	if !ok {
		t.Fatal("Pool is not a drivers.Describer")
	}
	if desc.Version() != "0.3.1" || len(desc.Schema().Attributes) != 2 {
		t.Errorf("Describer: %q %+v", desc.Version(), desc.Schema())
	}
	// The process that answered serves the next session.
	s := open(t, p, "r1")
	run(t, s, "x")
}

func TestWorkerRegistry(t *testing.T) {
	p := plugin.NewPool("worker", workerCmd, 2)
	defer checkNoChildren(t)
	defer p.Close()
	info, err := p.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.Version != "1.2.3" || info.Name != "" || !slicesEqual(info.Drivers, []string{"alpha", "beta"}) {
		t.Errorf("Info = %+v", info)
	}
	a := open(t, p.Driver("alpha"), "r1")
	b := open(t, p.Driver("beta"), "r2")
	if got := run(t, a, "x"); got != "alpha: x" {
		t.Errorf("alpha: %q", got)
	}
	if got := run(t, b, "y"); got != "beta: y" {
		t.Errorf("beta: %q", got)
	}
	if pidOf(t, a) == pidOf(t, b) {
		t.Error("two sessions share a process")
	}
	a.Close()
	_, err = p.Driver("gamma").Open(context.Background(), drivers.Target{Name: "r3"})
	if err == nil || !strings.Contains(err.Error(), `no driver "gamma"`) || !strings.Contains(err.Error(), "device r3") {
		t.Errorf("unknown driver: %v", err)
	}
}

func slicesEqual(a, b []string) bool { return cmp.Equal(a, b) }

func TestFindAndSearchPath(t *testing.T) {
	d1, d2 := t.TempDir(), t.TempDir()
	write := func(dir, name string, mode os.FileMode) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
		return path
	}
	a1 := write(d1, "netrun-driver-a", 0o755)
	write(d2, "netrun-driver-a", 0o755) // hidden by d1's
	write(d1, "netrun-driver-b", 0o644) // not executable
	b2 := write(d2, "netrun-driver-b", 0o755)
	write(d1, "netrun-driver-", 0o755) // no name
	write(d1, "terraform-provider-x", 0o755)
	os.Mkdir(filepath.Join(d2, "netrun-driver-dir"), 0o755)
	if err := os.Symlink(a1, filepath.Join(d2, "netrun-driver-link")); err != nil {
		t.Fatal(err)
	}
	got := plugin.Find([]string{d1, filepath.Join(d1, "missing"), d2})
	want := []plugin.Executable{
		{Name: "a", Path: a1},
		{Name: "b", Path: b2},
		{Name: "link", Path: filepath.Join(d2, "netrun-driver-link")},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Find (-want +got):\n%s", d)
	}

	t.Setenv("NETRUN_PLUGIN_PATH", "/opt/a"+string(os.PathListSeparator)+"/opt/b")
	t.Setenv("PATH", "/usr/bin"+string(os.PathListSeparator)+string(os.PathListSeparator)+"/bin")
	wantDirs := []string{filepath.Join("rb", ".netrun", "plugins"), "/opt/a", "/opt/b", "/usr/bin", "/bin"}
	if d := cmp.Diff(wantDirs, plugin.SearchPath("rb")); d != "" {
		t.Errorf("SearchPath (-want +got):\n%s", d)
	}
}

func TestIncompatibleExecutables(t *testing.T) {
	for _, tc := range []struct {
		name string
		path string
		want []string
	}{
		{"other protocol version", v2Path, []string{v2Path, "protocol 2", "protocol 1"}},
		{"not a plugin", notAPlugPath, []string{notAPlugPath, "not a netrun plugin", "hello, I am not a plugin"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := plugin.NewPool("x", func() *exec.Cmd { return exec.Command(tc.path) }, 1)
			defer checkNoChildren(t)
			defer p.Close()
			_, err := p.Open(context.Background(), drivers.Target{Name: "r1"})
			if !errors.Is(err, plugin.ErrIncompatible) {
				t.Fatalf("Open: %v, want ErrIncompatible", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if _, err := p.Info(context.Background()); !errors.Is(err, plugin.ErrIncompatible) {
				t.Errorf("Info: %v", err)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		p := plugin.NewPool("x", func() *exec.Cmd { return exec.Command("/nonexistent/netrun-driver-x") }, 1)
		defer p.Close()
		_, err := p.Open(context.Background(), drivers.Target{Name: "r1"})
		if err == nil || !strings.Contains(err.Error(), "/nonexistent/netrun-driver-x") {
			t.Errorf("Open: %v", err)
		}
	})
}

func TestRefusedTargets(t *testing.T) {
	p := newPool(t, 1)
	dial := func(context.Context, string, string) (net.Conn, error) { return nil, nil }
	_, err := p.Open(context.Background(), drivers.Target{Name: "r1", Dial: dial})
	if err == nil || !strings.Contains(err.Error(), "jump host") {
		t.Errorf("Dial: %v", err)
	}
	cb := ssh.InsecureIgnoreHostKey()
	_, err = p.Open(context.Background(), drivers.Target{Name: "r1", HostKeyCallback: cb})
	if err == nil || !strings.Contains(err.Error(), "HostKeys") {
		t.Errorf("HostKeyCallback: %v", err)
	}
	s, err := p.Open(context.Background(), drivers.Target{Name: "r1", HostKeyCallback: cb, HostKeys: []string{"SHA256:x"}})
	if err != nil {
		t.Fatalf("HostKeyCallback with HostKeys: %v", err)
	}
	s.Close()
}

// TestCrashFailsOnlyItsSession: a panic, an exit and a SIGKILL each fail
// the session whose process it was, with the tail of its stderr; the other
// session goes on and the pool starts a new process for the next Open.
func TestCrashFailsOnlyItsSession(t *testing.T) {
	for _, tc := range []struct {
		name    string
		command string
		kill    bool
		want    []string
	}{
		{"panic", "panic", false, []string{"device r1: ", "exit status 2 during Run", "panic: boom on r1", "about to panic on r1", "main.(*session).Run"}},
		{"exit", "exit", false, []string{"exit status 7", "exiting on r1"}},
		{"sigkill", "sleep", true, []string{"signal: killed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPool(t, 2)
			s1, s2 := open(t, p, "r1"), open(t, p, "r2")
			pid1, pid2 := pidOf(t, s1), pidOf(t, s2)
			if tc.kill {
				time.AfterFunc(100*time.Millisecond, func() { syscallKill(pid1) })
			}
			start := time.Now()
			_, err := s1.Run(context.Background(), tc.command)
			if !errors.Is(err, plugin.ErrWorkerDied) {
				t.Fatalf("Run %s: %v, want ErrWorkerDied", tc.command, err)
			}
			if time.Since(start) > 3*time.Second {
				t.Errorf("took %v to notice", time.Since(start))
			}
			for _, w := range append(tc.want, "netrun-driver-echo (pid "+strconv.Itoa(pid1)+")") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not say %q:\n%v", w, err)
				}
			}
			if _, err2 := s1.Run(context.Background(), "x"); !errors.Is(err2, plugin.ErrWorkerDied) {
				t.Errorf("next Run on the dead session: %v", err2)
			}
			if got := run(t, s2, "hello"); got != "echo: hello" || pidOf(t, s2) != pid2 {
				t.Errorf("other session: %q", got)
			}
			if err := s1.Close(); err != nil {
				t.Errorf("Close of the dead session: %v", err)
			}
			waitGone(t, pid1)
			s3 := open(t, p, "r3")
			if pid3 := pidOf(t, s3); pid3 == pid1 || pid3 == pid2 {
				t.Errorf("new session on pid %d (dead %d, busy %d)", pid3, pid1, pid2)
			}
		})
	}
}

func TestStderrCopied(t *testing.T) {
	var buf drivers.SyncWriter
	p := newPool(t, 1, plugin.WithStderr(&buf))
	s := open(t, p, "r1")
	pid := pidOf(t, s)
	s.Run(context.Background(), "panic")
	if w := fmt.Sprintf("netrun-driver-echo[%d]: panic: boom on r1", pid); !strings.Contains(buf.String(), w) {
		t.Errorf("stderr copy lacks %q:\n%s", w, buf.String())
	}
}

func TestCancel(t *testing.T) {
	t.Run("driver honours it", func(t *testing.T) {
		p := newPool(t, 1)
		s := open(t, p, "r1")
		pid := pidOf(t, s)
		d, err := drivertest.RunCancelled(s, "sleep")
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v, want context.Canceled", err)
		}
		if d > time.Second {
			t.Errorf("returned after %v", d)
		}
		if got := run(t, s, "after"); got != "echo: after" || pidOf(t, s) != pid {
			t.Errorf("session after cancel: %q", got)
		}
	})
	t.Run("driver ignores it", func(t *testing.T) {
		p := newPool(t, 1, plugin.WithCancelGrace(200*time.Millisecond))
		s := open(t, p, "r1")
		pid := pidOf(t, s)
		d, err := drivertest.RunCancelled(s, "hang")
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "killed") {
			t.Errorf("Run: %v, want context.Canceled and killed", err)
		}
		if d > time.Second {
			t.Errorf("returned after %v", d)
		}
		waitGone(t, pid)
		s.Close()
		s2 := open(t, p, "r2")
		run(t, s2, "x")
	})
	t.Run("open honours it", func(t *testing.T) {
		p := newPool(t, 1)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := p.Open(ctx, drivers.Target{Name: "r1", Host: "slowopen"})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Open: %v", err)
		}
	})
}

func TestOpenWaitsForAFreeProcess(t *testing.T) {
	p := newPool(t, 1)
	s1 := open(t, p, "r1")
	pid := pidOf(t, s1)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := p.Open(ctx, drivers.Target{Name: "r2"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Open beyond size: %v", err)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		s1.Close()
	}()
	s2 := open(t, p, "r2")
	if pidOf(t, s2) != pid {
		t.Error("the process was not reused")
	}
}

// TestCloseLeavesNoProcess closes a pool with sessions open, one of them in
// a command, one whose plugin started a child.
func TestCloseLeavesNoProcess(t *testing.T) {
	p := plugin.NewPool("echo", echoCmd, 3)
	s1, s2, s3 := open(t, p, "r1"), open(t, p, "r2"), open(t, p, "r3")
	pids := []int{pidOf(t, s1), pidOf(t, s2), pidOf(t, s3)}
	child, err := strconv.Atoi(run(t, s2, "spawn"))
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := s1.Run(context.Background(), "hang")
		errc <- err
	}()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := <-errc; !errors.Is(err, plugin.ErrPoolClosed) || !errors.Is(err, drivers.ErrClosed) {
		t.Errorf("Run in flight: %v, want ErrPoolClosed", err)
	}
	checkNoChildren(t)
	waitGone(t, append(pids, child)...)
	if _, err := p.Open(context.Background(), drivers.Target{Name: "r4"}); !errors.Is(err, plugin.ErrPoolClosed) {
		t.Errorf("Open after Close: %v", err)
	}
	if _, err := s3.Run(context.Background(), "x"); err == nil {
		t.Error("Run after pool Close succeeded")
	}
}

func TestTranscriptAndLogger(t *testing.T) {
	p := newPool(t, 1)
	var transcript, logs drivers.SyncWriter
	s, err := p.Open(context.Background(), drivers.Target{
		Name:       "r1",
		Transcript: &transcript,
		Logger:     slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo})),
	})
	if err != nil {
		t.Fatal(err)
	}
	run(t, s, "show version")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := transcript.String(); got != ">>> show version\n" {
		t.Errorf("transcript = %q", got)
	}
	if !strings.Contains(logs.String(), "level=INFO msg=running device=r1 cmd.command=\"show version\"") {
		t.Errorf("logs = %q", logs.String())
	}
}

// TestConcurrentSessions runs more devices than processes, as the engine
// does under -parallelism.
func TestConcurrentSessions(t *testing.T) {
	p := newPool(t, 3)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Go(func() {
			name := fmt.Sprintf("r%d", i)
			s, err := p.Open(context.Background(), drivers.Target{Name: name})
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			for j := range 5 {
				cmd := fmt.Sprintf("%s-%d", name, j)
				res, err := s.Run(context.Background(), cmd)
				if err != nil || res.Output != "echo: "+cmd {
					errs <- fmt.Errorf("%s: %q %v", cmd, res.Output, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func BenchmarkRun(b *testing.B) {
	for _, size := range []int{10, 64 << 10} {
		b.Run(fmt.Sprintf("output=%d", size), func(b *testing.B) {
			p := plugin.NewPool("echo", echoCmd, 1)
			defer p.Close()
			s, err := p.Open(context.Background(), drivers.Target{Name: "r1"})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			cmd := fmt.Sprintf("big %d", size)
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, err := s.Run(context.Background(), cmd); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkProcessStart measures a cold Open (exec, handshake, dispense)
// and the Close that kills the process.
func BenchmarkProcessStart(b *testing.B) {
	for b.Loop() {
		p := plugin.NewPool("echo", echoCmd, 1)
		s, err := p.Open(context.Background(), drivers.Target{Name: "r1"})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
		p.Close()
	}
}

// BenchmarkOpenReused measures Open and Close on a warm process.
func BenchmarkOpenReused(b *testing.B) {
	p := plugin.NewPool("echo", echoCmd, 1)
	defer p.Close()
	for b.Loop() {
		s, err := p.Open(context.Background(), drivers.Target{Name: "r1"})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// TestIdleProcessDied: a process killed while idle is not handed to the
// next device.
func TestIdleProcessDied(t *testing.T) {
	p := newPool(t, 1)
	s1 := open(t, p, "r1")
	pid := pidOf(t, s1)
	s1.Close()
	syscallKill(pid)
	waitGone(t, pid)
	time.Sleep(50 * time.Millisecond) // for go-plugin to see the exit
	s2 := open(t, p, "r2")
	if got := pidOf(t, s2); got == pid {
		t.Errorf("dead process %d reused", pid)
	}
}

// TestStderrMasked: a plugin that panics with its password in the message
// shows it neither in the relayed stderr nor in the session's error.
func TestStderrMasked(t *testing.T) {
	const password = "Pa55wordXyz7"
	var buf drivers.SyncWriter
	p := newPool(t, 1, plugin.WithStderr(&buf), plugin.WithSecrets([]string{password}))
	s, err := p.Open(context.Background(), drivers.Target{Name: "r1", Host: "127.0.0.1", Port: 22,
		Credentials: drivers.Credentials{Username: "ops", Password: password}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Run(context.Background(), "leak")
	if !errors.Is(err, plugin.ErrWorkerDied) {
		t.Fatalf("Run leak: %v, want ErrWorkerDied", err)
	}
	if !strings.Contains(buf.String(), "panic: boom: password "+drivers.Mask+" refused") {
		t.Errorf("stderr copy lacks the masked panic:\n%s", buf.String())
	}
	for _, text := range []string{buf.String(), err.Error()} {
		if strings.Contains(text, password) {
			t.Errorf("password shown in:\n%s", text)
		}
	}
}

// TestChildEnv reads the environment of a live plugin and of a live worker
// (a process serving a registry) started while netrun holds a -var value
// and a token: neither is there; PATH and netrun's own settings are.
func TestChildEnv(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/PID/environ")
	}
	t.Setenv("NETRUN_VAR_password", "Pa55wordXyz7")
	t.Setenv("GITHUB_TOKEN", "ghp_notForPlugins")
	t.Setenv("NETRUN_LOG", "debug")
	for name, cmd := range map[string]func() *exec.Cmd{"plugin": echoCmd, "worker": workerCmd} {
		t.Run(name, func(t *testing.T) {
			p := plugin.NewPool("alpha", cmd, 1)
			if name == "plugin" {
				p = plugin.NewPool("echo", cmd, 1)
			}
			t.Cleanup(func() { p.Close() })
			pid := pidOf(t, open(t, p, "r1"))
			data, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
			if err != nil {
				t.Fatal(err)
			}
			env := strings.Split(string(data), "\x00")
			for _, bad := range []string{"NETRUN_VAR_password=", "GITHUB_TOKEN="} {
				for _, kv := range env {
					if strings.HasPrefix(kv, bad) {
						t.Errorf("%s has %s", name, kv)
					}
				}
			}
			for _, want := range []string{"PATH=" + os.Getenv("PATH"), "NETRUN_LOG=debug"} {
				if !slices.Contains(env, want) {
					t.Errorf("%s lacks %s in %q", name, want, env)
				}
			}
		})
	}
}
