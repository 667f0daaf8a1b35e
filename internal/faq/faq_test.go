package faq

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/fakeopenai"
	"github.com/jingyan/jingyan/internal/glossary"
	"github.com/jingyan/jingyan/internal/llm"
	"github.com/jingyan/jingyan/internal/mock"
	"github.com/jingyan/jingyan/internal/prompt"
	"github.com/jingyan/jingyan/internal/search"
)

type fixture struct {
	c   *corpus.Corpus
	ix  *search.Index
	g   *glossary.Glossary
	ps  *prompt.Set
	eng *answer.Engine
}

func setup(t testing.TB, srv *fakeopenai.Server, cache answer.Cache) fixture {
	t.Helper()
	ix := mock.Index(t)
	ps := mock.Prompts(t)
	var model answer.LLM
	if srv != nil {
		// One retry, not mock's two: the tests count the requests a failing question makes.
		model = llm.New(llm.Config{BaseURL: srv.URL(), Timeout: 5 * time.Second, BackoffBase: 5 * time.Millisecond, MaxRetries: 1}, nil, nil)
	}
	c, g := ix.Corpus(), ix.Glossary()
	return fixture{c: c, ix: ix, g: g, ps: ps, eng: answer.New(answer.Config{FAQ: cache}, ix, g, ps, model, nil)}
}

// citeFirst answers from passage 1 with its first clause.
func citeFirst(user string) string {
	ps := fakeopenai.Passages(user)
	if len(ps) == 0 {
		return "所给材料中没有相关内容。"
	}
	return strings.FieldsFunc(ps[0].Text, func(r rune) bool { return r == ',' || r == '。' })[0] + "[1]。"
}

func question(user string) string {
	_, q, _ := strings.Cut(user, "<问题>")
	q, _, _ = strings.Cut(q, "</问题>")
	return q
}

