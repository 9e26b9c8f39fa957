package views

import (
	"fmt"
	"strings"
)

// Version is the view of netrun version (human only: it takes no -json).
type Version struct{ *View }

// Plugin is one plugin driver netrun found.
type Plugin struct {
	Name, Version, Path string
}

// Show lists netrun's version, its drivers (plugins in name order) and
// platforms.
func (v Version) Show(version string, protocol int, builtins []string, plugins []Plugin, platforms []string) {
	fmt.Fprintf(v.Stdout, "netrun v%s (plugin protocol %d)\n", version, protocol)
	fmt.Fprintf(v.Stdout, "drivers: %s (built in)\n", strings.Join(builtins, ", "))
	for _, p := range plugins {
		fmt.Fprintf(v.Stdout, "plugin: %s v%s (%s)\n", p.Name, p.Version, p.Path)
	}
	fmt.Fprintf(v.Stdout, "platforms: %s\n", strings.Join(platforms, ", "))
}
