package sshraw

import (
	"bytes"
	"regexp"

	"github.com/netrun/netrun/drivers/platform"
)

// patterns is a platform's data with its regular expressions, compiled by
// drivers/platform, which shares them with every session of the process and
// with the scrapli driver.
type patterns struct {
	platform.Platform
	prompt, exec, priv, config, password, pager *regexp.Regexp
	// expect are DefaultExpect's questions, compiled once, in its order.
	expect []*regexp.Regexp
}

func compilePlatform(p platform.Platform) (*patterns, error) {
	re, err := p.Patterns()
	if err != nil {
		return nil, err
	}
	return &patterns{Platform: p, prompt: re.Prompt, exec: re.Exec, priv: re.Priv,
		config: re.Config, password: re.Password, pager: re.Pager, expect: re.Expect}, nil
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
