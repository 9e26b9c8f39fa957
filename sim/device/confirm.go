package device

import (
	"net"
	"strconv"
	"strings"
	"time"
)

// Commands that stop to ask. Drivers answer these by regular expression,
// so the questions are IOS's exact text; an answer is a line, as IOS reads
// it (Enter alone takes the default).

// ask shows question and reads the answer line; ok is false when the
// session ended while waiting.
func (c *cli) ask(question string) (answer string, ok bool) {
	c.put(question)
	ans, ok := c.readLine(true)
	if !ok {
		c.quit = true
		return "", false
	}
	return strings.ToLower(strings.TrimSpace(ans)), true
}

// confirmed reads a [confirm] answer: Enter or y proceeds.
func confirmed(ans string) bool { return ans == "" || ans == "y" || ans == "yes" }

func cmdCopyRunStart(c *cli, _ input) string {
	ans, ok := c.ask("Destination filename [startup-config]? ")
	if !ok {
		return ""
	}
	if ans != "" && ans != "startup-config" {
		return "%Error opening nvram:/" + ans + " (Permission denied)\n"
	}
	c.inst.save()
	return "Building configuration...\n[OK]\n"
}

func cmdReloadIn(c *cli, in input) string {
	ans, ok := c.ask("Proceed with reload? [confirm]")
	if !ok || !confirmed(ans) {
		return ""
	}
	mins, _ := strconv.Atoi(in.args[0])
	at := time.Now().UTC().Add(time.Duration(mins) * time.Minute)
	c.inst.model.setReload(at)
	host, _, err := net.SplitHostPort(c.remote)
	if err != nil {
		host = c.remote
	}
	// The simulator never reloads: the session stays up, as it does until
	// the timer fires on a real device.
	return "Reload scheduled for " + at.Format("15:04:05 MST Mon Jan 2 2006") +
		" (in " + in.args[0] + " minutes) by " + c.user + " on vty" + strconv.Itoa(c.line) + " (" + host + ")\n"
}

func cmdReloadCancel(c *cli, _ input) string {
	if c.inst.model.setReload(time.Time{}).IsZero() {
		return "%No reload is scheduled.\n"
	}
	return "***\n*** --- SHUTDOWN ABORTED ---\n***\n"
}

func cmdClearCounters(c *cli, _ input) string {
	c.ask(`Clear "show interface" counters on all interfaces [confirm]`)
	return ""
}

// setReload schedules (or, with the zero time, cancels) a reload and
// returns the one it replaces.
func (m *model) setReload(at time.Time) time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.reloadAt
	m.reloadAt = at
	return old
}
