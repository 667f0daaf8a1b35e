// Package mock is the one test fixture every package's tests share: the embedded corpus (or
// any corpus) indexed in memory, the embedded prompts, and the real go-openai adapter talking
// HTTP to a fakeopenai server. Like wtf's mock package, it is imported only by tests.
package mock

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/fakeopenai"
	"github.com/jingyan/jingyan/internal/glossary"
	"github.com/jingyan/jingyan/internal/llm"
	"github.com/jingyan/jingyan/internal/prompt"
	"github.com/jingyan/jingyan/internal/search"
	"github.com/jingyan/jingyan/prompts"
)

// Index returns the embedded corpus indexed in memory, closed when the test ends.
func Index(t testing.TB) *search.Index {
	t.Helper()
	c, err := corpus.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return IndexOf(t, c)
}

// IndexOf indexes c in memory with the embedded glossary, closed when the test ends.
func IndexOf(t testing.TB, c *corpus.Corpus) *search.Index {
	t.Helper()
	ix, err := search.Build(context.Background(), c, Glossary(t), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// IndexFiles indexes source files (name → content) as `index build` would read them.
func IndexFiles(t testing.TB, files map[string]string) *search.Index {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(dir+"/"+name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, _, err := corpus.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	return IndexOf(t, c)
}

// Glossary returns the embedded glossary.
func Glossary(t testing.TB) *glossary.Glossary {
	t.Helper()
	g, err := glossary.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// Prompts returns the embedded prompt templates.
func Prompts(t testing.TB) *prompt.Set {
	t.Helper()
	ps, err := prompt.Load(prompts.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// LLM returns the real go-openai adapter talking to srv, with test-sized timeouts and
// backoff; nil when srv is nil (extractive answers).
func LLM(srv *fakeopenai.Server) answer.LLM {
	if srv == nil {
		return nil
	}
	return llm.New(llm.Config{BaseURL: srv.URL(), Model: "fake", Timeout: 10 * time.Second,
		MaxRetries: 2, BackoffBase: 10 * time.Millisecond}, nil, nil)
}

// Engine answers from ix, through srv's fake LLM when srv is not nil.
func Engine(t testing.TB, ix *search.Index, cfg answer.Config, srv *fakeopenai.Server) *answer.Engine {
	t.Helper()
	return answer.New(cfg, ix, ix.Glossary(), Prompts(t), LLM(srv), nil)
}
