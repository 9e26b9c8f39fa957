package drivers

import (
	"fmt"
	"log/slog"

	"github.com/netrun/netrun/drivers/platform"
)

// Prepare is how a driver's Open starts: t with its defaults filled in (see
// WithDefaults) and its platform's data, with t.Prompt, when set, in place
// of the platform's prompt pattern. The error names the device and wraps
// ErrPlatform.
func Prepare(t Target) (Target, platform.Platform, error) {
	t = t.WithDefaults()
	plat, err := platform.Lookup(t.Platform)
	if err != nil {
		return t, platform.Platform{}, fmt.Errorf("%s: %w", t.Name, err)
	}
	if t.Prompt != "" {
		plat.PromptPattern = t.Prompt
	}
	return t, plat, nil
}

var discard = slog.New(slog.DiscardHandler)

// WithDefaults returns t with what it leaves unset filled in: Name from
// Host (errors always name the device), Port 22, Timeout DefaultTimeout,
// OutputLimit DefaultOutputLimit and a Logger that discards.
func (t Target) WithDefaults() Target {
	if t.Name == "" {
		t.Name = t.Host
	}
	if t.Port == 0 {
		t.Port = 22
	}
	if t.Timeout <= 0 {
		t.Timeout = DefaultTimeout
	}
	if t.OutputLimit <= 0 {
		t.OutputLimit = DefaultOutputLimit
	}
	if t.Logger == nil {
		t.Logger = discard
	}
	return t
}
