package plan

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/netrun/netrun/engine/state"
)

// WriteFile saves a plan for apply PLANFILE, atomically.
func WriteFile(path string, p *Plan) error {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return state.WriteFileAtomic(path, append(data, '\n'), 0o600)
}

// ReadFile reads a saved plan, refusing other format versions.
func ReadFile(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p Plan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%s is not a netrun plan: %w", path, err)
	}
	if p.Version != Version {
		return nil, fmt.Errorf("%s is a plan of format %d; this netrun reads format %d", path, p.Version, Version)
	}
	return &p, nil
}
