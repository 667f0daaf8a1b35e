package reader

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// readDOCX reads a Word .docx with the standard library: a .docx is a zip of XML parts, and
// what we need — paragraphs in order, heading levels from their styles, tables as rows,
// footnotes, the title and author properties — is a small walk over word/document.xml.
// The Go docx libraries we looked at either only template or are unmaintained.
func readDOCX(in input) (Document, error) {
	data := in.data
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Document{}, fmt.Errorf("该 Word 文件已损坏（%v），请重新保存为 .docx", err)
	}
	parts := make(map[string]*zip.File)
	for _, f := range zr.File {
		parts[f.Name] = f
	}
	body, ok := parts["word/document.xml"]
	if !ok {
		return Document{}, fmt.Errorf("该 Word 文件不完整：缺少正文部分，请重新保存为 .docx")
	}
	styles := docxStyles(parts["word/styles.xml"])
	var doc Document
	doc.Blocks, err = docxBlocks(body, styles)
	if err != nil {
		return Document{}, err
	}
	if fn, ok := parts["word/footnotes.xml"]; ok {
		notes, err := docxBlocks(fn, styles)
		if err == nil {
			doc.Blocks = append(doc.Blocks, notes...)
		}
	}
	doc.Meta = docxCore(parts["docProps/core.xml"])
	return doc, nil
}

// maxPartBytes bounds one decompressed XML part, against zip bombs.
const maxPartBytes = 64 << 20

// decodePart decodes one XML part of a zip package into v.
func decodePart(f *zip.File, v any) error {
	rc, err := openPart(f)
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(rc).Decode(v)
}

func openPart(f *zip.File) (io.ReadCloser, error) {
	if f == nil {
		return nil, fmt.Errorf("文件不完整：缺少所需部分，请重新导出")
	}
	if f.UncompressedSize64 > maxPartBytes {
		return nil, fmt.Errorf("%w：%s 解压后有 %d MB（疑似压缩炸弹），请重新导出该文件", ErrTooLarge, f.Name, f.UncompressedSize64>>20)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("文件已损坏（%s：%v），请重新导出", f.Name, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{io.LimitReader(rc, maxPartBytes), rc}, nil
}

// docxStyles maps paragraph style IDs to heading levels (Title = 1, heading N = N), read from
// each style's name so localised style IDs ("1", "标题1") are understood too.
func docxStyles(f *zip.File) map[string]int {
	levels := make(map[string]int)
	rc, err := openPart(f)
	if err != nil {
		return levels
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	id := ""
	for {
		tok, err := dec.Token()
		if err != nil {
			return levels
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "style":
			id = attr(se, "styleId")
		case "name", "outlineLvl":
			if lv := headingLevel(se.Name.Local, attr(se, "val")); lv > 0 && id != "" && levels[id] == 0 {
				levels[id] = lv
			}
		}
	}
}

func headingLevel(kind, v string) int {
	if kind == "outlineLvl" {
		n, err := strconv.Atoi(v)
		if err == nil && n >= 0 && n < 6 {
			return n + 1
		}
		return 0
	}
	v = strings.ToLower(strings.ReplaceAll(v, " ", ""))
	if v == "title" || v == "标题" {
		return 1
	}
	for _, p := range []string{"heading", "标题"} {
		if rest, ok := strings.CutPrefix(v, p); ok {
			if n, err := strconv.Atoi(rest); err == nil && n >= 1 && n <= 6 {
				return n
			}
		}
	}
	return 0
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// docxBlocks walks a WordprocessingML part: each w:p is a block (a heading when its style is
// one), text runs joined, tabs and breaks as spaces; a table row is one block of its cells
// joined by " | ", so a row of figures stays together. A text box's paragraphs, nested inside
// a paragraph, are blocks of their own; its fallback copy (mc:Fallback) is skipped.
func docxBlocks(f *zip.File, styles map[string]int) ([]Block, error) {
	rc, err := openPart(f)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	w := &docxWalker{styles: styles}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return w.out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("docx: %s: %w", f.Name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "delText", "instrText", "Fallback":
				// Deleted revisions, field codes and the fallback copy of a text box.
				if err := dec.Skip(); err != nil {
					return nil, fmt.Errorf("docx: %s: %w", f.Name, err)
				}
				continue
			}
			w.start(t)
		case xml.CharData:
			if w.inText && len(w.paras) > 0 {
				w.paras[len(w.paras)-1].text.Write(t)
			}
		case xml.EndElement:
			w.end(t.Name.Local)
		}
	}
}

// docxWalker keeps the open paragraphs (text boxes nest them) and tables of a part.
type docxWalker struct {
	styles map[string]int
	out    []Block
	paras  []*docxPara
	tables []*docxTable
	inText bool
}

type docxPara struct {
	text  strings.Builder
	level int
}

type docxTable struct {
	cells []string
	cell  strings.Builder
}

func (w *docxWalker) start(t xml.StartElement) {
	var p *docxPara
	if len(w.paras) > 0 {
		p = w.paras[len(w.paras)-1]
	}
	switch t.Name.Local {
	case "p":
		w.paras = append(w.paras, &docxPara{})
	case "pStyle":
		if p != nil {
			p.level = w.styles[attr(t, "val")]
		}
	case "outlineLvl":
		if lv := headingLevel("outlineLvl", attr(t, "val")); lv > 0 && p != nil {
			p.level = lv
		}
	case "tab", "br", "cr":
		if p != nil {
			p.text.WriteByte(' ')
		}
	case "t":
		w.inText = true
	case "tbl":
		w.tables = append(w.tables, &docxTable{})
	case "tr":
		if n := len(w.tables); n > 0 {
			w.tables[n-1].cells = nil
		}
	}
}

func (w *docxWalker) end(name string) {
	switch name {
	case "t":
		w.inText = false
	case "p":
		w.endParagraph()
	case "tc":
		if n := len(w.tables); n > 0 {
			tb := w.tables[n-1]
			if c := strings.TrimSpace(tb.cell.String()); c != "" {
				tb.cells = append(tb.cells, c)
			}
			tb.cell.Reset()
		}
	case "tr":
		if n := len(w.tables); n > 0 && len(w.tables[n-1].cells) > 0 {
			w.out = append(w.out, Block{Text: strings.Join(w.tables[n-1].cells, " | ")})
		}
	case "tbl":
		if n := len(w.tables); n > 0 {
			w.tables = w.tables[:n-1]
		}
	}
}

// endParagraph closes the innermost paragraph: into its table cell, or out as a block.
func (w *docxWalker) endParagraph() {
	n := len(w.paras)
	if n == 0 {
		return
	}
	p := w.paras[n-1]
	w.paras = w.paras[:n-1]
	text := CleanText(p.text.String())
	if text == "" {
		return
	}
	if t := len(w.tables); t > 0 && n == 1 {
		w.tables[t-1].cell.WriteString(text + " ")
		return
	}
	w.out = append(w.out, Block{Level: p.level, Text: text})
}

// docxCore reads the title and author from docProps/core.xml.
func docxCore(f *zip.File) Meta {
	var m Meta
	var core struct {
		Title   string `xml:"title"`
		Creator string `xml:"creator"`
		Created string `xml:"created"`
	}
	if decodePart(f, &core) != nil {
		return m
	}
	m.Title = CleanText(core.Title)
	if c := CleanText(core.Creator); c != "" {
		m.Authors = append(m.Authors, c)
	}
	return m
}
