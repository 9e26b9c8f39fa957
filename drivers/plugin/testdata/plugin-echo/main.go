// Command plugin-echo is a test plugin: built as netrun-driver-echo it
// serves one fake driver with Serve; run with the argument "worker" it
// serves two (alpha, beta) with ServeRegistry, as a netrun worker does.
//
// Its sessions echo commands and misbehave on request: "panic", "leak" (a
// panic quoting the password), "exit",
// "sleep" (until cancelled), "hang" (ignoring cancellation), "spawn" (a
// child process), "auth" (an error wrapping drivers.ErrAuth).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/plugin"
)

type driver struct{ prefix string }

func (d driver) Open(ctx context.Context, t drivers.Target) (drivers.Session, error) {
	switch t.Host {
	case "badauth":
		return nil, fmt.Errorf("device %s: %w for user %s", t.Name, drivers.ErrAuth, t.Credentials.Username)
	case "slowopen":
		<-ctx.Done()
		return nil, fmt.Errorf("device %s: %w", t.Name, ctx.Err())
	}
	return &session{prefix: d.prefix, t: t}, nil
}

type session struct {
	prefix string
	t      drivers.Target
}

func (s *session) Run(ctx context.Context, command string, opts ...drivers.RunOption) (drivers.Result, error) {
	var o drivers.RunOptions
	for _, opt := range opts {
		opt(&o)
	}
	start := time.Now()
	if s.t.Transcript != nil {
		fmt.Fprintf(s.t.Transcript, ">>> %s\n", command)
	}
	if s.t.Logger != nil {
		s.t.Logger.With("device", s.t.Name).WithGroup("cmd").Info("running", "command", command)
	}
	res, err := s.run(ctx, command, o)
	res.Command, res.Started, res.Finished = command, start, time.Now()
	return res, err
}

func (s *session) run(ctx context.Context, command string, o drivers.RunOptions) (drivers.Result, error) {
	var res drivers.Result
	verb, arg, _ := strings.Cut(command, " ")
	switch verb {
	case "panic":
		fmt.Fprintln(os.Stderr, "about to panic on", s.t.Name)
		panic("boom on " + s.t.Name)
	case "leak": // a driver bug that quotes its credentials
		fmt.Fprintln(os.Stderr, "logging in with", s.t.Credentials.Password)
		panic("boom: password " + s.t.Credentials.Password + " refused")
	case "exit":
		fmt.Fprintln(os.Stderr, "exiting on", s.t.Name)
		os.Exit(7)
	case "sleep":
		select {
		case <-ctx.Done():
			if ctx.Err() == context.DeadlineExceeded {
				return res, fmt.Errorf("device %s: %w: %w", s.t.Name, drivers.ErrTimeout, ctx.Err())
			}
			return res, fmt.Errorf("device %s: %w", s.t.Name, ctx.Err())
		case <-time.After(time.Hour):
		}
	case "hang":
		time.Sleep(time.Hour)
	case "pid":
		res.Output = strconv.Itoa(os.Getpid())
	case "spawn":
		c := exec.Command("sleep", "300")
		if err := c.Start(); err != nil {
			return res, err
		}
		res.Output = strconv.Itoa(c.Process.Pid)
	case "auth":
		return res, fmt.Errorf("device %s: %w (asked again)", s.t.Name, drivers.ErrAuth)
	case "fail":
		res.Output, res.Failed = "% Invalid input detected at '^' marker.", true
	case "big":
		n, _ := strconv.Atoi(arg)
		res.Output = strings.Repeat("x", n)
	case "target":
		t := s.t
		b, _ := json.Marshal(map[string]any{
			"name": t.Name, "host": t.Host, "port": t.Port, "platform": t.Platform,
			"username": t.Credentials.Username, "timeout": t.Timeout.String(),
			"hostkeys": t.HostKeys, "settings": t.Settings, "expect": o.Expect,
			"transcript": t.Transcript != nil, "logger": t.Logger != nil,
		})
		res.Output = string(b)
	default:
		res.Output = s.prefix + command
	}
	return res, nil
}

func (s *session) Configure(ctx context.Context, lines []string) (drivers.Result, error) {
	return drivers.Result{Output: s.prefix + strings.Join(lines, ";")}, nil
}

func (s *session) Close() error { return nil }

func main() {
	if len(os.Args) > 1 && os.Args[1] == "worker" {
		plugin.ServeRegistry("1.2.3", drivers.Registry{
			"alpha": driver{prefix: "alpha: "},
			"beta":  driver{prefix: "beta: "},
		})
		return
	}
	plugin.Serve("echo", "0.3.1", driver{prefix: "echo: "}, drivers.Schema{Attributes: []drivers.SchemaAttribute{
		{Name: "mode", Type: "string", Required: true, Description: "how to echo"},
		{Name: "retries", Type: "number"},
	}})
}
