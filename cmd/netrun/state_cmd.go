package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/netrun/netrun/cmd/netrun/views"
	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/state"
)

// runState is netrun state list | show ADDR | rm ADDR...: the devices the
// state records, addressed as device.NAME.
func runState(wd string, a stateArgs, _ io.Reader, stdout, stderr io.Writer) int {
	if a.Sub == "rm" {
		return stateRm(wd, a.Addrs, stderr)
	}
	st, code := readState(wd, stderr)
	if st == nil {
		return code
	}
	if a.Sub == "list" {
		var addrs []string
		for _, name := range st.DeviceNames() {
			addrs = append(addrs, deviceAddr(name))
		}
		views.StateList(stdout, addrs)
		return 0
	}
	name, code := recorded(st, a.Addrs[0], stderr)
	if code != 0 {
		return code
	}
	v := views.NewShow(views.TypeOf(a.JSON), &views.View{Stdout: stdout, Stderr: stderr})
	if err := v.Device(name, st.Devices[name]); err != nil {
		return errorf(stderr, "%v", err)
	}
	return 0
}

// stateRm removes devices' records: under the runbook's lock, so no apply
// writes the state meanwhile, and in one write of the state, so either
// every device named goes or none does. Their results files go too; their
// backups stay, as history.
func stateRm(wd string, addrs []string, stderr io.Writer) int {
	store := state.Open(wd, false)
	lock, err := store.Lock(context.Background(), "state rm", 0)
	if err != nil {
		return errorf(stderr, "%v", err)
	}
	defer lock.Unlock()
	st, code := readState(wd, stderr)
	if st == nil {
		return code
	}
	var names []string
	for _, a := range addrs {
		name, code := recorded(st, a, stderr)
		if code != 0 {
			return code
		}
		st.RemoveDevice(name)
		names = append(names, name)
	}
	if err := store.WriteState(st); err != nil {
		return errorf(stderr, "writing state: %v", err)
	}
	for _, name := range names {
		if err := state.Open(wd, st.Simulated).RemoveResult(name); err != nil {
			return errorf(stderr, "%v", err)
		}
		fmt.Fprintf(stderr, "Removed %s\n", deviceAddr(name))
	}
	return 0
}

// deviceAddr is a device's address in the state: device.NAME.
func deviceAddr(name string) string { return "device." + name }

// recorded is the device an address names (device.NAME, device.NAME["KEY"]
// for a for_each instance, whose device is named KEY, or NAME), if the state
// has it.
func recorded(st *state.State, addr string, stderr io.Writer) (string, int) {
	name := strings.TrimPrefix(addr, "device.")
	if t, err := engine.ParseTarget(addr); err == nil && t.Key != nil {
		name = *t.Key
	}
	if _, ok := st.Devices[name]; !ok {
		return "", errorf(stderr, "%s is not in the state; `netrun state list` shows what is", addr)
	}
	return name, 0
}
