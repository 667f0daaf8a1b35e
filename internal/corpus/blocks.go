package corpus

import (
	"bufio"
	"bytes"
	"regexp"
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

// readText reads plain text: every non-empty line is a paragraph, unless the text is
// hard-wrapped — paragraphs separated by blank lines, their lines broken mid-sentence — when
// each blank-separated block is one. Structure is inferred later.
func readText(data []byte) (document, error) {
	if blocks, ok := wrappedBlocks(data); ok {
		return document{blocks: blocks}, nil
	}
	return document{blocks: textBlocks(data)}, nil
}

var blankLineRE = regexp.MustCompile(`\n[ \t\x{3000}]*\n`)

// wrappedBlocks reads blank-line-separated paragraphs when most multi-line blocks have lines
// that end mid-sentence; ok is false for one-paragraph-a-line text.
func wrappedBlocks(data []byte) ([]block, bool) {
	text := strings.ReplaceAll(string(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))), "\r\n", "\n")
	parts := blankLineRE.Split(text, -1)
	if len(parts) < 2 {
		return nil, false // no blank lines: one paragraph a line
	}
	multi, wrapped := 0, 0
	for _, p := range parts {
		lines := strings.Split(strings.TrimSpace(p), "\n")
		if len(lines) < 2 {
			continue
		}
		multi++
		// A wrapped line fills the wrap column and stops mid-sentence; a title, a unit or a
		// date line above a paragraph is shorter.
		widest := 0
		for _, l := range lines {
			widest = max(widest, displayWidth(strings.TrimSpace(l)))
		}
		mid := 0
		for _, l := range lines[:len(lines)-1] {
			if t := strings.TrimSpace(l); t != "" && !endsSentence(t) && displayWidth(t)*100 >= widest*85 {
				mid++
			}
		}
		if mid*2 >= len(lines)-1 {
			wrapped++
		}
	}
	if multi == 0 || wrapped*2 < multi {
		return nil, false
	}
	var out []block
	for _, p := range parts {
		if t := cleanText(p); t != "" {
			out = append(out, block{text: t})
		}
	}
	return out, true
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
