package answer

import (
	"context"
	"os"
	"testing"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/glossary"
	"github.com/jingyan/jingyan/internal/prompt"
	"github.com/jingyan/jingyan/internal/search"
	"github.com/jingyan/jingyan/prompts"
)

// engineOn indexes reports given as plain-text files and returns an offline engine.
func engineOn(t *testing.T, files map[string]string) *Engine {
	t.Helper()
	var reports []*corpus.Report
	for name, text := range files {
		rs, err := corpus.ParseFile(name, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		reports = append(reports, rs...)
	}
	c, err := corpus.New(reports)
	if err != nil {
		t.Fatal(err)
	}
	g, err := glossary.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := search.Build(context.Background(), c, g, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ps, err := prompt.Load(prompts.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{}, ix, g, ps, nil, nil)
}

// A place counts as covered when any title, unit, byline or passage writes it, not only a
// unit line: 沈阳 here appears only in the body of a report whose unit is a 派出所.
func TestPlacesFromWholeCollection(t *testing.T) {
	e := engineOn(t, map[string]string{
		"a.txt": "北站派出所推行“警格”管理\n北站派出所\n沈阳市北站派出所将辖区划为12个警格，每格配一名社区民警，群众求助10分钟内到场。\n",
		"b.txt": "夜间巡逻有了新办法\n湖南某县组织平安志愿者夜间巡逻，今年以来发案同比下降30%。\n",
	})
	tests := []struct {
		q       string
		refused bool
	}{
		{"沈阳的派出所怎么划分警格?", false},
		{"湖南的志愿者巡逻效果怎么样?", false},
		{"北站派出所群众求助多久到场?", false},
		{"上海市公安局怎么做社区警务?", true},
		{"广东的社区民警怎么管警格?", true},
	}
	for _, tt := range tests {
		ans, err := e.Ask(context.Background(), Question{Text: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Refused != tt.refused {
			t.Errorf("%s: refused = %v, want %v: %s", tt.q, ans.Refused, tt.refused, ans.Text)
		}
	}
}

// In a collection varied enough for absence to mean something — here the reader fixtures,
// real public texts on 跨省通办, 反诈, 非警务警情 and a news programme — a question whose
// distinctive words it never writes is refused, while one it covers in other words is not.
func TestGapsRefuse(t *testing.T) {
	files := make(map[string]string)
	for _, name := range []string{"h08_shengzhou_kuasheng.html", "h10_yinchuan_xingqing.html", "m05_feijingwu_fenliu.md",
		"m_xwlb_20230107.md", "t05_haerbin_2024.txt", "t18_quanguo_fanzha_2023.txt"} {
		data, err := os.ReadFile("../corpus/testdata/fixtures/" + name)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(data)
	}
	e := engineOn(t, files)
	tests := []struct {
		q       string
		refused bool
	}{
		{"警犬队平时怎么训练?", true},
		{"交警查酒驾有什么经验?", true},
		{"海关缉私部门怎么打击走私?", true},
		{"派出所怎么给老人做反诈宣传?", false},
		{"非警务警情是怎么分流的?", false},
		{"外地户口的孩子在嵊州能办身份证吗?", false},
	}
	for _, tt := range tests {
		ans, err := e.Ask(context.Background(), Question{Text: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Refused != tt.refused {
			g, share := e.gaps(e.glossary.Analyze(tt.q))
			t.Errorf("%s: refused = %v, want %v (gaps %q %.2f): %.60s", tt.q, ans.Refused, tt.refused, g, share, ans.Text)
		}
	}
}

func TestCountQuestions(t *testing.T) {
	tests := []struct {
		q, text string
		want    bool // the text answers the count asked
	}{
		{"浦江县公安局有多少名民警?", "全县民警下访120次。", false},
		{"浦江县公安局有多少名民警?", "全局共有民警320余人。", true},
		{"组建了多少个社区警务团队?", "已组建社区警务团队8900余个。", true},
		{"110主要受理哪几类事?", "公安110主要受理3个方面的事项。", true},
		{"破了多少起案件?", "破获电信网络诈骗案件1295起。", true},
		{"破了多少起案件?", "破案率达到100%。", false},
	}
	for _, tt := range tests {
		m, ok := askedMeasure(tt.q)
		if !ok {
			t.Fatalf("%s: no measure found", tt.q)
		}
		if got := hasCount(tt.text, m); got != tt.want {
			t.Errorf("%s / %s: hasCount = %v, want %v", tt.q, tt.text, got, tt.want)
		}
	}
	if _, ok := askedMeasure("警地融合是怎么运作的?"); ok {
		t.Error("a question without a count has a measure")
	}
	// Offline, on the seed: no report states how many officers 浦江 has.
	e := engineOn(t, map[string]string{"pj.txt": "深化源头治理 加强公安信访工作\n浙江省浦江县公安局\n" +
		"浦江县公安局坚持领导干部带头下访，全县民警每月下访接访，今年以来化解信访积案120件。\n"})
	ans, err := e.Ask(context.Background(), Question{Text: "浦江县公安局有多少名民警?"})
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Refused {
		t.Errorf("not refused: %s", ans.Text)
	}
}
