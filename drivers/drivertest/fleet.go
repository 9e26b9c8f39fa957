package drivertest

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/sim"
)

// Fleet is what StartFleet has a second process serve: N simulated
// routers r1..rN that log in Username with Password (also their enable
// secret), starting from Config ("" for the simulator's default).
type Fleet struct {
	N                  int
	Username, Password string
	Config             string
}

// fleetEnv carries the Fleet, as JSON, to the process that serves it.
const fleetEnv = "NETRUN_TEST_FLEET"

// StartFleet serves f from a second process, so a benchmark's memory
// figures are its own, not the simulators'. That process is this test
// binary re-run: its TestMain must call ServeFleet first. StartFleet
// returns the devices' endpoints (loopback, host key pinned); the process
// stops when tb's cleanup runs.
func StartFleet(tb testing.TB, f Fleet) map[string]drivers.Endpoint {
	tb.Helper()
	if f.Config != "" {
		// A running configuration may be longer than an environment
		// variable can hold: the child reads it from a file.
		path := filepath.Join(tb.TempDir(), "running.cfg")
		if err := os.WriteFile(path, []byte(f.Config), 0o644); err != nil {
			tb.Fatal(err)
		}
		f.Config = path
	}
	spec, err := json.Marshal(f)
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fleetEnv+"="+string(spec))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		stdin.Close() // the child serves until its stdin closes
		_ = cmd.Wait()
	})
	var info fleetInfo
	if err := json.NewDecoder(stdout).Decode(&info); err != nil {
		tb.Fatalf("simulator process: %v", err)
	}
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(info.HostKey))
	if err != nil {
		tb.Fatal(err)
	}
	eps := make(map[string]drivers.Endpoint, len(info.Ports))
	for i, port := range info.Ports {
		eps["r"+strconv.Itoa(i+1)] = drivers.Endpoint{Host: "127.0.0.1", Port: port, HostKey: key}
	}
	return eps
}

// fleetInfo is the one JSON line the serving process prints.
type fleetInfo struct {
	Ports   []int  `json:"ports"`
	HostKey string `json:"host_key"`
}

// ServeFleet is for TestMain, before anything else: in a process
// StartFleet started, it serves the fleet until stdin closes and returns
// true (TestMain then returns, running no test); elsewhere it returns false
// at once.
func ServeFleet() bool {
	spec := os.Getenv(fleetEnv)
	if spec == "" {
		return false
	}
	if err := serveFleet(spec); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	return true
}

func serveFleet(spec string) error {
	var f Fleet
	if err := json.Unmarshal([]byte(spec), &f); err != nil {
		return err
	}
	dev := sim.Device{Username: f.Username, Password: f.Password, Enable: f.Password}
	if f.Config != "" {
		data, err := os.ReadFile(f.Config)
		if err != nil {
			return err
		}
		dev.Config = string(data)
	}
	fleet, err := sim.StartFleet("127.0.0.1:0", f.N, "r", dev, nil)
	if err != nil {
		return err
	}
	defer fleet.Close()
	info := fleetInfo{HostKey: string(ssh.MarshalAuthorizedKey(fleet.Servers[0].HostKey()))}
	for _, s := range fleet.Servers {
		info.Ports = append(info.Ports, s.Port())
	}
	if err := json.NewEncoder(os.Stdout).Encode(info); err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, os.Stdin)
	return err
}
