package views

import "strings"

// colors paints the human forms' lines as Terraform does: what is added
// green, removed red, changed yellow, errors red. Its zero value paints
// nothing, which is what every stream that is not a terminal gets, and a
// terminal too with -no-color or NO_COLOR.
type colors bool

const (
	sgrReset  = "\x1b[0m"
	sgrGreen  = "\x1b[32m"
	sgrRed    = "\x1b[31m"
	sgrYellow = "\x1b[33m"
	sgrBold   = "\x1b[1m"
)

func (c colors) paint(sgr, s string) string {
	if !c || s == "" {
		return s
	}
	return sgr + s + sgrReset
}

func (c colors) add(s string) string    { return c.paint(sgrGreen, s) }
func (c colors) change(s string) string { return c.paint(sgrYellow, s) }
func (c colors) err(s string) string    { return c.paint(sgrRed, s) }
func (c colors) bold(s string) string   { return c.paint(sgrBold, s) }

// diff paints a diff line by its first mark: + added, - removed, ~ a
// section entered.
func (c colors) diff(line string) string {
	switch t := strings.TrimSpace(line); {
	case strings.HasPrefix(t, "+"):
		return c.add(line)
	case strings.HasPrefix(t, "-"):
		return c.err(line)
	case strings.HasPrefix(t, "~"):
		return c.change(line)
	}
	return line
}
