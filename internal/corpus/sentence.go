package corpus

import (
	"strings"
	"unicode/utf8"

	"github.com/jingyan/jingyan/internal/reader"
)

// SplitSentences cuts Chinese text into sentences after 。！？；(and their half-width forms)
// plus any closing quotes that follow; text without a final terminator is the last sentence.
func SplitSentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		if !reader.IsTerminal(r) {
			continue
		}
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if !reader.IsTerminal(r) && !reader.IsCloser(r) {
				break
			}
			i += n
		}
		if s := strings.TrimSpace(text[start:i]); s != "" {
			out = append(out, s)
		}
		start = i
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}
