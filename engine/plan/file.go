package plan

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/netrun/netrun/internal/safefile"
)

// WriteFile saves a plan for apply PLANFILE, atomically and readable by its
// owner only: it may hold secrets (see Variable).
//
// The runbook directory is written relative to the plan file's own
// directory, so apply PLANFILE works from any working directory, and still
// when the runbook and its plan move together (a checkout elsewhere, a CI
// job's workspace), which an absolute path would break. Where no relative
// path exists (another volume), it stays absolute.
func WriteFile(path string, p *Plan) error {
	saved := *p
	if p.Dir != "" {
		dir, err := relativeTo(path, p.Dir)
		if err != nil {
			return err
		}
		saved.Dir = dir
	}
	data, err := json.MarshalIndent(fileFormat{HoldsSecrets: p.HoldsSecrets, Plan: &saved, Variables: p.Variables}, "", "  ")
	if err != nil {
		return err
	}
	return safefile.WriteAtomic(path, append(data, '\n'), 0o600)
}

// fileFormat is a plan as a plan file holds it: with the variables, which
// the Plan value leaves out so plan -json never shows them. Which secrets
// the file holds comes first, for whoever opens it.
type fileFormat struct {
	HoldsSecrets []string `json:"holds_secrets,omitempty"`
	*Plan
	Variables map[string]Variable `json:"variables,omitempty"`
}

// relativeTo is dir relative to the directory of the file at path.
func relativeTo(path, dir string) (string, error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	absFile, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if rel, err := filepath.Rel(filepath.Dir(absFile), absDir); err == nil {
		return rel, nil
	}
	return absDir, nil
}

// ReadFile reads a saved plan, refusing other format versions. Its Dir is
// resolved against the plan file's directory.
func ReadFile(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p Plan
	f := fileFormat{Plan: &p}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s is not a netrun plan: %w", path, err)
	}
	p.HoldsSecrets, p.Variables = f.HoldsSecrets, f.Variables
	if p.Version != Version {
		return nil, fmt.Errorf("%s is a plan of format %d; this netrun reads format %d: make it again with netrun plan -out", path, p.Version, Version)
	}
	if p.Dir != "" && !filepath.IsAbs(p.Dir) {
		p.Dir = filepath.Join(filepath.Dir(path), p.Dir)
	}
	return &p, nil
}
