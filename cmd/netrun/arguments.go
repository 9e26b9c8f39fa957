package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/netrun/netrun/engine/plan"
)

// Each command parses its flags into one of these plain structs; parsing is
// table-tested apart from running.

// varFlags are the options every command that evaluates a runbook takes.
type varFlags struct {
	Vars     []string // NAME=VALUE, in order
	VarFiles []string
	NoInput  bool // -input=false: never ask (see interactive)
}

type validateArgs struct {
	Dir  string
	Vars varFlags
	JSON bool
}

type planArgs struct {
	Dir              string
	Vars             varFlags
	Select           selectionFlags
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
	Select        selectionFlags
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

// execArgs are netrun exec's: ad-hoc commands over the runbook in the
// current directory (-chdir picks another), so every positional argument is
// a command.
type execArgs struct {
	Vars        varFlags
	Parallelism int
	Mode        string
	JSON        bool
	Sim         bool
	Select      selectionFlags // -limit and -target, as for plan and apply
	Timeout     time.Duration  // per command; 0: each device's
	Commands    []string
}

type forceUnlockArgs struct {
	ID  string
	Dir string
}

type versionArgs struct{}

type outputArgs struct {
	Name string
	JSON bool
	Raw  bool
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

type fmtArgs struct {
	Paths     []string // files and directories, "-" for standard input; none: "."
	List      bool
	Write     bool
	Diff      bool
	Check     bool
	Recursive bool
}

type graphArgs struct {
	Dir    string
	Vars   varFlags
	Type   string // "plan" or "runbook"
	Select selectionFlags
}

// selectionFlags are -target and -limit, which narrow a command to part of
// the runbook (engine.Select reads and applies them).
type selectionFlags struct {
	Targets []string
	Limits  []string // joined by commas: -limit a -limit b is -limit a,b
}

func (s *selectionFlags) register(fs *flag.FlagSet) {
	fs.Var(listFlag{&s.Targets}, "target", `only this device or block and what it needs: device.NAME, device.NAME["KEY"], command.NAME, config.NAME (repeatable)`)
	fs.Var(listFlag{&s.Limits}, "limit", "only the devices matching PATTERN: names, globs (dc1-*), tag:TAG, &TERM (and), !TERM (not), @failed (the last run's failures), comma-separated")
}

// selection is what the flags ask for, as a plan records it.
func (s selectionFlags) selection() plan.Selection {
	return plan.Selection{Targets: s.Targets, Limit: strings.Join(s.Limits, ",")}
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

// flagOutput is the writer withArgs gives a command's parser, which hands
// it to newFlagSet: it keeps the command's FlagSet, so that withArgs can
// print the command's help, and suggest a flag, from the flags themselves.
type flagOutput struct {
	io.Writer
	fs *flag.FlagSet
}

// newFlagSet is the FlagSet of command name. The flag package prints
// nothing: withArgs reports errors and -help (writeHelp) when out is its
// flagOutput.
func newFlagSet(name string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if o, ok := out.(*flagOutput); ok {
		o.fs = fs
	}
	return fs
}

// flagHint follows a command-line error of command name: for a flag the
// command does not define, the nearest one it does, and where to see them.
func flagHint(name string, err error, fs *flag.FlagSet) string {
	// The flag package's own wording, stable since Go 1.
	given, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: ")
	if !ok {
		return ""
	}
	var names []string
	if fs != nil {
		fs.VisitAll(func(f *flag.Flag) { names = append(names, "-"+f.Name) })
	}
	return strings.TrimSpace(didYouMean(given, names) + fmt.Sprintf(" Run \"netrun %s -help\" for its options.", name))
}

func (v *varFlags) register(fs *flag.FlagSet) {
	fs.Var(listFlag{&v.Vars}, "var", "set a variable, as in -var '`NAME=VALUE`' (repeatable)")
	fs.Var(listFlag{&v.VarFiles}, "var-file", "load variable values from `FILE` (repeatable; netrun.vars, netrun.vars.json and *.auto.vars[.json] in DIR load by themselves, below these)")
	fs.BoolFunc("input", "ask for input when needed (-input=false, or NETRUN_IN_AUTOMATION set: never ask; apply then needs -auto-approve)", func(s string) error {
		on, err := strconv.ParseBool(s)
		v.NoInput = !on
		return err
	})
}

// interactive says whether netrun may ask on stdin: not with -input=false,
// nor when NETRUN_IN_AUTOMATION is set (to anything), as in CI.
func (v *varFlags) interactive() bool {
	return !v.NoInput && os.Getenv("NETRUN_IN_AUTOMATION") == ""
}

// parseWithDir parses flags and at most one positional DIR, which may come
// before, between or after the flags (Go's flag package stops at the first
// positional argument; users type `netrun apply examples/x -auto-approve`).
func parseWithDir(fs *flag.FlagSet, args []string) (string, error) {
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return "", err
	}
	switch len(positional) {
	case 0:
		return ".", nil
	case 1:
		return positional[0], nil
	}
	return "", fmt.Errorf("too many arguments: %q; expected at most one runbook directory", positional)
}

// parseInterspersed parses flags wherever they are among the positional
// arguments, which it returns in order; after "--" every argument is
// positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
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
		fs.StringVar(&a.Out, "out", "", "save the plan to `FILE` for netrun apply FILE")
		fs.BoolVar(&a.DetailedExitcode, "detailed-exitcode", false, "exit 0 for no changes, 1 for errors, 2 for changes")
		a.Select.register(fs)
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
		fs.StringVar(&a.TranscriptDir, "transcript-dir", "", "write each device's session (secrets masked) to `DIR`/DEVICE.log")
		fs.DurationVar(&a.LockTimeout, "lock-timeout", 0, "wait this long for another apply of the runbook to finish (default: fail at once)")
		fs.BoolVar(&a.AcceptNewKeys, "accept-new-host-keys", false, "trust host keys seen for the first time and record them in the runbook's known_hosts (a changed key is still refused)")
		a.Select.register(fs)
		noColorFlag(fs, &a.NoColor)
	})
	a.Dir = dir
	return a, err
}

