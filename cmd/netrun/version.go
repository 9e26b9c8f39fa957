package main

import (
	"io"
	"maps"
	"slices"

	"github.com/netrun/netrun/cmd/netrun/views"
	"github.com/netrun/netrun/drivers/platform"
	"github.com/netrun/netrun/drivers/plugin"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func runVersionCmd(wd string, _ versionArgs, _ io.Reader, stdout, stderr io.Writer) int {
	return runVersion(wd, stdout, stderr)
}

// runVersion is the version command, also netrun -version.
func runVersion(wd string, stdout, stderr io.Writer) int {
	c, err := begin(wd, stderr)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	defer c.end()
	var plugins []views.Plugin
	for _, name := range slices.Sorted(maps.Keys(c.set.plugins)) {
		plugins = append(plugins, views.Plugin{Name: name, Version: c.set.versions[name], Path: c.set.plugins[name].Path})
	}
	views.Version{View: &views.View{Stdout: stdout, Stderr: stderr}}.Show(
		version, plugin.ProtocolVersion, c.set.builtins.Names(), plugins, platform.Names())
	return 0
}
