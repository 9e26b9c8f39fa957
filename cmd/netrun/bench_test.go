package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netrun/netrun/drivers/drivertest"
	"github.com/netrun/netrun/engine"
)

// treeRSS is the resident memory of this process and its worker
// processes, from /proc.
func treeRSS(tb testing.TB) int64 {
	total := rssOf(os.Getpid())
	for _, pid := range childWorkers(tb) {
		total += rssOf(pid)
	}
	return total
}

func rssOf(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			kb, _ := strconv.ParseInt(strings.Fields(l)[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkModes compares goroutine and subprocess mode on 200 simulated
// devices (one command each): wall time per run, and the peak resident
// memory of the whole process tree (netrun and its workers; the
// simulators run in another process). Workers are started by the first
// run and reused, as in one apply.
//
//	go test -run '^$' -bench Modes -benchtime 3x ./cmd/netrun/
func BenchmarkModes(b *testing.B) {
	const n = 200
	eps := drivertest.StartFleet(b, drivertest.Fleet{N: n, Username: "cisco", Password: "cisco"})
	dir := b.TempDir()
	src := labCredentials + `
device "r" {
  for_each    = { for i in range(200) : "r${i + 1}" => i }
  host        = "198.51.100.1"
  credentials = credentials.lab
}
command "clock" {
  commands = ["show clock"]
}
`
	writeRunbook(b, dir, src)
	for _, parallelism := range []int{4, 20, 50} {
		for _, mode := range []string{engine.ModeGoroutine, engine.ModeSubprocess} {
			b.Run(fmt.Sprintf("parallelism=%d/mode=%s", parallelism, mode), func(b *testing.B) {
				c := loadRunbook(b, dir, parallelism, mode, io.Discard)
				set, rb, p := c.set, c.rb, c.plan
				var peak int64
				var mu sync.Mutex
				b.ResetTimer()
				for b.Loop() {
					done := make(chan struct{})
					go func() {
						t := time.NewTicker(25 * time.Millisecond) // scanning /proc costs CPU the run competes for
						defer t.Stop()
						for {
							if r := treeRSS(b); r > 0 {
								mu.Lock()
								peak = max(peak, r)
								mu.Unlock()
							}
							select {
							case <-done:
								return
							case <-t.C:
							}
						}
					}()
					rep := engine.Apply(context.Background(), rb, p, engine.Options{Parallelism: parallelism, Drivers: set.reg, Endpoints: eps})
					close(done)
					if ok, _, _ := rep.Counts(); ok != n {
						b.Fatalf("ok=%d: %s", ok, rep.Devices[0].Error)
					}
				}
				b.StopTimer()
				b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/run")
				mu.Lock()
				b.ReportMetric(float64(peak)/(1<<20), "peak-tree-RSS-MiB")
				mu.Unlock()
			})
		}
	}
}