func TestReadQuestions(t *testing.T) {
	qs, err := ReadQuestions(strings.NewReader("# 注释\n警地融合是怎么运作的?\n\n{\"question\":\"片警占多少?\",\"id\":3}\n  各地怎么做信访  \n"))
	if err != nil || strings.Join(qs, "|") != "警地融合是怎么运作的?|片警占多少?|各地怎么做信访" {
		t.Fatalf("%q %v", qs, err)
	}
	for _, bad := range []string{"{broken", `{"id":1}`} {
		if _, err := ReadQuestions(strings.NewReader(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestDedupe(t *testing.T) {
	items := dedupe([]string{"吉林省如何强化力量统筹？", "吉林省如何强化力量统筹?", "吉林如何强化力量统筹", "吉林省怎么强化力量统筹呢",
		"河南如何推进一村一警？", "  ", "？",
		// Different places, figures or things are never merged, however alike the wording.
		"吉林省社区民警占派出所警力多少？", "河南省社区民警占派出所警力多少？", "吉林省如何强化工作联动？"})
	var got []string
	for _, it := range items {
		got = append(got, it.Question)
	}
	want := "吉林省如何强化力量统筹？|河南如何推进一村一警？|吉林省社区民警占派出所警力多少？|河南省社区民警占派出所警力多少？|吉林省如何强化工作联动？"
	if strings.Join(got, "|") != want || len(items[0].Merged) != 3 {
		t.Errorf("dedupe = %+v", items)
	}
}

func TestAutoOffline(t *testing.T) {
	f := setup(t, nil, nil)
	qs := Auto(f.c)
	if len(qs) < 40 {
		t.Fatalf("%d questions", len(qs))
	}
	if qs[0] != "吉林省如何实施“四个警务”？" && !strings.HasPrefix(qs[0], "吉林省如何") {
		t.Errorf("first question %q", qs[0])
	}
	out := t.TempDir()
	sum, err := Run(context.Background(), Config{Out: out, Jobs: 4}, f.eng, qs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Questions < 40 || sum.Answered < 40 || sum.Failed != 0 {
		t.Errorf("summary %+v", sum)
	}
	// Every citation in faq.jsonl is a real passage, quoted exactly.
	idx, err := Load(filepath.Join(out, JSONLFile), f.c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if idx.Len() < 40 {
		t.Errorf("only %d entries loaded back with valid citations", idx.Len())
	}
	for _, name := range []string{JSONLFile, MarkdownFile} {
		if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, %v; want 0644 like any written file", name, fi.Mode().Perm(), err)
		}
	}
	md, _ := os.ReadFile(filepath.Join(out, MarkdownFile))
	for _, want := range []string{"# 常见问题", "## 《推行“警地融合”机制 激发基层治理动能》（吉林省公安厅）", "### 1. ", "来源：", "第 2 段"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("faq.md lacks %q", want)
		}
	}
}

func TestConcurrencyGivesIdenticalFiles(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Step{ReplyFunc: citeFirst, Delay: 5 * time.Millisecond})
	defer srv.Close()
	f := setup(t, srv, nil)
	qs := append(Auto(f.c)[:20], "各地社区民警占派出所警力多少?", "上海怎么反恐?")
	var files [2][2][]byte
	for i, j := range []int{1, 8} {
		out := t.TempDir()
		if _, err := Run(context.Background(), Config{Out: out, Jobs: j, LLM: true}, f.eng, qs, nil); err != nil {
			t.Fatal(err)
		}
		files[i][0], _ = os.ReadFile(filepath.Join(out, MarkdownFile))
		files[i][1], _ = os.ReadFile(filepath.Join(out, JSONLFile))
	}
	if string(files[0][0]) != string(files[1][0]) || string(files[0][1]) != string(files[1][1]) {
		t.Error("-j 1 and -j 8 wrote different files")
	}
	if !strings.Contains(string(files[0][0]), "## "+GroupRefused+"\n\n- 上海怎么反恐?") {
		t.Errorf("refused question not listed:\n%s", files[0][0])
	}
}

func TestResumeAfterInterruption(t *testing.T) {
	var mu sync.Mutex
	asked := map[string]int{}
	ctx, cancel := context.WithCancel(context.Background())
	srv := fakeopenai.New(fakeopenai.Step{Delay: 20 * time.Millisecond, ReplyFunc: func(user string) string {
		mu.Lock()
		asked[question(user)]++
		n := len(asked)
		mu.Unlock()
		if n == 6 {
			cancel() // Ctrl-C half-way
		}
		return citeFirst(user)
	}})
	defer srv.Close()
	f := setup(t, srv, nil)
	qs := Auto(f.c)[:12]
	out := t.TempDir()
	sum, err := Run(ctx, Config{Out: out, Jobs: 2, LLM: true}, f.eng, qs, nil)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v, summary %+v", err, sum)
	}
	if _, err := os.Stat(filepath.Join(out, JSONLFile)); err == nil {
		t.Error("an interrupted run wrote faq.jsonl")
	}
	sum, err = Run(context.Background(), Config{Out: out, Jobs: 2, LLM: true}, f.eng, qs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Resumed == 0 || sum.Answered != 12 || sum.Failed != 0 {
		t.Errorf("summary %+v", sum)
	}
	mu.Lock()
	defer mu.Unlock()
	for q, n := range asked {
		// A question whose answer was cut by the interruption is asked again; no finished one is.
		if n > 2 {
			t.Errorf("%q asked %d times", q, n)
		}
	}
	twice := 0
	for _, n := range asked {
		if n == 2 {
			twice++
		}
	}
	if twice > 2 { // at most the two in flight when Ctrl-C came
		t.Errorf("%d questions asked twice; only those in flight at the interruption may be", twice)
	}
	if len(asked) != 12 {
		t.Errorf("%d distinct questions asked, want 12", len(asked))
	}
}

func TestFailingQuestionDoesNotStopBatch(t *testing.T) {
	bad := "河南如何推进一村一警？"
	srv := fakeopenai.New(fakeopenai.Step{ReplyFunc: citeFirst, FailWhen: func(user string) bool { return question(user) == bad }})
	defer srv.Close()
	f := setup(t, srv, nil)
	out := t.TempDir()
	qs := []string{"吉林电诈降了多少?", bad, "延安群众满意度多少?"}
	sum, err := Run(context.Background(), Config{Out: out, Jobs: 2, LLM: true, Retries: 2}, f.eng, qs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Answered != 2 || sum.Failed != 1 || len(sum.Failures) != 1 || !strings.Contains(sum.Failures[0], bad) {
		t.Errorf("summary %+v", sum)
	}
	n := 0
	for _, r := range srv.Requests() {
		if question(r.Messages[len(r.Messages)-1].Content) == bad {
			n++
		}
	}
	if n != 3*2 { // 1 + 2 retries of the question, each with the client's own retry of the 500
		t.Errorf("the failing question was asked %d times", n)
	}
	data, _ := os.ReadFile(filepath.Join(out, JSONLFile))
	if strings.Contains(string(data), bad) {
		t.Error("a failed question was written as answered")
	}
	// Once the LLM recovers, the next run asks only that question.
	srv.SetSteps(fakeopenai.Step{ReplyFunc: citeFirst})
	before := len(srv.Requests())
	sum, err = Run(context.Background(), Config{Out: out, Jobs: 2, LLM: true}, f.eng, qs, nil)
	if err != nil || sum.Answered != 3 || sum.Resumed != 2 || len(srv.Requests())-before != 1 {
		t.Errorf("rerun: %+v, %v, %d new requests", sum, err, len(srv.Requests())-before)
	}
}

func TestFAQFastPath(t *testing.T) {
	f := setup(t, nil, nil)
	out := t.TempDir()
	if _, err := Run(context.Background(), Config{Out: out}, f.eng, []string{"吉林省电信网络诈骗发案数下降了多少?", "上海怎么反恐?"}, nil); err != nil {
		t.Fatal(err)
	}
	idx, err := Load(filepath.Join(out, JSONLFile), f.c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if idx.Len() != 1 {
		t.Errorf("%d entries; refusals are not served from the FAQ", idx.Len())
	}
	srv := fakeopenai.New(fakeopenai.Step{ReplyFunc: citeFirst})
	defer srv.Close()
	withFAQ := setup(t, srv, idx)
	ans, err := withFAQ.eng.Ask(context.Background(), answer.Question{Text: "吉林电信网络诈骗发案数下降了多少呢？ "})
	if err != nil {
		t.Fatal(err)
	}
	if !ans.FromFAQ || !strings.Contains(ans.Text, "24.7%") || len(ans.Citations) == 0 || ans.Notice == "" {
		t.Errorf("answer = %+v", ans)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the LLM was asked %d times for a question in the FAQ", n)
	}
	// A stale FAQ (citing text the corpus no longer has) is not served.
	data, _ := os.ReadFile(filepath.Join(out, JSONLFile))
	stale := filepath.Join(out, "stale.jsonl")
	os.WriteFile(stale, []byte(strings.Replace(string(data), "24.7%", "99.9%", -1)), 0o644)
	if idx, err := Load(stale, f.c, nil); err != nil || idx.Len() != 0 {
		t.Errorf("stale entries loaded: %v", err)
	}
}

func TestCleanQuestion(t *testing.T) {
	tests := map[string]string{
		"1. 吉林省如何强化力量统筹？": "吉林省如何强化力量统筹？",
		"- “浦江如何化解信访积案？”": "浦江如何化解信访积案？",
		"（3）河南如何推进一村一警?":  "河南如何推进一村一警?",
		"以下是问题：":          "",
		"好的":              "",
	}
	for in, want := range tests {
		if got := cleanQuestion(in); got != want {
			t.Errorf("cleanQuestion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAutoLLM(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Step{Reply: "1. 吉林省如何强化力量统筹？\n2. 吉林省社区警务团队有多少？\n不是问题的一行\n"})
	defer srv.Close()
	f := setup(t, nil, nil)
	model := llm.New(llm.Config{BaseURL: srv.URL()}, nil, nil)
	qs, usage, err := AutoLLM(context.Background(), f.c, model, f.ps, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2*len(f.c.Reports) || qs[1] != "吉林省社区警务团队有多少？" || usage.PromptTokens == 0 {
		t.Errorf("questions %q, usage %+v", qs, usage)
	}
	if !strings.Contains(srv.Requests()[0].Messages[0].Content, "《推行“警地融合”机制 激发基层治理动能》") {
		t.Error("the prompt lacks the report")
	}
}

func FuzzReadQuestions(f *testing.F) {
	f.Add("问题一\n{\"question\":\"问题二\"}\n#注释\n\n")
	f.Add("{broken")
	f.Add("\xff\xfe\n")
	f.Fuzz(func(t *testing.T, src string) {
		qs, err := ReadQuestions(strings.NewReader(src))
		if err != nil {
			return
		}
		for _, q := range qs {
			if strings.TrimSpace(q) == "" {
				t.Fatalf("blank question from %q", src)
			}
		}
		dedupe(qs) // must not panic on anything read
	})
}
