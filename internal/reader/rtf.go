package reader

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// readRTF reads RTF with a small reader of its own: Debian's unrtf turns Chinese into "?".
// Text comes as \uN (Unicode, followed by \ucN fallback characters, skipped) or as \'hh
// bytes in the font's character set (\fcharset134 is GBK) or the document's code page
// (\ansicpg936); destinations that are not text (font and colour tables, styles, pictures,
// headers, footers) are skipped; \par ends a paragraph, \cell a table cell, \row a row.
func readRTF(in input) (Document, error) {
	p := &rtfParser{src: in.data, fontCharset: make(map[int]int)}
	p.parse()
	var d Document
	d.Meta.Title = CleanText(p.info["title"])
	if a := CleanText(p.info["author"]); a != "" {
		d.Meta.Authors = append(d.Meta.Authors, a)
	}
	for _, para := range p.paras {
		if t := CleanText(para); t != "" {
			d.Blocks = append(d.Blocks, Block{Text: t})
		}
	}
	if len(d.Blocks) == 0 {
		return Document{}, ErrNoText
	}
	return d, nil
}

type rtfState struct {
	skip  bool
	uc    int
	font  int
	field string // "" or the info field being read (title, author)
}

type rtfParser struct {
	src         []byte
	i           int
	stack       []rtfState
	st          rtfState
	ansiCP      int
	fontCharset map[int]int
	inFontTable bool
	// fontTableDepth is the group depth of the font table, left when a } goes below it.
	fontTableDepth int
	curFont        int
	pending        []byte // \'hh bytes not yet decoded
	para           strings.Builder
	cells          []string
	paras          []string
	info           map[string]string
	skipChars      int // fallback characters still to skip after \uN
}

// Destinations whose text is not the document's.
var rtfSkip = map[string]bool{
	"fonttbl": true, "colortbl": true, "stylesheet": true, "pict": true, "header": true,
	"footer": true, "headerl": true, "headerr": true, "headerf": true, "footerl": true,
	"footerr": true, "footerf": true, "object": true, "themedata": true, "datastore": true,
	"colorschememapping": true, "latentstyles": true, "listtable": true, "listoverridetable": true,
	"rsidtbl": true, "xmlnstbl": true, "generator": true, "filetbl": true, "revtbl": true,
	"pgdsctbl": true, "mmathPr": true, "fldinst": true, "bkmkstart": true, "bkmkend": true,
	"shppict": true, "nonshppict": true, "blipuid": true, "wgrffmtfilter": true,
	"operator": true, "company": true, "keywords": true, "comment": true, "doccomm": true,
	"subject": true, "category": true, "manager": true, "hlinkbase": true, "userprops": true,
	"xe": true, "tc": true, "atnid": true, "atnauthor": true, "annotation": true,
}

func (p *rtfParser) parse() {
	p.st.uc = 1
	p.ansiCP = 1252
	p.info = make(map[string]string)
	for p.i < len(p.src) && len(p.stack) < 10000 {
		c := p.src[p.i]
		switch c {
		case '{':
			p.flushBytes()
			p.stack = append(p.stack, p.st)
			p.st.field = ""
			p.i++
		case '}':
			p.flushBytes()
			if n := len(p.stack); n > 0 {
				p.st = p.stack[n-1]
				p.stack = p.stack[:n-1]
				if n-1 < p.fontTableDepth {
					p.inFontTable = false
				}
			}
			p.i++
		case '\\':
			p.control()
		case '\r', '\n':
			p.i++
		default:
			p.i++
			if p.skipChars > 0 {
				p.skipChars--
				continue
			}
			if c >= 0x80 {
				// Not RTF, but written by hand or by careless programs: raw bytes, decoded
				// as UTF-8 when they are, else in the code page.
				p.pending = append(p.pending, c)
				continue
			}
			p.flushBytes()
			p.text(string(rune(c)))
		}
	}
	p.flushBytes()
	p.endPara()
}

