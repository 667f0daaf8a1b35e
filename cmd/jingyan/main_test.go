package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jingyan/jingyan/internal/search"
)

func runCmd(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		logger: slog.New(slog.NewTextHandler(io.Discard, nil)), getenv: func(string) string { return "" }})
	return out.String(), errb.String(), err
}

func TestSearchJSON(t *testing.T) {
	out, _, err := runCmd(t, "", "search", "--k", "3", "--json", "警地融合是怎么运作的?")
	if err != nil {
		t.Fatal(err)
	}
	var resp search.Response
	if err := json.Unmarshal([]byte(out), &resp); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if resp.Question != "警地融合是怎么运作的?" || len(resp.Hits) != 3 {
		t.Fatalf("resp = %+v", resp)
	}
	h := resp.Hits[0]
	if h.ID == "" || h.Title == "" || h.Org != "吉林省公安厅" || h.Paragraph < 1 || h.Text == "" || h.Score <= 0 {
		t.Errorf("hit = %+v", h)
	}
	// The exact field names scripts rely on.
	var raw map[string][]map[string]any
	json.Unmarshal([]byte(out), &raw)
	for _, key := range []string{"id", "title", "org", "paragraph", "text", "score"} {
		if _, ok := raw["hits"][0][key]; !ok {
			t.Errorf("hit lacks %q", key)
		}
	}
}

func TestSearchFlagsAfterQuestion(t *testing.T) {
	out, _, err := runCmd(t, "", "search", "片警", "--json", "--k", "2")
	if err != nil {
		t.Fatal(err)
	}
	var resp search.Response
	if err := json.Unmarshal([]byte(out), &resp); err != nil || len(resp.Hits) != 2 {
		t.Fatalf("resp = %+v, %v", resp, err)
	}
}

func TestSearchText(t *testing.T) {
	out, _, err := runCmd(t, "", "search", "--level", "paragraph", "--k", "1", "交巡所")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "《推行“警地融合”机制 激发基层治理动能》（吉林省公安厅）第 3 段") {
		t.Errorf("output lacks the citation:\n%s", out)
	}
}

func TestSearchStdinLines(t *testing.T) {
	in := "警地融合\n\n???\n" + strings.Repeat("长", 3000) + "\n电诈\xff\n河南义警" // last line without newline
	out, _, err := runCmd(t, in, "search", "--k", "2", "-")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 6 {
		t.Fatalf("got %d output lines, want 6 (one per input line):\n%s", len(lines), out)
	}
	var resps []search.Response
	for _, l := range lines {
		var r search.Response
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		resps = append(resps, r)
	}
	if len(resps[0].Hits) != 2 || resps[0].Error != "" {
		t.Errorf("first = %+v", resps[0])
	}
	if resps[1].Error != search.ErrEmptyQuestion.Error() {
		t.Errorf("blank line should carry the empty-question error: %+v", resps[1])
	}
	if resps[2].Error == "" || len(resps[2].Hits) != 0 {
		t.Errorf("punctuation-only question should carry an error: %+v", resps[2])
	}
	if resps[3].Error == "" || len(resps[3].Hits) != 0 {
		t.Errorf("too-long question should carry an error: %+v", resps[3])
	}
	if len(resps[4].Hits) == 0 || !strings.Contains(resps[4].Question, "电诈") {
		t.Errorf("invalid UTF-8 line = %+v", resps[4])
	}
	if len(resps[5].Hits) == 0 {
		t.Errorf("last line without newline was not answered")
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"nonsense"},
		{"search"},
		{"search", "--k", "0", "x"},
		{"search", "--level", "chapter", "x"},
		{"search", "--bogus", "x"},
		{"index"},
		{"index", "build", "--out", "x"},
		{"eval"},
		{"eval", "retrieval"},
	} {
		if _, _, err := runCmd(t, "", args...); !errors.Is(err, errUsage) {
			t.Errorf("%q: err = %v, want usage error", args, err)
		}
	}
	if _, _, err := runCmd(t, "", "search", "   "); !errors.Is(err, search.ErrEmptyQuestion) {
		t.Errorf("blank question: err = %v", err)
	}
}

