package corpus

import (
	"strings"
	"unicode/utf8"
)

// Sentence ends: full- and half-width. A period '.' is not one, so figures like 1.3万 and
// 49.4% stay whole.
func isTerminal(r rune) bool {
	switch r {
	case '。', '！', '？', '；', '!', '?', ';', '…':
		return true
	}
	return false
}

// Closing quotes and brackets after a sentence end belong to that sentence.
func isCloser(r rune) bool {
	switch r {
	case '”', '’', '」', '』', '）', ')', '】', '》', '"', '\'':
		return true
	}
	return false
}

// SplitSentences cuts Chinese text into sentences after 。！？；(and their half-width forms)
// plus any closing quotes that follow; text without a final terminator is the last sentence.
func SplitSentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		if !isTerminal(r) {
			continue
		}
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if !isTerminal(r) && !isCloser(r) {
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
