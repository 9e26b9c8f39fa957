package main

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/mitchellh/go-wordwrap"
)

// commandHelp is what `netrun CMD -help` says of a command, and `netrun
// -help` of it in one line. Every command of the table has one (a test
// checks it).
type commandHelp struct {
	args    string // the positional arguments after [options], "" for none
	summary string // one line, for the list of commands
	text    string // a paragraph: what it does and what it needs
}

var help = map[string]commandHelp{
	"validate": {"[DIR]", "Check a runbook for errors without contacting devices",
		"Loads the runbook in DIR (default: the current directory) with its variables and builds its plan, " +
			"reporting every problem with file, line and source: syntax, references, types, cycles, " +
			"credentials and drivers. No device is contacted."},
	"plan": {"[DIR]", "Show which commands will run on which devices",
		"Shows each device's steps in the order apply will run them, with each device's driver and mode. " +
			"For config blocks it reads the devices' running configurations (read-only) and shows the lines " +
			"that would change. -out=FILE saves the plan for `netrun apply FILE`."},
	"apply": {"[DIR | PLANFILE]", "Run the runbook's commands on its devices",
		"Shows the plan, asks for \"yes\" (unless -auto-approve, or PLANFILE, a plan saved by plan -out), " +
			"runs it over SSH on the devices in parallel and prints each device's output and a summary. " +
			"Results are saved in DIR/netrun.state.json. Exit status 1 when any device failed."},
	"output": {"[NAME]", "Show output values from the last apply",
		"Prints the output values the last apply in the current directory (or -chdir=DIR) recorded, " +
			"or the one named NAME. It reads the saved state only: no runbook variables are needed."},
	"sim": {"", "Serve simulated devices on loopback for other tools",
		"Serves -count simulated devices (named PREFIX1, PREFIX2, ...) over real SSH on consecutive ports " +
			"from -listen, until interrupted, for netrun or any other SSH tool."},
	"force-unlock": {"LOCK_ID [DIR]", "Remove a lock a hung apply still holds",
		"Removes the lock of the runbook in DIR when its ID is LOCK_ID (the ID the refused apply named). " +
			"A killed run's lock ends with it; use this only for a run that hangs, and only when you know " +
			"no run is in progress."},
	"exec": {"COMMAND...", "Run ad-hoc commands on the runbook's devices",
		"Runs each COMMAND, in order, at the privileged prompt of the runbook's devices (in the current " +
			"directory, or -chdir=DIR), with their credentials and jump hosts, without a command block; " +
			"-limit selects devices as for plan and apply. It records nothing: no state, no lock."},
	"show": {"[DIR | PLANFILE]", "Show the last apply's results per device, or a saved plan",
		"Prints, per device in natural order (r1, r2, r10), the last apply's status, when it ran and each " +
			"step's commands and output; given a plan file saved by plan -out, renders that plan."},
	"state": {"list | show ADDR | rm ADDR...", "List, show or remove devices in the state",
		"state list prints the devices the state records, one address a line (device.r1); state show ADDR " +
			"prints one device's record; state rm ADDR... removes devices' records under the runbook's lock."},
	"fmt": {"[DIR | FILE | - ...]", "Rewrite runbook files in the canonical format",
		"Rewrites *.hcl files in HCL's canonical format. -check writes nothing and exits 3 when a file " +
			"needs changes; -diff shows them; -recursive descends into subdirectories."},
	"graph": {"[DIR]", "Print the dependency graph of steps or blocks as DOT",
		"Prints the runbook's (task, device) steps and their dependencies as a DOT graph, or with " +
			"-type=runbook its blocks; no device is contacted."},
	"version": {"", "Show netrun's version and drivers",
		"Prints netrun's version, its plugin protocol version, the built-in drivers, the driver plugins " +
			"found for the runbook in the current directory, and the platforms."},
}

// globalOptions come before the command.
var globalOptions = []struct{ name, text string }{
	{"-chdir=DIR", "Work in DIR: the runbook, variable files and state are found there"},
	{"-no-color", "No colour on a terminal either (as NO_COLOR does)"},
	{"-help", "Show this help; \"netrun COMMAND -help\" shows a command's"},
	{"-version", "The version command"},
	{"-install-autocomplete", "Install shell completion of commands and flags (bash, zsh, fish)"},
	{"-uninstall-autocomplete", "Remove it"},
}

// usage is `netrun -help`: the commands and the global options.
func usage() string {
	var b strings.Builder
	b.WriteString("Usage: netrun [global options] <command> [options] [DIR]\n\nCommands:\n")
	names := slices.Sorted(maps.Keys(help))
	width := 0
	for _, name := range names {
		width = max(width, len(name))
	}
	for _, name := range names {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, name, help[name].summary)
	}
	b.WriteString("\nGlobal options (before the command):\n")
	for _, o := range globalOptions {
		fmt.Fprintf(&b, "  %-25s %s\n", o.name, o.text)
	}
	b.WriteString("\nRun \"netrun <command> -help\" for a command's options.\n")
	return b.String()
}

// writeHelp is `netrun CMD -help`: synopsis, description and the flags fs
// defines.
func writeHelp(w io.Writer, name string, fs *flag.FlagSet) {
	h := help[name]
	hasFlags := false
	if fs != nil {
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	}
	synopsis := "netrun [global options] " + name
	if hasFlags {
		synopsis += " [options]"
	}
	if h.args != "" {
		synopsis += " " + h.args
	}
	fmt.Fprintf(w, "Usage: %s\n\n", synopsis)
	if h.summary != "" {
		fmt.Fprintf(w, "  %s.\n\n", h.summary)
	}
	if h.text != "" {
		text := strings.ReplaceAll(wordwrap.WrapString(h.text, 76), "\n", "\n  ")
		fmt.Fprintf(w, "  %s\n\n", text)
	}
	if !hasFlags {
		return
	}
	fmt.Fprintln(w, "Options:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// topLevelNames are what may come first on netrun's command line, for a
// suggestion: the commands, or the global options for a word with a dash.
func topLevelNames(word string) []string {
	if strings.HasPrefix(word, "-") {
		names := make([]string, len(globalOptions))
		for i, o := range globalOptions {
			names[i], _, _ = strings.Cut(o.name, "=")
		}
		return names
	}
	return slices.Sorted(maps.Keys(commands))
}

// didYouMean is " Did you mean "X"?" for the candidate nearest to word
// (at most two edits away, as Terraform suggests), or "". A value after
// "=" and a second dash are not part of what is compared.
func didYouMean(word string, candidates []string) string {
	word, _, _ = strings.Cut(word, "=")
	if strings.HasPrefix(word, "--") {
		word = word[1:]
	}
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := levenshtein.Distance(word, c, nil); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" Did you mean %q?", best)
}
