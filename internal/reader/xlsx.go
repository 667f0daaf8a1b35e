package reader

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// readXLSX reads a workbook with excelize: each sheet's first row that has text is its
// header, and every row under it is a paragraph "列名：值；列名：值" — a row of figures stays
// together with what each figure is, as .docx table rows do. A workbook of several sheets
// has each sheet's name as a heading.
func readXLSX(in input) (Document, error) {
	f, err := excelize.OpenReader(bytes.NewReader(in.data), excelize.Options{UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 64 << 20})
	if err != nil {
		return Document{}, fmt.Errorf("表格文件无法打开（%v），请用 WPS 或 Excel 另存为 .xlsx", err)
	}
	defer f.Close()
	var d Document
	d.Meta = xlsxMeta(f)
	sheets := f.GetSheetList()
	for _, sheet := range sheets {
		rows, err := f.GetRows(sheet)
		if err != nil {
			d.Warnings = append(d.Warnings, fmt.Sprintf("工作表 %s 无法读取：%v", sheet, err))
			continue
		}
		blocks := sheetBlocks(rows)
		if len(blocks) > 0 && len(sheets) > 1 {
			d.Blocks = append(d.Blocks, Block{Level: 2, Text: CleanText(sheet)})
		}
		d.Blocks = append(d.Blocks, blocks...)
	}
	if len(d.Blocks) == 0 {
		return Document{}, fmt.Errorf("%w：表格是空的", ErrNoText)
	}
	return d, nil
}

// sheetBlocks makes a paragraph of each row under the header; a row with one cell (a title
// over the table, a note under it) is a paragraph of its own.
func sheetBlocks(rows [][]string) []Block {
	var header []string
	var out []Block
	for _, row := range rows {
		cells := make([]string, len(row))
		n := 0
		for i, c := range row {
			cells[i] = CleanText(c)
			if cells[i] != "" {
				n++
			}
		}
		switch {
		case n == 0:
		case n == 1:
			out = append(out, Block{Text: strings.Join(cells, "")})
		case header == nil:
			header = cells
		default:
			out = append(out, Block{Text: labelRow(header, cells)})
		}
	}
	if len(out) == 0 && header != nil {
		out = append(out, Block{Text: strings.Join(nonEmpty(header), " | ")})
	}
	return out
}

func labelRow(header, cells []string) string {
	var parts []string
	for i, c := range cells {
		if c == "" {
			continue
		}
		if i < len(header) && header[i] != "" {
			parts = append(parts, header[i]+"："+c)
		} else {
			parts = append(parts, c)
		}
	}
	return strings.Join(parts, "；")
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func xlsxMeta(f *excelize.File) Meta {
	var m Meta
	p, err := f.GetDocProps()
	if err != nil {
		return m
	}
	m.Title = CleanText(p.Title)
	if a := CleanText(p.Creator); a != "" {
		m.Authors = append(m.Authors, a)
	}
	return m
}
