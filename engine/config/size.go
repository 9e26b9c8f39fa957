package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// maxOutputLimit bounds output_limit: the limit is what netrun may hold of
// one command in memory, per device running.
const maxOutputLimit = 1 << 30

// sizeUnits are the units a size may end in, binary as memory is counted.
var sizeUnits = []struct {
	name string
	size int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

// parseSize reads a size such as "16MiB", "512 KiB" or "1048576" (bytes).
func parseSize(s string) (int64, bool) {
	num, mult := strings.TrimSpace(s), int64(1)
	for _, u := range sizeUnits {
		if rest, ok := strings.CutSuffix(num, u.name); ok {
			num, mult = strings.TrimSpace(rest), u.size
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > maxOutputLimit/mult {
		return 0, false
	}
	return n * mult, true
}

// sizeAttr evaluates a size attribute (output_limit); not set is 0.
func (e *evaluator) sizeAttr(ctx *hcl.EvalContext, expr hcl.Expression, name string) (int64, hcl.Diagnostics) {
	v, diags := e.eval(ctx, expr, cty.String, name)
	if diags.HasErrors() || v.IsNull() {
		return 0, diags
	}
	if n, ok := parseSize(plainString(v)); ok {
		return n, diags
	}
	return 0, append(diags, sizeDiag(expr, name, v))
}

func sizeDiag(expr hcl.Expression, name string, v cty.Value) *hcl.Diagnostic {
	detail := fmt.Sprintf("%s must be a size such as \"16MiB\", \"512KiB\" or \"1GiB\", above 0 and at most 1GiB", name)
	if !v.ContainsMarked() {
		detail += fmt.Sprintf(", not %q", plainString(v))
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid size",
		Detail:   detail + ".",
		Subject:  expr.Range().Ptr(),
	}
}
