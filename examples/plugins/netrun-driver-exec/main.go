// Command netrun-driver-exec is a netrun driver plugin for Linux-based
// hosts and white-box network OSes (SONiC, Cumulus, plain Linux): each
// command runs on its own SSH exec channel, with no terminal and no prompt
// to match, and its exit status says whether it failed. Build it into a
// runbook's .netrun/plugins/ (or NETRUN_PLUGIN_PATH, or PATH) and set
// driver = "exec" on the devices it serves; see ../README.md.
//
// netrun starts it; it is not meant to be run by hand.
package main

import "github.com/netrun/netrun/drivers/plugin"

func main() {
	plugin.Serve("exec", version, execDriver{}, schema)
}
