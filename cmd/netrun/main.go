// Command netrun runs declarative HCL runbooks of network device commands
// over SSH, with Terraform's workflow: validate, plan, apply, output.
//
// main stays thin: it picks the command. Each command has its file
// (validate.go, plan.go, apply.go, ...): it parses its flags into a plain
// struct (arguments.go), calls the engine, renders through its view
// (package views, human or -json) and returns the exit status. prepare.go
// is the preamble the commands that load a runbook share; drivers.go finds
// the drivers and starts the processes an execution mode needs.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"github.com/posener/complete/v2"
)

func main() {
	// A shell's completion calls netrun with COMP_LINE set (complete -C,
	// from -install-autocomplete): print the candidates and exit.
	if os.Getenv("COMP_LINE") != "" {
		complete.Complete("netrun", completion())
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// syncWriter serialises writes to one stream: progress lines, the run's
// output and plugins' stderr come from many goroutines. Once a write fails
// (a reader that went away, as in `netrun apply | head -3`), the stream is
// dropped rather than the run: later writes are discarded, and run exits 1
// at the end with err.
type syncWriter struct {
	mu  sync.Mutex
	w   io.Writer
	err error
	// noColor: the global -no-color (see newView).
	noColor bool
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		_, s.err = s.w.Write(p)
	}
	return len(p), nil
}

func (s *syncWriter) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

var notifySIGPIPE sync.Once

// survivePipes makes a write to a closed stdout or stderr fail with EPIPE
// instead of killing netrun with SIGPIPE, which would end an apply half way
// with its state unwritten. A handler, unlike ignoring the signal, is not
// inherited by the processes netrun starts.
func survivePipes() {
	notifySIGPIPE.Do(func() { signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE) })
}

// run is netrun's whole command line; it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	survivePipes()
	out, errw := &syncWriter{w: stdout}, &syncWriter{w: stderr}
	stdout, stderr = out, errw
	defer func() {
		if err := out.failed(); err != nil && code == 0 {
			fmt.Fprintf(stderr, "netrun: the output was cut short: %v\n", err)
			code = 1
		}
	}()
	defer func() {
		// A bug must not show a user a goroutine dump; say what happened.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "netrun: internal error: %v\nPlease report this with the runbook that caused it.\n", r)
			code = 1
		}
	}()
	// Terraform's global option: -chdir=DIR before the command. It is kept as
	// a base directory rather than a process-wide os.Chdir, so run stays
	// callable from parallel tests.
	wd := "."
	for len(args) > 0 && (strings.HasPrefix(args[0], "-chdir") || args[0] == "-no-color") {
		if args[0] == "-no-color" {
			out.noColor, errw.noColor = true, true
			args = args[1:]
			continue
		}
		_, dir, ok := strings.Cut(args[0], "=")
		if !ok {
			if len(args) < 2 {
				fmt.Fprintln(stderr, "netrun: -chdir needs a directory: -chdir=DIR")
				return 1
			}
			dir, args = args[1], args[1:]
		}
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			fmt.Fprintf(stderr, "netrun: -chdir: %s is not a directory\n", dir)
			return 1
		}
		wd = dir
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return 1
	}
	cmd, rest := args[0], args[1:]
	if c, ok := commands[cmd]; ok {
		return c.run(wd, rest, stdin, stdout, stderr)
	}
	switch cmd {
	case "-version", "--version", "-v":
		return runVersion(wd, stdout, stderr)
	case workerArg:
		return runWorker(stderr)
	case "help", "-help", "--help", "-h":
		fmt.Fprint(stdout, usage())
		return 0
	case "-install-autocomplete", "-uninstall-autocomplete":
		return runAutocomplete(cmd, stdout, stderr)
	}
	fmt.Fprintf(stderr, "netrun: unknown command %q.%s\n\nRun \"netrun -help\" for the list of commands.\n", cmd, didYouMean(cmd, topLevelNames(cmd)))
	return 1
}

// commands are netrun's commands, each parsed into its struct
// (arguments.go) before it runs; help.go has each one's help.
var commands = map[string]command{
	"validate":     withArgs("validate", parseValidate, runValidate),
	"plan":         withArgs("plan", parsePlan, runPlan),
	"apply":        withArgs("apply", parseApply, runApply),
	"exec":         withArgs("exec", parseExec, runExec),
	"output":       withArgs("output", parseOutput, runOutput),
	"show":         withArgs("show", parseShow, runShow),
	"state":        withArgs("state", parseState, runState),
	"sim":          withArgs("sim", parseSim, runSim),
	"force-unlock": withArgs("force-unlock", parseForceUnlock, runForceUnlock),
	"fmt":          withArgs("fmt", parseFmt, runFmt),
	"graph":        withArgs("graph", parseGraph, runGraph),
	"version":      withArgs("version", parseVersion, runVersionCmd),
}

// command is a command of the table: run is the command line after the
// command's name; flags are its flags, for help and completion.
type command struct {
	run   func(wd string, args []string, stdin io.Reader, stdout, stderr io.Writer) int
	flags func() *flag.FlagSet
}

// withArgs makes a command of a parser and a run: a command-line error is
// reported (with the nearest flag for an unknown one) and exits 1; -help
// prints the command's help on stdout and exits 0.
func withArgs[A any](name string, parse func([]string, io.Writer) (A, error),
	run func(wd string, a A, stdin io.Reader, stdout, stderr io.Writer) int,
) command {
	return command{
		run: func(wd string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
			out := &flagOutput{Writer: stderr}
			a, err := parse(args, out)
			if errors.Is(err, flag.ErrHelp) {
				writeHelp(stdout, name, out.fs)
				return 0
			}
			if err != nil {
				fmt.Fprintf(stderr, "netrun %s: %v\n", name, err)
				if hint := flagHint(name, err, out.fs); hint != "" {
					fmt.Fprintln(stderr, hint)
				}
				return 1
			}
			return run(wd, a, stdin, stdout, stderr)
		},
		flags: func() *flag.FlagSet {
			out := &flagOutput{Writer: io.Discard}
			_, _ = parse([]string{"-help"}, out)
			return out.fs
		},
	}
}
