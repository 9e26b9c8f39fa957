package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/posener/complete/v2"
	"github.com/posener/complete/v2/install"
	"github.com/posener/complete/v2/predict"

	"github.com/netrun/netrun/drivers/platform"
)

// Shell completion (posener/complete): -install-autocomplete adds
// `complete -C /path/to/netrun netrun` to the shell's startup file, so the
// shell runs netrun with COMP_LINE set to complete a word (see main). The
// tree is made from the command table and each command's own FlagSet, so
// a new command or flag completes without more code here.

// flagValues complete the values of the flags whose values can be known.
// Any other flag that takes a value completes nothing, and a boolean flag
// goes on to the next flag.
var flagValues = map[string]complete.Predictor{
	"mode":           predict.Set{"goroutine", "subprocess"},
	"platform":       predict.Set(platform.Names()),
	"var-file":       predict.Files("*"),
	"out":            predict.Files("*"),
	"config":         predict.Files("*"),
	"known-hosts":    predict.Files("*"),
	"transcript-dir": predict.Dirs("*"),
}

// completion is the completion tree of netrun's command line.
func completion() complete.Completer {
	root := &complete.Command{Sub: map[string]*complete.Command{}}
	for name, c := range commands {
		sub := &complete.Command{Flags: map[string]complete.Predictor{}}
		switch args := help[name].args; {
		case strings.Contains(args, "FILE"):
			sub.Args = predict.Files("*")
		case strings.Contains(args, "DIR"):
			sub.Args = predict.Dirs("*")
		}
		if fs := c.flags(); fs != nil {
			fs.VisitAll(func(f *flag.Flag) {
				switch p, ok := flagValues[f.Name]; {
				case ok:
					sub.Flags[f.Name] = p
				case isBool(f):
					sub.Flags[f.Name] = predict.Nothing
				default:
					sub.Flags[f.Name] = predict.Something
				}
			})
		}
		root.Sub[name] = sub
	}
	return globals{root}
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// globals completes after -chdir=DIR as at the start of the line.
type globals struct{ *complete.Command }

func (g globals) SubCmdGet(cmd string) complete.Completer {
	if strings.HasPrefix(cmd, "-chdir=") {
		return g
	}
	if c := g.Command.SubCmdGet(cmd); c != nil {
		return c
	}
	return nil
}

// installCompletion and uninstallCompletion edit the shell's startup
// files; tests replace them.
var (
	installCompletion   = install.Install
	uninstallCompletion = install.Uninstall
)

// runAutocomplete is -install-autocomplete or -uninstall-autocomplete.
func runAutocomplete(arg string, stdout, stderr io.Writer) int {
	if arg == "-uninstall-autocomplete" {
		if err := uninstallCompletion("netrun"); err != nil {
			return errorf(stderr, "-uninstall-autocomplete: %v", err)
		}
		fmt.Fprintln(stdout, "Shell completion of netrun removed.")
		return 0
	}
	if err := installCompletion("netrun"); err != nil {
		return errorf(stderr, "-install-autocomplete: %v", err)
	}
	fmt.Fprintln(stdout, "Shell completion of netrun installed: it works in new shells.")
	return 0
}