// Every command-line mistake says, in Chinese, what was wrong and what to do, then the
// subcommand's usage; help is not a mistake. Before (issue 21) each is in the comment.
func TestUsageMessages(t *testing.T) {
	empty := t.TempDir()
	for _, tc := range []struct {
		args       []string
		status     int
		wantStderr string
	}{
		// flag provided but not defined: -bogus
		{[]string{"ask", "--bogus", "x"}, 2, "jingyan: 未知参数 --bogus\n用法：\n  jingyan ask "},
		{[]string{"ask", "--k", "500", "x"}, 2, "jingyan: --k 应在 0..100 之间\n"},
		// invalid value "abc" for flag -k: parse error
		{[]string{"ask", "--k", "abc", "x"}, 2, "参数 --k 的值 “abc” 不对：应是数字"},
		{[]string{"ask", "--timeout", "soon", "x"}, 2, "参数 --timeout 的值 “soon” 不对：应是时长"},
		{[]string{"ask", "--timeout", "0s", "x"}, 2, "jingyan: --timeout 应大于 0\n"},
		// flag needs an argument: -k
		{[]string{"search", "x", "--k"}, 2, "参数 --k 需要一个值"},
		// corpus: unknown level "word" (want sentence or paragraph)
		{[]string{"search", "--level", "word", "x"}, 2, "--level 应是 sentence（句）或 paragraph（段），不是 word"},
		// unknown command "nonsense", then the whole usage
		{[]string{"nonsense"}, 2, "jingyan: 未知命令 nonsense\n" + usage},
		{[]string{"--bogus"}, 2, "先写命令，再写参数：--bogus 不是命令"},
		// the usage text, no word of what was wrong
		{[]string{"index"}, 2, "jingyan: index 后面要跟子命令 build"},
		{[]string{"index", "frob"}, 2, "jingyan: 未知的 index 子命令 frob"},
		{[]string{"eval"}, 2, "jingyan: eval 后面要跟 retrieval 或 answers"},
		// search: open index: lstat nothere: no such file or directory
		{[]string{"search", "--index", "./nothere", "吉林"}, 1, "jingyan: 找不到索引目录 ./nothere；先运行 jingyan index build --sources 材料目录 --out ./nothere\n"},
		// search: open index …: not a jingyan index of this version
		{[]string{"search", "--index", empty, "吉林"}, 1, "是空目录，不是索引"},
		// the global usage
		{[]string{"ask", "-h"}, 0, ""},
		{[]string{"index", "build", "--help"}, 0, ""},
	} {
		_, stderr, err := runCmd(t, "", tc.args...)
		var out, errb bytes.Buffer
		status := exitStatus(err, &out, &errb)
		stderr += errb.String()
		if status != tc.status || !strings.Contains(stderr, tc.wantStderr) {
			t.Errorf("%q: status %d, stderr %q; want %d and %q", tc.args, status, stderr, tc.status, tc.wantStderr)
		}
		if regexp.MustCompile(`flag provided|invalid value|unknown command|search: |corpus: `).MatchString(stderr) {
			t.Errorf("%q: English or a package prefix reaches the user: %q", tc.args, stderr)
		}
		if status == 2 && !strings.Contains(stderr, "用法：") {
			t.Errorf("%q: no usage after the message", tc.args)
		}
		if status == 0 && !strings.Contains(out.String(), "jingyan "+tc.args[0]) {
			t.Errorf("%q: the subcommand's usage not printed to stdout: %q", tc.args, out.String())
		}
	}
	var out bytes.Buffer
	_, _, err := runCmd(t, "", "index", "build", "--help")
	exitStatus(err, &out, io.Discard)
	if !strings.Contains(out.String(), "--sources") || !strings.Contains(out.String(), "材料目录") || strings.Contains(out.String(), "jingyan ask") {
		t.Errorf("index build --help:\n%s", out.String())
	}
}

func TestIndexBuildAndUse(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, "a.md"), []byte("# 推行警保联控\n某某市公安局\n\n今年以来，交通事故同比下降12.5%。\n"), 0o644)
	out := filepath.Join(dir, "idx")
	stdout, stderr, err := runCmd(t, "", "index", "build", "--sources", src, "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "indexed 1 reports") || !strings.Contains(stderr, "100%") {
		t.Errorf("stdout %q stderr %q", stdout, stderr)
	}
	res, _, err := runCmd(t, "", "search", "--index", out, "--json", "交通事故下降多少")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res, "12.5%") || !strings.Contains(res, "某某市公安局") {
		t.Errorf("search on built index: %s", res)
	}
	if _, _, err := runCmd(t, "", "search", "--index", filepath.Join(dir, "missing"), "x"); err == nil {
		t.Error("missing --index accepted")
	}
}

func TestEvalRetrieval(t *testing.T) {
	out, _, err := runCmd(t, "", "eval", "retrieval", "--qa", "../../internal/eval/testdata/colloquial.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"recall@5", "sentence", "paragraph", "skipped (unanswerable): 6"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestIndexBuildFormats builds an index from files a bureau holds (a .pptx, an .xlsx, an
// .rtf and a .doc saved as .docx), as a user would: every file is read, the report names
// each format and the misnamed file, a rebuild comes from the cache, and an answer from the
// slides is cited by page.
func TestIndexBuildFormats(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	for _, name := range []string{"report.pptx", "figures.xlsx", "report.rtf", "misnamed.docx"} {
		data, err := os.ReadFile(filepath.Join("../../internal/reader/testdata/fixtures", name))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(src, name), data, 0o644)
	}
	out, cache := filepath.Join(dir, "idx"), filepath.Join(dir, "cache")
	_, stderr, err := runCmd(t, "", "index", "build", "--sources", src, "--out", out, "--cache", cache)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	for _, want := range []string{"pptx      1 个文件已读", "xlsx      1 个文件已读", "rtf       1 个文件已读", "doc       1 个文件已读", "，2 页", "注意 misnamed.docx：文件名是 .docx，内容实为 doc"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("build report lacks %q:\n%s", want, stderr)
		}
	}
	if _, stderr, _ = runCmd(t, "", "index", "build", "--sources", src, "--out", out, "--cache", cache); !strings.Contains(stderr, "1 个取自缓存") {
		t.Errorf("rebuild did not use the cache:\n%s", stderr)
	}
	res, _, err := runCmd(t, "", "ask", "--offline", "--json", "--index", out, "讲解时强调新增警力多少名")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res, `"page":2`) || !strings.Contains(res, "1350名") {
		t.Errorf("answer from the slides' notes not cited by page: %s", res)
	}
}

// A server lets a fixed headroom of garbage build up: a small index collects a quarter as
// often as Go's default, a large one at the default.
func TestGCPercentFor(t *testing.T) {
	for _, tt := range []struct {
		live uint64
		want int
	}{
		{0, 100},         // no collection yet: the default
		{4 << 20, 400},   // the embedded corpus: at most 400
		{16 << 20, 200},  // headroom / live
		{32 << 20, 100},  // as much garbage as heap: the default
		{200 << 20, 100}, // 115k sentences: never below the default
	} {
		if got := gcPercentFor(tt.live); got != tt.want {
			t.Errorf("gcPercentFor(%d MiB) = %d, want %d", tt.live>>20, got, tt.want)
		}
	}
}
