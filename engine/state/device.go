package state

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// DeviceNames are the names of the state's devices in natural order: r1, r2,
// r10, as people number them, not r1, r10, r2.
func (st *State) DeviceNames() []string {
	return slices.SortedFunc(maps.Keys(st.Devices), NaturalCompare)
}

// NaturalCompare orders strings as text, except that runs of digits
// compare as numbers: "r2" < "r10". Equal numbers with different zero
// padding ("r01", "r1") fall back to plain text order, so no two names are
// equal. Everything netrun shows per device (plan, report, outputs, live
// lines, show) is in this order.
func NaturalCompare(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if isDigit(a[i]) && isDigit(b[j]) {
			ei, ej := digitsEnd(a, i), digitsEnd(b, j)
			na, nb := strings.TrimLeft(a[i:ei], "0"), strings.TrimLeft(b[j:ej], "0")
			if c := len(na) - len(nb); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			i, j = ei, ej
			continue
		}
		if a[i] != b[j] {
			return int(a[i]) - int(b[j])
		}
		i, j = i+1, j+1
	}
	if c := (len(a) - i) - (len(b) - j); c != 0 {
		return c // one is the other's start
	}
	return strings.Compare(a, b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// RemoveDevice removes a device's record (state rm): its results, and its
// place in the outputs that were made of device results. It reports
// whether the state had the device.
func (st *State) RemoveDevice(name string) bool {
	if _, ok := st.Devices[name]; !ok {
		return false
	}
	delete(st.Devices, name)
	for k, o := range st.Outputs {
		if i := slices.Index(o.Devices, name); i >= 0 {
			o.Devices = slices.Delete(slices.Clone(o.Devices), i, i+1)
			st.Outputs[k] = o
		}
	}
	return true
}

// Text is a device's results as plain text, for results/DEVICE.txt: its
// status, then each step in task order with what the device answered as it
// answered it. It holds nothing that changes from run to run but the
// results, so git diff shows only what the devices answered differently.
func (d DeviceState) Text(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", name, d.Status)
	if d.Error != "" {
		fmt.Fprintf(&b, "Error: %s\n", d.Error)
	}
	for _, task := range slices.Sorted(maps.Keys(d.Commands)) {
		c := d.Commands[task]
		fmt.Fprintf(&b, "\n%s: %s\n", task, c.Status)
		if c.Error != "" {
			fmt.Fprintf(&b, "Error: %s\n", c.Error)
		}
		if cfg := c.Config; cfg != nil {
			if cfg.Changed == 0 {
				b.WriteString("No changes.\n")
			}
			for _, l := range cfg.Diff {
				b.WriteString(l + "\n")
			}
			if cfg.RolledBack {
				b.WriteString("Rolled back.\n")
			}
		}
		for _, r := range c.Results {
			fmt.Fprintf(&b, "%s# %s\n", name, r.Command)
			b.WriteString(r.Output)
			if !strings.HasSuffix(r.Output, "\n") {
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}
