package reader

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite golden files")

// need skips a test whose external program is missing on a developer machine; in CI, which
// installs it, its absence fails the test.
func need(t *testing.T, programs ...string) {
	t.Helper()
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s missing in CI: .ci/run must install it", p)
			}
			t.Skipf("%s not installed", p)
		}
	}
}

func render(d Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "format=%s pages=%d ocr=%d title=%q authors=%q\n", d.Format, d.Pages, d.OCRPages, d.Meta.Title, d.Meta.Authors)
	for _, w := range d.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	for _, bl := range d.Blocks {
		fmt.Fprintf(&b, "[p%d h%d] %s\n", bl.Page, bl.Level, bl.Text)
	}
	return b.String()
}

func readFixture(t *testing.T, r *Reader, name string) Document {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata/fixtures", name))
	if err != nil {
		t.Fatal(err)
	}
	d, err := r.Read(context.Background(), name, data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

// TestFixturesGolden reads every fixture and compares what it gives with its golden file.
func TestFixturesGolden(t *testing.T) {
	r := New(Options{})
	entries, err := os.ReadDir("testdata/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			if ocrFixture(e.Name()) {
				need(t, "tesseract", "pdftoppm")
			} else if strings.HasSuffix(e.Name(), ".pdf") {
				need(t, "pdftotext")
			}
			got := render(readFixture(t, r, e.Name()))
			golden := filepath.Join("testdata/golden", e.Name()+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func ocrFixture(name string) bool {
	return name == "scanned.pdf" || name == "mixed.pdf" || name == "photo.jpg" || name == "nomap.pdf"
}

// TestAccuracy holds each reader to the bar against the source text, whitespace
// removed: born-digital formats ≥ 99%, scans ≥ 98%, a phone photo ≥ 95% (of the part of the
// text the photo shows).
func TestAccuracy(t *testing.T) {
	src, err := os.ReadFile("testdata/golden/source.txt")
	if err != nil {
		t.Fatal(err)
	}
	r := New(Options{})
	for _, tc := range []struct {
		name string
		min  float64
	}{
		{"report.doc", 0.99}, {"report.wps", 0.99}, {"report.rtf", 0.99}, {"report.odt", 0.99},
		{"misnamed.docx", 0.99}, {"scanned.pdf", 0.98}, {"photo.jpg", 0.95},
		// A text layer with no character map is read as a scan is.
		{"nomap.pdf", 0.98},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if ocrFixture(tc.name) {
				need(t, "tesseract", "pdftoppm")
			}
			d := readFixture(t, r, tc.name)
			var got strings.Builder
			for _, b := range d.Blocks {
				got.WriteString(b.Text)
			}
			acc := Accuracy(got.String(), string(src))
			t.Logf("%s: character accuracy %.4f", tc.name, acc)
			if acc < tc.min {
				t.Errorf("%s: accuracy %.4f < %.2f", tc.name, acc, tc.min)
			}
		})
	}
}

// ofdFixture writes an OFD the way Suwell's and Foxit's exporters do: one TextObject per
// glyph, DeltaX in the "g" short form for runs, a template page with a running header,
// paragraphs indented two characters, two pages.
func ofdFixture(t testing.TB, paras []string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + body))
	}
	ns := `xmlns:ofd="http://www.ofdspec.org/2016"`
	put("OFD.xml", `<ofd:OFD `+ns+` DocType="OFD" Version="1.0"><ofd:DocBody><ofd:DocInfo><ofd:Title>测试公文</ofd:Title><ofd:Author>某某市公安局</ofd:Author></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`)
	put("Doc_0/DocumentRes.xml", `<ofd:Res `+ns+` BaseLoc="Res"><ofd:CompositeGraphicUnits><ofd:CompositeGraphicUnit ID="50" Width="80" Height="10"><ofd:Content><ofd:TextObject Boundary="0 0 80 10" Size="4" Font="1"><ofd:TextCode X="0" Y="4" DeltaX="g 7 4">某某市公安局办公室印发</ofd:TextCode></ofd:TextObject></ofd:Content></ofd:CompositeGraphicUnit></ofd:CompositeGraphicUnits></ofd:Res>`)
	put("Doc_0/Document.xml", `<ofd:Document `+ns+`><ofd:CommonData><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes><ofd:TemplatePage ID="9" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/><ofd:Page ID="2" BaseLoc="/Doc_0/Pages/Page_1/Content.xml"/></ofd:Pages></ofd:Document>`)
	put("Doc_0/Tpls/Tpl_0/Content.xml", `<ofd:Page `+ns+`><ofd:Content><ofd:Layer><ofd:TextObject Boundary="20 10 100 6" Size="3.5" Font="1"><ofd:TextCode X="0" Y="4" DeltaX="g 7 3.5">某某市公安局工作简报</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>`)
	const size, width, left = 4.0, 40, 25.0
	pages := [2]strings.Builder{}
	y := 30.0
	pg := 0
	for i, p := range paras {
		if i == len(paras)/2 {
			pg, y = 1, 30.0
		}
		runes := []rune(p)
		for start, first := 0, true; start < len(runes); first = false {
			// Lines are filled to the same physical width: figures and Latin letters are
			// half a character wide.
			x := left
			if first {
				x += 2 * size
			}
			end := start
			var xs []float64
			for end < len(runes) && x+advance(runes[end], size) <= left+width*size {
				xs = append(xs, x)
				x += advance(runes[end], size)
				end++
			}
			for k := end - 1; k >= start; k-- {
				fmt.Fprintf(&pages[pg], `<ofd:TextObject ID="%d" Boundary="%.2f %.2f %.2f %.2f" Size="%.1f" Font="1"><ofd:TextCode X="0" Y="%.1f">%s</ofd:TextCode></ofd:TextObject>`,
					k, xs[k-start], y, size, size*1.5, size, size, string(runes[k]))
			}
			start = end
			y += size * 1.8
		}
	}
	for i := range pages {
		composite := ""
		if i == len(pages)-1 { // the issuing line under the last paragraph, drawn as a composite
			composite = `<ofd:CompositeObject ID="99" ResourceID="50" Boundary="30 400 80 10"/>`
		}
		put(fmt.Sprintf("Doc_0/Pages/Page_%d/Content.xml", i), `<ofd:Page `+ns+`><ofd:Template TemplateID="9"/><ofd:Content><ofd:Layer><ofd:PageBlock>`+pages[i].String()+`</ofd:PageBlock>`+composite+`</ofd:Layer></ofd:Content></ofd:Page>`)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestOFD(t *testing.T) {
	src, err := os.ReadFile("testdata/golden/source.txt")
	if err != nil {
		t.Fatal(err)
	}
	paras := strings.Split(strings.TrimSpace(string(src)), "\n")
	paras = paras[:len(paras)-2] // the table rows
	d, err := New(Options{}).Read(context.Background(), "notice.ofd", ofdFixture(t, paras))
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != "ofd" || d.Pages != 2 || d.Meta.Title != "测试公文" || len(d.Meta.Authors) != 1 {
		t.Errorf("format %s pages %d meta %+v", d.Format, d.Pages, d.Meta)
	}
	var got strings.Builder
	for _, b := range d.Blocks {
		got.WriteString(b.Text + "\n")
		if strings.Contains(b.Text, "工作简报") {
			t.Errorf("running header from the template page kept: %q", b.Text)
		}
	}
	if acc := Accuracy(got.String(), string(src)); acc < 0.99 {
		t.Errorf("accuracy %.4f\n%s", acc, got.String())
	}
	// The composite object's text comes last, then each paragraph comes back whole, on its page.
	if n := len(d.Blocks); n == 0 || d.Blocks[n-1].Text != "某某市公安局办公室印发" || d.Blocks[n-1].Page != 2 {
		t.Fatalf("composite object's text not read as the last line of page 2:\n%s", render(d))
	}
	d.Blocks = d.Blocks[:len(d.Blocks)-1]
	if len(d.Blocks) != len(paras) {
		t.Fatalf("%d blocks for %d paragraphs:\n%s", len(d.Blocks), len(paras), got.String())
	}
	for i, b := range d.Blocks {
		wantPage := 1
		if i >= len(paras)/2 {
			wantPage = 2
		}
		if string(noSpace(b.Text)) != string(noSpace(paras[i])) || b.Page != wantPage {
			t.Errorf("block %d: page %d %q, want page %d %q", i, b.Page, b.Text, wantPage, paras[i])
		}
	}
}

// TestOFDSamples reads real OFD files from other producers (ofdrw, Suwell, dms360's iOFD)
// when JINGYAN_OFD_SAMPLES names a folder of them: public samples are not ours to commit.
func TestOFDSamples(t *testing.T) {
	dir := os.Getenv("JINGYAN_OFD_SAMPLES")
	if dir == "" {
		t.Skip("JINGYAN_OFD_SAMPLES not set")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.ofd"))
	r := New(Options{})
	read := 0
	for _, f := range files {
		data, _ := os.ReadFile(f)
		d, err := r.Read(context.Background(), f, data)
		if err == nil && len(d.Blocks) > 0 {
			read++
		} else {
			t.Logf("%s: %v", filepath.Base(f), err)
		}
	}
	t.Logf("read %d of %d OFD samples", read, len(files))
}

func TestSniff(t *testing.T) {
	zipOf := func(names ...string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, n := range names {
			w, _ := zw.Create(n)
			if n == "mimetype" {
				w.Write([]byte("application/vnd.oasis.opendocument.text"))
			}
		}
		zw.Close()
		return buf.Bytes()
	}
	doc, _ := os.ReadFile("testdata/fixtures/report.doc")
	for _, tc := range []struct {
		name   string
		data   []byte
		format string
		warn   bool
		err    error
	}{
		{"a.txt", []byte("河南省公安厅\n正文。"), "txt", false, nil},
		{"a.md", []byte("# 标题"), "md", false, nil},
		{"noext", []byte("<!DOCTYPE html><html><body>x</body></html>"), "html", false, nil},
		{"a.docx", zipOf("[Content_Types].xml", "word/document.xml"), "docx", false, nil},
		{"a.zip", zipOf("[Content_Types].xml", "xl/workbook.xml"), "xlsx", false, nil},
		{"a.pptx", zipOf("ppt/presentation.xml"), "pptx", false, nil},
		{"a.odt", zipOf("mimetype", "content.xml"), "odt", false, nil},
		{"公文.ofd", zipOf("OFD.xml"), "ofd", false, nil},
		{"x.docx", zipOf("OFD.xml"), "ofd", true, nil},
		{"a.doc", doc, "doc", false, nil},
		{"a.wps", doc, "doc", false, nil},
		{"a.docx", doc, "doc", true, nil},
		{"a.pdf", []byte("%PDF-1.7\n"), "pdf", false, nil},
		{"a.rtf", []byte(`{\rtf1\ansi}`), "rtf", false, nil},
		{"a.doc", []byte(`{\rtf1\ansi}`), "rtf", true, nil},
		{"scan.png", []byte("\x89PNG\r\n\x1a\n0000"), "image", false, nil},
		{"scan", []byte("\xff\xd8\xff\xe0"), "image", false, nil},
		{"t.docx", []byte("这其实是一段文字。"), "txt", true, nil},
		{"a.zip", zipOf("readme.txt"), "", false, ErrUnsupported},
		{"a.bin", []byte{0, 1, 2, 3, 0, 0, 0, 9, 0xfe}, "", false, ErrUnsupported},
		{"a.doc", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1broken"), "", false, ErrUnsupported},
	} {
		f, w, err := Sniff(tc.name, tc.data)
		if f != tc.format || (w != "") != tc.warn || !errors.Is(err, tc.err) {
			t.Errorf("Sniff(%s, %.12q) = %q, %q, %v; want %q, warning %v, %v", tc.name, tc.data, f, w, err, tc.format, tc.warn, tc.err)
		}
	}
}

// TestHostileFiles: corrupt, truncated, zip-bomb and 2,000-page files get a clear Chinese
// reason, quickly, never a crash or a hang.
func TestHostileFiles(t *testing.T) {
	doc, _ := os.ReadFile("testdata/fixtures/report.doc")
	odt, _ := os.ReadFile("testdata/fixtures/report.odt")
	encrypted, _ := os.ReadFile("testdata/hostile/encrypted.pdf")
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	zw.Create("[Content_Types].xml")
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte("<w:document><w:body>"))
	zero := make([]byte, 1<<20)
	for range 80 { // 80 MB of zeros, ~80 KB compressed
		w.Write(zero)
	}
	zw.Close()
	cases := map[string][]byte{
		"truncated.doc":  doc[:len(doc)/3],
		"truncated.odt":  odt[:len(odt)/2],
		"truncated.ofd":  ofdFixture(t, []string{"一段正文。"})[:300],
		"bomb.docx":      bomb.Bytes(),
		"empty.pdf":      []byte("%PDF-1.4\n%%EOF"),
		"huge-pages.pdf": blankPDF(2000),
		"junk.rtf":       []byte(`{\rtf1` + strings.Repeat("{", 50000)),
		"empty.xlsx":     nil,
		"encrypted.pdf":  encrypted,
	}
	r := New(Options{FileTimeout: 30 * time.Second})
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			if strings.HasSuffix(name, ".pdf") {
				need(t, "pdftotext")
			}
			start := time.Now()
			_, err := r.Read(context.Background(), name, data)
			if err == nil {
				t.Fatalf("%s read without error", name)
			}
			han := 0
			for _, c := range err.Error() {
				if unicode.Is(unicode.Han, c) {
					han++
				}
			}
			if han < 4 {
				t.Errorf("%s: reason not in Chinese: %v", name, err)
			}
			if strings.HasPrefix(name, "encrypted") && !errors.Is(err, ErrEncrypted) {
				t.Errorf("%s: %v, want the password named", name, err)
			}
			t.Logf("%s: %v (%s)", name, err, time.Since(start).Round(time.Millisecond))
		})
	}
}

