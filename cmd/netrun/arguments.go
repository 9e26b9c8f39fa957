package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// Each command parses its flags into one of these plain structs; parsing is
// table-tested apart from running.

// varFlags are the options every command that evaluates a runbook takes.
type varFlags struct {
	Vars     []string // NAME=VALUE, in order
	VarFiles []string
}

type validateArgs struct {
	Dir  string
	Vars varFlags
	JSON bool
}

type planArgs struct {
	Dir              string
	Vars             varFlags
	Parallelism      int
	JSON             bool
	Sim              bool
	Refresh          bool
	RefreshOnly      bool
	Out              string
	DetailedExitcode bool
	Mode             string
	NoColor          bool
}

type applyArgs struct {
	Dir           string // a runbook directory, or a saved plan file
	Vars          varFlags
	Parallelism   int
	JSON          bool
	Sim           bool
	AutoApprove   bool
	TranscriptDir string
	AcceptNewKeys bool
	LockTimeout   time.Duration
	Mode          string
	NoColor       bool
}

type forceUnlockArgs struct {
	ID  string
	Dir string
}

type outputArgs struct {
	Name string
	JSON bool
}

type simArgs struct {
	Count      int
	Listen     string
	Prefix     string
	Username   string
	Password   string
	Enable     string
	Latency    time.Duration
	Platform   string
	KnownHosts string
	Config     string
}

// listFlag collects a repeated flag.
type listFlag struct{ values *[]string }

func (l listFlag) String() string {
	if l.values == nil {
		return ""
	}
	return strings.Join(*l.values, ",")
}

