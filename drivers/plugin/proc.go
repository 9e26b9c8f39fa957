package plugin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/rpc"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"

	"github.com/netrun/netrun/drivers"
)

// proc is one plugin or worker process and its RPC connection.
type proc struct {
	pool   *Pool
	client *goplugin.Client
	rpc    *rpc.Client
	cmd    *exec.Cmd
	exe    string       // base name, for messages
	pidv   atomic.Int64 // set once started; stderr is read before
	tail   *tail

	calls    atomic.Uint64
	dead     atomic.Bool // its transport broke or it was killed
	killOnce sync.Once
}

// start runs one process through the go-plugin handshake and dispenses the
// driver service.
func (p *Pool) start() (*proc, error) {
	cmd := p.cmd()
	cmd.Env = childEnv(cmd.Env)
	setProcessGroup(cmd)
	pr := &proc{pool: p, cmd: cmd, exe: filepath.Base(cmd.Path), tail: newTail()}
	// Real stderr (panics, log output) and the plugin's os.Stdout and
	// os.Stderr, which go-plugin streams over the connection, all land in
	// the tail.
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  handshake,
		Plugins:          goplugin.PluginSet{pluginKey: &rpcPlugin{}},
		Cmd:              cmd,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolNetRPC},
		StartTimeout:     p.cfg.startTimeout,
		SkipHostEnv:      true, // cmd.Env is all it gets (childEnv)
		Stderr:           &lineWriter{emit: pr.emit},
		SyncStderr:       &lineWriter{emit: pr.emit},
		SyncStdout:       &lineWriter{emit: pr.emit},
		Logger:           hclog.New(&hclog.LoggerOptions{Level: hclog.Off, Output: io.Discard}),
	})
	pr.client = client
	proto, err := client.Client()
	if cmd.Process != nil {
		pr.pidv.Store(int64(cmd.Process.Pid))
	}
	if err != nil {
		pr.kill()
		return nil, p.startError(cmd.Path, err, pr.tail.String())
	}
	raw, err := proto.Dispense(pluginKey)
	if err != nil {
		pr.kill()
		return nil, fmt.Errorf("starting %s: %v%s", cmd.Path, err, pr.tail.String())
	}
	pr.rpc = raw.(*rpc.Client)
	p.cfg.logger.Debug("plugin process started", "driver", p.name, "path", cmd.Path, "pid", pr.pid())

	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		pr.kill()
		return nil, ErrPoolClosed
	}
	p.all[pr] = true
	p.mu.Unlock()
	return pr, nil
}

var pluginVersionRE = regexp.MustCompile(`Plugin version: (\d+)`)

// startError says why an executable could not be used, naming it: another
// protocol version, not a netrun plugin at all, or a failure to start.
func (p *Pool) startError(path string, err error, tail string) error {
	msg := err.Error()
	if m := pluginVersionRE.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%w: %s speaks netrun plugin protocol %s, this netrun speaks protocol %d: use a build of the plugin for this netrun",
			ErrIncompatible, path, m[1], ProtocolVersion)
	}
	if strings.Contains(msg, "Unrecognized remote plugin message") || strings.Contains(msg, "unsupported plugin protocol") ||
		strings.Contains(msg, "core API version") {
		first, _, _ := strings.Cut(msg, "\n")
		return fmt.Errorf("%w: %s is not a netrun plugin (protocol %d): %s%s", ErrIncompatible, path, ProtocolVersion, first, tail)
	}
	if strings.Contains(msg, "exited before we could connect") {
		return fmt.Errorf("%s exited before the netrun plugin handshake (protocol %d): not a netrun plugin, or it failed to start%s",
			path, ProtocolVersion, tail)
	}
	return fmt.Errorf("starting %s: %v%s", path, err, tail)
}

func (pr *proc) pid() int { return int(pr.pidv.Load()) }

func (pr *proc) nextCall() uint64 { return pr.calls.Add(1) }

// call makes one RPC. When ctx ends first, it has the process cancel the
// call and waits for the answer (the driver's own error) at most the pool's
// cancel grace; then it kills the process and returns errKilled. Any other
// error means the connection broke.
func (pr *proc) call(ctx context.Context, method string, id uint64, args, reply any) error {
	c := pr.rpc.Go("Plugin."+method, args, reply, make(chan *rpc.Call, 1))
	select {
	case <-c.Done:
		return c.Error
	case <-ctx.Done():
	}
	// A deadline the remote side knows too, and meets by itself, so its
	// error says deadline rather than cancelled.
	if _, sent := ctx.Deadline(); !sent || !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		pr.rpc.Go("Plugin.Cancel", cancelArgs{Call: id}, new(struct{}), make(chan *rpc.Call, 1))
	}
	t := time.NewTimer(pr.pool.cfg.cancelGrace)
	defer t.Stop()
	select {
	case <-c.Done:
		return c.Error
	case <-t.C:
		pr.kill()
		return errKilled
	}
}

