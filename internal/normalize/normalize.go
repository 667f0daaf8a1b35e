// Package normalize puts user and source text into one canonical form before it is matched:
// valid UTF-8, half-width letters, digits and punctuation, no control characters, single spaces.
package normalize

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Text folds full-width ASCII to half-width (（ → (, ０ → 0, ， → ,), replaces invalid UTF-8 and
// control characters with spaces, collapses whitespace and trims. Chinese characters and
// Chinese punctuation such as 。“” are kept as they are.
func Text(s string) string {
	s = strings.ToValidUTF8(s, " ")
	s = width.Fold.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u200b' || r == '\ufeff' || r == unicode.ReplacementChar {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// HanCount is the number of Han characters in s: how much Chinese a line or reply holds,
// whatever punctuation, digits and markup surround it.
func HanCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n
}
