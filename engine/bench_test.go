package engine_test

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"syscall"
	"testing"
	"time"

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

// goMemory is the memory the Go runtime holds from the OS and has not
// released: heap, stacks and runtime structures of the whole process.
func goMemory() uint64 {
	s := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	metrics.Read(s)
	return s[0].Value.Uint64() - s[1].Value.Uint64()
}

// peakMemory samples goMemory until stop is called and returns the peak.
func peakMemory() (stop func() uint64) {
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			if m := goMemory(); m > peak {
				peak = m
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak
	}
}

// BenchmarkApply runs one command on every device of a simulated fleet, the
// simulators in the same process (so memory counts both ends of each
// session). Reported: devices/s, the peak Go memory of the process during
// a run, and that peak over the baseline per concurrent session.
//
//	go test -run '^$' -bench Apply -benchtime 3x ./engine/
func BenchmarkApply(b *testing.B) {
	for _, c := range []struct{ devices, parallelism int }{
		{200, 200}, {200, 20}, {1000, 1000},
	} {
		b.Run(fmt.Sprintf("devices=%d/parallelism=%d", c.devices, c.parallelism), func(b *testing.B) {
			f := newFixture(b, fleetRunbook(c.devices, 0), c.parallelism)
			runtime.GC()
			base := goMemory()
			var peak uint64
			b.ResetTimer()
			for b.Loop() {
				stop := peakMemory()
				rep := f.apply(context.Background())
				if p := stop(); p > peak {
					peak = p
				}
				if ok, failed, other := rep.Counts(); ok != c.devices {
					b.Fatalf("ok=%d failed=%d other=%d: %s", ok, failed, other, firstError(rep))
				}
			}
			b.StopTimer()
			perRun := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(perRun, "s/run")
			b.ReportMetric(float64(c.devices)/perRun, "devices/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
			sessions := min(c.devices, c.parallelism)
			b.ReportMetric(float64(peak-base)/float64(sessions)/1024, "KiB/session")
			var ru syscall.Rusage
			if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
				b.ReportMetric(float64(ru.Maxrss)/1024, "maxrss-MiB")
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
