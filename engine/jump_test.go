package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/drivertest"
	"github.com/netrun/netrun/drivers/sshconn"
	"github.com/netrun/netrun/engine"
	"github.com/netrun/netrun/engine/config"
	"github.com/netrun/netrun/engine/plan"
	"github.com/netrun/netrun/sim"
)

// loopbackOnly wraps a driver so a test can never dial anything but
// loopback: a virtual host name must go through Target.Dial.
type loopbackOnly struct{ drivers.Driver }

func (l loopbackOnly) Open(ctx context.Context, t drivers.Target) (drivers.Session, error) {
	if ip := net.ParseIP(t.Host); t.Dial == nil && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("test refuses to dial %s directly", t.Host)
	}
	return l.Driver.Open(ctx, t)
}

func jumpRegistry(t testing.TB) drivers.Registry {
	return drivers.Registry{"ssh": loopbackOnly{registry(t)["ssh"]}}
}

// jumpHostAt declares a jump host at addr ("host:port") with attrs.
func jumpHostAt(name, addr string, attrs ...string) string {
	host, port, _ := net.SplitHostPort(addr)
	return block("jump_host", name, append([]string{fmt.Sprintf("host = %q", host), "port = " + port}, attrs...)...)
}

// startDevices serves n simulated devices named prefix1..prefixN, sharing
// key, each only at the virtual address prefixI.dc1.sim:22 of nw.
func startDevices(t testing.TB, nw *sim.Network, prefix string, n int, key ssh.Signer) {
	t.Helper()
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("%s%d", prefix, i)
		s, err := nw.Serve(name+".dc1.sim:22", sim.Device{
			Hostname: name, Username: "cisco", Password: "s3cr3t-Pa55", Enable: "s3cr3t-Pa55",
		}, key)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
	}
}

func startBastion(t testing.TB, nw *sim.Network, virtual string) *sim.BastionServer {
	t.Helper()
	b := sim.Bastion{Username: "jump", Password: "b4stion-Pa55"}
	var bs *sim.BastionServer
	var err error
	if virtual == "" {
		bs, err = nw.StartBastion("127.0.0.1:0", b, nil)
	} else {
		bs, err = nw.ServeBastion(virtual, b, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bs.Close() })
	return bs
}

// jumpRunbook declares devices behind jump hosts: groups maps a device
// name prefix to its count and its jump host ("" for none).
func devicesHCL(prefix string, n int, via string, key ssh.PublicKey) string {
	v := ""
	if via != "" {
		v = "via = jump_host." + via
	}
	return fmt.Sprintf(`
device %[1]q {
  for_each    = toset([for i in range(%[2]d) : "%[1]s${i + 1}"])
  host        = "${each.key}.dc1.sim"
  credentials = credentials.lab
  host_key    = %[3]q
  %[4]s
}
`, prefix, n, sshconn.Pin(key), v)
}

func applyRunbook(t testing.TB, src string, parallelism int, log *slog.Logger) (*engine.Report, *config.Runbook) {
	t.Helper()
	reg := registry(t)
	rb, diags := loadRunbook(t, src, reg)
	if diags.HasErrors() {
		t.Fatalf("runbook: %s", diags.Error())
	}
	p, diags := engine.BuildPlan(rb, parallelism)
	if diags.HasErrors() {
		t.Fatalf("plan: %s", diags.Error())
	}
	return apply(t, rb, p, parallelism, log), rb
}

func apply(t testing.TB, rb *config.Runbook, p *plan.Plan, parallelism int, log *slog.Logger) *engine.Report {
	jumps := engine.NewJumps(rb, engine.JumpOptions{Logger: log})
	defer func() {
		if err := jumps.Close(); err != nil {
			t.Errorf("closing jump hosts: %v", err)
		}
	}()
	return engine.Apply(context.Background(), rb, p, engine.Options{
		Parallelism: parallelism,
		Drivers:     jumpRegistry(t),
		Secrets:     rb.Secrets(),
		Jumps:       jumps,
	})
}

const jumpHeader = header + `
credentials "bastion" {
  username = "jump"
  password = "b4stion-Pa55"
}
credentials "wrong" {
  username = "jump"
  password = "not-the-password"
}
command "clock" {
  commands = ["show clock"]
}
command "version" {
  commands   = ["show version | include uptime"]
  depends_on = [command.clock]
}
`

