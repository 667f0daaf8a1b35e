package telegram

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jingyan/jingyan/internal/answer"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sampleAnswer() answer.Answer {
	return answer.Answer{
		Text: "吉林省公安厅：目前,全省社区民警占到派出所总警力的49.4%。[1]\n河南省公安厅：全省社区民警占派出所警力的比例达43.9%<script>&</script>。[2]",
		Citations: []answer.Citation{
			{N: 1, ID: "47aa1c-r1p4s3", Title: "推行“警地融合”机制 激发基层治理动能", Org: "吉林省公安厅", Paragraph: 4},
			{N: 2, ID: "47aa1c-r3p2s4", Title: "践行<新时代>“枫桥经验”", Org: "河南省公安厅", Paragraph: 2},
		},
		Mode: "extractive",
	}
}

func TestRenderAnswerGolden(t *testing.T) {
	chunks, kb := renderAnswer(sampleAnswer())
	if len(chunks) != 1 || kb == nil || len(kb.InlineKeyboard) != 2 {
		t.Fatalf("chunks %d, keyboard %+v", len(chunks), kb)
	}
	got := chunks[0] + "\n---\n" + string(mustJSON(kb))
	path := filepath.Join("testdata", "answer.golden")
	if *update {
		os.MkdirAll("testdata", 0o755)
		os.WriteFile(path, []byte(got), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("rendered answer differs:\n%s\n--- want\n%s", got, want)
	}
}

var tagRE = regexp.MustCompile(`</?([a-z]+)[^>]*>`)

// balanced reports whether every tag opened in s is closed in s, in order.
func balanced(s string) bool {
	var stack []string
	for _, m := range tagRE.FindAllStringSubmatch(s, -1) {
		if strings.HasPrefix(m[0], "</") {
			if len(stack) == 0 || stack[len(stack)-1] != m[1] {
				return false
			}
			stack = stack[:len(stack)-1]
		} else {
			stack = append(stack, m[1])
		}
	}
	return len(stack) == 0
}

func TestMarkdownBold(t *testing.T) {
	chunks, _ := renderAnswer(answer.Answer{Text: "**吉林**：下降24.7%[1]。**未闭合。<b>&"})
	if !strings.HasPrefix(chunks[0], "<b>吉林</b>：下降24.7%[1]。**未闭合。&lt;b&gt;&amp;") || !balanced(chunks[0]) {
		t.Errorf("rendered %q", chunks[0])
	}
}

func TestLongAnswerSplits(t *testing.T) {
	a := sampleAnswer()
	var b strings.Builder
	for b.Len() < 40000 {
		b.WriteString("各地推进“一村(格)一警”,社区民警占比达49.4%😀<&>。[1]")
	}
	b.WriteString(strings.Repeat("无标点的超长句子&", 600)) // one sentence longer than a message
	a.Text = b.String()
	chunks, _ := renderAnswer(a)
	if len(chunks) < 5 {
		t.Fatalf("%d chunks", len(chunks))
	}
	var joined strings.Builder
	for i, c := range chunks {
		if n := utf16Len(c); n > 4096 {
			t.Errorf("chunk %d is %d UTF-16 units", i, n)
		}
		if !balanced(c) {
			t.Errorf("chunk %d has unbalanced tags", i)
		}
		if regexp.MustCompile(`&[a-z]*$`).MatchString(c) {
			t.Errorf("chunk %d ends inside an entity: …%s", i, c[len(c)-10:])
		}
		joined.WriteString(c)
	}
	if !strings.Contains(chunks[len(chunks)-1], "<b>来源</b>") {
		t.Error("footnotes not in the last chunk")
	}
	if strings.Count(joined.String(), "&lt;&amp;&gt;") != strings.Count(a.Text, "<&>") {
		t.Error("text lost or unescaped in splitting")
	}
}

func FuzzRender(f *testing.F) {
	f.Add("句子一。[1]句子二<b>&</b>", 1)
	f.Add(strings.Repeat("长", 5000), 3)
	f.Add("\xff\xfe。[9]", 0)
	f.Fuzz(func(t *testing.T, text string, n int) {
		a := answer.Answer{Text: text}
		for i := 1; i <= n%5; i++ {
			a.Citations = append(a.Citations, answer.Citation{N: i, ID: "x-r1p1", Title: text, Org: "单位", Paragraph: i})
		}
		chunks, _ := renderAnswer(a)
		for _, c := range chunks {
			if utf16Len(c) > 4096 || !balanced(c) {
				t.Fatalf("bad chunk %q", c)
			}
		}
	})
}

// A bold span longer than a message is split into messages that each close and reopen it, as
// Telegram parses every message on its own.
func TestLongBoldSplits(t *testing.T) {
	chunks, _ := renderAnswer(answer.Answer{Text: "**" + strings.Repeat("警务", 3000) + "**。[1]", Citations: []answer.Citation{{N: 1, Title: "标题", Paragraph: 1}}})
	if len(chunks) < 2 {
		t.Fatalf("%d chunks", len(chunks))
	}
	for i, c := range chunks {
		if utf16Len(c) > 4096 || !balanced(c) {
			t.Errorf("chunk %d unbalanced or too long (%d): %.40q … %.40q", i, utf16Len(c), c, c[max(0, len(c)-40):])
		}
	}
}
