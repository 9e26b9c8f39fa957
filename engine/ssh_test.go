package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers/drivertest"
	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/sim"
)

var bothDrivers = []string{"ssh", "scrapli"}

// eachDriver runs test once per driver, as parallel subtests named for it.
func eachDriver(t *testing.T, test func(t *testing.T, drv string)) {
	for _, drv := range bothDrivers {
		t.Run(drv, func(t *testing.T) {
			t.Parallel()
			test(t, drv)
		})
	}
}

// realRun loads src and applies it against devices the test serves itself
// on loopback (no -sim endpoints), with known_hosts and host key policy
// as a real run has them.
func realRun(t *testing.T, dir, src string, acceptNew bool) (*engine.Report, *config.Runbook) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	reg := registry(t)
	rb, diags := loadDir(t, dir, reg)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	p, diags := engine.BuildPlan(rb, 4)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	rep := engine.Apply(context.Background(), rb, p, engine.Options{
		Parallelism: 4, Drivers: reg, Secrets: rb.Secrets(), AcceptNewHostKeys: acceptNew,
	})
	return rep, rb
}

func startDevice(t *testing.T, addr string, d sim.Device, key ssh.Signer) *sim.Server {
	t.Helper()
	if d.Username == "" {
		d.Username, d.Password, d.Enable = "cisco", "s3cr3t-Pa55", "s3cr3t-Pa55"
	}
	s, err := sim.Start(addr, d, key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func oneDevice(driver string, port int, extra string) string {
	return header + fmt.Sprintf(`
device "r1" {
  host        = "127.0.0.1"
  port        = %d
  driver      = %q
  credentials = credentials.lab
  timeout     = "5s"
  %s
}
command "clock" {
  commands = ["show clock"]
}
`, port, driver, extra)
}

// TestHostKeysTrustOnFirstUse: -accept-new-host-keys records an unknown key
// in the runbook's own known_hosts once; the next run verifies it; a changed
// key is refused with the device and both fingerprints, by both drivers.
func TestHostKeysTrustOnFirstUse(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, drv string) {
		k1 := drivertest.NewHostKey(t)
		k2 := drivertest.NewHostKey(t)
		s := startDevice(t, "127.0.0.1:0", sim.Device{Hostname: "r1"}, k1)
		addr := s.Addr()
		dir := t.TempDir()
		src := oneDevice(drv, s.Port(), "")
		known := filepath.Join(dir, engine.RunbookKnownHosts)

		rep, _ := realRun(t, dir, src, false)
		if d := device(t, rep, "r1"); d.Status != engine.Failed || !strings.Contains(d.Error, "unknown host key") {
			t.Fatalf("without -accept-new-host-keys: %s %s", d.Status, d.Error)
		}
		rep, _ = realRun(t, dir, src, true)
		if d := device(t, rep, "r1"); d.Status != engine.OK {
			t.Fatalf("first use: %s %s", d.Status, d.Error)
		}
		data, err := os.ReadFile(known)
		if err != nil || strings.Count(string(data), "\n") != 1 || !strings.Contains(string(data), fmt.Sprintf("[127.0.0.1]:%d", s.Port())) {
			t.Fatalf("runbook known_hosts after first use = %q, %v", data, err)
		}
		rep, _ = realRun(t, dir, src, false)
		if d := device(t, rep, "r1"); d.Status != engine.OK {
			t.Fatalf("second run, verified from the file: %s %s", d.Status, d.Error)
		}

		// The device comes back with another key on the same address.
		s.Close()
		startDevice(t, addr, sim.Device{Hostname: "r1"}, k2)
		rep, _ = realRun(t, dir, src, true)
		d := device(t, rep, "r1")
		for _, want := range []string{"r1", ssh.FingerprintSHA256(k1.PublicKey()), ssh.FingerprintSHA256(k2.PublicKey())} {
			if !strings.Contains(d.Error, want) {
				t.Errorf("changed key: error lacks %q: %s", want, d.Error)
			}
		}
		if after, _ := os.ReadFile(known); string(after) != string(data) {
			t.Errorf("a changed key was recorded:\n%s", after)
		}
	})
}

