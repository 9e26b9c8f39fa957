package plugin

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// ExecutablePrefix starts the file name of every plugin executable; the
// rest of the name is the driver name.
const ExecutablePrefix = "netrun-driver-"

// Executable is a plugin executable found on disk.
type Executable struct {
	Name string // driver name: the file name without ExecutablePrefix
	Path string
}

// Command returns a command running the executable, for NewPool.
func (e Executable) Command() *exec.Cmd { return exec.Command(e.Path) }

// Find returns the executables named netrun-driver-NAME in dirs, without
// running them: in the order of dirs, then of names; the first found of a
// NAME hides later ones. Missing directories are skipped.
func Find(dirs []string) []Executable {
	var found []Executable
	seen := make(map[string]bool)
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			name, ok := driverName(e.Name())
			if !ok || seen[name] {
				continue
			}
			path := filepath.Join(dir, e.Name())
			if !isExecutable(path) {
				continue
			}
			seen[name] = true
			found = append(found, Executable{Name: name, Path: path})
		}
	}
	return found
}

func driverName(file string) (string, bool) {
	if runtime.GOOS == "windows" {
		file = strings.TrimSuffix(strings.ToLower(file), ".exe")
	}
	name, ok := strings.CutPrefix(file, ExecutablePrefix)
	return name, ok && name != ""
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path) // follows symlinks
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	return runtime.GOOS == "windows" || fi.Mode().Perm()&0o111 != 0
}

// SearchPath is where plugins are looked for, in order: the runbook's
// .netrun/plugins directory, each entry of NETRUN_PLUGIN_PATH, then PATH.
// Empty entries (which PATH reads as the working directory) are left out.
func SearchPath(runbookDir string) []string {
	var dirs []string
	if runbookDir != "" {
		dirs = append(dirs, filepath.Join(runbookDir, ".netrun", "plugins"))
	}
	for _, env := range []string{"NETRUN_PLUGIN_PATH", "PATH"} {
		for _, d := range filepath.SplitList(os.Getenv(env)) {
			if d != "" {
				dirs = append(dirs, d)
			}
		}
	}
	return dirs
}
