package engine

import "strings"

// CompareNames orders device names as people count: r1, r2, r10 (not r1,
// r10, r2 as strings sort), dc1-r9 before dc1-r10. Runs of digits compare
// by value, the rest byte by byte; names equal that way (r01, r1) fall
// back to strings.Compare, so the order is total. Everything netrun shows
// per device (plan, report, outputs, live lines) uses it.
func CompareNames(a, b string) int {
	x, y := a, b
	for x != "" && y != "" {
		dx, dy := digits(x), digits(y)
		if dx > 0 && dy > 0 {
			nx, ny := strings.TrimLeft(x[:dx], "0"), strings.TrimLeft(y[:dy], "0")
			if len(nx) != len(ny) {
				return cmpInt(len(nx), len(ny))
			}
			if c := strings.Compare(nx, ny); c != 0 {
				return c
			}
			x, y = x[dx:], y[dy:]
			continue
		}
		if x[0] != y[0] {
			return cmpInt(int(x[0]), int(y[0]))
		}
		x, y = x[1:], y[1:]
	}
	if c := cmpInt(len(x), len(y)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// digits is the length of the run of ASCII digits s starts with.
func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
