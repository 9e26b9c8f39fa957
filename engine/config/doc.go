// Package config reads a runbook: every *.hcl file of a directory, merged
// into one Module that keeps the source (expressions, bodies and ranges), and
// evaluates it into a Runbook of plain values the engine can plan and apply.
//
// Every problem a user can fix is returned as an hcl.Diagnostic whose Subject
// points into the runbook, so hcl's text writer can show the line. Sensitive
// values (variables declared sensitive and credential secrets) are marked
// while they are cty values and never appear in diagnostic text.
//
// Locals, credentials and devices are evaluated in the order their
// references require, found with engine/graph. The package does not connect
// to devices, order work or run it: that is the engine's job. It only knows
// command outputs when the engine hands them back to EvalOutputs.
package config
