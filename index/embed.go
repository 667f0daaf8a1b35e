// Package index carries jingyan's default corpus as data: the source documents under
// sources/ and the domain glossary, embedded so the binary works offline with no setup.
package index

import "embed"

// FS holds sources/* (report documents) and glossary.txt.
//
//go:embed sources glossary.txt
var FS embed.FS
