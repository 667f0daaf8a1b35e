package reader

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jingyan/jingyan/internal/normalize"
)

// line is one printed line of a fixed-layout page (PDF, OFD, OCR). breakBefore marks a
// paragraph start the layout shows (an indented first line, a blank line in OCR output).
type line struct {
	text        string
	breakBefore bool
}

// page is the lines of one page, numbered from 1; ocr marks a page read by OCR, whose edges
// can carry a phone's status bar.
type page struct {
	n     int
	lines []line
	ocr   bool
}

// layoutBlocks turns pages of lines into paragraphs: running headers, footers and page
// numbers go; lines are rejoined into paragraphs across line and page breaks; the spaces
// layout puts between Chinese and figures ("14 个") go. A line ends its paragraph when it
// stops well short of the usual line width (the last line of a paragraph, a title, a unit
// line). Each paragraph keeps the page it starts on.
func layoutBlocks(pages []page) []Block {
	furniture := runningLines(pages)
	type kept struct {
		line
		page int
	}
	var lines []kept
	for _, p := range pages {
		for i, l := range p.lines {
			edge := i < 3 || i >= len(p.lines)-3
			if isPageNumber(l.text) || (edge && furniture[shape(l.text)]) || (p.ocr && (i < 2 || i >= len(p.lines)-2) && isStatusBar(l.text)) {
				continue
			}
			lines = append(lines, kept{l, p.n})
		}
	}
	widths := make([]string, len(lines))
	for i, l := range lines {
		widths[i] = l.text
	}
	full := typicalWidth(widths)
	var out []Block
	var para strings.Builder
	start := 0
	flush := func() {
		if t := CleanText(normalize.FigureSpaces(para.String())); t != "" {
			out = append(out, Block{Text: t, Page: start})
		}
		para.Reset()
	}
	prev := ""
	for _, l := range lines {
		short := DisplayWidth(l.text) < full*85/100
		// After a line that ends a sentence, a short line that does not end one is a heading
		// or a label ("相关阅读："), not the paragraph's last line.
		if l.breakBefore || (short && EndsSentence(prev) && !EndsSentence(l.text)) {
			flush()
		}
		prev = l.text
		if para.Len() == 0 {
			start = l.page
		} else if !joinsTight(para.String(), l.text) {
			para.WriteByte('\n')
		}
		para.WriteString(l.text)
		if short {
			flush()
		}
	}
	flush()
	return out
}

var pageNumberRE = regexp.MustCompile(`^(?i)[-—–\s]*(第\s*)?\d{1,4}\s*(页)?\s*([/／]|of|共)?\s*(\d{1,4})?\s*(页)?[-—–\s]*$|^(?i)page\s*\d+(\s*of\s*\d+)?$`)

func isPageNumber(l string) bool { return pageNumberRE.MatchString(l) }

// isStatusBar: a short line with no Chinese character at the top or bottom of a photo —
// a phone's clock, signal and battery ("9:41 4G 85%"), a camera's date stamp.
func isStatusBar(l string) bool {
	if len([]rune(l)) > 24 {
		return false
	}
	for _, r := range l {
		if unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

// shape is a line with its digits generalised, so "第 3 页 2024/5/1" on every page is one shape.
func shape(l string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return '#'
		}
		return r
	}, l)
}

// runningLines returns the shapes of lines that stand at the top or bottom of at least half
// of the pages (two at least): running headers and footers.
func runningLines(pages []page) map[string]bool {
	count := make(map[string]int)
	n := 0
	for _, p := range pages {
		if len(p.lines) == 0 {
			continue
		}
		n++
		seen := make(map[string]bool)
		for i, l := range p.lines {
			if i < 3 || i >= len(p.lines)-3 {
				if s := shape(l.text); !seen[s] {
					seen[s] = true
					count[s]++
				}
			}
		}
	}
	out := make(map[string]bool)
	if n < 2 {
		return out
	}
	for s, c := range count {
		if c >= 2 && c*2 >= n {
			out[s] = true
		}
	}
	return out
}

// typicalWidth is the width most body lines reach: the 80th percentile.
func typicalWidth(lines []string) int {
	if len(lines) == 0 {
		return 0
	}
	ws := make([]int, len(lines))
	for i, l := range lines {
		ws[i] = DisplayWidth(l)
	}
	sort.Ints(ws)
	return ws[len(ws)*8/10]
}

// textPages splits text with form feeds between pages (pdftotext's and Tesseract's output)
// into pages of trimmed, non-empty lines.
func textPages(text string) []page {
	parts := strings.Split(text, "\f")
	if len(parts) > 1 && strings.TrimSpace(parts[len(parts)-1]) == "" {
		parts = parts[:len(parts)-1] // the form feed after the last page
	}
	pages := make([]page, 0, len(parts))
	for i, p := range parts {
		pg := page{n: i + 1}
		for _, l := range strings.Split(p, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				pg.lines = append(pg.lines, line{text: l})
			}
		}
		pages = append(pages, pg)
	}
	return pages
}

// readable reports whether most characters are Chinese, Latin letters, digits or ordinary
// punctuation.
func readable(blocks []Block) bool {
	var c charCount
	for _, b := range blocks {
		c.add(b.Text)
	}
	return c.readable()
}

// pageReadable is readable for one page of a PDF's text layer, before any cleaning: a layer
// without a character map gives control codes (glyph numbers), private-use characters, or
// GBK bytes read as Latin-1 ("¾¯Îñ").
func pageReadable(p page) bool {
	var c charCount
	for _, l := range p.lines {
		c.add(l.text)
	}
	return c.readable()
}

// charCount counts a text's characters other than spaces, and those that read as text.
type charCount struct{ good, all int }

func (c *charCount) add(s string) {
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		c.all++
		if unicode.Is(unicode.Han, r) || r >= 0x20 && r < 0x7f || IsWide(r) || unicode.IsPunct(r) ||
			unicode.IsLetter(r) && r < 0x2000 && (r < 0x80 || r > 0xff) {
			c.good++
		}
	}
}

// readable: at least four characters in five read as text.
func (c charCount) readable() bool { return c.all > 0 && c.good*10 >= c.all*8 }

// textChars counts the characters of a page other than spaces: a page with almost none has
// no text layer.
func textChars(p page) int {
	n := 0
	for _, l := range p.lines {
		for _, r := range l.text {
			if !unicode.IsSpace(r) {
				n++
			}
		}
	}
	return n
}

// joinsTight: a line break between figures ("20" / "19年") is no space; CleanText already
// drops one next to a Chinese character, and keeps it between Latin words.
func joinsTight(before, after string) bool {
	b, _ := utf8.DecodeLastRuneInString(before)
	a, _ := utf8.DecodeRuneInString(after)
	digit := func(r rune) bool { return r >= '0' && r <= '9' || r == '.' || r == '%' }
	return digit(b) && digit(a)
}
