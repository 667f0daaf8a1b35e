package corpus

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"没有句号的一句", []string{"没有句号的一句"}},
		{"全省社区民警占到派出所总警力的49.4%。组织带动1.3万余名法律顾问入所。",
			[]string{"全省社区民警占到派出所总警力的49.4%。", "组织带动1.3万余名法律顾问入所。"}},
		{"他说：“要抓早抓小。”随后离开！真的吗？是；否",
			[]string{"他说：“要抓早抓小。”", "随后离开！", "真的吗？", "是；", "否"}},
		{"Half-width?Yes!ok;end", []string{"Half-width?", "Yes!", "ok;", "end"}},
		{"省略号……然后", []string{"省略号……", "然后"}},
		{"。。。", []string{"。。。"}},
	}
	for _, tt := range tests {
		if got := SplitSentences(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitSentences(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIsListItem(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"一是显要位置“贴”小提示。", true},
		{"三是推动涉老反诈宣传“进”社区。", true},
		{"第二，建立联席会议制度。", true},
		{"其四，强化考核。", true},
		{"（五）完善保障机制。", true},
		{"六、加强宣传。", true},
		{"一是", true},
		{"派出所专门召开部署会。", false},
		{"统一是关键。", false},
		{"第一次走访就发现了问题。", false},
		{"其中三人是社区民警。", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsListItem(tt.in); got != tt.want {
			t.Errorf("IsListItem(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseCollection(t *testing.T) {
	const name = "000_ccab301167ee6906.txt"
	data := readTestdata(t, "../../index/sources/"+name)
	reports, err := ParseFile(name, data)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ title, org string }{
		{"推行“警地融合”机制 激发基层治理动能", "吉林省公安厅"},
		{"推进公安服务管理现代化 保障高质量发展", "江苏省公安厅"},
		{"践行新时代“枫桥经验” 提升基层治理水平", "河南省公安厅"},
		{"传承弘扬延安精神 着力锻造红色警队", "陕西省延安市公安局"},
		{"深化源头治理 加强公安信访工作", "浙江省浦江县公安局"},
	}
	if len(reports) != len(want) {
		t.Fatalf("got %d reports, want %d", len(reports), len(want))
	}
	for i, r := range reports {
		if r.Title != want[i].title || r.Org != want[i].org {
			t.Errorf("report %d = %q / %q, want %q / %q", i, r.Title, r.Org, want[i].title, want[i].org)
		}
		if r.Collection != "全国公安厅局长座谈会经验交流摘登" {
			t.Errorf("report %d collection = %q", i, r.Collection)
		}
		for _, p := range r.Paragraphs {
			for _, bad := range []string{"责任编辑", "初审", "终审"} {
				if strings.Contains(p.Text, bad) {
					t.Errorf("trailer %q kept in %s", bad, p.ID)
				}
			}
			if p.Text == r.Title || p.Text == r.Org {
				t.Errorf("headline or unit kept as paragraph %s", p.ID)
			}
		}
	}
	if n := len(reports[0].Paragraphs); n != 4 {
		t.Errorf("吉林 report has %d paragraphs, want 4", n)
	}
	// Figures stay inside one sentence.
	found := false
	for _, s := range reports[0].Paragraphs[3].Sentences {
		if strings.Contains(s.Text, "全省社区民警占到派出所总警力的49.4%") {
			found = true
		}
	}
	if !found {
		t.Error("sentence with 49.4% not found intact in 吉林 paragraph 4")
	}
	// Same source, same IDs.
	again, _ := ParseFile(name, data)
	if !reflect.DeepEqual(reports, again) {
		t.Error("parsing the same source twice gave different reports or IDs")
	}
	c, err := New(reports)
	if err != nil {
		t.Fatal(err)
	}
	r, p, s := c.Counts()
	if r != 5 || p != 23 || s < 80 {
		t.Errorf("counts = %d reports, %d paragraphs, %d sentences", r, p, s)
	}
	for _, lv := range []Level{LevelSentence, LevelParagraph} {
		for _, psg := range c.Passages(lv) {
			if len(psg.ID) > 64 {
				t.Errorf("id %q longer than Telegram's 64-byte callback data", psg.ID)
			}
			if got, ok := c.Passage(psg.ID); !ok || got.Text != psg.Text {
				t.Errorf("Passage(%q) lookup failed", psg.ID)
			}
		}
	}
	p3, _ := c.Passage(reports[0].Paragraphs[2].ID)
	if got, want := p3.Citation(), "《推行“警地融合”机制 激发基层治理动能》（吉林省公安厅）第 3 段"; got != want {
		t.Errorf("Citation = %q, want %q", got, want)
	}
}

func TestParseMarkdown(t *testing.T) {
	reports, err := ParseFile("testdata/report.md", readTestdata(t, "testdata/report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 2 {
		t.Fatalf("got %d reports, want 2", len(reports))
	}
	r := reports[0]
	if r.Collection != "基层治理经验汇编" || r.Title != "推进“一村一警” 夯实基层基础" || r.Org != "某某省公安厅" {
		t.Errorf("report 1 = %q %q %q", r.Collection, r.Title, r.Org)
	}
	var texts []string
	for _, p := range r.Paragraphs {
		texts = append(texts, p.Text)
	}
	want := []string{
		"近年来，某某省公安机关推进“一村一警”，全省社区民警占派出所警力的比例达45.2%。",
		"推动社区民警进村“两委”。",
		"建立警务室1200个，见附表。",
	}
	if !reflect.DeepEqual(texts, want) {
		t.Errorf("paragraphs = %q, want %q", texts, want)
	}
	r2 := reports[1]
	if r2.Org != "某某市公安局" || len(r2.Paragraphs) != 1 || len(r2.Paragraphs[0].Sentences) != 2 {
		t.Errorf("report 2 = %+v", r2)
	}
}

func TestMarkdownFrontMatter(t *testing.T) {
	src := "---\ntitle: 推行警保联控\norg: 某某市公安局\ndate: 2023年5月10日\n---\n\n今年以来，交通秩序明显好转。\n\n第二段。\n"
	reports, err := ParseFile("a.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || reports[0].Title != "推行警保联控" || reports[0].Org != "某某市公安局" ||
		reports[0].Date != "2023年5月10日" || len(reports[0].Paragraphs) != 2 {
		t.Fatalf("got %+v", reports[0])
	}
}

func TestParseHTML(t *testing.T) {
	reports, err := ParseFile("testdata/report.html", readTestdata(t, "testdata/report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 {
		t.Fatalf("got %d reports, want 1", len(reports))
	}
	r := reports[0]
	if r.Title != "强化科技赋能 建设智慧警务" || r.Org != "某某县公安局" {
		t.Errorf("report = %q %q", r.Title, r.Org)
	}
	var texts []string
	for _, p := range r.Paragraphs {
		texts = append(texts, p.Text)
	}
	want := []string{
		"某某县公安局建成大数据实战中心，研判效率提升30%。",
		"推行“掌上警务”，民警可在手机上办理业务&查询信息。",
	}
	if !reflect.DeepEqual(texts, want) {
		t.Errorf("paragraphs = %q, want %q", texts, want)
	}
}

func TestParsePlainReport(t *testing.T) {
	src := "警保联控的做法\n某某市公安局\n2023年5月10日\n第一段内容。第二句。\n\n第二段内容。\n"
	reports, err := ParseFile("a/one.txt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || reports[0].Title != "警保联控的做法" || reports[0].Org != "某某市公安局" ||
		reports[0].Date != "2023年5月10日" || len(reports[0].Paragraphs) != 2 {
		t.Fatalf("got %+v", reports)
	}
	// Without a title line the opening text names the report, never a machine's file name.
	reports, _ = ParseFile("a/two.txt", []byte("只有一段正文，没有标题。"))
	if len(reports) != 1 || reports[0].Title != "只有一段正文，没有标题" || !reports[0].TitleDerived {
		t.Fatalf("got %+v", *reports[0])
	}
}

func TestPlaces(t *testing.T) {
	tests := map[string][]string{
		"吉林省公安厅":    {"吉林省", "吉林"},
		"陕西省延安市公安局": {"陕西省", "陕西", "延安市", "延安"},
		"浙江省浦江县公安局": {"浙江省", "浙江", "浦江县", "浦江"},
		"内蒙古自治区公安厅": {"内蒙古自治区", "内蒙古"},
		"公安部":       nil,
	}
	for org, want := range tests {
		if got := placesIn(org); !reflect.DeepEqual(got, want) {
			t.Errorf("placesIn(%q) = %q, want %q", org, got, want)
		}
	}
}

// checkReports holds for any input: unique IDs, valid UTF-8, no empty passages, and sentences
// that put back together give their paragraph.
func checkReports(t *testing.T, reports []*Report) {
	t.Helper()
	if _, err := New(reports); err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		for _, p := range r.Paragraphs {
			if p.Text == "" || !utf8.ValidString(p.Text) {
				t.Fatalf("bad paragraph %q", p.Text)
			}
			var joined strings.Builder
			for _, s := range p.Sentences {
				if s.Text == "" {
					t.Fatalf("empty sentence in %q", p.Text)
				}
				joined.WriteString(s.Text)
			}
			if strip(joined.String()) != strip(p.Text) {
				t.Fatalf("sentences %+v do not rebuild paragraph %q", p.Sentences, p.Text)
			}
		}
	}
}

func strip(s string) string { return strings.Join(strings.Fields(s), "") }

func FuzzParseFile(f *testing.F) {
	f.Add(uint8(0), []byte("标题\n某某公安局\n正文。第二句！\n(责任编辑:)"))
	f.Add(uint8(1), []byte("# 标题\n\n## 报告\n某局\n\n正文。\n"))
	f.Add(uint8(2), []byte("<h1>标题</h1><p>某局</p><p>正文<script>x</script>。</p>"))
	f.Add(uint8(0), []byte("\xff\xfe\x00无效\x01字节。\n\n"))
	f.Add(uint8(2), []byte("<p><p><div>未闭合"))
	f.Add(uint8(3), readTestdata(f, "testdata/fixtures/report.docx"))
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		name := []string{"x.txt", "x.md", "x.html", "x.docx"}[kind%4]
		reports, err := ParseFile(name, data)
		if err != nil {
			return
		}
		checkReports(t, reports)
	})
}

func TestNeighbours(t *testing.T) {
	const name = "000_ccab301167ee6906.txt"
	reports, _ := ParseFile(name, readTestdata(t, "../../index/sources/"+name))
	c, _ := New(reports)
	p2 := reports[0].Paragraphs[1]
	before, after := c.Neighbours(p2.Sentences[1].ID, 1)
	if len(before) != 1 || before[0].ID != p2.Sentences[0].ID || len(after) != 1 || after[0].ID != p2.Sentences[2].ID {
		t.Errorf("sentence neighbours = %v / %v", before, after)
	}
	// The first paragraph of report 2 has no paragraph before it in its report.
	before, after = c.Neighbours(reports[1].Paragraphs[0].ID, 2)
	if len(before) != 0 || len(after) != 2 || after[0].ID != reports[1].Paragraphs[1].ID {
		t.Errorf("paragraph neighbours = %v / %v", before, after)
	}
	// The last sentence of a paragraph has no sentence after it: the next paragraph's is not shown.
	last := p2.Sentences[len(p2.Sentences)-1]
	if _, after := c.Neighbours(last.ID, 2); len(after) != 0 {
		t.Errorf("neighbours crossed into the next paragraph: %v", after)
	}
	if b, a := c.Neighbours("nope", 2); b != nil || a != nil {
		t.Error("unknown id has neighbours")
	}
}

// A story whose title names no place is placed by the unit its lead names: staff ask for it
// by city or province.
func TestRegionFromTheLead(t *testing.T) {
	src := "社区民警王昆的广场“反诈课”\n6月19日下午,社区民警王昆在庆华社区的小广场上给老人们讲反诈。这是灞桥公安落实“暖心警务”工作的一个缩影。\n\n老人们都学会了使用来电预警功能。\n"
	reports, err := ParseFile("t13.txt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || !strings.Contains(reports[0].Context, "西安") || !strings.Contains(reports[0].Context, "陕西") {
		t.Fatalf("context = %q", reports[0].Context)
	}
	// The place the lead names is the report's too, not only the divisions it lies within: a
	// question about 大连 is about this report, not another place's.
	reports, _ = ParseFile("m07.txt", []byte("入户走访见成效\n大连公安在全市范围内开展入户走访工作,社区民警迈开铁脚板。\n"))
	if !strings.Contains(reports[0].Context, "大连") || !strings.Contains(reports[0].Context, "辽宁") {
		t.Fatalf("context = %q", reports[0].Context)
	}
	// A head that names a place keeps its own: the lead's is not added.
	reports, _ = ParseFile("a.txt", []byte("本溪:金山派出所化解邻里纠纷\n金山派出所民警到灞桥公安交流经验。\n"))
	if strings.Contains(reports[0].Context, "西安") {
		t.Fatalf("context = %q", reports[0].Context)
	}
}
