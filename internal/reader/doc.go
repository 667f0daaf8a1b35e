package reader

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
	"golang.org/x/text/encoding/charmap"
)

// readDOC reads Word 97–2003 binary files, and WPS files (Kingsoft saves .wps in the same
// format), in pure Go: the compound file's streams through mscfb, then the piece table
// (the Clx in the table stream) that maps the document's characters to their bytes, which
// also reads fast-saved files, whose text is out of order in the stream. Field codes go
// and their results stay; table cells are joined by " | ", a row a paragraph. It was chosen
// over catdoc, antiword and LibreOffice by measurement (README).
func readDOC(in input) (Document, error) {
	streams, err := oleStreams(in.data, "WordDocument", "0Table", "1Table")
	if err != nil {
		return Document{}, err
	}
	text, err := docText(streams)
	if err != nil {
		return Document{}, err
	}
	var d Document
	for _, p := range docParagraphs(text) {
		if t := CleanText(p); t != "" {
			d.Blocks = append(d.Blocks, Block{Text: t})
		}
	}
	if len(d.Blocks) == 0 {
		return Document{}, fmt.Errorf("%w：Word 文件里没有正文", ErrNoText)
	}
	return d, nil
}

// maxStreamBytes bounds one stream read from a compound file.
const maxStreamBytes = 128 << 20

// oleStreams reads the named streams of a compound file (OLE2), the ones present.
func oleStreams(data []byte, names ...string) (map[string][]byte, error) {
	r, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("该 Word 文件已损坏（%v），请用 WPS 或 Word 打开后另存为 .docx", err)
	}
	want := make(map[string]bool)
	for _, n := range names {
		want[n] = true
	}
	out := make(map[string][]byte)
	for _, f := range r.File {
		if !want[f.Name] || out[f.Name] != nil || f.Size > maxStreamBytes {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(f, maxStreamBytes))
		if err != nil {
			return nil, fmt.Errorf("该 Word 文件已损坏（%s：%v），请另存为 .docx", f.Name, err)
		}
		out[f.Name] = b
	}
	return out, nil
}

var errDOCFormat = errors.New("该 Word 文件结构不完整（可能是 Word 6/95 或旧版 WPS 格式），请用 WPS 或 Word 打开后另存为 .docx")

// docText is the main document's characters, in order, from the piece table.
func docText(streams map[string][]byte) ([]rune, error) {
	wd := streams["WordDocument"]
	if len(wd) < 0x1AA {
		return nil, errDOCFormat
	}
	le := binary.LittleEndian
	if le.Uint16(wd) != 0xA5EC || le.Uint16(wd[2:]) < 101 {
		return nil, errDOCFormat
	}
	flags := le.Uint16(wd[0x0A:])
	if flags&0x0100 != 0 {
		return nil, ErrEncrypted
	}
	table := streams["0Table"]
	if flags&0x0200 != 0 {
		table = streams["1Table"]
	}
	ccpText := int(le.Uint32(wd[0x4C:]))
	fcClx, lcbClx := le.Uint32(wd[0x1A2:]), le.Uint32(wd[0x1A6:])
	if table == nil || uint64(fcClx)+uint64(lcbClx) > uint64(len(table)) || lcbClx == 0 {
		return nil, errDOCFormat
	}
	cps, pcds, err := pieceTable(table[fcClx : fcClx+lcbClx])
	if err != nil {
		return nil, err
	}
	var out []rune
	for i, pcd := range pcds {
		start, end := int(cps[i]), int(cps[i+1])
		if start >= ccpText {
			break
		}
		end = min(end, ccpText)
		out = append(out, pieceChars(wd, pcd, end-start)...)
	}
	return out, nil
}

