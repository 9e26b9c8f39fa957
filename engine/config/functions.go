package config

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	yaml "github.com/zclconf/go-cty-yaml"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Functions returns the functions runbook expressions can call: the cty
// standard library under Terraform's names, yamldecode and yamlencode, and
// file and templatefile reading paths relative to dir.
func Functions(dir string) map[string]function.Function {
	funcs := map[string]function.Function{
		"abs":                    stdlib.AbsoluteFunc,
		"can":                    tryfunc.CanFunc,
		"ceil":                   stdlib.CeilFunc,
		"chomp":                  stdlib.ChompFunc,
		"chunklist":              stdlib.ChunklistFunc,
		"coalesce":               stdlib.CoalesceFunc,
		"coalescelist":           stdlib.CoalesceListFunc,
		"compact":                stdlib.CompactFunc,
		"concat":                 stdlib.ConcatFunc,
		"contains":               stdlib.ContainsFunc,
		"csvdecode":              stdlib.CSVDecodeFunc,
		"distinct":               stdlib.DistinctFunc,
		"element":                stdlib.ElementFunc,
		"flatten":                stdlib.FlattenFunc,
		"floor":                  stdlib.FloorFunc,
		"format":                 stdlib.FormatFunc,
		"formatdate":             stdlib.FormatDateFunc,
		"formatlist":             stdlib.FormatListFunc,
		"indent":                 stdlib.IndentFunc,
		"join":                   stdlib.JoinFunc,
		"jsondecode":             stdlib.JSONDecodeFunc,
		"jsonencode":             stdlib.JSONEncodeFunc,
		"keys":                   stdlib.KeysFunc,
		"length":                 stdlib.LengthFunc,
		"log":                    stdlib.LogFunc,
		"lookup":                 stdlib.LookupFunc,
		"lower":                  stdlib.LowerFunc,
		"max":                    stdlib.MaxFunc,
		"merge":                  stdlib.MergeFunc,
		"min":                    stdlib.MinFunc,
		"parseint":               stdlib.ParseIntFunc,
		"pow":                    stdlib.PowFunc,
		"range":                  stdlib.RangeFunc,
		"regex":                  stdlib.RegexFunc,
		"regexall":               stdlib.RegexAllFunc,
		"regexreplace":           stdlib.RegexReplaceFunc,
		"replace":                stdlib.ReplaceFunc,
		"reverse":                stdlib.ReverseListFunc,
		"setintersection":        stdlib.SetIntersectionFunc,
		"setproduct":             stdlib.SetProductFunc,
		"setsubtract":            stdlib.SetSubtractFunc,
		"setsymmetricdifference": stdlib.SetSymmetricDifferenceFunc,
		"setunion":               stdlib.SetUnionFunc,
		"signum":                 stdlib.SignumFunc,
		"slice":                  stdlib.SliceFunc,
		"sort":                   stdlib.SortFunc,
		"split":                  stdlib.SplitFunc,
		"strlen":                 stdlib.StrlenFunc,
		"strrev":                 stdlib.ReverseFunc,
		"substr":                 stdlib.SubstrFunc,
		"timeadd":                stdlib.TimeAddFunc,
		"title":                  stdlib.TitleFunc,
		"tobool":                 stdlib.MakeToFunc(cty.Bool),
		"tolist":                 stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":                  stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber":               stdlib.MakeToFunc(cty.Number),
		"toset":                  stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring":               stdlib.MakeToFunc(cty.String),
		"trim":                   stdlib.TrimFunc,
		"trimprefix":             stdlib.TrimPrefixFunc,
		"trimspace":              stdlib.TrimSpaceFunc,
		"trimsuffix":             stdlib.TrimSuffixFunc,
		"try":                    tryfunc.TryFunc,
		"upper":                  stdlib.UpperFunc,
		"values":                 stdlib.ValuesFunc,
		"yamldecode":             yamlDecodeFunc,
		"yamlencode":             yaml.YAMLEncodeFunc,
		"zipmap":                 stdlib.ZipmapFunc,
	}
	funcs["file"] = fileFunc(dir)
	// Templates may call every function but templatefile itself, so a
	// template cannot include itself forever.
	inner := make(map[string]function.Function, len(funcs))
	for k, v := range funcs {
		inner[k] = v
	}
	funcs["templatefile"] = templateFileFunc(dir, inner)
	return funcs
}

