package reader

import (
	"strings"
	"unicode"
)

// CleanText makes source text safe to index and show: valid UTF-8, no control characters,
// runs of whitespace collapsed to one space, and line breaks between Chinese characters
// removed (wrapped lines in Markdown and HTML leave them; a written space is kept).
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	b.Grow(len(s))
	space, wrapped := false, false
	var prev rune
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u200b' || r == '\ufeff' {
			space = b.Len() > 0
			wrapped = wrapped || r == '\n' || r == '\r'
			continue
		}
		if space {
			if !(wrapped && (IsWide(prev) || IsWide(r))) {
				b.WriteByte(' ')
			}
			space, wrapped = false, false
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// IsWide reports CJK characters and full-width punctuation, between which a space is noise.
func IsWide(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef) ||
		r == '“' || r == '”' || r == '‘' || r == '’'
}

// DisplayWidth counts a wide (CJK) character as two columns.
func DisplayWidth(s string) int {
	w := 0
	for _, r := range s {
		if IsWide(r) {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// IsTerminal reports sentence ends, full- and half-width. A period '.' is not one, so
// figures like 1.3万 and 49.4% stay whole.
func IsTerminal(r rune) bool {
	switch r {
	case '。', '！', '？', '；', '!', '?', ';', '…':
		return true
	}
	return false
}

// IsCloser reports closing quotes and brackets, which belong to the sentence they follow.
func IsCloser(r rune) bool {
	switch r {
	case '”', '’', '」', '』', '）', ')', '】', '》', '"', '\'':
		return true
	}
	return false
}

// EndsSentence reports whether s ends with a sentence end, closers aside.
func EndsSentence(s string) bool {
	r := []rune(s)
	for i := len(r) - 1; i >= 0; i-- {
		if IsCloser(r[i]) {
			continue
		}
		return IsTerminal(r[i])
	}
	return false
}
