package plugin

import (
	"os"
	"strings"
)

// A plugin or worker gets the environment it needs to run, not netrun's:
// netrun's may hold the runbook's secrets (-var values as NETRUN_VAR_*) and
// the user's tokens, and a child's environment is readable by anyone who
// can read /proc/PID/environ. What a session needs comes over the
// connection (Target); go-plugin adds its handshake variables itself.

// keptEnv are the variables passed on by name.
var keptEnv = map[string]bool{
	"PATH": true, "HOME": true, "USER": true, "LOGNAME": true, "SHELL": true,
	"TMPDIR": true, "TZ": true, "LANG": true, "TERM": true,
	"SSL_CERT_FILE": true, "SSL_CERT_DIR": true,
	"GOMAXPROCS": true, "GODEBUG": true, "GOTRACEBACK": true, "GOGC": true,
	"GOMEMLIMIT": true, "GOCOVERDIR": true,
	// Windows needs these to start a process at all.
	"SYSTEMROOT": true, "WINDIR": true, "COMSPEC": true, "PATHEXT": true,
}

// childEnv filters env (os.Environ when nil) down to keptEnv, the locale
// (LC_*) and netrun's own settings (NETRUN_*) except variable values
// (NETRUN_VAR_*). A later entry for a name wins, as in exec.Cmd.
func childEnv(env []string) []string {
	if env == nil {
		env = os.Environ()
	}
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		switch up := strings.ToUpper(name); {
		case strings.HasPrefix(up, "NETRUN_VAR_"):
		case keptEnv[up], strings.HasPrefix(up, "LC_"), strings.HasPrefix(up, "NETRUN_"):
			out = append(out, kv)
		}
	}
	return out
}
