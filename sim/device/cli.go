package device

import (
	"bytes"
	"io"
	"strings"
	"time"
)

// mode is where a session is in the IOS mode hierarchy.
type mode int

const (
	modeExec mode = iota
	modeConfig
	modeIf
	modeLine
	modeRouter
	modeACL
	modeVlan
)

// maxLine bounds a typed line so a client cannot grow a session's memory.
const maxLine = 4096

// cli is one interactive (or exec) session. Its buffers are small and
// reused: a thousand of them run side by side in benchmarks.
type cli struct {
	inst     *Instance
	ch       io.ReadWriter
	drop     func()          // Session.Drop
	stop     <-chan struct{} // Session.Stop
	connDone <-chan struct{}
	user     string
	remote   string
	line     int // vty number, for show users

	mode    mode
	priv    int
	ifName  string // interface being configured in modeIf
	section string // header of the section being configured in modeLine/modeRouter
	termLen int    // lines per page; 0 = no paging
	quit    bool   // exit/logout: end the session after this reply
	noMore  bool   // this command's output is not paged (Junos | no-more)
	// displaySet asks Junos show configuration for set commands.
	displaySet bool
	// loading: the session is reading a configuration in (Device.Config,
	// SetRunningConfig): any port named exists, nothing is interactive.
	loading bool
	curLine string // the line being run, for error carets from handlers
	// cand is the candidate configuration on platforms that commit
	// (IOS-XR, Junos); nil outside configuration mode.
	cand *model

	rbuf       [256]byte
	rpos, rlen int
	skipLF     bool // last end of line was "\r": a following "\n" belongs to it
	typed      []byte
	out        []byte // pending output, written in one go before blocking
	err        error  // first write error; the session is over
	promptUsed string // prompt the current line was typed at, for the caret
}

func newCLI(in *Instance, s Session) *cli {
	return &cli{
		inst:     in,
		ch:       s.Channel,
		drop:     s.Drop,
		stop:     s.Stop,
		connDone: s.ConnDone,
		user:     s.User,
		remote:   s.Remote,
		line:     int(in.lines.Add(1)) - 1,
		priv:     in.plat.loginPriv(in.dev),
		termLen:  in.dev.PageLength,
	}
}

// cfg is the configuration that config commands change: the candidate on
// platforms that commit, the running config elsewhere.
func (c *cli) cfg() *model {
	if c.cand != nil {
		return c.cand
	}
	return c.inst.model
}

// dirty reports whether the candidate differs from the running config.
func (c *cli) dirty() bool {
	return c.cand != nil && c.cand.render() != c.inst.model.render()
}

// shell runs the interactive CLI until exit, EOF or Close.
func (c *cli) shell() {
	if d := c.inst.dev.BannerDelay; d > 0 && !c.wait(d) {
		return
	}
	c.put("\r\n")
	if b := c.inst.plat.banner; b != "" {
		c.putText(b)
	}
	if b := c.inst.model.motd(); b != "" {
		c.putText(b + "\n\n")
	}
	c.put(c.prompt())
	for {
		l, ok := c.readLine(true)
		if !ok || !c.handleLine(l) {
			c.flush()
			return
		}
	}
}

// exec runs one command for an SSH exec request: privileged, no paging, no
// prompt. ok is false when the command never completed (a fault knob fired
// or the connection went first), so no exit status is due.
func (c *cli) exec(command string) (status uint32, ok bool) {
	c.priv, c.termLen = 15, 0
	c.inst.logCommand(command)
	if lat := c.inst.dev.Latency; lat > 0 && !c.wait(lat) {
		return 0, false
	}
	c.promptUsed = ""
	p, out := c.dispatch(command)
	if c.fault(c.faultKey(command, p), out) {
		return 0, false
	}
	c.putText(out)
	c.flush()
	// A rejected command exits non-zero, as a shell command that fails
	// would: exec-channel drivers tell failure by the status.
	if p.err != errNone {
		return 1, true
	}
	return 0, true
}

