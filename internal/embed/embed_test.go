package embed_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/embed"
	"github.com/jingyan/jingyan/internal/fakeopenai"
	"github.com/jingyan/jingyan/internal/mock"
	"github.com/jingyan/jingyan/internal/reader"
	"github.com/jingyan/jingyan/internal/search"
)

// docs are three short reports; the fraud one says 拦截诈骗电话 where staff ask 拦下骗子电话,
// words BM25 and the glossary do not link and the fake model's synonym table does.
var docs = map[string]string{
	"fraud.txt":    "反诈中心工作通报\n\n今年全市拦截诈骗电话27.5亿次，紧急止付涉案资金3288亿元。\n\n各派出所开展反诈宣传进社区活动，发放宣传资料一万份。\n",
	"patrol.txt":   "巡逻防控工作通报\n\n每天出动警力4630名、警车984台开展巡逻。\n\n夜间巡逻重点是商圈和学校周边。\n",
	"petition.txt": "信访工作通报\n\n局长每周接待来访群众，信访案件当年查结率在95%以上。\n\n群众来信来访一律登记在册。\n",
}

func loadCorpus(t testing.TB, files map[string]string) *corpus.Corpus {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	c, _, err := corpus.LoadWith(context.Background(), fsys, reader.New(reader.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type fixture struct {
	fake *fakeopenai.Embedder
	cfg  embed.Config
	dir  string
	log  *bytes.Buffer
}

func newFixture(t *testing.T) *fixture {
	fake := fakeopenai.NewEmbedder("fake-embed", 64)
	fake.Synonyms = map[string]string{"拦下": "拦截", "骗子": "诈骗"}
	t.Cleanup(fake.Close)
	cfg := embed.Config{Model: "fake-embed", BaseURL: fake.URL(), RerankModel: "fake-rerank", RerankURL: fake.URL(),
		Timeout: 500 * time.Millisecond, Batch: 4, RetryDown: 1200 * time.Millisecond}
	return &fixture{fake: fake, cfg: cfg, dir: filepath.Join(t.TempDir(), "idx"), log: &bytes.Buffer{}}
}

// build builds an index of files with embeddings, as `jingyan index build` does.
func (f *fixture) build(t *testing.T, files map[string]string) embed.Stats {
	t.Helper()
	c := loadCorpus(t, files)
	var st embed.Stats
	extra := func(ctx context.Context, dir, previous string) error {
		var err error
		st, err = embed.Build(ctx, dir, previous, c, embed.NewClient(f.cfg, nil), nil)
		return err
	}
	if err := search.BuildDirWith(context.Background(), c, mock.Glossary(t), f.dir, nil, extra); err != nil {
		t.Fatal(err)
	}
	return st
}

// open opens the index with the model and reranker, logging into f.log.
func (f *fixture) open(t *testing.T, rerank bool) *search.Index {
	t.Helper()
	ix, err := search.Open(f.dir, mock.Glossary(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	logger := slog.New(slog.NewTextHandler(f.log, nil))
	sem, err := embed.Open(f.dir, ix.Corpus(), embed.NewClient(f.cfg, nil), logger)
	if err != nil {
		t.Fatal(err)
	}
	r := search.Ranking{Semantic: sem, Weight: 0.5}
	if rerank {
		r.Reranker = embed.NewReranker(f.cfg, nil, logger)
	}
	return ix.WithRanking(r)
}

func top(t *testing.T, ix *search.Index, q string) string {
	t.Helper()
	hits, err := ix.Search(context.Background(), search.Request{Question: q, K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 {
		return ""
	}
	return hits[0].Passage.Text
}

func TestFusionFindsWhatBM25Misses(t *testing.T) {
	f := newFixture(t)
	f.build(t, docs)
	ix := f.open(t, false)
	const q = "拦下了几次骗子来电?"
	if got := top(t, ix.WithRanking(search.Ranking{}), q); strings.Contains(got, "27.5亿") {
		t.Fatalf("BM25 alone already finds it, the test shows nothing: %q", got)
	}
	if got := top(t, ix, q); !strings.Contains(got, "27.5亿") {
		t.Errorf("fused: top hit %q, want the 拦截诈骗电话 sentence", got)
	}
	vec := ix.WithRanking(search.Ranking{Semantic: ix.Ranking().Semantic, VectorOnly: true})
	if got := top(t, vec, q); !strings.Contains(got, "27.5亿") {
		t.Errorf("vector alone: top hit %q", got)
	}
}

func TestRerankOrdersFusedHits(t *testing.T) {
	f := newFixture(t)
	f.build(t, docs)
	ix := f.open(t, true)
	if got := top(t, ix, "信访案件查结率是多少"); !strings.Contains(got, "95%") {
		t.Errorf("reranked: top hit %q", got)
	}
}

func TestServerDownFallsBackToBM25(t *testing.T) {
	for _, fault := range []string{"down", "slow"} {
		t.Run(fault, func(t *testing.T) {
			f := newFixture(t)
			f.build(t, docs)
			ix := f.open(t, true)
			bm25 := ix.WithRanking(search.Ranking{})
			if fault == "down" {
				f.fake.SetDown(true)
			} else {
				f.fake.SetDelay(2 * time.Second)
			}
			for i, q := range []string{"每天出动多少警力巡逻", "信访案件查结率是多少", "拦截诈骗电话多少次"} {
				start := time.Now()
				got, want := top(t, ix, q), top(t, bm25, q)
				if got != want {
					t.Errorf("%s: %q, BM25 alone gives %q", q, got, want)
				}
				// The first question waits at most the timeout (500 ms) for the model and
				// again for the reranker; later ones do not wait for servers known down.
				limit := 1500 * time.Millisecond
				if i > 0 {
					limit = 100 * time.Millisecond
				}
				if d := time.Since(start); d > limit {
					t.Errorf("%s took %v", q, d)
				}
			}
			if n := strings.Count(f.log.String(), "level=WARN"); n != 2 {
				t.Errorf("%d warnings (want one for the model, one for the reranker):\n%s", n, f.log)
			}
			f.fake.SetDown(false)
			f.fake.SetDelay(0)
			time.Sleep(f.cfg.RetryDown)
			top(t, ix, "每天出动多少警力巡逻")
			if !strings.Contains(f.log.String(), "embeddings back") {
				t.Errorf("no notice that the model is back:\n%s", f.log)
			}
		})
	}
}

func TestModelChangedIsAClearError(t *testing.T) {
	f := newFixture(t)
	f.build(t, docs)
	ix, err := search.Open(f.dir, mock.Glossary(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	other := f.cfg
	other.Model = "bge-m3"
	_, err = embed.Open(f.dir, ix.Corpus(), embed.NewClient(other, nil), nil)
	var changed embed.ErrModelChanged
	if !errors.As(err, &changed) || !strings.Contains(err.Error(), "fake-embed") || !strings.Contains(err.Error(), "bge-m3") {
		t.Errorf("err = %v, want a message naming both models", err)
	}
}

func TestRebuildEmbedsOnlyWhatChanged(t *testing.T) {
	f := newFixture(t)
	first := f.build(t, docs)
	if first.Reused != 0 || first.Embedded != first.Rows || f.fake.Inputs() != first.Rows {
		t.Fatalf("first build: %+v, fake embedded %d", first, f.fake.Inputs())
	}
	changed := map[string]string{}
	for k, v := range docs {
		changed[k] = v
	}
	changed["patrol.txt"] = strings.Replace(docs["patrol.txt"], "夜间巡逻重点是商圈和学校周边。", "夜间巡逻重点是车站和医院周边。", 1)
	before := f.fake.Inputs()
	second := f.build(t, changed)
	// One sentence changed, so it and its paragraph are embedded again; nothing else is.
	if second.Embedded != 2 || second.Reused != second.Rows-2 || f.fake.Inputs()-before != 2 {
		t.Errorf("second build: %+v, fake embedded %d more", second, f.fake.Inputs()-before)
	}
	ix := f.open(t, false)
	if got := top(t, ix, "夜里巡逻重点去哪"); !strings.Contains(got, "车站") {
		t.Errorf("after the rebuild: %q", got)
	}
}

func TestBuildFailsClearlyWhenTheServerIsDown(t *testing.T) {
	f := newFixture(t)
	f.fake.SetDown(true)
	c := loadCorpus(t, docs)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := embed.Build(ctx, t.TempDir(), "", c, embed.NewClient(f.cfg, nil), nil)
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("err = %v", err)
	}
	// The first batch is tried a bounded number of times, then the build gives up.
	if f.fake.Calls() != 4 || f.fake.Inputs() != 0 {
		t.Errorf("%d requests to a down server, %d texts embedded; want 4 tries and none", f.fake.Calls(), f.fake.Inputs())
	}
}

// The reranker reads both answer shapes: Jina/Cohere's (vLLM, llama.cpp) and
// text-embeddings-inference's, whose request names the passages "texts".
func TestRerankShapes(t *testing.T) {
	for _, shape := range []string{"jina", "tei"} {
		t.Run(shape, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var req struct {
					Query     string   `json:"query"`
					Documents []string `json:"documents"`
					Texts     []string `json:"texts"`
				}
				json.NewDecoder(r.Body).Decode(&req)
				docs := req.Documents
				if shape == "tei" {
					docs = req.Texts
				}
				type res struct {
					Index int     `json:"index"`
					Score float64 `json:"score,omitempty"`
					Rel   float64 `json:"relevance_score,omitempty"`
				}
				var out []res
				for i, d := range docs {
					s := float64(len([]rune(d)))
					if shape == "tei" {
						out = append(out, res{Index: i, Score: s})
					} else {
						out = append(out, res{Index: i, Rel: s})
					}
				}
				if shape == "tei" {
					json.NewEncoder(w).Encode(out)
				} else {
					json.NewEncoder(w).Encode(map[string]any{"results": out})
				}
			}))
			defer srv.Close()
			r := embed.NewReranker(embed.Config{RerankModel: "m", RerankURL: srv.URL, Timeout: time.Second}, nil, nil)
			got, err := r.Rerank(context.Background(), "问", []string{"一", "一二三", "一二"})
			if err != nil || len(got) != 3 || got[1] != 3 || got[2] != 2 {
				t.Errorf("scores %v, err %v", got, err)
			}
		})
	}
}
