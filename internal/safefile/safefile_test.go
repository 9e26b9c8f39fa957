package safefile_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/netrun/netrun/internal/safefile"
)

// TestNoWriteThroughSymlink: for each way of writing, a link at the path
// pointing at another file leaves that file as it was.
func TestNoWriteThroughSymlink(t *testing.T) {
	write := map[string]func(path string) error{
		"WriteAtomic": func(path string) error { return safefile.WriteAtomic(path, []byte("new\n"), 0o600) },
		"Create": func(path string) error {
			f, err := safefile.Create(path, 0o600)
			if err != nil {
				return err
			}
			if _, err := f.WriteString("new\n"); err != nil {
				return err
			}
			return f.Close()
		},
		"OpenFile": func(path string) error {
			f, err := safefile.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
			if err != nil {
				return err
			}
			return f.Close()
		},
	}
	for name, fn := range write {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(t.TempDir(), "target")
			if err := os.WriteFile(target, []byte("old\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "f")
			if err := os.Symlink(target, path); err != nil {
				t.Fatal(err)
			}
			err := fn(path)
			if data, _ := os.ReadFile(target); string(data) != "old\n" {
				t.Errorf("the link's target was written: %q", data)
			}
			if name == "OpenFile" {
				if !errors.Is(err, safefile.ErrSymlink) {
					t.Errorf("OpenFile on a link: %v, want ErrSymlink", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			fi, err := os.Lstat(path)
			if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
				t.Errorf("%s is not a regular 0600 file: %v %v", path, fi, err)
			}
			if data, _ := os.ReadFile(path); string(data) != "new\n" {
				t.Errorf("%s holds %q", path, data)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("temporary files left: %v", entries)
			}
		})
	}
}
