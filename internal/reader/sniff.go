package reader

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"
)

// byExtension is what a name's extension claims; the bytes decide where they can.
var byExtension = map[string]string{
	".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
	".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
	".docx": "docx", ".pdf": "pdf", ".ofd": "ofd", ".doc": "doc", ".wps": "doc", ".dot": "doc",
	".rtf": "rtf", ".odt": "odt", ".xlsx": "xlsx", ".pptx": "pptx",
	".jpg": "image", ".jpeg": "image", ".png": "image", ".tif": "image", ".tiff": "image",
	".bmp": "image", ".webp": "image", ".gif": "image",
}

// Supported reports whether a file name has an extension this package reads. Load also reads
// files without one whose bytes say what they are.
func Supported(name string) bool {
	_, ok := byExtension[strings.ToLower(path.Ext(name))]
	return ok
}

// Sniff decides a file's format from its bytes — OLE (Word binary), zip (docx, xlsx, pptx,
// odt, OFD: by what is inside), %PDF, {\rtf, image signatures — and from its name only for
// text, which the bytes do not tell apart. warning is set when the name says otherwise.
func Sniff(name string, data []byte) (format, warning string, err error) {
	claimed := byExtension[strings.ToLower(path.Ext(name))]
	format, err = sniffBytes(data)
	if err != nil {
		return "", "", err
	}
	if format == "" {
		if isTextFormat(claimed) {
			return claimed, "", nil
		}
		if !looksLikeText(data) {
			return "", "", fmt.Errorf("%w%s：无法识别文件内容，请另存为 .docx、.pdf 或 .txt 后再放入", ErrUnsupported, extNote(name))
		}
		format = textKind(data)
		if claimed != "" {
			warning = fmt.Sprintf("文件名是 %s，内容实为纯文本，已按文本读取", path.Ext(name))
		}
		return format, warning, nil
	}
	if claimed != "" && claimed != format {
		warning = fmt.Sprintf("文件名是 %s，内容实为 %s，已按 %s 读取", path.Ext(name), format, format)
	}
	return format, warning, nil
}

func extNote(name string) string {
	if e := path.Ext(name); e != "" {
		return "（" + e + "）"
	}
	return ""
}

func isTextFormat(f string) bool { return f == "txt" || f == "md" || f == "html" }

// sniffBytes names a binary format by its signature; "" for text (or unknown).
func sniffBytes(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")) || bytes.Contains(head(data, 1024), []byte("%PDF-")):
		return "pdf", nil
	case bytes.HasPrefix(data, []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}):
		return sniffOLE(data)
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return sniffZip(data)
	case bytes.HasPrefix(data, []byte(`{\rtf`)):
		return "rtf", nil
	case bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}),
		bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")),
		bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")),
		bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")),
		len(data) > 12 && bytes.HasPrefix(data, []byte("RIFF")) && string(data[8:12]) == "WEBP",
		len(data) > 26 && bytes.HasPrefix(data, []byte("BM")) && data[14] >= 12 && data[15] == 0:
		return "image", nil
	}
	return "", nil
}

func head(data []byte, n int) []byte { return data[:min(len(data), n)] }

// sniffOLE looks at the streams of a compound file: Word 97–2003 and WPS keep their text in
// "WordDocument"; an encrypted .docx/.xlsx is an OLE file with "EncryptionInfo".
func sniffOLE(data []byte) (string, error) {
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("%w：OLE 文件已损坏（%v），请用 WPS 或 Word 打开后另存为 .docx", ErrUnsupported, err)
	}
	for _, e := range doc.File {
		switch e.Name {
		case "WordDocument":
			return "doc", nil
		case "EncryptionInfo", "EncryptedPackage":
			return "", ErrEncrypted
		case "Workbook", "Book":
			return "", fmt.Errorf("%w：.xls 表格，请另存为 .xlsx 后再放入", ErrUnsupported)
		case "PowerPoint Document":
			return "", fmt.Errorf("%w：.ppt 演示文稿，请另存为 .pptx 后再放入", ErrUnsupported)
		}
	}
	return "", fmt.Errorf("%w：OLE 文件里没有 Word 正文（可能是旧版 WPS 格式），请用 WPS 打开后另存为 .docx", ErrUnsupported)
}

// sniffZip names a zip by its parts: OOXML by its main part, ODF by its mimetype, OFD by
// OFD.xml.
func sniffZip(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("%w：压缩包已损坏（%v），请重新导出该文件", ErrUnsupported, err)
	}
	has := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		has[strings.TrimPrefix(f.Name, "/")] = f
	}
	switch {
	case has["word/document.xml"] != nil:
		return "docx", nil
	case has["xl/workbook.xml"] != nil:
		return "xlsx", nil
	case has["ppt/presentation.xml"] != nil:
		return "pptx", nil
	case has["OFD.xml"] != nil:
		return "ofd", nil
	case has["mimetype"] != nil:
		mt := readSmall(has["mimetype"])
		if strings.HasPrefix(mt, "application/vnd.oasis.opendocument.text") { // also -web, -template
			return "odt", nil
		}
		return "", fmt.Errorf("%w：%s，请另存为 .odt 或 .docx 后再放入", ErrUnsupported, mt)
	}
	return "", fmt.Errorf("%w：普通压缩包，请解压后再放入", ErrUnsupported)
}

func readSmall(f *zip.File) string {
	rc, err := f.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 200))
	return strings.TrimSpace(string(b))
}

// looksLikeText: decodable as UTF-8, UTF-16 or GB18030, and few control characters.
func looksLikeText(data []byte) bool {
	u, _ := toUTF8(head(data, 64<<10))
	sample := string(u)
	if !utf8.ValidString(sample) {
		sample = strings.ToValidUTF8(sample, "\x00")
	}
	bad, all := 0, 0
	for _, r := range sample {
		all++
		if r == 0 || r == utf8.RuneError || (r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f') {
			bad++
		}
	}
	return all > 0 && bad*20 < all
}

// textKind tells HTML from plain text for a file whose name does not say.
func textKind(data []byte) string {
	h := bytes.ToLower(bytes.TrimSpace(head(data, 1024)))
	if bytes.HasPrefix(h, []byte("<!doctype html")) || bytes.HasPrefix(h, []byte("<html")) || bytes.Contains(h, []byte("<body")) {
		return "html"
	}
	return "txt"
}