// blankPDF is a PDF of n empty pages: every page a "scan" with nothing on it.
func blankPDF(n int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	var offs []int
	obj := func(s string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), s)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	var kids strings.Builder
	for i := range n {
		fmt.Fprintf(&kids, "%d 0 R ", i+3)
	}
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids.String(), n))
	for range n {
		obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}

func TestRTFChinese(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`{\rtf1\ansi\ansicpg936{\fonttbl{\f0\fnil\fcharset134 宋体;}}\f0 \'d6\'d0\'ce\'c4\par}`, "中文"},
		{`{\rtf1\ansi\uc1 \u20013?\u25991?\par}`, "中文"},
		{`{\rtf1\ansi\uc2 \u20013\'d6\'d0\u25991\'ce\'c4\par}`, "中文"},
		{`{\rtf1{\*\generator Riched20;}{\header 页眉}正文\cell 第二格\cell\row}`, "正文 | 第二格"},
		{`{\rtf1 {\field{\*\fldinst HYPERLINK "x"}{\fldrslt 链接}}\par}`, "链接"},
	} {
		d, err := New(Options{}).Read(context.Background(), "a.rtf", []byte(tc.src))
		if err != nil || len(d.Blocks) == 0 || d.Blocks[0].Text != tc.want {
			t.Errorf("%s: %v %+v, want %q", tc.src, err, d.Blocks, tc.want)
		}
	}
}