// TestHostKeyPinning: host_key pins a key or its fingerprint; anything
// else is refused, by both drivers.
func TestHostKeyPinning(t *testing.T) {
	t.Parallel()
	k1 := drivertest.NewHostKey(t)
	k2 := drivertest.NewHostKey(t)
	s := startDevice(t, "127.0.0.1:0", sim.Device{Hostname: "r1"}, k1)
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k1.PublicKey())))
	for _, drv := range bothDrivers {
		for name, tc := range map[string]struct {
			pin string
			ok  bool
		}{
			"key":         {line, true},
			"fingerprint": {ssh.FingerprintSHA256(k1.PublicKey()), true},
			"other key":   {ssh.FingerprintSHA256(k2.PublicKey()), false},
		} {
			t.Run(drv+"/"+name, func(t *testing.T) {
				t.Parallel()
				rep, _ := realRun(t, t.TempDir(), oneDevice(drv, s.Port(), fmt.Sprintf("host_key = %q", tc.pin)), false)
				d := device(t, rep, "r1")
				if (d.Status == engine.OK) != tc.ok {
					t.Errorf("status %s, want ok=%v: %s", d.Status, tc.ok, d.Error)
				}
				if !tc.ok && !strings.Contains(d.Error, ssh.FingerprintSHA256(k1.PublicKey())) {
					t.Errorf("refusal does not show the presented fingerprint: %s", d.Error)
				}
			})
		}
	}
}

// TestLegacyAlgorithms: a device offering only old algorithms fails with
// the secure defaults and works once its ssh {} block opts in, with both
// drivers; the opt-in is a warning at load.
func TestLegacyAlgorithms(t *testing.T) {
	t.Parallel()
	legacy := sim.LegacyAlgorithms
	s := startDevice(t, "127.0.0.1:0", sim.Device{Hostname: "r1", Algorithms: legacy}, nil)
	optIn := `insecure_skip_host_key = true
  ssh {
    key_exchanges       = ["diffie-hellman-group1-sha1"]
    ciphers             = ["aes128-cbc"]
    host_key_algorithms = ["ssh-rsa"]
    macs                = ["hmac-sha1"]
  }`
	eachDriver(t, func(t *testing.T, drv string) {
		rep, _ := realRun(t, t.TempDir(), oneDevice(drv, s.Port(), "insecure_skip_host_key = true"), false)
		if d := device(t, rep, "r1"); d.Status != engine.Failed {
			t.Errorf("without the opt-in: %s, want failed", d.Status)
		} else {
			t.Logf("without the opt-in: %s", d.Error)
		}
		dir := t.TempDir()
		rep, _ = realRun(t, dir, oneDevice(drv, s.Port(), optIn), false)
		if d := device(t, rep, "r1"); d.Status != engine.OK {
			t.Errorf("with the opt-in: %s %s", d.Status, d.Error)
		}
		_, diags := loadDir(t, dir, registry(t))
		var warned bool
		for _, d := range diags {
			warned = warned || strings.Contains(d.Summary+d.Detail, "legacy SSH algorithms")
		}
		if !warned {
			t.Errorf("no warning for the legacy opt-in: %v", diags)
		}
	})
}

