package glossary

import (
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func loadEmbedded(t testing.TB) *Glossary {
	t.Helper()
	f, err := os.Open("../../index/glossary.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestParseErrors(t *testing.T) {
	for _, src := range []string{
		"词\n",                   // entry before a section
		"[terms]\n[nonsense]\n", // unknown section
		"[synonyms]\n只有一个词\n",   // a group needs two words
	} {
		if _, err := Parse(strings.NewReader(src)); err == nil {
			t.Errorf("Parse(%q) succeeded, want error", src)
		}
	}
}

// Entries that normalise to nothing (a zero-width space) must not become empty terms, which
// would match everywhere.
func TestInvisibleEntriesIgnored(t *testing.T) {
	g, err := Parse(strings.NewReader("[terms]\n\u200b\n[stopwords]\n\ufeff\n[comparative]\n\u200b\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := g.Analyze("警地融合")
	if len(a.Terms) != 0 || a.Content != "警地融合" || a.Comparative {
		t.Errorf("Analyze = %+v", a)
	}
}

func TestEmbeddedGlossary(t *testing.T) {
	g := loadEmbedded(t)
	if len(g.Terms()) < 50 || len(g.Groups()) < 40 {
		t.Errorf("glossary has %d terms and %d groups; expected a real domain glossary", len(g.Terms()), len(g.Groups()))
	}
}

func TestAnalyze(t *testing.T) {
	g := loadEmbedded(t)
	tests := []struct {
		q           string
		content     string   // exact Content
		terms       []string // must be among Terms
		expansions  []string // must be among Expansions
		comparative bool
	}{
		{q: "警地融合是怎么运作的?", content: "警地融合 运作 ?", terms: []string{"警地融合"}},
		{q: "片警占派出所警力多少？", content: "片警占派出所警力 ?", expansions: []string{"社区民警"}},
		{q: "电诈案子降了多少", content: "电诈案子降", expansions: []string{"电信网络诈骗"}},
		{q: "老百姓上访怎么办", expansions: []string{"群众", "信访"}},
		{q: "“一村（格）一警”是怎么推进的？", terms: []string{"一村(格)一警"}},
		{q: "各地社区民警占派出所警力多少?", terms: []string{"社区民警"}, comparative: true},
		{q: "哪些地方推动派出所所长进班子", comparative: true, terms: []string{"派出所所长", "进班子"}},
		// 比较 compares as a verb, not as the adverb "rather".
		{q: "翠西社区的矛盾纠纷为什么比较多?"},
		{q: "哪种防诈办法比较管用?"},
		{q: "吉林和河南的社区警务比较一下", comparative: true},
		{q: "两地派出所警力占比做个比较", comparative: true},
		{q: "", content: ""},
		{q: "   \t\n", content: ""},
		{q: "什么？", content: "?"},
		// 谁 asks, as 什么 and 哪 do: it is no word the material lacks.
		{q: "那支消防队归谁管?", content: "那支消防队归 管?"},
	}
	for _, tt := range tests {
		a := g.Analyze(tt.q)
		if tt.content != "" && a.Content != tt.content {
			t.Errorf("Analyze(%q).Content = %q, want %q", tt.q, a.Content, tt.content)
		}
		for _, term := range tt.terms {
			if !slices.Contains(a.Terms, term) {
				t.Errorf("Analyze(%q).Terms = %q, want %q among them", tt.q, a.Terms, term)
			}
		}
		for _, e := range tt.expansions {
			if !slices.Contains(a.Expansions, e) {
				t.Errorf("Analyze(%q).Expansions = %q, want %q among them", tt.q, a.Expansions, e)
			}
		}
		if a.Comparative != tt.comparative {
			t.Errorf("Analyze(%q).Comparative = %v", tt.q, a.Comparative)
		}
	}
}

func TestTraditionalChinese(t *testing.T) {
	g := loadEmbedded(t)
	a := g.Analyze("警地融合是怎麼運作的？各地社區民警佔派出所警力多少？")
	if a.Normalized != "警地融合是怎么运作的?各地社区民警占派出所警力多少?" || !a.Comparative || !slices.Contains(a.Terms, "社区民警") {
		t.Errorf("Analyze = %+v", a)
	}
	if p := g.Places("廣東的禁毒經驗"); !slices.Contains(p, "广东") {
		t.Errorf("Places = %q", p)
	}
}

func TestStopwordsNeverCutTerms(t *testing.T) {
	g := loadEmbedded(t)
	// 什么 is a stopword, but not inside a glossary term; 派出所主防 keeps its 所.
	a := g.Analyze("派出所主防是什么意思")
	if !strings.Contains(a.Content, "派出所主防") {
		t.Errorf("Content = %q lost the term", a.Content)
	}
}

func FuzzAnalyze(f *testing.F) {
	g := loadEmbedded(f)
	for _, s := range []string{"警地融合是怎么运作的?", "a:b -c ^2 ~ ?*", "\xff\xfe", "片警\x00电诈", "“一村（格）一警”"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		a := g.Analyze(q)
		for _, w := range append(append([]string{a.Normalized, a.Content}, a.Terms...), a.Expansions...) {
			if strings.ContainsRune(w, '\x00') || !utf8.ValidString(w) {
				t.Fatalf("Analyze(%q) produced %q", q, w)
			}
		}
		for _, term := range a.Terms {
			if !strings.Contains(a.Normalized, term) {
				t.Fatalf("term %q not in question %q", term, a.Normalized)
			}
		}
	})
}

// FuzzParse: any glossary file either parses or is refused with an error, and a parsed one
// analyses questions without panicking.
func FuzzParse(f *testing.F) {
	f.Add("[terms]\n警地融合\n[synonyms]\n片警 社区民警\n[stopwords]\n怎么\n[places]\n吉林 河南\n", "片警怎么做")
	f.Add("[synonyms]\n单独\n", "x")
	f.Add("词\n", "x")
	f.Add("[terms]\n\u200b\n#注释\n", "")
	f.Fuzz(func(t *testing.T, src, q string) {
		g, err := Parse(strings.NewReader(src))
		if err != nil {
			return
		}
		a := g.Analyze(q)
		g.Places(q)
		for _, term := range a.Terms {
			if term == "" {
				t.Fatalf("empty term from %q", src)
			}
		}
	})
}

// Matching through the first-character index finds exactly the words a scan of the whole
// list finds, in list order, on questions with repeated characters and with none.
func TestFirstsFindEveryWord(t *testing.T) {
	g := loadEmbedded(t)
	questions := []string{
		"各地社区民警占派出所警力多少?", "警地融合是怎么运作的?", "枫桥经验和枫桥式派出所", "吉林电诈电诈降了多少",
		"", "abc 123", "哪些地方的派出所都有警务室,各地怎么做的", strings.Repeat("派出所", 50),
	}
	for _, list := range [][]string{g.terms, g.words, g.compare, g.places} {
		at := indexFirsts(list)
		for _, q := range questions {
			var want, got []string
			for _, w := range list {
				if strings.Contains(q, w) {
					want = append(want, w)
				}
			}
			for _, i := range at.candidates(q, nil) {
				if strings.Contains(q, list[i]) {
					got = append(got, list[i])
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%q: index finds %q, a scan %q", q, got, want)
			}
		}
	}
}

// BenchmarkAnalyze is one question's analysis, which every search and answer starts with.
func BenchmarkAnalyze(b *testing.B) {
	g := loadEmbedded(b)
	qs := []string{"警地融合是怎么运作的?", "各地社区民警占派出所警力多少?", "浦江信访工作有什么做法?"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		g.Analyze(qs[i%len(qs)])
	}
}

func TestAsksFigure(t *testing.T) {
	g := loadEmbedded(t)
	for q, want := range map[string]bool{
		"派出所有多少名民警?":          true,
		"宣传月是哪几个部门一起部署的?":     false, // 哪几 asks which ones
		"哪几个地方搞了社区警务团队,规模多大?": true,  // …but 多大 asks a figure
		"哪几年的发案数下降了?":         true,  // 哪年 is a figure
		"警地融合是怎么运作的?":         false,
		"滨州17年110接警总数":        true, // terse: 总数, 人数 ask a figure
		"运城反诈app注册人数":         true,
	} {
		if got := g.AsksFigure(q); got != want {
			t.Errorf("AsksFigure(%s) = %v, want %v", q, got, want)
		}
	}
}