// parseRunbookFlags parses the flags plan and apply share (variables,
// -parallelism, -mode), the command's own (registered by own) and the
// runbook DIR.
func parseRunbookFlags(name string, args []string, stderr io.Writer, vars *varFlags, parallelism *int, mode *string, own func(*flag.FlagSet)) (string, error) {
	fs := runbookFlags(name, stderr, vars, parallelism, mode)
	own(fs)
	dir, err := parseWithDir(fs, args)
	if err == nil {
		err = checkParallelism(fs, *parallelism)
	}
	return dir, err
}

// runbookFlags is a flag set with the flags of every command that runs a
// runbook's devices: variables, -parallelism and -mode.
func runbookFlags(name string, stderr io.Writer, vars *varFlags, parallelism *int, mode *string) *flag.FlagSet {
	fs := newFlagSet(name, stderr)
	vars.register(fs)
	fs.IntVar(parallelism, "parallelism", 0, "concurrent device sessions (default: the runbook's, else 10)")
	fs.Func("mode", "where device sessions run, `MODE`: goroutine (default) or subprocess (worker processes)", modeFlag(mode))
	return fs
}

func parseExec(args []string, stderr io.Writer) (execArgs, error) {
	var a execArgs
	fs := runbookFlags("exec", stderr, &a.Vars, &a.Parallelism, &a.Mode)
	fs.BoolVar(&a.JSON, "json", false, "print the results as JSON")
	fs.BoolVar(&a.Sim, "sim", false, "run against in-process simulated devices instead of the real ones")
	a.Select.register(fs)
	fs.DurationVar(&a.Timeout, "timeout", 0, "time limit of each command (default: each device's timeout)")
	commands, err := parseInterspersed(fs, args)
	if err != nil {
		return a, err
	}
	if err := checkParallelism(fs, a.Parallelism); err != nil {
		return a, err
	}
	if a.Timeout < 0 {
		return a, errors.New("-timeout must be positive")
	}
	if len(commands) == 0 {
		return a, errors.New("no command to run: netrun exec [options] COMMAND [COMMAND ...], e.g. netrun exec 'show version'")
	}
	for _, c := range commands {
		if strings.TrimSpace(c) == "" {
			return a, errors.New("a command is blank")
		}
	}
	a.Commands = commands
	return a, nil
}