// control reads one control word or symbol at p.i.
func (p *rtfParser) control() {
	p.i++
	if p.i >= len(p.src) {
		return
	}
	c := p.src[p.i]
	if !isLetter(c) {
		p.i++
		switch c {
		case '\'':
			if p.i+2 <= len(p.src) {
				if b, err := strconv.ParseUint(string(p.src[p.i:p.i+2]), 16, 8); err == nil {
					p.i += 2
					if p.skipChars > 0 {
						p.skipChars--
						return
					}
					p.pending = append(p.pending, byte(b))
					return
				}
			}
		case '*':
			p.st.skip = true
		case '\\', '{', '}':
			p.flushBytes()
			p.text(string(rune(c)))
		case '~':
			p.flushBytes()
			p.text(" ")
		case '\n', '\r':
			p.flushBytes()
			p.endPara()
		}
		return
	}
	start := p.i
	for p.i < len(p.src) && isLetter(p.src[p.i]) {
		p.i++
	}
	word := string(p.src[start:p.i])
	num, hasNum := 0, false
	nstart := p.i
	if p.i < len(p.src) && (p.src[p.i] == '-' || isDigit(p.src[p.i])) {
		p.i++
		for p.i < len(p.src) && isDigit(p.src[p.i]) && p.i-nstart < 10 {
			p.i++
		}
		num, _ = strconv.Atoi(string(p.src[nstart:p.i]))
		hasNum = true
	}
	if p.i < len(p.src) && p.src[p.i] == ' ' {
		p.i++
	}
	p.word(word, num, hasNum)
}

func (p *rtfParser) word(w string, n int, hasNum bool) {
	if w != "u" {
		p.flushBytes()
	}
	switch {
	case rtfSkip[w]:
		if w == "fonttbl" {
			p.inFontTable, p.fontTableDepth = true, len(p.stack)
		}
		p.st.skip = true
	case w == "title" || w == "author":
		// \upr gives an ANSI copy (often "????") then a \ud Unicode one, which replaces it.
		p.st.field = w
		p.info[w] = ""
	case w == "ud":
		p.st.skip = false
	case w == "ansicpg":
		p.ansiCP = n
	case w == "f" && hasNum:
		if p.inFontTable {
			p.curFont = n
		} else {
			p.st.font = n
		}
	case w == "fcharset" && p.inFontTable:
		p.fontCharset[p.curFont] = n
	case w == "uc":
		p.st.uc = max(0, min(n, 4))
	case w == "u" && hasNum:
		p.flushBytes()
		if n < 0 {
			n += 65536
		}
		p.text(string(rune(n)))
		p.skipChars = p.st.uc
	case w == "par" || w == "sect" || w == "page":
		p.endPara()
	case w == "line":
		p.text("\n")
	case w == "tab" || w == "emspace" || w == "enspace":
		p.text(" ")
	case w == "cell" || w == "nestcell":
		p.cells = append(p.cells, p.para.String())
		p.para.Reset()
	case w == "row" || w == "nestrow":
		p.paras = append(p.paras, joinCells(p.cells))
		p.cells = nil
		p.para.Reset()
	case w == "emdash":
		p.text("—")
	case w == "endash":
		p.text("–")
	case w == "lquote":
		p.text("‘")
	case w == "rquote":
		p.text("’")
	case w == "ldblquote":
		p.text("“")
	case w == "rdblquote":
		p.text("”")
	case w == "bullet":
		p.text("•")
	}
}

func (p *rtfParser) text(s string) {
	if p.st.skip {
		return
	}
	if p.st.field != "" {
		p.info[p.st.field] += s
		return
	}
	p.para.WriteString(s)
}

// flushBytes decodes pending \'hh bytes in the current font's character set, or the
// document's code page.
func (p *rtfParser) flushBytes() {
	if len(p.pending) == 0 {
		return
	}
	b := p.pending
	p.pending = nil
	if p.st.skip {
		return
	}
	if utf8.Valid(b) {
		p.text(string(b))
		return
	}
	enc := rtfEncoding(p.fontCharset[p.st.font], p.ansiCP)
	s, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return
	}
	p.text(string(s))
}

func (p *rtfParser) endPara() {
	if len(p.cells) > 0 {
		return // a paragraph mark inside a table cell
	}
	p.paras = append(p.paras, p.para.String())
	p.para.Reset()
}

// rtfEncoding maps a font's \fcharset, else the \ansicpg code page, to a decoder.
func rtfEncoding(charset, cp int) encoding.Encoding {
	switch charset {
	case 134:
		return simplifiedchinese.GBK
	case 136:
		return traditionalchinese.Big5
	}
	switch cp {
	case 936, 54936:
		return simplifiedchinese.GB18030
	case 950:
		return traditionalchinese.Big5
	case 1251:
		return charmap.Windows1251
	}
	return charmap.Windows1252
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
