package reader

import (
	"bufio"
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// readText reads plain text: every non-empty line is a paragraph, unless the text is
// hard-wrapped — paragraphs separated by blank lines, their lines broken mid-sentence — when
// each blank-separated block is one. Structure is inferred later.
func readText(in input) (Document, error) {
	data, warning := toUTF8(in.data)
	var d Document
	if blocks, ok := wrappedBlocks(data); ok {
		d.Blocks = blocks
	} else {
		d.Blocks = textBlocks(data)
	}
	if warning != "" {
		d.Warnings = append(d.Warnings, warning)
	}
	return d, nil
}

var blankLineRE = regexp.MustCompile(`\n[ \t\x{3000}]*\n`)

// wrappedBlocks reads blank-line-separated paragraphs when most multi-line blocks have lines
// that end mid-sentence; ok is false for one-paragraph-a-line text.
func wrappedBlocks(data []byte) ([]Block, bool) {
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
			widest = max(widest, DisplayWidth(strings.TrimSpace(l)))
		}
		mid := 0
		for _, l := range lines[:len(lines)-1] {
			if t := strings.TrimSpace(l); t != "" && !EndsSentence(t) && DisplayWidth(t)*100 >= widest*85 {
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
	var out []Block
	for _, p := range parts {
		if t := CleanText(p); t != "" {
			out = append(out, Block{Text: t})
		}
	}
	return out, true
}

func textBlocks(data []byte) []Block {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var out []Block
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		if t := CleanText(sc.Text()); t != "" {
			out = append(out, Block{Text: t})
		}
	}
	if sc.Err() != nil {
		// A line longer than the buffer: fall back to splitting on newlines by hand.
		out = out[:0]
		for _, line := range strings.Split(string(data), "\n") {
			if t := CleanText(line); t != "" {
				out = append(out, Block{Text: t})
			}
		}
	}
	return out
}

// toUTF8 decodes text saved as UTF-16 (with its byte-order mark, as Windows Notepad saves
// "Unicode") or GB18030 (GBK, GB2312: Chinese Windows' default) into UTF-8, saying so.
func toUTF8(data []byte) ([]byte, string) {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		if u, err := dec.Bytes(data); err == nil {
			return u, "UTF-16: read as such"
		}
	}
	if utf8.Valid(data) {
		return data, ""
	}
	if u, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data); err == nil && utf8.Valid(u) {
		return u, "not UTF-8: read as GB18030"
	}
	return data, ""
}
