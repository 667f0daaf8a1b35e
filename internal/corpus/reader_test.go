package corpus

import (
	"archive/zip"
	"bytes"
	"errors"
	"flag"
	"github.com/jingyan/jingyan/internal/reader"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

var update = flag.Bool("update", false, "rewrite golden files")

// render prints reports the way a reviewer checks a reader: metadata, then each paragraph
// with its section.
func render(reports []*Report) string {
	var b strings.Builder
	for _, r := range reports {
		b.WriteString("# " + r.Title + "\n")
		b.WriteString("org: " + r.Org + "\ndate: " + r.Date + "\ncollection: " + r.Collection + "\n")
		for _, p := range r.Paragraphs {
			if p.Section != "" {
				b.WriteString("[" + p.Section + "] ")
			}
			b.WriteString(p.Text + "\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestReadersGolden reads each fixture — .docx from pandoc, .pdf from LibreOffice and
// Chromium (made by testdata/make-fixtures.sh), and saved web pages, Markdown and text
// exports of real public reports — and compares the result with its golden file.
func TestReadersGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/fixtures/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		if name == "scanned.pdf" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			if Format(name) == "pdf" {
				needPDFTool(t)
			}
			reports, err := ParseFile(name, readTestdata(t, f))
			if err != nil {
				t.Fatal(err)
			}
			checkReports(t, reports)
			got := render(reports)
			golden := filepath.Join("testdata/golden", name+".txt")
			if *update {
				os.MkdirAll("testdata/golden", 0o755)
				os.WriteFile(golden, []byte(got), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s:\n%s", name, golden, got)
			}
		})
	}
}

// needPDFTool skips on a developer machine without pdftotext; in CI, which installs it, its
// absence fails the test.
func needPDFTool(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext missing in CI: .ci/run must install poppler-utils")
		}
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
}

func TestDOCX(t *testing.T) {
	reports, err := ParseFile("report.docx", readTestdata(t, "testdata/fixtures/report.docx"))
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 {
		t.Fatalf("got %d reports", len(reports))
	}
	r := reports[0]
	if r.Title != "践行新时代“枫桥经验” 提升基层治理水平" || r.Org != "河南省公安厅" {
		t.Errorf("title/org = %q / %q", r.Title, r.Org)
	}
	text := render(reports)
	for _, want := range []string{"[主要做法] 坚持“群众第一”", "新增派出所警力 | 1350名", "原载《人民公安报》"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q (heading section, table row, footnote) in\n%s", want, text)
		}
	}
}

func TestPDF(t *testing.T) {
	needPDFTool(t)
	for _, name := range []string{"libreoffice.pdf", "chromium.pdf"} {
		reports, err := ParseFile(name, readTestdata(t, "testdata/fixtures/"+name))
		if err != nil {
			t.Fatal(err)
		}
		text := render(reports)
		// A paragraph runs across lines and pages whole, with no spaces put into it.
		for _, want := range []string{
			"强化协同共治,探索推行“交巡所”警力协作机制",
			"治安案件发案数同比下降27.4%,电信网络诈骗发案数同比下降24.7%。",
			"在省级层面成立由省公安厅牵头、14个省直部门组成的“警地融合”专项工作组",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: missing %q", name, want)
			}
		}
		for _, furniture := range []string{"file://", "/6\n", "PM\n"} {
			if strings.Contains(text, furniture) {
				t.Errorf("%s: running header/footer %q kept", name, furniture)
			}
		}
		if reports[0].Title != "推行“警地融合”机制 激发基层治理动能" || reports[0].Org != "吉林省公安厅" {
			t.Errorf("%s: title/org = %q / %q", name, reports[0].Title, reports[0].Org)
		}
		// Paragraphs know their page, and are cited by it: the first on page 1, a later
		// one on page 2 as its first paragraph there.
		c, err := New(reports)
		if err != nil {
			t.Fatal(err)
		}
		pages := map[int]bool{}
		for _, p := range reports[0].Paragraphs {
			pages[p.Page] = true
		}
		if !pages[1] || !pages[2] || pages[0] {
			t.Errorf("%s: paragraph pages %v", name, pages)
		}
		first, _ := c.Passage(reports[0].Paragraphs[0].ID)
		if got := first.Citation(); got != "《推行“警地融合”机制 激发基层治理动能》（吉林省公安厅）第 1 页 第 1 段" {
			t.Errorf("%s: citation %q", name, got)
		}
	}
	_, err := ParseFile("scanned.pdf", readTestdata(t, "testdata/fixtures/scanned.pdf"))
	// With Tesseract the blank scan reads as no text; without it, the reason names the package.
	var missing *reader.MissingTool
	if !errors.Is(err, reader.ErrNoText) && !errors.As(err, &missing) {
		t.Errorf("scanned PDF: err = %v, want ErrNoText or MissingTool", err)
	}
}

