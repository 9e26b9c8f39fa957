package state

import (
	"fmt"
	"strings"
)

// FileName makes a device name a file name, one to one: letters, digits,
// '-', '_' and '.' stay as they are, so r1 stays r1; every other byte, '%'
// and a leading '.' become %XX. Devices a/b, a_b and a:b thus get files
// a%2Fb, a_b and a%3Ab, never one file for two devices, and no device's
// file is hidden or looks like the temporary files safefile.WriteAtomic makes
// (which start with '.'). Names that differ only in case still share a
// file on a case-insensitive file system (macOS, Windows).
func FileName(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.' && i > 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
