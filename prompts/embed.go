// Package prompts carries the prompt templates (text/template, *.tmpl) embedded in the binary;
// `--prompts DIR` overrides any of them at run time.
package prompts

import "embed"

// FS holds system.tmpl, answer.tmpl, rewrite.tmpl and faq.tmpl.
//
//go:embed *.tmpl
var FS embed.FS
