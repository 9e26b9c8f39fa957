package sshraw

import (
	"bytes"
	"fmt"
	"regexp"
	"sync"

	"github.com/netrun/netrun/drivers"
)

// patterns is a platform's data with its regular expressions compiled.
// Compiled expressions are shared by every session of the process.
type patterns struct {
	drivers.Platform
	prompt, exec, priv, config, password, pager *regexp.Regexp
}

var compiled sync.Map // pattern source -> *regexp.Regexp

func compileOnce(field, src string) (*regexp.Regexp, error) {
	if src == "" {
		return nil, nil
	}
	if re, ok := compiled.Load(src); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, fmt.Errorf("invalid %s pattern %q: %v", field, src, err)
	}
	compiled.Store(src, re)
	return re, nil
}

func compilePlatform(p drivers.Platform, prompt string) (*patterns, error) {
	if prompt != "" {
		p.PromptPattern = prompt
	}
	pt := &patterns{Platform: p}
	for _, f := range []struct {
		name string
		src  string
		dst  **regexp.Regexp
	}{
		{"prompt", p.PromptPattern, &pt.prompt},
		{"exec prompt", p.ExecPattern, &pt.exec},
		{"privileged prompt", p.PrivPattern, &pt.priv},
		{"config prompt", p.ConfigPattern, &pt.config},
		{"password prompt", p.PasswordPattern, &pt.password},
		{"pager", p.PagerPattern, &pt.pager},
	} {
		re, err := compileOnce(f.name, f.src)
		if err != nil {
			return nil, err
		}
		*f.dst = re
	}
	if pt.prompt == nil {
		return nil, fmt.Errorf("platform %q has no prompt pattern", p.Name)
	}
	return pt, nil
}

// maxPromptLine bounds the line a prompt or pager is looked for in. Prompts
// are short; a longer last line is output still arriving.
const maxPromptLine = 256

// lastLine is the tail that prompts are matched against: the text after the
// last newline, or nil if that is longer than maxPromptLine. Matching only
// the tail keeps prompt detection cheap however long the output grows, and a
// prompt-like line in the middle of the output can never end a command.
func lastLine(b []byte) []byte {
	lo := len(b) - maxPromptLine - 1
	if lo < 0 {
		lo = 0
	}
	i := bytes.LastIndexByte(b[lo:], '\n')
	if i < 0 {
		if len(b) > maxPromptLine {
			return nil
		}
		return b
	}
	return b[lo+i+1:]
}

func match(re *regexp.Regexp, line []byte) bool {
	return re != nil && line != nil && re.Match(line)
}
