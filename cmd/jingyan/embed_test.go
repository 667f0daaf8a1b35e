package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// The built-in collection, which no index build embeds, is embedded at start when a model is
// configured; with the model down it starts at once on BM25 alone and says so.
func TestEmbeddingsBuiltIn(t *testing.T) {
	fake := fakeopenai.NewEmbedder("fake-embed", 64)
	defer fake.Close()
	vars := map[string]string{"JINGYAN_EMBED_MODEL": "fake-embed", "JINGYAN_EMBED_BASE_URL": fake.URL()}
	qa := filepath.Join(t.TempDir(), "qa.jsonl")
	os.WriteFile(qa, []byte(`{"id":"q1","question":"吉林电诈降了多少?","evidence":[["24.7%"]],"facts":["24.7%"],"answerable":true}`+"\n"), 0o644)
	out, err := runEnv(t, vars, "", "eval", "retrieval", "--qa", qa)
	if err != nil {
		t.Fatal(err)
	}
	if fake.Inputs() < 50 {
		t.Errorf("the built-in collection was not embedded: %d texts", fake.Inputs())
	}
	for _, view := range []string{"== BM25", "== vector", "== fused"} {
		if !strings.Contains(out, view) {
			t.Errorf("eval retrieval does not report %q:\n%s", view, out)
		}
	}

	fake.SetDown(true)
	var logs bytes.Buffer
	var stdout bytes.Buffer
	start := time.Now()
	err = run(context.Background(), []string{"search", "吉林电诈降了多少"}, &env{stdin: strings.NewReader(""), stdout: &stdout,
		stderr: io.Discard, logger: slog.New(slog.NewTextHandler(&logs, nil)), getenv: func(k string) string { return vars[k] }})
	if err != nil || !strings.Contains(stdout.String(), "24.7%") {
		t.Errorf("search with the model down: %v\n%s", err, stdout.String())
	}
	if d := time.Since(start); d > startEmbedding+2*time.Second {
		t.Errorf("a start with the model down took %v", d)
	}
	if !strings.Contains(logs.String(), "BM25 alone") {
		t.Errorf("no warning that the search is BM25 alone:\n%s", logs.String())
	}
}
