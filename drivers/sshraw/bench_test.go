package sshraw_test

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/netrun/netrun/drivers"
	"github.com/netrun/netrun/drivers/drivertest"
	"github.com/netrun/netrun/sim"
)

// BenchmarkOpenRunClose is one device's whole life: connect, log in, enable,
// paging off, one command, close. Client and simulator share the process.
func BenchmarkOpenRunClose(b *testing.B) {
	s := drivertest.StartSim(b, sim.Device{})
	d := newDriver(b)
	tg := drivertest.Target(s)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		sess, err := d.Open(ctx, tg)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := sess.Run(ctx, "show clock"); err != nil {
			b.Fatal(err)
		}
		sess.Close()
	}
}

// BenchmarkRun is one command on an open session.
func BenchmarkRun(b *testing.B) {
	s := drivertest.StartSim(b, sim.Device{})
	sess := drivertest.MustOpen(b, newDriver(b), drivertest.Target(s))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sess.Run(ctx, "show clock"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFleet opens 200 sessions at once (one simulator each, as the
// engine's -sim does), runs a command on each and closes them: the
// acceptance target is under a second. It also reports the memory (heap and
// goroutine stacks) held per open session, client and simulator together.
func BenchmarkFleet(b *testing.B) {
	const n = 200
	key := drivertest.HostKey()
	servers := make([]*sim.Server, n)
	for i := range servers {
		s, err := sim.Start("127.0.0.1:0", sim.Device{Hostname: "r1", Username: drivertest.User, Password: drivertest.Password, Enable: drivertest.Secret}, key)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		servers[i] = s
	}
	d := newDriver(b)
	ctx := context.Background()
	sessions := make([]drivers.Session, n)
	var heapPerSession, stackPerSession float64
	b.ReportAllocs()
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i, s := range servers {
			wg.Go(func() {
				sess, err := d.Open(ctx, drivertest.Target(s))
				if err != nil {
					errs <- err
					return
				}
				if _, err := sess.Run(ctx, "show clock"); err != nil {
					errs <- err
				}
				sessions[i] = sess
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		heapPerSession = float64(after.HeapInuse-before.HeapInuse) / n
		stackPerSession = float64(after.StackInuse-before.StackInuse) / n
		b.StartTimer()
		for i, sess := range sessions {
			sess.Close()
			sessions[i] = nil
		}
	}
	b.ReportMetric(heapPerSession/1024, "KiB-heap/session")
	b.ReportMetric(stackPerSession/1024, "KiB-stack/session")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/fleet")
}
