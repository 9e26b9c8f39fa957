package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/sshconn"
)

// version is the plugin's version, reported in the handshake; release
// builds set it with -ldflags "-X main.version=...".
var version = "0.1.0"

// defaultShell runs each command when the device sets no shell.
const defaultShell = "/bin/sh"

// schema declares the device attributes this driver takes besides netrun's
// own (host, port, credentials...).
var schema = drivers.Schema{Attributes: []drivers.SchemaAttribute{
	{Name: "shell", Type: "string", Description: `Shell that runs each command, as "SHELL -c COMMAND", and configuration, as a script on the stdin of "SHELL -s" (default "/bin/sh"). "" sends each command and configuration line as written, for the login shell to run.`},
	{Name: "env", Type: "map(string)", Description: "Environment variables set for each command and configuration script."},
	{Name: "sudo", Type: "bool", Description: `Run commands and configuration with "sudo -n" (no password prompt: sudo must be allowed without one).`},
}}

// execDriver runs each command on its own SSH exec channel: no PTY, no
// prompt to match, no paging; the exit status says whether it failed. It
// suits hosts with a real shell: Linux servers and white-box NOSes such as
// SONiC and Cumulus.
type execDriver struct{}

var (
	_ drivers.Driver    = execDriver{}
	_ drivers.Describer = execDriver{}
)

// Schema implements drivers.Describer.
func (execDriver) Schema() drivers.Schema { return schema }

// Version implements drivers.Describer.
func (execDriver) Version() string { return version }

// settings are a device's driver settings, from Target.Settings.
type settings struct {
	shell string
	env   map[string]string
	sudo  bool
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// parseSettings reads Target.Settings, which netrun has checked against
// schema already; it checks again, as the driver may be called directly.
func parseSettings(m map[string]any) (settings, error) {
	s := settings{shell: defaultShell}
	for name, v := range m {
		switch name {
		case "shell":
			str, ok := v.(string)
			if !ok {
				return s, fmt.Errorf("setting shell: want a string, got %T", v)
			}
			s.shell = str
		case "sudo":
			b, ok := v.(bool)
			if !ok {
				return s, fmt.Errorf("setting sudo: want a bool, got %T", v)
			}
			s.sudo = b
		case "env":
			env, ok := v.(map[string]any)
			if !ok {
				return s, fmt.Errorf("setting env: want a map of strings, got %T", v)
			}
			s.env = make(map[string]string, len(env))
			for k, val := range env {
				str, ok := val.(string)
				if !ok {
					return s, fmt.Errorf("setting env: %s: want a string, got %T", k, val)
				}
				if !envName.MatchString(k) {
					return s, fmt.Errorf("setting env: %q is not a valid environment variable name (letters, digits and _, not starting with a digit)", k)
				}
				s.env[k] = str
			}
		default:
			return s, fmt.Errorf("unknown setting %q", name)
		}
	}
	return s, nil
}

// prefix is what comes before the command on the exec request: sudo and
// the environment assignments. With sudo the assignments follow "sudo -n",
// which sets them for the command (sudo drops the caller's environment);
// sudoers must allow that, as it does for users allowed ALL.
func (s settings) prefix() []string {
	var parts []string
	if s.sudo {
		parts = append(parts, "sudo", "-n")
	}
	names := make([]string, 0, len(s.env))
	for k := range s.env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		parts = append(parts, k+"="+shellQuote(s.env[k]))
	}
	return parts
}

// runLine is the exec request for one command. The command is one
// argument of "SHELL -c", so that sudo and the environment cover all of it,
// pipes included, and the shell is the configured one whatever the user's
// login shell. With shell = "" the command goes as written, for the
// server's login shell to run.
func (s settings) runLine(command string) string {
	parts := s.prefix()
	if s.shell == "" {
		parts = append(parts, command)
	} else {
		parts = append(parts, shellWord(s.shell), "-c", shellQuote(command))
	}
	return strings.Join(parts, " ")
}

// scriptLine is the exec request for a configuration script on stdin.
func (s settings) scriptLine() string {
	return strings.Join(append(s.prefix(), shellWord(s.shell), "-s"), " ")
}

// shellQuote quotes s for a POSIX shell, in single quotes.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellWord quotes s only when a shell would read it otherwise than as
// written, so that the usual "/bin/sh" reads as itself.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:@%+,") == "" {
		return s
	}
	return shellQuote(s)
}

// Open dials the device with netrun's own SSH policy (host keys, algorithms,
// authentication, jump hosts through Target.Dial). Nothing runs until Run.
func (execDriver) Open(ctx context.Context, t drivers.Target) (drivers.Session, error) {
	name := t.Name
	if name == "" {
		name = t.Host
	}
	set, err := parseSettings(t.Settings)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	log := t.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	client, err := sshconn.Dial(ctx, t)
	if err != nil {
		return nil, err
	}
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = drivers.DefaultTimeout
	}
	log.Debug("connected", "device", name, "addr", t.Addr())
	return &session{
		client:     client,
		set:        set,
		name:       name,
		timeout:    timeout,
		log:        log,
		transcript: drivers.NewTranscript(t.Transcript, t.Credentials.Secrets()),
	}, nil
}