func parseOutput(args []string, stderr io.Writer) (outputArgs, error) {
	var a outputArgs
	fs := newFlagSet("output", stderr)
	fs.BoolVar(&a.JSON, "json", false, "print output values as JSON")
	fs.BoolVar(&a.Raw, "raw", false, "print one string output's text as it is, without quotes, for scripts")
	name, err := parseWithDir(fs, args)
	if name == "." {
		name = ""
	}
	a.Name = name
	if err == nil && a.Raw && (a.JSON || name == "") {
		err = errors.New("-raw takes one output NAME and no -json")
	}
	return a, err
}

// showArgs are netrun show [-json] [DIR|PLANFILE].
type showArgs struct {
	Path   string
	JSON   bool
	Vars   varFlags       // for -limit/-target, which read the runbook
	Select selectionFlags // only these devices
}

func parseShow(args []string, stderr io.Writer) (showArgs, error) {
	var a showArgs
	fs := newFlagSet("show", stderr)
	fs.BoolVar(&a.JSON, "json", false, "print the results (or the plan) as JSON")
	a.Vars.register(fs)
	a.Select.register(fs)
	path, err := parseWithDir(fs, args)
	a.Path = path
	return a, err
}

// stateArgs are netrun state list | show [-json] ADDR | rm ADDR...
type stateArgs struct {
	Sub   string
	Addrs []string
	JSON  bool
}

func parseState(args []string, stderr io.Writer) (stateArgs, error) {
	var a stateArgs
	usage := errors.New("usage: netrun state list | state show [-json] device.NAME | state rm device.NAME...")
	if len(args) == 0 {
		return a, usage
	}
	if strings.HasPrefix(args[0], "-") {
		// -help (or a flag before the subcommand): the state command's own.
		return a, newFlagSet("state", stderr).Parse(args)
	}
	a.Sub = args[0]
	fs := newFlagSet("state "+a.Sub, stderr)
	if a.Sub == "show" {
		fs.BoolVar(&a.JSON, "json", false, "print the device's state as JSON")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return a, err
	}
	a.Addrs = fs.Args()
	want := map[string]bool{"list": len(a.Addrs) == 0, "show": len(a.Addrs) == 1, "rm": len(a.Addrs) > 0}
	if ok, known := want[a.Sub]; !known || !ok {
		return a, usage
	}
	return a, nil
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

// parseVersion takes no flags but -help; arguments after it are ignored.
func parseVersion(args []string, stderr io.Writer) (versionArgs, error) {
	return versionArgs{}, newFlagSet("version", stderr).Parse(args)
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

// parseFmt takes Terraform's fmt flags and any number of paths among them.
// -check writes nothing, as in Terraform.
func parseFmt(args []string, stderr io.Writer) (fmtArgs, error) {
	var a fmtArgs
	fs := newFlagSet("fmt", stderr)
	fs.BoolVar(&a.List, "list", true, "list the files whose formatting differs (-list=false: do not)")
	fs.BoolVar(&a.Write, "write", true, "write the canonical form to the files (-write=false: do not)")
	fs.BoolVar(&a.Diff, "diff", false, "print the changes as a unified diff")
	fs.BoolVar(&a.Check, "check", false, "change no file; exit 3 when one is not in canonical form")
	fs.BoolVar(&a.Recursive, "recursive", false, "also format the files in subdirectories")
	for {
		if err := fs.Parse(args); err != nil {
			return a, err
		}
		if fs.NArg() == 0 {
			break
		}
		a.Paths, args = append(a.Paths, fs.Arg(0)), fs.Args()[1:]
	}
	if len(a.Paths) == 0 {
		a.Paths = []string{"."}
	}
	a.Write = a.Write && !a.Check
	return a, nil
}

func parseGraph(args []string, stderr io.Writer) (graphArgs, error) {
	var a graphArgs
	fs := newFlagSet("graph", stderr)
	a.Vars.register(fs)
	fs.StringVar(&a.Type, "type", "plan", "plan: a node per step (task@device); runbook: a node per command or config block")
	a.Select.register(fs)
	dir, err := parseWithDir(fs, args)
	a.Dir = dir
	if err == nil && a.Type != "plan" && a.Type != "runbook" {
		err = fmt.Errorf("-type must be plan or runbook, not %q", a.Type)
	}
	return a, err
}

// noColorFlag is -no-color, which every command with a human view takes
// (and netrun itself, before the command).
func noColorFlag(fs *flag.FlagSet, dst *bool) {
	fs.BoolVar(dst, "no-color", false, "no colour on a terminal either (as does the NO_COLOR environment variable)")
}