// failure turns a failed call into the session's error: the pool was
// closed, the call was cancelled and the process killed, or the process
// died, in which case the error shows how and its last stderr lines.
func (pr *proc) failure(ctx context.Context, method, target string, err error) error {
	pr.dead.Store(true)
	prefix := ""
	if target != "" {
		prefix = "device " + target + ": "
	}
	if pr.pool.isClosed() {
		return errPoolClosedDuring(target)
	}
	if errors.Is(err, errKilled) {
		cause := ctx.Err()
		if errors.Is(cause, context.DeadlineExceeded) {
			return fmt.Errorf("%s%w: %w: %s (pid %d) did not stop within %v and was killed",
				prefix, drivers.ErrTimeout, cause, pr.exe, pr.pid(), pr.pool.cfg.cancelGrace)
		}
		return fmt.Errorf("%s%w: %s (pid %d) did not stop within %v and was killed",
			prefix, cause, pr.exe, pr.pid(), pr.pool.cfg.cancelGrace)
	}
	// The connection breaks a moment before go-plugin sees the exit and
	// has read the last of stderr; wait for both.
	status := ""
	for wait := time.Now().Add(2 * time.Second); !pr.client.Exited() && time.Now().Before(wait); {
		time.Sleep(2 * time.Millisecond)
	}
	if pr.client.Exited() {
		status = pr.cmd.ProcessState.String()
	} else {
		status = "connection lost (" + err.Error() + "), killed"
	}
	pr.kill()
	pr.pool.cfg.logger.Warn("plugin process died", "driver", pr.pool.name, "pid", pr.pid(), "status", status)
	return fmt.Errorf("%s%w: %s (pid %d) %s during %s%s", prefix, ErrWorkerDied, pr.exe, pr.pid(), status, method, pr.tail.String())
}

// kill ends the process and its process group (children a plugin started)
// and waits until go-plugin has reaped it and read the last of its stderr.
// go-plugin's own Kill is not used: it first asks for a graceful exit over
// a connection that is often dead by then, and yamux logs that failure to
// netrun's stderr.
func (pr *proc) kill() {
	pr.dead.Store(true)
	pr.killOnce.Do(func() {
		if pr.pid() <= 0 {
			return // never started
		}
		killProcessGroup(pr.pid())
		// A grandchild that left the process group may hold the stderr
		// pipe open, and go-plugin waits for it; do not hang with it.
		for wait := time.Now().Add(5 * time.Second); !pr.client.Exited() && time.Now().Before(wait); {
			time.Sleep(2 * time.Millisecond)
		}
	})
}

// emit receives one line of the process's output.
func (pr *proc) emit(line string) {
	line = drivers.MaskSecrets(line, pr.pool.cfg.secrets, drivers.Mask)
	pr.tail.add(line)
	p := pr.pool
	if p.cfg.stderr != nil {
		stderrMu.Lock()
		fmt.Fprintf(p.cfg.stderr, "%s[%d]: %s\n", pr.exe, pr.pid(), line)
		stderrMu.Unlock()
	}
	p.cfg.logger.Debug("plugin stderr", "driver", p.name, "pid", pr.pid(), "line", line)
}

// stderrMu keeps lines of different processes whole on a shared writer.
var stderrMu sync.Mutex

// lineWriter splits what it is written into lines.
type lineWriter struct {
	emit    func(string)
	mu      sync.Mutex
	partial []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.partial = append(w.partial, p...)
			if len(w.partial) > maxLine {
				w.emit(string(w.partial))
				w.partial = w.partial[:0]
			}
			break
		}
		line := p[:i]
		if len(w.partial) > 0 {
			line = append(w.partial, line...)
			w.partial = w.partial[:0]
		}
		w.emit(strings.TrimRight(string(line), "\r"))
		p = p[i+1:]
	}
	return n, nil
}

const (
	maxLine   = 4096
	tailLines = 20
	tailBytes = 2048
	keptLines = 200 // a panic's first line must survive its stack trace
)

// tail keeps the last lines of a process's output for the error shown when
// it dies.
type tail struct {
	mu    sync.Mutex
	lines []string
}

func newTail() *tail { return &tail{} }

func (t *tail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines) >= keptLines {
		t.lines = append(t.lines[:0], t.lines[len(t.lines)-keptLines/2:]...)
	}
	t.lines = append(t.lines, line)
}

// String is the text appended to an error: at most tailLines lines and
// tailBytes bytes, indented. After a panic it starts at the panic's line,
// which says what went wrong, rather than at the end of the stack trace.
func (t *tail) String() string {
	t.mu.Lock()
	lines := append([]string(nil), t.lines...)
	t.mu.Unlock()
	start := max(len(lines)-tailLines, 0)
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "panic: ") || strings.HasPrefix(lines[i], "fatal error: ") {
			start = max(i-3, 0) // what it said just before
			break
		}
	}
	lines = lines[start:min(len(lines), start+tailLines)]
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return "; its stderr was empty"
	}
	var b strings.Builder
	b.WriteString("; last lines of its stderr:")
	for _, l := range lines {
		if b.Len()+len(l)+3 > tailBytes {
			b.WriteString("\n  ...")
			break
		}
		b.WriteString("\n  ")
		b.WriteString(l)
	}
	return b.String()
}
