package engine

import "time"

// EventKind says what happened in an Event.
type EventKind int

const (
	// DeviceStart: a device begins connecting, a session slot held; a
	// device that never connects (a dependency failed, the run was
	// cancelled first) has a DeviceComplete only.
	DeviceStart EventKind = iota + 1
	// StepComplete: one step of a device has its final result.
	StepComplete
	// DeviceComplete: every step of a device is final; Result holds them.
	DeviceComplete
)

func (k EventKind) String() string {
	switch k {
	case DeviceStart:
		return "device_start"
	case StepComplete:
		return "step_complete"
	case DeviceComplete:
		return "device_complete"
	}
	return "unknown"
}

// Event is one thing a walk reports as it happens, for live views and the
// -json stream. Options.Events is called from each device's goroutine, so
// it must be safe for concurrent use; a slow handler slows that device.
type Event struct {
	Kind   EventKind
	Device string
	Host   string // host:port as the device is dialled
	Step   string // the task, for StepComplete
	// Result is the device's result, for DeviceComplete.
	Result *DeviceResult
	// StepResult is the step's result, for StepComplete.
	StepResult *StepResult
	Time       time.Time
}

// emit calls Options.Events when set.
func (w *walker) emit(e Event) {
	if w.opts.Events == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = w.opts.Now()
	}
	w.opts.Events(e)
}
