package config_test

import (
	"testing"

	"github.com/netrun/netrun/engine/config"
)

// TestOutputLimit: output_limit is read on devices and command blocks in
// binary units; the simulator's flood knob takes sizes or "endless".
func TestOutputLimit(t *testing.T) {
	rb := load(t, writeRunbook(t, `
device "r1" {
  host         = "h"
  credentials  = credentials.c
  output_limit = "32MiB"
  sim {
    flood = { "show log" = "endless", "show tech" = "50 MiB", "show x" = "4096" }
  }
}
device "r2" {
  host        = "h"
  credentials = credentials.c
}
command "a" {
  commands     = ["show version"]
  output_limit = "512KiB"
}
credentials "c" {
  username = "u"
  password = "p"
}
`), config.Inputs{})
	if got := rb.Device("r1").OutputLimit; got != 32<<20 {
		t.Errorf("r1 output_limit = %d, want 32 MiB", got)
	}
	if got := rb.Device("r2").OutputLimit; got != 0 {
		t.Errorf("r2 output_limit = %d, want 0 (the default)", got)
	}
	if got := rb.Commands[0].OutputLimit; got != 512<<10 {
		t.Errorf("command output_limit = %d, want 512 KiB", got)
	}
	flood := rb.Device("r1").Sim.Flood
	if flood["show log"] != -1 || flood["show tech"] != 50<<20 || flood["show x"] != 4096 {
		t.Errorf("flood = %v", flood)
	}
}