// TestTwoHopBastion: b1 on loopback, b2 only on the network behind b1; six
// devices behind b1, six behind b2; one connection per bastion carries
// every session.
func TestTwoHopBastion(t *testing.T) {
	t.Parallel()
	nw := sim.NewNetwork()
	b1 := startBastion(t, nw, "")
	b2 := startBastion(t, nw, "bastion2.dc1.sim:22")
	devKey := drivertest.NewHostKey(t)
	startDevices(t, nw, "a", 6, devKey)
	startDevices(t, nw, "b", 6, devKey)

	src := jumpHeader +
		jumpHostAt("b1", b1.Addr(), "credentials = credentials.bastion", fmt.Sprintf("host_key = %q", sshconn.Pin(b1.HostKey()))) +
		block("jump_host", "b2", `host = "bastion2.dc1.sim"`, "credentials = credentials.bastion",
			fmt.Sprintf("host_key = %q", ssh.FingerprintSHA256(b2.HostKey())), "via = jump_host.b1") +
		devicesHCL("a", 6, "b1", devKey.PublicKey()) + devicesHCL("b", 6, "b2", devKey.PublicKey())

	rep, _ := applyRunbook(t, src, 10, nil)
	if ok, failed, other := rep.Counts(); ok != 12 {
		t.Fatalf("ok=%d failed=%d other=%d: %s", ok, failed, other, firstError(rep))
	}
	for _, d := range rep.Devices {
		out := d.Steps[1].Results[0].Output
		if !strings.Contains(out, d.Name+" uptime is") {
			t.Errorf("%s: version output %q", d.Name, out)
		}
	}
	if got := b1.Connections(); got != 1 {
		t.Errorf("b1 connections = %d, want 1", got)
	}
	if got := b1.Channels(); got != 6+1 {
		t.Errorf("b1 channels = %d, want 7: one per device session behind it and one for b2", got)
	}
	if got := b2.Connections(); got != 1 {
		t.Errorf("b2 connections = %d, want 1", got)
	}
	if got := b2.Channels(); got != 6 {
		t.Errorf("b2 channels = %d, want 6", got)
	}
}

// TestBastionFailureNamesBastion: a bastion with the wrong password fails
// every device behind it, dialled once, and the others go on.
func TestBastionFailureNamesBastion(t *testing.T) {
	t.Parallel()
	nw := sim.NewNetwork()
	good := startBastion(t, nw, "")
	bad := startBastion(t, nw, "")
	goodAddr, badAddr := good.Addr(), bad.Addr()
	devKey := drivertest.NewHostKey(t)
	startDevices(t, nw, "ok", 3, devKey)
	startDevices(t, nw, "lost", 4, devKey)
	startDevices(t, nw, "deeper", 2, devKey)
	src := jumpHeader +
		jumpHostAt("good", goodAddr, "credentials = credentials.bastion", "insecure_skip_host_key = true") +
		jumpHostAt("dc9", badAddr, "credentials = credentials.wrong", fmt.Sprintf("host_key = %q", sshconn.Pin(bad.HostKey()))) +
		block("jump_host", "behind_dc9", `host = "nowhere.dc9.sim"`, "credentials = credentials.bastion",
			"insecure_skip_host_key = true", "via = jump_host.dc9") +
		devicesHCL("ok", 3, "good", devKey.PublicKey()) +
		devicesHCL("lost", 4, "dc9", devKey.PublicKey()) +
		devicesHCL("deeper", 2, "behind_dc9", devKey.PublicKey())

	// The handler serializes its writes, and the run (jump hosts closed
	// included) is over before logs is read.
	var logs bytes.Buffer
	rep, _ := applyRunbook(t, src, 10, slog.New(slog.NewTextHandler(&logs, nil)))
	for _, d := range rep.Devices {
		switch {
		case strings.HasPrefix(d.Name, "ok"):
			if d.Status != engine.OK {
				t.Errorf("%s: %s %s", d.Name, d.Status, d.Error)
			}
		default:
			want := fmt.Sprintf(`via jump_host.dc9 (%s): authentication failed for user "jump"`, badAddr)
			if d.Status != engine.Failed || !strings.Contains(d.Error, want) {
				t.Errorf("%s: %s %q, want an error containing %q", d.Name, d.Status, d.Error, want)
			}
			if strings.HasPrefix(d.Name, "deeper") && !strings.Contains(d.Error, "via jump_host.behind_dc9 (nowhere.dc9.sim:22)") {
				t.Errorf("%s: error does not name the chain: %s", d.Name, d.Error)
			}
			if strings.Contains(d.Error, "not-the-password") {
				t.Errorf("%s: error shows the password: %s", d.Name, d.Error)
			}
		}
	}
	if got := strings.Count(logs.String(), `msg="jump host unreachable" jump_host=dc9 `); got != 1 {
		t.Errorf("the failing bastion was dialled %d times, want once:\n%s", got, logs.String())
	}
	if got := good.Connections(); got != 1 {
		t.Errorf("good bastion connections = %d, want 1", got)
	}
}

