package corpus

import (
	"bufio"
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// block is one unit of a source before report structure is known: a heading (level 1–6)
// or a paragraph (level 0).
type block struct {
	level int
	text  string
}

// cleanText makes source text safe to index and show: valid UTF-8, no control characters,
// runs of whitespace collapsed to one space, and line breaks between Chinese characters
// removed (wrapped lines in Markdown and HTML leave them; a written space is kept).
func cleanText(s string) string {
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
			if !(wrapped && (isWide(prev) || isWide(r))) {
				b.WriteByte(' ')
			}
			space, wrapped = false, false
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// isWide reports CJK characters and full-width punctuation, between which a space is noise.
func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef) ||
		r == '“' || r == '”' || r == '‘' || r == '’'
}

// readText reads plain text: every non-empty line is a paragraph; structure is inferred later.
func readText(data []byte) (document, error) {
	return document{blocks: textBlocks(data)}, nil
}

func textBlocks(data []byte) []block {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var out []block
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		if t := cleanText(sc.Text()); t != "" {
			out = append(out, block{text: t})
		}
	}
	if sc.Err() != nil {
		// A line longer than the buffer: fall back to splitting on newlines by hand.
		out = out[:0]
		for _, line := range strings.Split(string(data), "\n") {
			if t := cleanText(line); t != "" {
				out = append(out, block{text: t})
			}
		}
	}
	return out
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }
