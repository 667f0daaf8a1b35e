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
	if isNormal(s) {
		return s
	}
	return fold(s)
}

// fold is Text the long way, for any text.
func fold(s string) string {
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

// isNormal reports whether Text would return s as it is, character by character: cheaper
// than the folding it spares, as most text Text sees (a passage's clauses, read again at each
// answer) is Chinese characters, punctuation and lower-case words already.
func isNormal(s string) bool {
	space := true // a leading space is dropped, and so is a second one
	for _, r := range s {
		if r == ' ' {
			if space {
				return false
			}
			space = true
			continue
		}
		if !normalRune(r) {
			return false
		}
		space = false
	}
	return !space || s == "" // a trailing space is dropped
}

// normalRune reports a character Text keeps as it is, whatever stands around it (see
// TestNormalRunes): printable ASCII but capitals, and the blocks of Chinese characters and
// Chinese and general punctuation, but their spaces and separators.
func normalRune(r rune) bool {
	switch {
	case r < 0x80:
		return r > ' ' && r != 0x7f && (r < 'A' || r > 'Z')
	case 0x4e00 <= r && r <= 0x9fff, 0x3001 <= r && r <= 0x303f, 0x2010 <= r && r <= 0x2027, 0x2030 <= r && r <= 0x205e, r == 0xb7:
		return true
	}
	return false
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
