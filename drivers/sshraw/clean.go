package sshraw

// cleaner turns what a PTY sends into the text an engineer reads: it drops
// carriage returns, ANSI/VT100 escape sequences and other control bytes,
// applies backspaces, and erases lines blanked out with "\r   \r" (how some
// pagers wipe --More--). It is a byte-at-a-time state machine, so an escape
// sequence split across two reads is handled without buffering, and it
// appends straight into the session's output buffer: one copy per byte.
type cleaner struct {
	state uint8
	// guard is the length of buf that backspaces and line erasure may not
	// cut into: text before an answered --More-- is final.
	guard int
}

const (
	stText   uint8 = iota
	stEsc          // after ESC
	stCSI          // ESC [ parameters… final
	stOSC          // ESC ] … BEL or ESC \
	stOSCEsc       // ESC inside OSC
	stEscInt       // ESC intermediate… final (e.g. ESC ( B)
)

func (c *cleaner) reset() { *c = cleaner{} }

// write appends the cleaned form of p to buf.
func (c *cleaner) write(buf, p []byte) []byte {
	for _, b := range p {
		switch c.state {
		case stText:
			switch {
			case b == '\n' || b == '\t' || b >= 0x20 && b != 0x7f:
				buf = append(buf, b)
			case b == 0x1b:
				c.state = stEsc
			case b == '\b':
				if n := len(buf); n > c.guard && buf[n-1] != '\n' {
					buf = buf[:n-1]
				}
			case b == '\r':
				buf = c.eraseBlankLine(buf)
			}
		case stEsc:
			switch {
			case b == '[':
				c.state = stCSI
			case b == ']':
				c.state = stOSC
			case b >= 0x20 && b <= 0x2f:
				c.state = stEscInt
			default:
				c.state = stText
			}
		case stCSI:
			if b < 0x20 || b > 0x3f {
				c.state = stText // final byte (or a malformed sequence)
			}
		case stOSC:
			switch b {
			case 0x07:
				c.state = stText
			case 0x1b:
				c.state = stOSCEsc
			}
		case stOSCEsc:
			c.state = stText
		case stEscInt:
			if b < 0x20 || b > 0x2f {
				c.state = stText
			}
		}
	}
	return buf
}

// eraseBlankLine handles a carriage return: a terminal moves to column 0 and
// overwrites. Text on the line is kept (devices end lines with "\r\n"), but
// a line of only spaces is dropped, since it was written to blank out
// something.
func (c *cleaner) eraseBlankLine(buf []byte) []byte {
	i := len(buf)
	for i > c.guard && buf[i-1] == ' ' {
		i--
	}
	if i == len(buf) || (i > 0 && buf[i-1] != '\n' && i != c.guard) {
		return buf
	}
	return buf[:i]
}
