package corpus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jingyan/jingyan/internal/normalize"
)

// PDFTool is the program .pdf files are read with: pdftotext from Poppler (Debian's
// poppler-utils). It was chosen by measurement on Chinese PDFs from LibreOffice and Chromium:
// characters come out in reading order with no spaces between CJK characters, which the pure
// Go readers did not manage (see README). Without it .pdf files are skipped with that reason.
const PDFTool = "pdftotext"

// pdfTimeout bounds one conversion; a hostile PDF must not hang an index build.
const pdfTimeout = 60 * time.Second

// ErrNoPDFTool says pdftotext is missing.
var ErrNoPDFTool = errors.New("pdftotext not installed (Debian: apt-get install poppler-utils)")

func readPDF(data []byte) (document, error) {
	tool, err := exec.LookPath(PDFTool)
	if err != nil {
		return document{}, ErrNoPDFTool
	}
	f, err := os.CreateTemp("", "jingyan-*.pdf")
	if err != nil {
		return document{}, fmt.Errorf("pdf: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return document{}, fmt.Errorf("pdf: %w", err)
	}
	f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), pdfTimeout)
	defer cancel()
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, tool, "-enc", "UTF-8", "-eol", "unix", f.Name(), "-")
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 200 {
			msg = msg[:200]
		}
		return document{}, fmt.Errorf("pdf: %s: %w %s", PDFTool, err, msg)
	}
	blocks := pdfBlocks(out.String())
	if chars := textChars(blocks); chars < 20 {
		return document{}, ErrNoText
	}
	if !readable(blocks) {
		return document{}, ErrUnreadable
	}
	return document{blocks: blocks}, nil
}

// ErrUnreadable is returned for a PDF whose text layer decodes to no language: fonts
// embedded without a map back to characters give private-use or control runes.
var ErrUnreadable = errors.New("text layer does not decode to readable text (fonts without a character map)")

// readable reports whether most characters are Chinese, Latin letters, digits or ordinary
// punctuation.
func readable(blocks []block) bool {
	good, all := 0, 0
	for _, b := range blocks {
		for _, r := range b.text {
			if unicode.IsSpace(r) {
				continue
			}
			all++
			if unicode.Is(unicode.Han, r) || r < 0x7f || isWide(r) || unicode.IsPunct(r) || unicode.IsLetter(r) && r < 0x2000 {
				good++
			}
		}
	}
	return all > 0 && good*10 >= all*8
}

func textChars(blocks []block) int {
	n := 0
	for _, b := range blocks {
		n += utf8.RuneCountInString(b.text)
	}
	return n
}

// pdfBlocks turns pdftotext's output into paragraphs: running headers, footers and page
// numbers go; lines are rejoined into paragraphs across line and page breaks; the spaces PDF
// layout puts between Chinese and figures ("14 个") go. A line ends its
// paragraph when it stops well short of the usual line width (the last line of a paragraph,
// a title, a unit line).
func pdfBlocks(text string) []block {
	pages := strings.Split(text, "\f")
	pageLines := make([][]string, 0, len(pages))
	for _, p := range pages {
		var lines []string
		for _, l := range strings.Split(p, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		pageLines = append(pageLines, lines)
	}
	furniture := runningLines(pageLines)
	var lines []string
	for _, pl := range pageLines {
		for i, l := range pl {
			edge := i < 3 || i >= len(pl)-3
			if isPageNumber(l) || (edge && furniture[shape(l)]) {
				continue
			}
			lines = append(lines, l)
		}
	}
	full := typicalWidth(lines)
	var out []block
	var para strings.Builder
	flush := func() {
		if t := cleanText(normalize.FigureSpaces(para.String())); t != "" {
			out = append(out, block{text: t})
		}
		para.Reset()
	}
	for _, l := range lines {
		if para.Len() > 0 {
			para.WriteByte('\n')
		}
		para.WriteString(l)
		if displayWidth(l) < full*85/100 {
			flush()
		}
	}
	flush()
	return out
}

var pageNumberRE = regexp.MustCompile(`^(?i)[-—–\s]*(第\s*)?\d{1,4}\s*(页)?\s*([/／]|of|共)?\s*(\d{1,4})?\s*(页)?[-—–\s]*$|^(?i)page\s*\d+(\s*of\s*\d+)?$`)

func isPageNumber(l string) bool { return pageNumberRE.MatchString(l) }

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
func runningLines(pages [][]string) map[string]bool {
	count := make(map[string]int)
	n := 0
	for _, pl := range pages {
		if len(pl) == 0 {
			continue
		}
		n++
		seen := make(map[string]bool)
		for i, l := range pl {
			if i < 3 || i >= len(pl)-3 {
				if s := shape(l); !seen[s] {
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

// displayWidth counts a wide (CJK) character as two columns.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		if isWide(r) {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// typicalWidth is the width most body lines reach: the 80th percentile.
func typicalWidth(lines []string) int {
	if len(lines) == 0 {
		return 0
	}
	ws := make([]int, len(lines))
	for i, l := range lines {
		ws[i] = displayWidth(l)
	}
	sort.Ints(ws)
	return ws[len(ws)*8/10]
}
