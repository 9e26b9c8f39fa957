package config_test

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// oneDevice declares the device the runbooks below run on.
const oneDevice = `credentials "lab" {
  username = "admin"
  password = "pw"
}
device "r1" {
  host        = "127.0.0.1"
  credentials = credentials.lab
}
`

// aclRunbook is one device and one command block pushing n configuration
// lines, as a long ACL push does.
func aclRunbook(n int) string {
	var b strings.Builder
	b.WriteString(oneDevice + "command \"acl\" {\n  configure = [\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    \"access-list 101 permit tcp any host 10.%d.%d.%d eq %d\",\n", i/65536%256, i/256%256, i%256, i%65536)
	}
	b.WriteString("  ]\n}\n")
	return b.String()
}

// localsRunbook declares n locals, each but the first referring to the one
// before it, and a command using the last.
func localsRunbook(n int) string {
	var b strings.Builder
	b.WriteString(oneDevice + "locals {\n  l0 = \"x\"\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  l%d = local.l%d\n", i, i-1)
	}
	fmt.Fprintf(&b, "}\ncommand \"c\" {\n  commands = [\"show ${local.l%d}\"]\n}\n", n-1)
	return b.String()
}

// pairedLocalsRunbook declares n pairs of locals, the second of each
// referring to the first, so that many values become ready one by one.
func pairedLocalsRunbook(n int) string {
	var b strings.Builder
	b.WriteString(oneDevice + "locals {\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  a%d = \"x%d\"\n  b%d = local.a%d\n", i, i, i, i)
	}
	b.WriteString("}\ncommand \"c\" {\n  commands = [\"show ${local.b0}\"]\n}\n")
	return b.String()
}

// mustEvaluate loads and evaluates dir, which must be valid.
func mustEvaluate(tb testing.TB, dir string) {
	tb.Helper()
	if parser, diags := loadAndEvaluate(dir); diags.HasErrors() {
		tb.Fatal(diagText(parser, diags))
	}
}

// BenchmarkLoad loads and evaluates long runbooks: the time per op must grow
// linearly with the size.
//
//	go test ./engine/config -run '^$' -bench Load -benchtime 1x
func BenchmarkLoad(b *testing.B) {
	for _, tc := range []struct {
		name string
		src  string
	}{
		{"lines=2000", aclRunbook(2000)},
		{"lines=20000", aclRunbook(20000)},
		{"lines=200000", aclRunbook(200000)},
		{"locals=9000", localsRunbook(9000)},
		{"locals=90000", localsRunbook(90000)},
		{"paired-locals=45000", pairedLocalsRunbook(45000)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			dir := writeRunbook(b, tc.src)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				mustEvaluate(b, dir)
			}
		})
	}
}

// TestLinear checks that loading and evaluating grow linearly: ten times
// the lines, locals or paired locals must cost well under the hundred times
// a quadratic step would. It compares the process's CPU time for the two
// sizes, the best of a few runs each, rather than asserting a time; it does
// not run in parallel, so no other test of the package shares the process.
func TestLinear(t *testing.T) {
	const ratio = 35
	for _, tc := range []struct {
		name string
		n    int
		gen  func(int) string
	}{
		{"commands list", 2000, aclRunbook},
		{"chained locals", 500, localsRunbook},
		{"paired locals", 250, pairedLocalsRunbook},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.n
			small, large := writeRunbook(t, tc.gen(n)), writeRunbook(t, tc.gen(10*n))
			ts := bestCPU(t, 5, small)
			tl := bestCPU(t, 1, large)
			if tl > ratio*ts { // once more, in case something else ran
				tl = min(tl, bestCPU(t, 1, large))
			}
			t.Logf("%d: %v, %d: %v (%.1f×)", n, ts, 10*n, tl, float64(tl)/float64(ts))
			if tl > ratio*ts {
				t.Errorf("ten times the size took %.0f times the CPU (%v for %d, %v for %d), want under %d: something is quadratic",
					float64(tl)/float64(ts), ts, n, tl, 10*n, ratio)
			}
		})
	}
}

// bestCPU is the least CPU time the process spent in runs loads and
// evaluations of dir.
func bestCPU(t *testing.T, runs int, dir string) time.Duration {
	t.Helper()
	best := time.Duration(1<<63 - 1)
	for i := 0; i < runs; i++ {
		start := cpuTime(t)
		mustEvaluate(t, dir)
		best = min(best, cpuTime(t)-start)
	}
	return best
}

func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