func (l listFlag) Set(v string) error {
	*l.values = append(*l.values, v)
	return nil
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func (v *varFlags) register(fs *flag.FlagSet) {
	fs.Var(listFlag{&v.Vars}, "var", "set a variable: -var 'NAME=VALUE' (repeatable)")
	fs.Var(listFlag{&v.VarFiles}, "var-file", "load variable values from a file (repeatable)")
}

// parseWithDir parses flags and at most one positional DIR, which may come
// before, between or after the flags (Go's flag package stops at the first
// positional argument; users type `netrun apply examples/x -auto-approve`).
func parseWithDir(fs *flag.FlagSet, args []string) (string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return "", err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	switch len(positional) {
	case 0:
		return ".", nil
	case 1:
		return positional[0], nil
	}
	return "", fmt.Errorf("too many arguments: %q; expected at most one runbook directory", positional)
}

func parseValidate(args []string, stderr io.Writer) (validateArgs, error) {
	var a validateArgs
	fs := newFlagSet("validate", stderr)
	a.Vars.register(fs)
	fs.BoolVar(&a.JSON, "json", false, "print diagnostics as JSON")
	dir, err := parseWithDir(fs, args)
	a.Dir = dir
	return a, err
}

func parsePlan(args []string, stderr io.Writer) (planArgs, error) {
	var a planArgs
	dir, err := parseRunbookFlags("plan", args, stderr, &a.Vars, &a.Parallelism, &a.Mode, func(fs *flag.FlagSet) {
		fs.BoolVar(&a.JSON, "json", false, "print the plan as JSON")
		fs.BoolVar(&a.Sim, "sim", false, "plan against in-process simulated devices")
		fs.BoolVar(&a.Refresh, "refresh", true, "read the running configuration of devices with config blocks (-refresh=false: show the static plan)")
		fs.BoolVar(&a.RefreshOnly, "refresh-only", false, "report drift: devices whose configuration changed since netrun last applied it")
		fs.StringVar(&a.Out, "out", "", "save the plan to FILE for `netrun apply FILE`")
		fs.BoolVar(&a.DetailedExitcode, "detailed-exitcode", false, "exit 0 for no changes, 1 for errors, 2 for changes")
		noColorFlag(fs, &a.NoColor)
	})
	a.Dir = dir
	return a, err
}

func parseApply(args []string, stderr io.Writer) (applyArgs, error) {
	var a applyArgs
	dir, err := parseRunbookFlags("apply", args, stderr, &a.Vars, &a.Parallelism, &a.Mode, func(fs *flag.FlagSet) {
		fs.BoolVar(&a.JSON, "json", false, "print the results as JSON")
		fs.BoolVar(&a.Sim, "sim", false, "run against in-process simulated devices instead of the real ones")
		fs.BoolVar(&a.AutoApprove, "auto-approve", false, "skip the interactive approval")
		fs.StringVar(&a.TranscriptDir, "transcript-dir", "", "write each device's session (secrets masked) to DIR/DEVICE.log")
		fs.DurationVar(&a.LockTimeout, "lock-timeout", 0, "wait this long for another apply of the runbook to finish (default: fail at once)")
		fs.BoolVar(&a.AcceptNewKeys, "accept-new-host-keys", false, "trust host keys seen for the first time and record them in the runbook's known_hosts (a changed key is still refused)")
		noColorFlag(fs, &a.NoColor)
	})
	a.Dir = dir
	return a, err
}

// parseRunbookFlags parses the flags plan and apply share (variables,
// -parallelism, -mode), the command's own (registered by own) and the
// runbook DIR.
func parseRunbookFlags(name string, args []string, stderr io.Writer, vars *varFlags, parallelism *int, mode *string, own func(*flag.FlagSet)) (string, error) {
	fs := newFlagSet(name, stderr)
	vars.register(fs)
	fs.IntVar(parallelism, "parallelism", 0, "concurrent device sessions (default: the runbook's, else 10)")
	fs.Func("mode", "where device sessions run: goroutine (default) or subprocess (worker processes)", modeFlag(mode))
	own(fs)
	dir, err := parseWithDir(fs, args)
	if err == nil {
		err = checkParallelism(fs, *parallelism)
	}
	return dir, err
}

func parseOutput(args []string, stderr io.Writer) (outputArgs, error) {
	var a outputArgs
	fs := newFlagSet("output", stderr)
	fs.BoolVar(&a.JSON, "json", false, "print output values as JSON")
	name, err := parseWithDir(fs, args)
	if name == "." {
		name = ""
	}
	a.Name = name
	return a, err
}

func parseSim(args []string, stderr io.Writer) (simArgs, error) {
	var a simArgs
	fs := newFlagSet("sim", stderr)
	fs.IntVar(&a.Count, "count", 1, "number of devices")
	fs.StringVar(&a.Listen, "listen", "127.0.0.1:2200", "address of the first device; the others take the next ports")
	fs.StringVar(&a.Prefix, "prefix", "r", "hostname prefix: r1, r2, ...")
	fs.StringVar(&a.Username, "username", "cisco", "login username")
	fs.StringVar(&a.Password, "password", "cisco", "login password")
	fs.StringVar(&a.Enable, "enable", "cisco", "enable secret")
	fs.DurationVar(&a.Latency, "latency", 0, "delay before each command's reply, e.g. 200ms")
	fs.StringVar(&a.Platform, "platform", "cisco_iosxe", "device platform")
	fs.StringVar(&a.KnownHosts, "known-hosts", "", "write the devices' host keys to this known_hosts file")
	fs.StringVar(&a.Config, "config", "", "start every device with the running configuration in FILE (its hostname is replaced)")
	if err := fs.Parse(args); err != nil {
		return a, err
	}
	if fs.NArg() > 0 {
		return a, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if a.Count < 1 {
		return a, errors.New("-count must be at least 1")
	}
	return a, nil
}

// checkParallelism refuses -parallelism below 1 when it was given (0 means
// "not given": the runbook's setting or the default then applies).
func checkParallelism(fs *flag.FlagSet, n int) error {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "parallelism" })
	if set && n < 1 {
		return errors.New("-parallelism must be a positive number")
	}
	return nil
}

func parseForceUnlock(args []string, stderr io.Writer) (forceUnlockArgs, error) {
	var a forceUnlockArgs
	fs := newFlagSet("force-unlock", stderr)
	if err := fs.Parse(args); err != nil {
		return a, err
	}
	switch fs.NArg() {
	case 1:
		a.ID, a.Dir = fs.Arg(0), "."
	case 2:
		a.ID, a.Dir = fs.Arg(0), fs.Arg(1)
	default:
		return a, errors.New("usage: netrun force-unlock LOCK_ID [DIR]")
	}
	return a, nil
}

func modeFlag(dst *string) func(string) error {
	return func(v string) error {
		if v != "goroutine" && v != "subprocess" {
			return fmt.Errorf("mode must be goroutine or subprocess, not %q", v)
		}
		*dst = v
		return nil
	}
}

// noColorFlag is -no-color, which every command with a human view takes
// (and netrun itself, before the command).
func noColorFlag(fs *flag.FlagSet, dst *bool) {
	fs.BoolVar(dst, "no-color", false, "no colour on a terminal either (as does the NO_COLOR environment variable)")
}
