package engine_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/drivertest"
	"github.com/netrun/netrun/engine"
)

// fleetRunbook declares n devices and one command on all of them.
func fleetRunbook(n int, latency time.Duration) string {
	return header + fmt.Sprintf(`
device "r" {
  for_each    = { for i in range(%d) : "r${i + 1}" => i }
  host        = "198.51.100.${each.value %% 250 + 1}"
  credentials = credentials.lab
  sim { latency = "%s" }
}
command "clock" {
  commands = ["show clock"]
}
`, n, latency)
}

// memory is the Go runtime's view of the process's memory: total is what it
// holds from the OS and has not released (heap including free spans not yet
// returned, stacks, runtime structures); live is heap objects plus stacks.
type memory struct{ total, live uint64 }

var memSamples = []metrics.Sample{
	{Name: "/memory/classes/total:bytes"},
	{Name: "/memory/classes/heap/released:bytes"},
	{Name: "/memory/classes/heap/objects:bytes"},
	{Name: "/memory/classes/heap/stacks:bytes"},
}

func readMemory() memory {
	s := append([]metrics.Sample(nil), memSamples...)
	metrics.Read(s)
	return memory{
		total: s[0].Value.Uint64() - s[1].Value.Uint64(),
		live:  s[2].Value.Uint64() + s[3].Value.Uint64(),
	}
}

// peakMemory samples readMemory until stop is called and returns the peaks.
func peakMemory() (stop func() memory) {
	var peak memory
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			m := readMemory()
			peak.total = max(peak.total, m.total)
			peak.live = max(peak.live, m.live)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() memory {
		close(done)
		wg.Wait()
		return peak
	}
}

const benchPassword = "s3cr3t-Pa55" // the header's default

func TestMain(m *testing.M) {
	if drivertest.ServeFleet() {
		return
	}
	os.Exit(m.Run())
}

// startSimChild serves devices r1..rN from a second process and returns
// their endpoints; cfg is their running configuration ("" for the
// simulator's default).
func startSimChild(b *testing.B, n int, cfg string) map[string]drivers.Endpoint {
	b.Helper()
	return drivertest.StartFleet(b, drivertest.Fleet{N: n, Username: "cisco", Password: benchPassword, Config: cfg})
}

// BenchmarkApply runs one command on every device of a simulated fleet
// served by a second process. Reported: wall time per run, devices/s, the
// peak Go memory of the netrun process during a run (heap, stacks, runtime),
// and that peak over the idle baseline per concurrent session.
//
//	go test -run '^$' -bench Apply -benchtime 3x ./engine/
func BenchmarkApply(b *testing.B) {
	for _, c := range []struct{ devices, parallelism int }{
		{200, 200}, {200, 20}, {1000, 1000}, {1000, 100},
	} {
		b.Run(fmt.Sprintf("devices=%d/parallelism=%d", c.devices, c.parallelism), func(b *testing.B) {
			reg := registry(b)
			rb, diags := loadRunbook(b, fleetRunbook(c.devices, 0), reg)
			if diags.HasErrors() {
				b.Fatal(diags.Error())
			}
			p, diags := engine.BuildPlan(rb, c.parallelism)
			if diags.HasErrors() {
				b.Fatal(diags.Error())
			}
			opts := engine.Options{
				Parallelism: c.parallelism,
				Drivers:     reg,
				Endpoints:   startSimChild(b, c.devices, ""),
				Secrets:     rb.Secrets(),
			}
			runtime.GC()
			base := readMemory()
			var peak memory
			b.ResetTimer()
			for b.Loop() {
				stop := peakMemory()
				rep := engine.Apply(context.Background(), rb, p, opts)
				m := stop()
				peak.total = max(peak.total, m.total)
				peak.live = max(peak.live, m.live)
				if ok, failed, other := rep.Counts(); ok != c.devices {
					b.Fatalf("ok=%d failed=%d other=%d: %s", ok, failed, other, firstError(rep))
				}
			}
			b.StopTimer()
			perRun := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(perRun, "s/run")
			b.ReportMetric(float64(c.devices)/perRun, "devices/s")
			b.ReportMetric(float64(peak.total)/(1<<20), "peak-MiB")
			sessions := float64(min(c.devices, c.parallelism))
			if peak.total > base.total {
				b.ReportMetric(float64(peak.total-base.total)/sessions/1024, "KiB/session")
			}
			if peak.live > base.live {
				// Heap objects (not yet swept garbage included) and stacks.
				b.ReportMetric(float64(peak.live-base.live)/sessions/1024, "objects+stacks-KiB/session")
			}
		})
	}
}

