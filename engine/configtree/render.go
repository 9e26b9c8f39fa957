package configtree

import "strings"

// Render shows the remediation the way a Terraform plan does, one line per
// change, each line prefixed with indent: "+ ntp server 10.0.0.1",
// "~ interface GigabitEthernet0/1" for a section entered because lines
// under it change, "-  shutdown" under it (one space more per level). A
// line an addition replaces is shown removed just before it. An empty
// remediation renders as "".
func (r Remediation) Render(indent string) string {
	var b strings.Builder
	for _, c := range r.Changes {
		pad := strings.Repeat(" ", len(c.Path))
		if c.Replaces != "" {
			renderLine(&b, indent, Remove, pad, c.Replaces)
		}
		renderLine(&b, indent, c.Op, pad, c.Line)
	}
	return b.String()
}

// renderLine writes one change; a banner's lines each carry the symbol.
func renderLine(b *strings.Builder, indent string, op Op, pad, line string) {
	for l := range strings.SplitSeq(line, "\n") {
		b.WriteString(indent)
		b.WriteString(op.String())
		b.WriteByte(' ')
		b.WriteString(pad)
		b.WriteString(l)
		b.WriteByte('\n')
	}
}
