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

// readODT reads an OpenDocument text (LibreOffice, WPS's ODF export): content.xml's
// headings (text:h with their outline level), paragraphs, list items and table rows in
// order; deleted changes and comments are skipped; meta.xml gives the title and author.
func readODT(in input) (Document, error) {
	zr, err := zip.NewReader(bytes.NewReader(in.data), int64(len(in.data)))
	if err != nil {
		return Document{}, fmt.Errorf("ODT 文件已损坏：%w", err)
	}
	parts := zipParts(zr)
	content, ok := parts["content.xml"]
	if !ok {
		return Document{}, fmt.Errorf("ODT 文件不完整：缺少 content.xml，请重新导出")
	}
	rc, err := openPart(content)
	if err != nil {
		return Document{}, err
	}
	defer rc.Close()
	blocks, err := odfBlocks(rc)
	if err != nil {
		return Document{}, fmt.Errorf("ODT 文件已损坏：%w", err)
	}
	return Document{Meta: odfMeta(parts["meta.xml"]), Blocks: blocks}, nil
}

func zipParts(zr *zip.Reader) map[string]*zip.File {
	parts := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		parts[strings.TrimPrefix(f.Name, "/")] = f
	}
	return parts
}

// odfBlocks walks ODF text: each text:p or text:h is a block unless it stands in a table
// cell, whose paragraphs join the cell; a table row is one block of its cells.
func odfBlocks(r io.Reader) ([]Block, error) {
	dec := xml.NewDecoder(r)
	var out []Block
	var paras []*strings.Builder
	var levels []int
	var cells []string
	var cell strings.Builder
	inCell := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "tracked-changes", "annotation", "notes-configuration", "sequence-decls":
				if err := dec.Skip(); err != nil {
					return nil, err
				}
			case "p", "h":
				lv := 0
				if t.Name.Local == "h" {
					lv, _ = strconv.Atoi(attr(t, "outline-level"))
					lv = max(1, min(lv, 6))
				}
				paras = append(paras, &strings.Builder{})
				levels = append(levels, lv)
			case "s":
				if n := len(paras); n > 0 {
					paras[n-1].WriteByte(' ')
				}
			case "tab", "line-break":
				if n := len(paras); n > 0 {
					paras[n-1].WriteByte(' ')
				}
			case "table-cell":
				inCell++
			case "table-row":
				cells = nil
			}
		case xml.CharData:
			if n := len(paras); n > 0 {
				paras[n-1].Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "p", "h":
				n := len(paras)
				if n == 0 {
					continue
				}
				text, lv := CleanText(paras[n-1].String()), levels[n-1]
				paras, levels = paras[:n-1], levels[:n-1]
				switch {
				case text == "":
				case n > 1:
					paras[n-2].WriteString(text) // a frame's paragraph inside a paragraph
				case inCell > 0:
					cell.WriteString(text + " ")
				default:
					out = append(out, Block{Level: lv, Text: text})
				}
			case "table-cell":
				inCell = max(0, inCell-1)
				if c := strings.TrimSpace(cell.String()); c != "" {
					cells = append(cells, c)
				}
				cell.Reset()
			case "table-row":
				if len(cells) > 0 {
					out = append(out, Block{Text: strings.Join(cells, " | ")})
				}
				cells = nil
			}
		}
	}
}

// odfMeta reads meta.xml's title and creator.
func odfMeta(f *zip.File) Meta {
	var m Meta
	var doc struct {
		Title   string `xml:"meta>title"`
		Creator string `xml:"meta>initial-creator"`
		Author  string `xml:"meta>creator"`
	}
	if decodePart(f, &doc) != nil {
		return m
	}
	m.Title = CleanText(doc.Title)
	for _, a := range []string{doc.Creator, doc.Author} {
		if a = CleanText(a); a != "" {
			m.Authors = append(m.Authors, a)
		}
	}
	return m
}
