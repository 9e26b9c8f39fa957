package views

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"

	"strconv"
	"strings"

	"github.com/netrun/netrun/engine/state"
)

// Output is the view of netrun output.
type Output interface {
	// Value shows one output's value (never a sensitive one).
	Value(o state.OutputState)
	// Outputs shows every output, sensitive ones hidden.
	Outputs(outputs map[string]state.OutputState) error
}

// NewOutput returns the output view of the given type.
func NewOutput(vt ViewType, v *View) Output {
	if vt == JSON {
		return outputJSON{jsonView{View: v}}
	}
	return outputHuman{v}
}

type outputHuman struct{ *View }

func (v outputHuman) Value(o state.OutputState) { fmt.Fprintln(v.Stdout, renderValue(o, "")) }

func (v outputHuman) Outputs(outputs map[string]state.OutputState) error {
	renderOutputs(v.Stdout, outputs)
	return nil
}

type outputJSON struct{ jsonView }

func (v outputJSON) Value(o state.OutputState) { fmt.Fprintln(v.Stdout, indentJSON(o.Value)) }

// Outputs leaves sensitive outputs out: netrun does not store their values.
func (v outputJSON) Outputs(outputs map[string]state.OutputState) error {
	values := map[string]json.RawMessage{}
	for name, o := range outputs {
		if o.Sensitive {
			continue
		}
		values[name] = o.Value
	}
	return v.write(values)
}

// Raw writes a string output's text as it is, without quotes or a newline
// added, for scripts (output -raw, as Terraform's): numbers and booleans
// as their text too; other values (lists, maps, null) have no raw form.
func Raw(w io.Writer, o state.OutputState) error {
	var v any
	dec := json.NewDecoder(bytes.NewReader(o.Value))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return err
	}
	switch v := v.(type) {
	case string:
		_, err := io.WriteString(w, v)
		return err
	case json.Number, bool:
		_, err := fmt.Fprint(w, v)
		return err
	}
	kind := "null"
	switch v.(type) {
	case []any:
		kind = "a list"
	case map[string]any:
		kind = "a map"
	}
	return fmt.Errorf("-raw prints only a string, number or bool, and this output is %s: use -json", kind)
}

// renderOutputs prints output values as Terraform does: NAME = VALUE.
func renderOutputs(w io.Writer, outputs map[string]state.OutputState) {
	if len(outputs) == 0 {
		return
	}
	fmt.Fprintln(w, "\nOutputs:")
	fmt.Fprintln(w)
	for _, name := range slices.Sorted(maps.Keys(outputs)) {
		fmt.Fprintf(w, "%s = %s\n", name, renderValue(outputs[name], ""))
	}
}

func renderValue(o state.OutputState, indent string) string {
	if o.Sensitive {
		return "<sensitive>"
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(o.Value))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return string(o.Value)
	}
	var b strings.Builder
	writeValue(&b, v, indent)
	return b.String()
}

// writeValue renders a JSON value in HCL's syntax, multi-line strings as
// heredocs so device output reads as it came.
func writeValue(b *strings.Builder, v any, indent string) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		if strings.Contains(v, "\n") {
			b.WriteString("<<EOT\n")
			for _, line := range strings.Split(strings.TrimSuffix(v, "\n"), "\n") {
				b.WriteString(indent + "  " + line + "\n")
			}
			b.WriteString(indent + "EOT")
			return
		}
		b.WriteString(strconv.Quote(v))
	case json.Number:
		b.WriteString(v.String())
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case []any:
		if len(v) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for _, x := range v {
			b.WriteString(indent + "  ")
			writeValue(b, x, indent+"  ")
			b.WriteString(",\n")
		}
		b.WriteString(indent + "]")
	case map[string]any:
		if len(v) == 0 {
			b.WriteString("{}")
			return
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		// Map keys are mostly device names: counted as people count.
		slices.SortFunc(keys, state.NaturalCompare)
		b.WriteString("{\n")
		for _, k := range keys {
			fmt.Fprintf(b, "%s  %s = ", indent, strconv.Quote(k))
			writeValue(b, v[k], indent+"  ")
			b.WriteString("\n")
		}
		b.WriteString(indent + "}")
	default:
		fmt.Fprint(b, v)
	}
}

func indentJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}