// handleLine runs one typed line and queues its reply and the next prompt.
// It returns false when the session is over.
func (c *cli) handleLine(l string) bool {
	if l == "\x1a" && !c.inst.plat.candidate { // Ctrl-Z leaves configuration mode
		if c.mode != modeExec {
			c.mode = modeExec
		}
		c.put(c.prompt())
		return true
	}
	if strings.TrimSpace(l) == "" {
		c.put(c.prompt())
		return true
	}
	c.inst.logCommand(l)
	if lat := c.inst.dev.Latency; lat > 0 {
		// The echo goes out at once, as a PTY's would; the reply after.
		if c.flush() != nil || !c.wait(lat) {
			return false
		}
	}
	c.promptUsed = c.prompt()
	c.noMore, c.displaySet = false, false
	p, out := c.dispatch(l)
	key := c.faultKey(l, p)
	if n, ok := c.inst.flood[key]; ok {
		if !c.flood(n) {
			return false
		}
		c.put(c.prompt())
		return c.flush() == nil
	}
	if c.fault(key, out) || c.err != nil {
		return false
	}
	if !c.page(out) {
		return false
	}
	if c.quit {
		return false
	}
	c.put(c.prompt())
	return c.err == nil
}

// faultKey is the line's key in the fault knobs, "" when the device has
// none (the common case: no work per command then).
func (c *cli) faultKey(line string, p parsed) string {
	if len(c.inst.hang)+len(c.inst.drop)+len(c.inst.flood) == 0 {
		return ""
	}
	return faultKey(line, p)
}

// fault plays the HangOn and DropOn knobs for the line of key; it reports
// whether one fired, after which the session is over.
func (c *cli) fault(key string, out string) bool {
	hang, drop := c.inst.hang[key], c.inst.drop[key]
	if !hang && !drop {
		return false
	}
	c.putText(out[:len(out)/2])
	c.flush()
	if drop {
		c.drop()
		return true
	}
	// Hung: keep reading (and ignoring) input so the client's close, or the
	// server's, ends the session.
	for {
		if _, err := c.ch.Read(c.rbuf[:]); err != nil {
			return true
		}
	}
}

func (c *cli) prompt() string { return c.inst.plat.prompt(c) }

// configModes name the configuration modes in prompts as most platforms
// do: r1(config-if)#.
var configModes = map[mode]string{
	modeConfig: "config", modeIf: "config-if", modeLine: "config-line",
	modeRouter: "config-router", modeACL: "config-acl", modeVlan: "config-vlan",
}

// modePrompt is a prompt of the IOS kind: host(MODE)# in configuration
// mode, host# or host> in exec by privilege, each followed by tail
// (NX-OS's space). name, when set and it knows the mode, names it instead
// of configModes.
func modePrompt(c *cli, host, tail string, name func(c *cli) (string, bool)) string {
	if c.mode != modeExec {
		m, ok := "", false
		if name != nil {
			m, ok = name(c)
		}
		if !ok {
			m = configModes[c.mode]
		}
		return host + "(" + m + ")#" + tail
	}
	if c.priv >= 15 {
		return host + "#" + tail
	}
	return host + ">" + tail
}

// iosPrompt is r1>, r1#, r1(config)#, r1(config-if)#...
func iosPrompt(c *cli) string {
	return modePrompt(c, c.inst.model.host(), "", func(c *cli) (string, bool) {
		if c.mode != modeACL {
			return "", false
		}
		if strings.Contains(c.section, " standard ") {
			return "config-std-nacl", true
		}
		return "config-ext-nacl", true
	})
}

// wait sleeps for d unless the server or the connection closes first.
func (c *cli) wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-c.stop:
		return false
	case <-c.connDone:
		return false
	}
}

