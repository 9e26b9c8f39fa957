package device

import "strings"

const (
	// morePrompt is IOS's pager prompt: no newline, the cursor waits after it.
	morePrompt = " --More-- "
	// moreErase is what IOS sends to wipe the pager prompt before going on:
	// back over it, blank it, back again.
	moreErase = "\b\b\b\b\b\b\b\b\b        \b\b\b\b\b\b\b\b\b"
)

// page queues text a screen at a time when paging is on: after termLen
// lines it shows --More-- and waits for a key. Space shows the next page,
// return one more line, anything else (q) drops the rest. It returns false
// if the connection went away while waiting.
func (c *cli) page(text string) bool {
	if c.termLen <= 0 || c.noMore || strings.Count(text, "\n") <= c.termLen {
		c.putText(text)
		return true
	}
	limit := c.termLen
	for text != "" {
		for n := 0; n < limit && text != ""; n++ {
			i := strings.IndexByte(text, '\n')
			if i < 0 {
				i = len(text) - 1
			}
			c.putText(text[:i+1])
			text = text[i+1:]
		}
		if text == "" {
			break
		}
		c.put(c.inst.plat.more)
		key, ok := c.readKey()
		if !ok {
			return false
		}
		c.put(c.inst.plat.moreErase)
		switch key {
		case ' ':
			limit = c.termLen
		case '\r', '\n':
			limit = 1
		default:
			return true
		}
	}
	return true
}
