package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/netrun/netrun/cmd/netrun/views"
	"github.com/netrun/netrun/drivers/platform"
	"github.com/netrun/netrun/internal/safefile"
	"github.com/netrun/netrun/sim"
)

func runSim(wd string, a simArgs, _ io.Reader, stdout, stderr io.Writer) int {
	if _, err := platform.Lookup(a.Platform); err != nil {
		return errorf(stderr, "sim: %v", err)
	}
	key, err := sim.NewHostKey()
	if err != nil {
		return errorf(stderr, "sim: %v", err)
	}
	tmpl := sim.Device{
		Platform: a.Platform,
		Username: a.Username,
		Password: a.Password,
		Enable:   a.Enable,
		Latency:  a.Latency,
	}
	if a.Config != "" {
		data, err := os.ReadFile(within(wd, a.Config))
		if err != nil {
			return errorf(stderr, "sim: %v", err)
		}
		tmpl.Config = string(data)
	}
	fleet, err := sim.StartFleet(a.Listen, a.Count, a.Prefix, tmpl, key)
	if err != nil {
		return errorf(stderr, "sim: %v", err)
	}
	defer fleet.Close()
	if a.KnownHosts != "" {
		a.KnownHosts = within(wd, a.KnownHosts)
		if err := safefile.WriteAtomic(a.KnownHosts, []byte(fleet.KnownHosts()), 0o644); err != nil {
			return errorf(stderr, "sim: %v", err)
		}
	}
	// Ctrl-C is caught before "Press Ctrl-C" is printed, so a caller that
	// acts on that line cannot kill the fleet instead of stopping it.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	v := views.Sim{View: &views.View{Stdout: stdout, Stderr: stderr}}
	first, last := fleet.Servers[0], fleet.Servers[len(fleet.Servers)-1]
	v.Serving(a.Count, a.Platform, a.Prefix, first.Addr(), last.Addr(), a.KnownHosts)
	<-ctx.Done()
	v.Stopping()
	return 0
}