// TestJumpsWithoutSetup: a device with via and no Jumps fails clearly.
func TestJumpsWithoutSetup(t *testing.T) {
	t.Parallel()
	key := drivertest.NewHostKey(t)
	src := jumpHeader + jumpHostAt("b1", "127.0.0.1:1", "credentials = credentials.bastion") + devicesHCL("r", 1, "b1", key.PublicKey())
	reg := registry(t)
	rb, diags := loadRunbook(t, src, reg)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	p, _ := engine.BuildPlan(rb, 1)
	rep := engine.Apply(context.Background(), rb, p, engine.Options{Drivers: jumpRegistry(t), Parallelism: 1})
	if d := rep.Devices[0]; d.Status != engine.Failed || !strings.Contains(d.Error, "no jump hosts set up") {
		t.Errorf("%s %q", d.Status, d.Error)
	}
	// Close on nil and twice is harmless.
	var j *engine.Jumps
	if err := j.Close(); err != nil {
		t.Error(err)
	}
	j = engine.NewJumps(rb, engine.JumpOptions{})
	j.Close()
	j.Close()
}

// BenchmarkBastion opens a session on each of 100 simulated devices and
// runs one command, directly (devices on loopback ports) and through one
// bastion (devices only on the simulated network behind it, one
// direct-tcpip channel each on the bastion's single connection). Reported:
// sessions per second each way and their ratio.
//
//	go test -run '^$' -bench Bastion -benchtime 20x ./engine/
func BenchmarkBastion(b *testing.B) {
	const n, parallelism = 100, 100
	key := drivertest.NewHostKey(b)
	dev := sim.Device{Username: "cisco", Password: "s3cr3t-Pa55", Enable: "s3cr3t-Pa55"}
	fleet, err := sim.StartFleet("127.0.0.1:0", n, "d", dev, key)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { fleet.Close() })
	ports := make([]string, n)
	for i, s := range fleet.Servers {
		ports[i] = fmt.Sprintf("%q = %d", fmt.Sprintf("d%d", i+1), s.Port())
	}
	nw := sim.NewNetwork()
	bastion := startBastion(b, nw, "")
	startDevices(b, nw, "j", n, key)

	src := jumpHeader +
		jumpHostAt("b1", bastion.Addr(), "credentials = credentials.bastion", fmt.Sprintf("host_key = %q", sshconn.Pin(bastion.HostKey()))) +
		fmt.Sprintf(`
device "d" {
  for_each    = { %s }
  host        = "127.0.0.1"
  port        = each.value
  credentials = credentials.lab
  host_key    = %q
}
`, strings.Join(ports, ", "), sshconn.Pin(key.PublicKey())) +
		devicesHCL("j", n, "b1", key.PublicKey())
	rb, diags := loadRunbook(b, src, registry(b))
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	// One command only: the sessions are what is measured.
	rb.Commands = rb.Commands[:1]
	planFor := func(prefix string) *plan.Plan {
		p, diags := engine.BuildPlan(rb, parallelism)
		if diags.HasErrors() {
			b.Fatal(diags.Error())
		}
		var keep []plan.Device
		for _, d := range p.Devices {
			if strings.HasPrefix(d.Name, prefix) {
				keep = append(keep, d)
			}
		}
		p.Devices = keep
		return p
	}
	direct, behind := planFor("d"), planFor("j")
	run := func(p *plan.Plan) time.Duration {
		start := time.Now()
		rep := apply(b, rb, p, parallelism, nil)
		d := time.Since(start)
		if ok, failed, other := rep.Counts(); ok != n {
			b.Fatalf("ok=%d failed=%d other=%d: %s", ok, failed, other, firstError(rep))
		}
		return d
	}
	run(direct) // warm up
	run(behind)
	var td, tb time.Duration
	for b.Loop() {
		td += run(direct)
		tb += run(behind)
	}
	b.ReportMetric(float64(n*b.N)/td.Seconds(), "direct-sessions/s")
	b.ReportMetric(float64(n*b.N)/tb.Seconds(), "bastion-sessions/s")
	b.ReportMetric(tb.Seconds()/td.Seconds(), "bastion/direct-time")
	if got, want := bastion.Connections(), int64(b.N+1); got != want {
		b.Errorf("bastion connections = %d, want one per run, warm-up included (%d)", got, want)
	}
}