// faultKey is what the fault knobs are keyed by: the canonical command, or
// the line as typed when the device does not know it.
func faultKey(line string, p parsed) string {
	if p.err != errNone {
		return rawKey(line)
	}
	return p.canonical()
}

// floodChunk is what flood writes: filler lines, about 32 KiB, shared
// read-only by every flooding session.
var floodChunk = bytes.Repeat([]byte(strings.Repeat("flood ", 10)+"\r\n"), 32<<10/62)

// flood plays the Flood knob: n bytes of filler lines (endless when n < 0),
// written as the client's window allows. It reports false when the
// connection or the server went first.
func (c *cli) flood(n int64) bool {
	if c.flush() != nil {
		return false
	}
	for n != 0 {
		b := floodChunk
		if n > 0 && int64(len(b)) > n {
			b = b[:n]
		}
		select {
		case <-c.stop:
			return false
		case <-c.connDone:
			return false
		default:
		}
		if _, err := c.ch.Write(b); err != nil {
			c.err = err
			return false
		}
		if n > 0 {
			n -= int64(len(b))
		}
	}
	c.put("\r\n") // the prompt on a line of its own, wherever n cut
	return true
}

// put queues raw output.
func (c *cli) put(s string) { c.out = append(c.out, s...) }

// putText queues text with "\n" line ends turned into the PTY's "\r\n".
func (c *cli) putText(s string) {
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			c.out = append(c.out, s...)
			return
		}
		c.out = append(c.out, s[:i]...)
		c.out = append(c.out, '\r', '\n')
		s = s[i+1:]
	}
}

// flush writes the queued output in one write. The driver under test matches
// prompts as data arrives, so output and prompt go out together.
func (c *cli) flush() error {
	if c.err != nil || len(c.out) == 0 {
		return c.err
	}
	_, c.err = c.ch.Write(c.out)
	if cap(c.out) > 4096 {
		c.out = nil // a long show run should not stay pinned to an idle session
	} else {
		c.out = c.out[:0]
	}
	return c.err
}

// readByte returns the next input byte, flushing pending output before it
// blocks so that replies never wait on the client.
func (c *cli) readByte() (byte, error) {
	for c.rpos >= c.rlen {
		if err := c.flush(); err != nil {
			return 0, err
		}
		n, err := c.ch.Read(c.rbuf[:])
		c.rpos, c.rlen = 0, n
		if n == 0 && err != nil {
			return 0, err
		}
	}
	b := c.rbuf[c.rpos]
	c.rpos++
	return b, nil
}

// readLine reads one line as a PTY in canonical mode would, echoing it
// unless echo is false (secrets). "\r", "\n" and "\r\n" all end a line.
// Ctrl-Z comes back as the line "\x1a".
func (c *cli) readLine(echo bool) (string, bool) {
	c.typed = c.typed[:0]
	for {
		b, err := c.readByte()
		if err != nil {
			return "", false
		}
		if c.skipLF {
			c.skipLF = false
			if b == '\n' {
				continue
			}
		}
		switch {
		case b == '\r' || b == '\n':
			c.skipLF = b == '\r'
			c.put("\r\n")
			return string(c.typed), true
		case b == 0x1a:
			c.put("^Z\r\n")
			return "\x1a", true
		case b == 0x7f || b == 0x08:
			if len(c.typed) > 0 {
				c.typed = c.typed[:len(c.typed)-1]
				if echo {
					c.put("\b \b")
				}
			}
		case b >= 0x20 && b < 0x7f && len(c.typed) < maxLine:
			c.typed = append(c.typed, b)
			if echo {
				c.out = append(c.out, b)
			}
		}
	}
}

// readKey reads one key at the pager; "\r\n" counts as one key.
func (c *cli) readKey() (byte, bool) {
	for {
		b, err := c.readByte()
		if err != nil {
			return 0, false
		}
		if c.skipLF {
			c.skipLF = false
			if b == '\n' {
				continue
			}
		}
		c.skipLF = b == '\r'
		return b, true
	}
}