// session is one SSH connection; each Run or Configure opens a channel on
// it, so a command that fails or times out leaves the others unaffected.
type session struct {
	client     *ssh.Client
	set        settings
	name       string
	timeout    time.Duration
	log        *slog.Logger
	transcript *drivers.Transcript

	closed atomic.Bool
}

// closeGrace is how long a channel closed on timeout may take to end
// before the whole connection is closed (the device stopped answering).
const closeGrace = 2 * time.Second

// Run runs command through the shell on a new exec channel and returns its
// stdout and stderr, interleaved as they arrived. A non-zero exit status
// is a failed Result, output kept. Expect options do not apply: the command
// has no terminal and its stdin is empty.
func (s *session) Run(ctx context.Context, command string, _ ...drivers.RunOption) (drivers.Result, error) {
	return s.exec(ctx, command, s.set.runLine(command), "")
}

// Configure runs the lines as one script, on the stdin of "SHELL -s" after
// "set -e": the lines share one shell (a cd or a variable carries to the
// next) and the first failing line stops the script with a failed Result.
// With shell = "" there is no shell to give a script to: each line runs as
// its own command, and the first that fails stops the others.
func (s *session) Configure(ctx context.Context, lines []string) (drivers.Result, error) {
	command := strings.Join(lines, "\n")
	if s.set.shell != "" {
		script := "set -e\n" + command + "\n"
		return s.exec(ctx, command, s.set.scriptLine(), script)
	}
	res := drivers.Result{Command: command, Started: time.Now()}
	var out strings.Builder
	for _, l := range lines {
		r, err := s.exec(ctx, l, s.set.runLine(l), "")
		out.WriteString(r.Output)
		res.Output, res.Failed, res.Finished = out.String(), r.Failed, r.Finished
		if err != nil || r.Failed {
			return res, err
		}
	}
	res.Finished = time.Now()
	return res, nil
}

func (s *session) exec(ctx context.Context, command, cmdline, stdin string) (res drivers.Result, err error) {
	res = drivers.Result{Command: command, Started: time.Now()}
	defer func() { res.Finished = time.Now() }()
	if s.closed.Load() {
		return res, fmt.Errorf("%s: %w", s.name, drivers.ErrClosed)
	}

	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()

	// stdout and stderr, which x/crypto copies from two goroutines; read
	// when a command times out.
	var out drivers.SyncWriter
	var ch *ssh.Session
	var chMu sync.Mutex // ch is set by the goroutine, closed by this one
	done := make(chan error, 1)
	s.transcript.Sent([]byte(cmdline))
	if stdin != "" {
		s.transcript.Sent([]byte(strings.TrimSuffix(stdin, "\n")))
	}
	go func() {
		sess, err := s.client.NewSession()
		if err != nil {
			done <- err
			return
		}
		chMu.Lock()
		ch = sess
		chMu.Unlock()
		defer sess.Close()
		sess.Stdout, sess.Stderr = &out, &out
		sess.Stdin = strings.NewReader(stdin)
		done <- sess.Run(cmdline)
	}()

	select {
	case err = <-done:
	case <-ctx.Done():
		chMu.Lock()
		if ch != nil {
			// Best effort: not every server acts on signals, and closing
			// the channel is what frees us.
			ch.Signal(ssh.SIGKILL)
			ch.Close()
		}
		chMu.Unlock()
		select {
		case <-done:
		case <-time.After(closeGrace):
			s.log.Warn("device does not close the channel of a timed-out command; closing the connection", "device", s.name)
			s.Close()
		}
		res.Output = s.received(&out)
		switch {
		case errors.Is(parent.Err(), context.Canceled):
			return res, fmt.Errorf("%s: %q: %w", s.name, command, parent.Err())
		case parent.Err() != nil:
			return res, fmt.Errorf("%s: %q: %w: %w", s.name, command, drivers.ErrTimeout, parent.Err())
		}
		return res, fmt.Errorf("%s: %q: %w after %s", s.name, command, drivers.ErrTimeout, s.timeout)
	}
	res.Output = s.received(&out)

	var exit *ssh.ExitError
	var missing *ssh.ExitMissingError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		res.Failed = true
		s.log.Debug("command failed", "device", s.name, "status", exit.ExitStatus(), "signal", exit.Signal())
	case errors.As(err, &missing):
		return res, fmt.Errorf("%s: %q: %w: the channel closed without an exit status", s.name, command, drivers.ErrClosed)
	default:
		return res, fmt.Errorf("%s: %q: %w: %v", s.name, command, drivers.ErrConnect, err)
	}
	return res, nil
}

// received records a command's output in the transcript and returns it
// with "\n" line ends, as Linux gives it, also from servers that answer
// with a terminal's "\r\n" (network OSes).
func (s *session) received(out *drivers.SyncWriter) string {
	text := out.String()
	s.transcript.Received([]byte(text))
	s.transcript.Flush()
	return strings.ReplaceAll(text, "\r\n", "\n")
}

// Close closes the connection; a Run in progress returns an error.
func (s *session) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.transcript.Flush()
	return s.client.Close()
}
