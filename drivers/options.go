package drivers

import "fmt"

// Configure applies a driver's functional options to d in order, as the
// drivers' New functions do, and stops at the first that fails.
func Configure[T any, O ~func(*T) error](d *T, opts []O) (*T, error) {
	for _, o := range opts {
		if err := o(d); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Terminal is the PTY size a driver requests from the device. Wide lines
// keep the device from wrapping long output and echoed commands.
type Terminal struct {
	Cols, Rows int
}

// DefaultTerminal is the size the drivers ask for unless told otherwise.
var DefaultTerminal = Terminal{Cols: 511, Rows: 24}

// Resize sets the size for a driver's WithTerminalSize option; driver names
// the driver in the error for a size that is not positive.
func (t *Terminal) Resize(driver string, cols, rows int) error {
	if cols <= 0 || rows <= 0 {
		return fmt.Errorf("%s: terminal size %dx%d must be positive", driver, cols, rows)
	}
	t.Cols, t.Rows = cols, rows
	return nil
}
