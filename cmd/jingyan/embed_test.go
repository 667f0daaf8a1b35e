package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jingyan/jingyan/internal/fakeopenai"
)

// With JINGYAN_EMBED_MODEL set, `index build` embeds the collection through the configured
// server, `eval retrieval` reports BM25, vector, fused and reranked side by side, and a
// search uses the model; without the vectors, or with another model, the user is told.
func TestEmbeddingsEndToEnd(t *testing.T) {
	fake := fakeopenai.NewEmbedder("fake-embed", 64)
	defer fake.Close()
	src := t.TempDir()
	for name, text := range map[string]string{
		"a.txt": "反诈中心工作通报\n\n今年全市拦截诈骗电话27.5亿次。\n\n各派出所开展反诈宣传进社区活动。\n",
		"b.txt": "巡逻防控工作通报\n\n每天出动警力4630名、警车984台开展巡逻。\n",
	} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	idx := filepath.Join(t.TempDir(), "idx")
	vars := map[string]string{"JINGYAN_EMBED_MODEL": "fake-embed", "JINGYAN_EMBED_BASE_URL": fake.URL(),
		"JINGYAN_RERANK_MODEL": "fake-rerank"}
	if _, err := runEnv(t, vars, "", "index", "build", "--sources", src, "--out", idx, "--cache", ""); err != nil {
		t.Fatal(err)
	}
	if fake.Inputs() == 0 {
		t.Fatal("the build embedded nothing")
	}
	qa := filepath.Join(t.TempDir(), "qa.jsonl")
	os.WriteFile(qa, []byte(`{"id":"q1","question":"每天出动多少警车巡逻?","evidence":[["警车984台"]],"facts":["984"],"answerable":true}`+"\n"), 0o644)
	out, err := runEnv(t, vars, "", "eval", "retrieval", "--qa", qa, "--index", idx)
	if err != nil {
		t.Fatal(err)
	}
	for _, view := range []string{"== BM25", "== vector", "== fused", "== reranked"} {
		if !strings.Contains(out, view) {
			t.Errorf("eval retrieval does not report %q:\n%s", view, out)
		}
	}
	out, err = runEnv(t, vars, "", "search", "--index", idx, "每天出动多少警车")
	if err != nil || !strings.Contains(out, "984") {
		t.Errorf("search: %v\n%s", err, out)
	}
	vars["JINGYAN_EMBED_MODEL"] = "bge-m3"
	_, err = runEnv(t, vars, "", "search", "--index", idx, "每天出动多少警车")
	if err == nil || !strings.Contains(err.Error(), "bge-m3") || !strings.Contains(err.Error(), "重建索引") {
		t.Errorf("another model: err = %v", err)
	}
}