// BenchmarkParallelismRatio shows the engine really runs N sessions at a
// time: 20 devices answering after 200 ms take about 4x longer at
// parallelism 5 than at 20.
//
//	go test -run '^$' -bench ParallelismRatio -benchtime 1x ./engine/
func BenchmarkParallelismRatio(b *testing.B) {
	f := newFixture(b, fleetRunbook(20, 200*time.Millisecond), 20)
	wall := func(p int) time.Duration {
		f.opts.Parallelism = p
		start := time.Now()
		rep := f.apply(context.Background())
		if ok, _, _ := rep.Counts(); ok != 20 {
			b.Fatalf("ok=%d: %s", ok, firstError(rep))
		}
		return time.Since(start)
	}
	var p5, p20 time.Duration
	for b.Loop() {
		p5 += wall(5)
		p20 += wall(20)
	}
	b.ReportMetric(p5.Seconds()/float64(b.N), "s@p5")
	b.ReportMetric(p20.Seconds()/float64(b.N), "s@p20")
	b.ReportMetric(float64(p5)/float64(p20), "ratio")
}

func firstError(rep *engine.Report) string {
	for _, d := range rep.Devices {
		if d.Error != "" {
			return d.Name + ": " + d.Error
		}
	}
	return ""
}

// BenchmarkOpenSessions measures what keeping sessions open costs: it opens
// 1000 sessions (logged in, enabled, paging off) to a simulator process,
// collects garbage, and reports the memory held per open session. Unlike
// BenchmarkApply's peak, this leaves out the handshakes' transient garbage.
//
//	go test -run '^$' -bench OpenSessions -benchtime 1x ./engine/
func BenchmarkOpenSessions(b *testing.B) {
	const n = 1000
	reg := registry(b)
	eps := startSimChild(b, n, "")
	for b.Loop() {
		runtime.GC()
		base := readMemory()
		sessions := make([]drivers.Session, n)
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				name := "r" + strconv.Itoa(i+1)
				ep := eps[name]
				s, err := reg["ssh"].Open(context.Background(), drivers.Target{
					Name: name, Host: ep.Host, Port: ep.Port,
					Credentials:     drivers.Credentials{Username: "cisco", Password: benchPassword, Enable: benchPassword},
					HostKeyCallback: ssh.FixedHostKey(ep.HostKey),
				})
				if err != nil {
					errs <- err
					return
				}
				sessions[i] = s
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		runtime.GC()
		held := readMemory()
		// Live heap objects and goroutine stacks, after a collection.
		b.ReportMetric(float64(held.live-base.live)/n/1024, "KiB/open-session")
		for _, s := range sessions {
			s.Close()
		}
	}
}

// config300 is a realistic 300-line IOS running configuration.
func config300() string {
	var b strings.Builder
	b.WriteString("hostname r\n!\nip domain name lab.example\n!\n")
	for i := 1; i <= 4; i++ {
		fmt.Fprintf(&b, "ntp server 10.0.0.%d\n", i)
	}
	b.WriteString("!\n")
	for i := 1; i <= 48; i++ {
		fmt.Fprintf(&b, "interface GigabitEthernet%d\n description access port %d\n switchport mode access\n switchport access vlan %d\n spanning-tree portfast\n!\n", i, i, 10+i%8)
	}
	for i := 10; i < 18; i++ {
		fmt.Fprintf(&b, "vlan %d\n name users-%d\n!\n", i, i)
	}
	b.WriteString("line vty 0 4\n login local\n transport input ssh\n!\nend\n")
	return b.String()
}

// BenchmarkRefresh500 is plan's refresh for config blocks: 500 simulated
// devices (a second process) with a 300-line running configuration each,
// read at parallelism 100 and diffed against two config blocks. Reported:
// wall time per plan and the mean time a device took to answer (connect,
// login, read, including waiting for a session slot). netrun's own work per
// device, parsing and diffing, is configtree's BenchmarkDiff300.
//
//	go test -run '^$' -bench Refresh500 -benchtime 3x ./engine/
func BenchmarkRefresh500(b *testing.B) {
	const n = 500
	cfg := config300()
	reg := registry(b)
	src := fleetRunbook(n, 0) + `
config "ntp" {
  text   = "ntp server 10.0.0.1\nntp server 10.0.0.9"
  absent = "ntp server 10.0.0.4"
}
config "ports" {
  match = "exact"
  text  = "interface GigabitEthernet7\n description uplink\n switchport mode trunk"
}
`
	rb, diags := loadRunbook(b, src, reg)
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	opts := engine.Options{Parallelism: 100, Drivers: reg, Secrets: rb.Secrets(),
		Endpoints: startSimChild(b, n, cfg)}
	lines := strings.Count(cfg, "\n")
	// Parse and diff times measured inside a plan are inflated by the 100
	// sessions sharing the cores; netrun's own CPU per device is what
	// configtree's BenchmarkDiff300 measures.
	var wait time.Duration
	b.ResetTimer()
	for b.Loop() {
		p, diags := engine.BuildPlan(rb, 100)
		if diags.HasErrors() {
			b.Fatal(diags.Error())
		}
		st := engine.Refresh(context.Background(), rb, p, opts)
		if st.Failed > 0 || st.Changed != n {
			b.Fatalf("refresh: %+v", st)
		}
		wait += st.Wait
	}
	b.StopTimer()
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/plan")
	b.ReportMetric(float64(lines), "config-lines")
	b.ReportMetric(float64(wait.Milliseconds())/float64(b.N)/n, "ms-device-wait")
}
