package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/fakeopenai"
	"github.com/jingyan/jingyan/internal/search"
)

func runEnv(t *testing.T, vars map[string]string, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: io.Discard,
		logger: slog.New(slog.NewTextHandler(io.Discard, nil)), getenv: func(k string) string { return vars[k] }})
	return out.String(), err
}

func TestAskJSONOffline(t *testing.T) {
	out, err := runEnv(t, nil, "", "ask", "--json", "吉林省电信网络诈骗发案数下降了多少?")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, k := range []string{"question", "answer", "citations", "refused", "mode"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	var ans answer.Answer
	json.Unmarshal([]byte(out), &ans)
	if ans.Mode != "extractive" || ans.Refused || !strings.Contains(ans.Text, "24.7%") || len(ans.Citations) == 0 {
		t.Errorf("answer = %+v", ans)
	}
	c := ans.Citations[0]
	if c.N != 1 || c.ID == "" || c.Title == "" || c.Org == "" || c.Paragraph == 0 || c.Text == "" {
		t.Errorf("citation = %+v", c)
	}
}

func TestAskRefusalJSON(t *testing.T) {
	out, err := runEnv(t, nil, "", "ask", "--json", "上海市公安局在反恐方面有哪些做法?")
	if err != nil {
		t.Fatal(err)
	}
	var ans answer.Answer
	json.Unmarshal([]byte(out), &ans)
	if !ans.Refused || len(ans.Citations) != 0 || !strings.Contains(ans.Text, "上海") {
		t.Errorf("answer = %+v", ans)
	}
}

func TestAskTerminalWithLLM(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Step{ReplyFunc: func(user string) string {
		return "吉林电诈发案数同比下降24.7%[1]。"
	}})
	defer srv.Close()
	out, err := runEnv(t, map[string]string{"OPENAI_BASE_URL": srv.URL(), "JINGYAN_MODEL": "qwen"}, "",
		"ask", "吉林省电信网络诈骗发案数下降了多少?")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "吉林电诈发案数同比下降24.7%[1]。") || !strings.Contains(out, "来源：\n[1] 《推行“警地融合”机制 激发基层治理动能》（吉林省公安厅）第 3 段") {
		t.Errorf("output:\n%s", out)
	}
	if r := srv.Requests(); len(r) != 1 || r[0].Model != "qwen" {
		t.Errorf("requests = %+v", r)
	}
	// --offline never calls the server.
	if _, err := runEnv(t, map[string]string{"OPENAI_BASE_URL": srv.URL()}, "", "ask", "--offline", "警地融合"); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("--offline called the LLM (%d requests)", n)
	}
}

func TestAskLLMDownFallsBack(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Step{Status: 500})
	defer srv.Close()
	out, err := runEnv(t, map[string]string{"OPENAI_BASE_URL": srv.URL()}, "", "ask", "--timeout", "3s", "吉林省电信网络诈骗发案数下降了多少?")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "（大模型暂时不可用，以下为材料原文摘录。）\n") || !strings.Contains(out, "24.7%") || !strings.Contains(out, "来源：") {
		t.Errorf("output:\n%s", out)
	}
}

func TestAskInteractiveFollowUp(t *testing.T) {
	in := "吉林社区民警占派出所警力多少?\n那河南呢?\n/new\n那河南呢?\n\n" + strings.Repeat("长", 3000) + "\n/quit\n不会被问到\n"
	out, err := runEnv(t, nil, in, "ask")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(out, "（已开始新对话）")
	if len(parts) != 2 {
		t.Fatalf("output:\n%s", out)
	}
	if !strings.Contains(parts[0], "49.4%") || !strings.Contains(parts[0], "43.9%") {
		t.Errorf("follow-up not answered about 河南:\n%s", parts[0])
	}
	if !strings.Contains(parts[1], search.ErrQuestionTooLong.Error()) {
		t.Errorf("too-long question not reported:\n%s", parts[1])
	}
	if strings.Contains(out, "不会被问到") {
		t.Error("input after /quit was read")
	}
}

func TestAskPromptsOverride(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "system.tmpl"), []byte("自定义系统提示：只用材料回答。"), 0o644)
	srv := fakeopenai.New(fakeopenai.Step{Reply: "吉林电诈发案数同比下降24.7%[1]。"})
	defer srv.Close()
	if _, err := runEnv(t, map[string]string{"OPENAI_BASE_URL": srv.URL()}, "", "ask", "--prompts", dir, "吉林电诈降了多少"); err != nil {
		t.Fatal(err)
	}
	if got := srv.Requests()[0].Messages[0].Content; got != "自定义系统提示：只用材料回答。" {
		t.Errorf("system prompt = %q", got)
	}
	os.WriteFile(filepath.Join(dir, "answer.tmpl"), []byte("{{.Missing}}"), 0o644)
	if _, err := runEnv(t, nil, "", "ask", "--prompts", dir, "x"); err == nil {
		t.Error("a broken template was accepted")
	}
}

func TestAskBadInput(t *testing.T) {
	for _, q := range []string{"", "   ", strings.Repeat("警", 5000)} {
		if _, err := runEnv(t, nil, "", "ask", "--", q); err == nil {
			t.Errorf("ask %.10q: no error", q)
		}
	}
	if _, err := runEnv(t, nil, "", "ask", "--timeout", "0s", "x"); err == nil {
		t.Error("zero timeout accepted")
	}
}

func TestEvalAnswers(t *testing.T) {
	out, err := runEnv(t, nil, "", "eval", "answers", "--qa", "../../internal/eval/testdata/colloquial.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	// 公安部's requirements and traffic accidents use words the five reports use apart (公安,
	// 交通); as field terms no report writes, they are refused (issue 20).
	for _, want := range []string{"citations valid: 1.000", "unanswerable: 6  refused: 6", "falsely refused: 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// A stream that fails after its first verified sentence leaves one clean answer on a pipe:
// the notice and the extractive answer, not the LLM's sentence before them.
func TestAskMidStreamFailureClean(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Step{Reply: "吉林电信网络诈骗发案数同比下降24.7%[1]。第二句说到一半就断了", ChunkRunes: 3, CutAfter: 12})
	defer srv.Close()
	out, err := runEnv(t, map[string]string{"OPENAI_BASE_URL": srv.URL()}, "", "ask", "--timeout", "5s", "吉林电诈降了多少")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "（大模型") || strings.Contains(out, "第二句") || strings.Count(out, "24.7%") != 1 {
		t.Errorf("output:\n%s", out)
	}
}