func TestCache(t *testing.T) {
	dir := t.TempDir()
	src := []byte(`{\rtf1\ansi\uc1 \u20013?\u25991?\par}`)
	r := New(Options{CacheDir: dir})
	d1, err := r.Read(context.Background(), "a.rtf", src)
	if err != nil || d1.Cached {
		t.Fatalf("first read: %v cached=%v", err, d1.Cached)
	}
	d2, err := New(Options{CacheDir: dir}).Read(context.Background(), "renamed.rtf", src)
	if err != nil || !d2.Cached || render(d2) != render(d1) {
		t.Fatalf("second read: %v cached=%v\n%s", err, d2.Cached, render(d2))
	}
	d3, _ := r.Read(context.Background(), "a.rtf", append(src, ' '))
	if d3.Cached {
		t.Error("changed content came from the cache")
	}
}

func TestLayoutFurniture(t *testing.T) {
	pages := []page{
		{n: 1, ocr: true, lines: []line{{text: "9:41 4G 85%"}, {text: "标题"}, {text: "正文一行很长很长很长很长很长很长很长很长很长很长"}, {text: "接着。"}, {text: "— 1 —"}}},
		{n: 2, lines: []line{{text: "第二页正文很长很长很长很长很长很长很长很长很长很长"}, {text: "结束。"}, {text: "- 2 -"}}},
	}
	got := layoutBlocks(pages)
	want := []Block{{Text: "标题", Page: 1}, {Text: "正文一行很长很长很长很长很长很长很长很长很长很长接着。", Page: 1}, {Text: "第二页正文很长很长很长很长很长很长很长很长很长很长结束。", Page: 2}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestReadable(t *testing.T) {
	good := []Block{{Text: "吉林省公安机关坚持治理理念创新，实施“四个警务”。Bot API 2024"}}
	bad := []Block{{Text: "\ue000\ue001\ue002\ue003\ue004\ue005\u0098\u008d\ue006\ue007 警"}}
	if !readable(good) || readable(bad) {
		t.Errorf("readable(good) = %v, readable(bad) = %v", readable(good), readable(bad))
	}
}

// A scan whose only page OCR reads as no text is skipped, and says why and what to do; a page
// of it in a scan with text is left out with a warning.
func TestScanWithoutText(t *testing.T) {
	need(t, "tesseract", "pdftoppm")
	boxes, err := os.ReadFile("testdata/hostile/boxes-scan.pdf")
	if err != nil {
		t.Fatal(err)
	}
	r := New(Options{})
	_, err = r.Read(context.Background(), "boxes-scan.pdf", boxes)
	if !errors.Is(err, ErrNoText) || !strings.Contains(err.Error(), "重新扫描") {
		t.Errorf("boxes-scan.pdf: err = %v, want ErrNoText saying to scan again", err)
	}
}

// A PDF whose fonts have no character map gives glyph numbers for text: its pages are read by
// OCR, with a warning that says so, not skipped as having no text.
func TestTextLayerWithoutCharacterMap(t *testing.T) {
	need(t, "tesseract", "pdftoppm")
	d := readFixture(t, New(Options{}), "nomap.pdf")
	if d.OCRPages != d.Pages || !slices.ContainsFunc(d.Warnings, func(w string) bool { return strings.Contains(w, "无法解码") }) {
		t.Errorf("OCR pages %d of %d, warnings %q", d.OCRPages, d.Pages, d.Warnings)
	}
}

// OCR output that is no text — pages printed without a Chinese font, scanned and read by
// Tesseract (real output) — is told from text, a table of figures included.
func TestDegenerate(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"吉林省公安机关坚持治理理念创新，实施“四个警务”。打造主动警务，在执法服务中注意发现各类风险隐患，主动向党委政府报告，及时向职能部门通报，推动落实部门监管、行业主管、单位主体责任。", false},
		{"炎炎炎炎炎炎 Doooooooooooo oooooooooo ooooo1o10oo (ooooo)oooooo 10ooo 2022oooooooooooooooooooooyooooooooooooooooooooo oooooooooyrooooooooooooo 99 .5%", true},
		{"口口口口 口口口口口口口口口品 口口口口口口口品 口口口口口口  44   4   44   4 DO Doo oo oo 口口口口口口口口口口口口口品 口口口口口口口品 口口口口口 44  4  44  4 DOD DOOD 口品 口口口口口口", true},
		{"”0UU0U:010  DUU0UU:2023D0070 130 44   88  UUUUUUUUUUUUUUUU DOUDD DUUU00U:514 UUUOUUUUUU)7UOUUUUUUUUUUUUUUUUUU0U,UUUUUUUUUUUUUUUUU,UUUUUUUUUUUUUUUUOUDO", true},
		{"2019年 100 200 300 1000 2000 3000 10000 20000 30000 100000 200000 300000 合计 600000 人数 1000 2000 3000 民警 辅警 派出所 社区 警务室 治安 刑事 案件 警情 交通 事故 消防 户籍 出入境 网安 禁毒 经侦", false},
		{"口口口", false}, // too short to judge
	}
	for _, tt := range tests {
		if got := degenerate(tt.text); got != tt.want {
			t.Errorf("degenerate(%.30q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func FuzzSniff(f *testing.F) {
	f.Add("a.docx", []byte("PK\x03\x04"))
	f.Add("a.doc", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))
	f.Add("a", []byte("{\\rtf1"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		format, _, err := Sniff(name, data)
		if err == nil && formats[format] == nil {
			t.Fatalf("Sniff gave %q with no reader", format)
		}
	})
}

func FuzzRTF(f *testing.F) {
	f.Add([]byte(`{\rtf1\ansi\ansicpg936{\fonttbl{\f0\fcharset134 宋体;}}\f0 \'d6\'d0\u25991?\cell\row\par}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := readRTF(input{ctx: context.Background(), data: data})
		if err == nil {
			checkBlocks(t, d.Blocks)
		}
	})
}

func FuzzOFD(f *testing.F) {
	f.Add(ofdFixture(f, []string{"第一段正文。", "第二段。"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := readOFD(input{ctx: context.Background(), data: data, r: New(Options{})})
		if err == nil {
			checkBlocks(t, d.Blocks)
		}
	})
}

func FuzzDOC(f *testing.F) {
	doc, _ := os.ReadFile("testdata/fixtures/report.doc")
	f.Add(doc)
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := readDOC(input{ctx: context.Background(), data: data})
		if err == nil {
			checkBlocks(t, d.Blocks)
		}
	})
}

func FuzzLayout(f *testing.F) {
	f.Add("标题\n某某公安局\n第一行很长很长很长很长很长很长\n接着。\n\f页眉\n正文\n1\n")
	f.Add("\f\f\n \n")
	f.Fuzz(func(t *testing.T, text string) {
		checkBlocks(t, layoutBlocks(textPages(text)))
	})
}

func checkBlocks(t *testing.T, blocks []Block) {
	t.Helper()
	for _, b := range blocks {
		if b.Text == "" || !utf8.ValidString(b.Text) || b.Page < 0 {
			t.Fatalf("bad block %+v", b)
		}
	}
}

// What a user reads of a skipped file is the Chinese reason alone, never the program's own
// message it wraps.
func TestReason(t *testing.T) {
	cause := errors.New("pdftotext: exit status 1: Syntax Error: Couldn't find trailer dictionary")
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("PDF 文件已损坏或不完整，请重新导出：%w", cause), "PDF 文件已损坏或不完整，请重新导出"},
		{fmt.Errorf("read: %w", fmt.Errorf("PPTX 文件不完整或已损坏：%w", cause)), "read: PPTX 文件不完整或已损坏"},
		{ErrEncrypted, ErrEncrypted.Error()},
		{cause, cause.Error()},
	}
	for _, tt := range tests {
		if got := Reason(tt.err); got != tt.want {
			t.Errorf("Reason(%q) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