// TestExpectCopyRunStart: a command that asks a question completes with an
// expect answer, and without one times out showing the question.
func TestExpectCopyRunStart(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, drv string) {
		driver := fmt.Sprintf("driver = %q", drv)
		f := newFixture(t, header+labDevice("r1", "192.0.2.1", driver)+`
command "save" {
  commands = ["copy running-config startup-config"]
  expect   = { "Destination filename \\[.*\\]\\?" = "" }
}
command "save_unanswered" {
  commands   = ["copy running-config startup-config"]
  timeout    = "500ms"
  depends_on = [command.save]
}
`, 1)
		rep := f.apply(context.Background())
		d := device(t, rep, "r1")
		want := map[string]engine.Status{"command.save": engine.OK, "command.save_unanswered": engine.Failed}
		if diff := cmp.Diff(want, statuses(d)); diff != "" {
			t.Fatalf("statuses (-want +got):\n%s\n%s", diff, d.Error)
		}
		if out := d.Steps[0].Results[0].Output; !strings.Contains(out, "[OK]") {
			t.Errorf("answered copy output = %q, want [OK]", out)
		}
		for _, w := range []string{"timed out", "Destination filename [startup-config]?"} {
			if !strings.Contains(d.Error, w) {
				t.Errorf("unanswered question: error lacks %q: %s", w, d.Error)
			}
		}
	})
}

// TestTranscripts: -transcript-dir writes one file per device with what
// was sent and received, and no secret.
func TestTranscripts(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, drv string) {
		driver := fmt.Sprintf("driver = %q", drv)
		f := newFixture(t, header+labDevice("r1", "192.0.2.1", driver)+labDevice("r2", "192.0.2.2", driver)+`
command "clock" {
  commands = ["show clock"]
}
command "users" {
  configure  = ["username ops privilege 15 secret ${var.password}"]
  depends_on = [command.clock]
}
`, 2)
		f.opts.TranscriptDir = t.TempDir()
		rep := f.apply(context.Background())
		if ok, _, _ := rep.Counts(); ok != 2 {
			t.Fatalf("ok=%d: %s", ok, firstError(rep))
		}
		for _, name := range []string{"r1", "r2"} {
			data, err := os.ReadFile(filepath.Join(f.opts.TranscriptDir, name+".log"))
			if err != nil {
				t.Fatal(err)
			}
			text := string(data)
			if strings.Contains(text, "s3cr3t-Pa55") {
				t.Errorf("%s transcript contains the password:\n%s", name, text)
			}
			for _, w := range []string{">>> show clock", name + "#", "UTC"} {
				if !strings.Contains(text, w) {
					t.Errorf("%s transcript lacks %q:\n%s", name, w, text)
				}
			}
		}
	})
}

// TestBastionBothDrivers: devices only reachable through two bastions work
// with either driver, and one bastion connection carries them all.
func TestBastionBothDrivers(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, drv string) {
		src := header + fmt.Sprintf(`
credentials "jump" {
  username = "jump"
  password = "jump-pw"
}
`+block("jump_host", "edge", `host = "bastion.example.net"`, "credentials = credentials.jump")+
			block("jump_host", "dc1", `host = "jump.dc1.internal"`, "credentials = credentials.jump", "via = jump_host.edge")+`
device "sw" {
  for_each    = toset(["sw1", "sw2", "sw3", "sw4", "sw5"])
  host        = "${each.key}.dc1.internal"
  driver      = %q
  credentials = credentials.lab
  via         = jump_host.dc1
}
command "clock" {
  commands = ["show clock"]
}
`, drv)
		f := newFixture(t, src, 5)
		jumps := engine.NewJumps(f.rb, engine.JumpOptions{Endpoints: f.fleet.JumpEndpoints})
		defer jumps.Close()
		f.opts.Jumps = jumps
		rep := f.apply(context.Background())
		if ok, _, _ := rep.Counts(); ok != 5 {
			t.Fatalf("ok=%d: %s", ok, firstError(rep))
		}
		edge, dc1 := f.fleet.Bastions["edge"], f.fleet.Bastions["dc1"]
		if edge.Connections() != 1 || dc1.Connections() != 1 {
			t.Errorf("bastion connections: edge %d, dc1 %d; want 1 each", edge.Connections(), dc1.Connections())
		}
		// edge carries one channel, the tunnel to dc1, whose one
		// connection carries the five device sessions.
		if edge.Channels() != 1 || dc1.Channels() != 5 {
			t.Errorf("channels: edge %d (want 1: the dc1 hop), dc1 %d (want 5)", edge.Channels(), dc1.Channels())
		}
	})
}
