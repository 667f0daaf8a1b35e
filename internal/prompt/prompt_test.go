package prompt

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/jingyan/jingyan/prompts"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestGolden(t *testing.T) {
	s, err := Load(prompts.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	sys, err := s.System()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "system", sys)

	ans, err := s.Answer(AnswerData{
		Question: "各地社区民警占派出所警力多少？",
		Passages: []Passage{
			{N: 1, Title: "推行“警地融合”机制 激发基层治理动能", Org: "吉林省公安厅", Paragraph: 4, Text: "目前,全省社区民警占到派出所总警力的49.4%。"},
			{N: 2, Title: "践行新时代“枫桥经验” 提升基层治理水平", Org: "河南省公安厅", Paragraph: 2, Text: "全省社区民警占派出所警力的比例达43.9%。"},
		},
		Comparative: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "answer", ans)

	rw, err := s.Rewrite(RewriteData{
		History: []Turn{
			{Role: "user", Text: "吉林社区民警占派出所警力多少？"},
			{Role: "assistant", Text: "吉林全省社区民警占到派出所总警力的49.4%[1]。"},
		},
		Question: "那河南呢？",
	})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "rewrite", rw)

	fq, err := s.FAQ(FAQData{Title: "推行“警地融合”机制 激发基层治理动能", Org: "吉林省公安厅", Max: 10,
		Example: "吉林省如何强化力量统筹？", Paragraphs: []string{"第一段。", "第二段。"}})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "faq", fq)
}

func TestOverride(t *testing.T) {
	over := fstest.MapFS{SystemFile: {Data: []byte("自定义系统提示")}}
	s, err := Load(prompts.FS, over)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.System(); got != "自定义系统提示" {
		t.Errorf("System() = %q", got)
	}
	if got, _ := s.Answer(AnswerData{Question: "问"}); got == "" {
		t.Error("answer template not taken from base")
	}
	broken := fstest.MapFS{AnswerFile: {Data: []byte("{{.Nonexistent}}")}}
	if _, err := Load(prompts.FS, broken); err == nil {
		t.Error("a template referring to a missing field loaded")
	}
	syntax := fstest.MapFS{RewriteFile: {Data: []byte("{{range}")}}
	if _, err := Load(prompts.FS, syntax); err == nil {
		t.Error("a template with a syntax error loaded")
	}
}