func TestLoadReportsSkipped(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.txt", "标题一行\n正文第一段。\n")
	write("b.xlsx", "PK")
	write("e.doc", "\xd0\xcf\x11\xe0")
	write("c.docx", "not a zip")
	write("d.html", "<nav>首页</nav><footer>版权所有</footer>")
	c, rep, err := Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if r, _, _ := c.Counts(); r != 1 {
		t.Errorf("reports = %d", r)
	}
	var out strings.Builder
	rep.Print(&out)
	for _, want := range []string{
		"跳过 e.doc：不支持的格式（.doc）：无法识别文件内容，请另存为",
		"注意 c.docx：文件名是 .docx，内容实为纯文本，已按文本读取",
		"跳过 d.html：没有找到正文",
		"txt       1 个文件已读，    1 段，2 个跳过",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("load report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestGB18030Text(t *testing.T) {
	// Windows exports Chinese text as GB18030.
	gbk, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("推行警保联控的做法\n正文。\n"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x.txt"), gbk, 0o644)
	c, rep, err := Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if c.Reports[0].Paragraphs[0].Text != "正文。" || len(rep.Files[0].Warnings) == 0 {
		t.Errorf("got %q, warnings %v", c.Reports[0].Paragraphs[0].Text, rep.Files[0].Warnings)
	}
}

func TestBoilerplate(t *testing.T) {
	drop := []string{"字号: 大 中 小", "浏览次数:605", "放大字体 缩小字体", "文章图片", "声明:本媒体部分图片、文章来源于网络,版权归原作者所有,如有侵权,请联系删除:025-84707368,",
		"举报电话:023-72261733;举报邮箱:773987997@qq.com;", "北京哪个医院白癜风治的好 http://www.ytysbz.com/", "查看原文", "【打印】【关闭】", "上一篇:民警进社区", "Copyright © 2024", "| 2021-12-06 |",
		"当前位置: 首页 » 行业新闻 » 热点新闻 » 正文", "地方网 > 广西 > 桂林市 > 今日桂林 > 正文", "文章字数:514", "APP下载", "首"}
	keep := []string{"2008年以来,该局共处理互联网信箱投诉20件,110电话投诉55件。", "公开了局长、政委手机号码,24小时接受群众的投诉、举报。", "警方提醒", "民警上门讲解如何识别诈骗电话。"}
	for _, s := range drop {
		if !isBoilerplate(s) {
			t.Errorf("kept furniture %q", s)
		}
	}
	for _, s := range keep {
		if isBoilerplate(s) {
			t.Errorf("dropped text %q", s)
		}
	}
}

func TestByline(t *testing.T) {
	tests := []struct{ in, org, date string }{
		{"发布者:兴庆分局 时间:2025-07-23 来源:兴庆分局", "兴庆分局", "2025-07-23"},
		{"索 引 号: | 113306837320115228/2021-70776 | 主题分类: | 其他 |", "", ""},
		{"发布机构: | 市政务服务中心 | 公开日期: | 2021-12-06 10:05:58 |", "市政务服务中心", "2021-12-06"},
		{"来源：某某市公安局 2023年5月10日", "某某市公安局", "2023年5月10日"},
		{"中国人民公安大学出版社 2024/8/2 10:40:32", "", "2024/8/2"},
		{"2021-02-28陈浩", "", "2021-02-28"},
		{"四川在线记者 伍力", "", ""},
		{"文/图/郑楚君", "", ""},
		{"李长安(广州市公安局 指挥中心调研处,广东 广州510000)", "", ""},
		{"蔡 田,陈建中(上海市公安局杨浦分局, 上海 200090)", "", ""},
		{"张三、李四（某某警察学院，江苏 南京 210000）", "", ""},
		{"(更新时间戳: 1673096011221)", "", ""},
		{"关键词:非警务类警情;分流处置;现状;对策", "", ""},
		{"关 键 词：枫桥经验；社区警务", "", ""},
		{"中图分类号:D631 文献标识码:A 文章编号:1008-5947(2024)02-0012-06", "", ""},
	}
	for _, tt := range tests {
		org, date, ok := byline(tt.in)
		if !ok || org != tt.org || date != tt.date {
			t.Errorf("byline(%q) = %q %q %v, want %q %q", tt.in, org, date, ok, tt.org, tt.date)
		}
	}
	for _, body := range []string{"据张先生介绍，他的儿子在学校读书。", "民警讲解了防诈的关键词。"} {
		if _, _, ok := byline(body); ok {
			t.Errorf("body sentence %q read as byline", body)
		}
	}
}

func TestHardWrappedText(t *testing.T) {
	src := "推行一村一警\n\n近年来，某县公安局推行一村一警，全县民\n警深入村组，走访群众两万余户，化解矛盾\n纠纷三百余起。\n\n同时建立警务室三十个，实现全覆盖，群众\n满意度达到百分之九十八。\n"
	reports, err := ParseFile("w.txt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || len(reports[0].Paragraphs) != 2 ||
		reports[0].Paragraphs[0].Text != "近年来，某县公安局推行一村一警，全县民警深入村组，走访群众两万余户，化解矛盾纠纷三百余起。" {
		t.Fatalf("got %s", render(reports))
	}
	// One paragraph a line, as most exports are, stays so.
	reports, _ = ParseFile("l.txt", []byte("标题一行\n第一段。\n第二段。\n"))
	if len(reports[0].Paragraphs) != 2 {
		t.Fatalf("got %s", render(reports))
	}
}

// An official document (公文): masthead, document number, "关于…的通知" title, salutation,
// body, then the issuing unit and date as its signature.
func TestOfficialDocument(t *testing.T) {
	src := "某某市公安局文件\n某公发〔2023〕12号\n关于深化社区警务工作的通知\n各分局、各派出所：\n" +
		"为进一步深化社区警务工作，现就有关事项通知如下。\n一、全面推行一村一警，社区民警每周驻村不少于3天。\n" +
		"某某市公安局\n2023年5月10日\n"
	reports, err := ParseFile("notice.txt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r := reports[0]
	if r.Title != "关于深化社区警务工作的通知" || r.Org != "某某市公安局" || r.Date != "2023年5月10日" {
		t.Errorf("title/org/date = %q / %q / %q", r.Title, r.Org, r.Date)
	}
	if len(r.Paragraphs) != 3 || r.Paragraphs[0].Text != "各分局、各派出所：" {
		t.Errorf("paragraphs:\n%s", render(reports))
	}
}

// docxOf zips a document.xml body as Word does.
func docxOf(t *testing.T, body string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" `+
		`xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="x"><w:body>`+body+`</w:body></w:document>`)
	zw.Close()
	return buf.Bytes()
}

// What Word writes beyond plain paragraphs: a text box inside a paragraph (with its fallback
// copy), a tracked deletion, a hyperlink, a field code, a table cell of two paragraphs.
func TestDOCXWordShapes(t *testing.T) {
	body := `<w:p><w:r><w:t>推行一村一警</w:t></w:r></w:p>` +
		`<w:p><w:r><w:t xml:space="preserve">正文开头，</w:t></w:r>` +
		`<w:r><mc:AlternateContent><mc:Choice><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>文本框里的说明。</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>` +
		`<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框里的说明。</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>` +
		`<w:r><w:t>正文继续</w:t></w:r><w:del><w:r><w:delText>已删除</w:delText></w:r></w:del>` +
		`<w:hyperlink><w:r><w:t>链接文字</w:t></w:r></w:hyperlink><w:r><w:instrText>HYPERLINK "x"</w:instrText></w:r><w:r><w:t>。</w:t></w:r></w:p>` +
		`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>警务室</w:t></w:r></w:p><w:p><w:r><w:t>（个）</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>1200</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`
	reports, err := ParseFile("w.docx", docxOf(t, body))
	if err != nil {
		t.Fatal(err)
	}
	got := render(reports)
	want := "# 推行一村一警\norg: \ndate: \ncollection: \n文本框里的说明。\n正文开头，正文继续链接文字。\n警务室 （个） | 1200\n\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestUTF16Text(t *testing.T) {
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte("推行警保联控的做法\n正文。\n"))
	if err != nil {
		t.Fatal(err)
	}
	reports, err := ParseFile("u.txt", u16)
	if err != nil {
		t.Fatal(err)
	}
	if reports[0].Title != "推行警保联控的做法" || reports[0].Paragraphs[0].Text != "正文。" {
		t.Errorf("got %s", render(reports))
	}
}