// pieceTable reads the Clx: Prc entries (formatting, skipped) then the Pcdt, whose PlcPcd is
// n+1 character positions and n piece descriptors of 8 bytes.
func pieceTable(clx []byte) (cps []uint32, pcds [][]byte, err error) {
	le := binary.LittleEndian
	for i := 0; i < len(clx); {
		switch clx[i] {
		case 0x01:
			if i+3 > len(clx) {
				return nil, nil, errDOCFormat
			}
			i += 3 + int(le.Uint16(clx[i+1:]))
		case 0x02:
			if i+5 > len(clx) {
				return nil, nil, errDOCFormat
			}
			lcb := int(le.Uint32(clx[i+1:]))
			plc := clx[i+5:]
			if lcb < 16 || lcb > len(plc) || (lcb-4)%12 != 0 {
				return nil, nil, errDOCFormat
			}
			n := (lcb - 4) / 12
			for k := 0; k <= n; k++ {
				cps = append(cps, le.Uint32(plc[4*k:]))
			}
			for k := 0; k < n; k++ {
				off := 4*(n+1) + 8*k
				pcds = append(pcds, plc[off:off+8])
			}
			for k := 1; k < len(cps); k++ {
				if cps[k] < cps[k-1] {
					return nil, nil, errDOCFormat
				}
			}
			return cps, pcds, nil
		default:
			return nil, nil, errDOCFormat
		}
	}
	return nil, nil, errDOCFormat
}

// pieceChars reads n characters of one piece: UTF-16LE, or 8-bit ("compressed") when bit 30
// of its file offset is set — then the offset is doubled and bytes are Windows-1252.
func pieceChars(wd, pcd []byte, n int) []rune {
	fc := binary.LittleEndian.Uint32(pcd[2:])
	if fc&0x40000000 != 0 {
		off := int((fc &^ 0x40000000) / 2)
		if off < 0 || off >= len(wd) {
			return nil
		}
		b := wd[off:min(len(wd), off+n)]
		s, _ := charmap.Windows1252.NewDecoder().Bytes(b)
		return []rune(string(s))
	}
	off := int(fc)
	if off < 0 || off >= len(wd) {
		return nil
	}
	b := wd[off:min(len(wd), off+2*n)]
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return utf16.Decode(u)
}

// docParagraphs splits Word's characters into paragraphs: 0x0D ends one; 0x07 ends a table
// cell, and a second in a row ends the row; 0x0B is a line break; 0x0C a page or section
// break. Between a field's begin (0x13) and separator (0x14) is its code, which goes.
func docParagraphs(text []rune) []string {
	var out []string
	var b strings.Builder
	var cells []string
	fieldCode := 0
	prevCell := false
	for _, r := range text {
		if fieldCode > 0 && r != 0x13 && r != 0x14 && r != 0x15 {
			continue
		}
		cell := false
		switch r {
		case 0x13:
			fieldCode++
		case 0x14, 0x15:
			fieldCode = max(0, fieldCode-1)
		case 0x0D, 0x0C:
			if len(cells) > 0 {
				cells = append(cells, b.String())
				out = append(out, joinCells(cells))
				cells = nil
			} else {
				out = append(out, b.String())
			}
			b.Reset()
		case 0x07:
			cell = true
			if prevCell {
				out = append(out, joinCells(cells))
				cells = nil
				break
			}
			cells = append(cells, b.String())
			b.Reset()
		case 0x0B:
			b.WriteByte('\n')
		case 0x1E:
			b.WriteByte('-')
		case 0x01, 0x02, 0x08, 0x1F, 0x05:
			// pictures, footnote references, drawn objects, optional hyphens, annotations
		default:
			b.WriteRune(r)
		}
		prevCell = cell
	}
	if b.Len() > 0 || len(cells) > 0 {
		out = append(out, joinCells(append(cells, b.String())))
	}
	return out
}

func joinCells(cells []string) string {
	var kept []string
	for _, c := range cells {
		if c = strings.TrimSpace(CleanText(c)); c != "" {
			kept = append(kept, c)
		}
	}
	return strings.Join(kept, " | ")
}
