package corpus

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
func readDOCX(data []byte) (document, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return document{}, fmt.Errorf("docx: not a zip archive: %w", err)
	}
	parts := make(map[string]*zip.File)
	for _, f := range zr.File {
		parts[f.Name] = f
	}
	body, ok := parts["word/document.xml"]
	if !ok {
		return document{}, fmt.Errorf("docx: no word/document.xml")
	}
	styles := docxStyles(parts["word/styles.xml"])
	var doc document
	doc.blocks, err = docxBlocks(body, styles)
	if err != nil {
		return document{}, err
	}
	if fn, ok := parts["word/footnotes.xml"]; ok {
		notes, err := docxBlocks(fn, styles)
		if err == nil {
			doc.blocks = append(doc.blocks, notes...)
		}
	}
	doc.meta = docxCore(parts["docProps/core.xml"])
	return doc, nil
}

// maxPartBytes bounds one decompressed XML part, against zip bombs.
const maxPartBytes = 64 << 20

func openPart(f *zip.File) (io.ReadCloser, error) {
	if f == nil {
		return nil, fmt.Errorf("docx: missing part")
	}
	if f.UncompressedSize64 > maxPartBytes {
		return nil, fmt.Errorf("docx: %s is %d bytes uncompressed", f.Name, f.UncompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("docx: open %s: %w", f.Name, err)
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
// joined by " | ", so a row of figures stays together.
func docxBlocks(f *zip.File, styles map[string]int) ([]block, error) {
	rc, err := openPart(f)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var out []block
	var para, row strings.Builder
	level, tableDepth := 0, 0
	inText := false
	var cells []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("docx: %s: %w", f.Name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p":
				para.Reset()
				level = 0
			case "pStyle":
				level = styles[attr(t, "val")]
			case "outlineLvl":
				if lv := headingLevel("outlineLvl", attr(t, "val")); lv > 0 {
					level = lv
				}
			case "tab", "br", "cr":
				para.WriteByte(' ')
			case "tbl":
				tableDepth++
			case "tr":
				cells = cells[:0]
			case "t":
				inText = true
			case "delText", "instrText":
				_ = dec.Skip() // deleted revisions and field codes are not text
			}
		case xml.CharData:
			if inText {
				para.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				text := cleanText(para.String())
				if tableDepth > 0 {
					if text != "" {
						row.WriteString(text)
						row.WriteByte(' ')
					}
					continue
				}
				if text != "" {
					out = append(out, block{level: level, text: text})
				}
			case "tc":
				if c := strings.TrimSpace(row.String()); c != "" {
					cells = append(cells, c)
				}
				row.Reset()
			case "tr":
				if len(cells) > 0 {
					out = append(out, block{text: strings.Join(cells, " | ")})
				}
			case "tbl":
				tableDepth--
			}
		}
	}
}

// docxCore reads the title and author from docProps/core.xml. Authors are people more often
// than units, so only a unit-like author is kept.
func docxCore(f *zip.File) meta {
	var m meta
	rc, err := openPart(f)
	if err != nil {
		return m
	}
	defer rc.Close()
	var core struct {
		Title   string `xml:"title"`
		Creator string `xml:"creator"`
		Created string `xml:"created"`
	}
	if xml.NewDecoder(rc).Decode(&core) != nil {
		return m
	}
	m.title = cleanText(core.Title)
	if c := cleanText(core.Creator); isUnitLine(c) {
		m.org = c
	}
	return m
}