// MaxFileSize is the most file and templatefile read: they read whole
// files into memory, so /dev/zero or a huge file would take it all.
const MaxFileSize = 64 << 20

// readFile reads a regular text file of at most MaxFileSize bytes. It opens
// without blocking and checks what it opened: opening a FIFO for reading
// waits for a writer, and a device file never ends, and validate must
// neither hang nor fill memory.
func readFile(dir, path string) ([]byte, error) {
	f, err := os.OpenFile(expandPath(dir, path), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("no file exists at %q (paths are relative to the runbook directory)", path)
		}
		return nil, fmt.Errorf("cannot read %q: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read %q: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%q is not a regular file (it is a %s); only regular files can be read", path, fileKind(fi.Mode()))
	}
	tooBig := fmt.Errorf("%q is larger than %d MiB, the most file and templatefile read", path, MaxFileSize>>20)
	if fi.Size() > MaxFileSize {
		return nil, tooBig
	}
	// The file may grow after Stat: read at most one byte past the limit.
	src, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %q: %w", path, err)
	}
	if len(src) > MaxFileSize {
		return nil, tooBig
	}
	if !utf8.Valid(src) {
		return nil, fmt.Errorf("%q is not valid UTF-8 text", path)
	}
	return src, nil
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

func fileFunc(dir string) function.Function {
	return function.New(&function.Spec{
		Description: "Reads a text file, relative to the runbook directory.",
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			src, err := readFile(dir, args[0].AsString())
			if err != nil {
				return cty.DynamicVal, function.NewArgError(0, err)
			}
			return cty.StringVal(string(src)), nil
		},
	})
}

func templateFileFunc(dir string, funcs map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Description: "Renders a template file, relative to the runbook directory, with the given variables.",
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			path, vars := args[0].AsString(), args[1]
			if vars.IsNull() || !(vars.Type().IsMapType() || vars.Type().IsObjectType()) {
				return cty.DynamicVal, function.NewArgErrorf(1, "template variables must be a map or an object")
			}
			src, err := readFile(dir, path)
			if err != nil {
				return cty.DynamicVal, function.NewArgError(0, err)
			}
			tmpl, diags := hclsyntax.ParseTemplate(src, path, hcl.Pos{Line: 1, Column: 1})
			if diags.HasErrors() {
				return cty.DynamicVal, function.NewArgErrorf(0, "cannot parse template: %s", diags.Error())
			}
			ctx := &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: funcs}
			for it := vars.ElementIterator(); it.Next(); {
				k, v := it.Element()
				ctx.Variables[k.AsString()] = v
			}
			var missing []string
			for _, tr := range tmpl.Variables() {
				if _, ok := ctx.Variables[tr.RootName()]; !ok {
					missing = append(missing, tr.RootName())
				}
			}
			if len(missing) > 0 {
				sort.Strings(missing)
				return cty.DynamicVal, function.NewArgErrorf(1, "the template refers to %q, which is not among the variables given", missing[0])
			}
			val, diags := tmpl.Value(ctx)
			if diags.HasErrors() {
				return cty.DynamicVal, function.NewArgErrorf(0, "cannot render template: %s", diags.Error())
			}
			s, err := stdlib.MakeToFunc(cty.String).Call([]cty.Value{val})
			if err != nil {
				return cty.DynamicVal, function.NewArgErrorf(0, "the template did not render a string: %s", err)
			}
			return s, nil
		},
	})
}

// expandPath resolves a path written in the runbook: "~/" is the home
// directory and relative paths are relative to the runbook directory.
func expandPath(dir, p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}
