package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/embed"
	"github.com/jingyan/jingyan/internal/search"
)

// withEmbeddings gives an index the embeddings model and reranker the environment configures
// (JINGYAN_EMBED_MODEL, JINGYAN_RERANK_MODEL); without them it is BM25 alone. An on-disk index
// (dir) holds its vectors; the built-in collection (dir "") is embedded at start.
func (e *env) withEmbeddings(ctx context.Context, ix *search.Index, dir string) (*search.Index, error) {
	cfg := embed.ConfigFromEnv(e.getenv)
	if cfg.Model == "" && cfg.RerankModel == "" {
		return ix, nil
	}
	r := search.Ranking{Weight: cfg.Weight}
	if cfg.Model != "" {
		sem, err := e.semantic(ctx, ix, dir, cfg)
		if err != nil {
			return nil, err
		}
		r.Semantic = sem // nil: BM25 alone, as warned
	}
	if cfg.RerankModel != "" {
		r.Reranker = embed.NewReranker(cfg, nil, e.logger)
	}
	return ix.WithRanking(r), nil
}

// startEmbedding bounds embedding the built-in collection at start: a few hundred passages,
// a second or two on a local server; one that is down must not hold up a start for its
// retries.
const startEmbedding = 3 * time.Second

// semantic is the vector ranking of ix, or nil (warned) when there is none to be had.
func (e *env) semantic(ctx context.Context, ix *search.Index, dir string, cfg embed.Config) (search.Semantic, error) {
	cl := embed.NewClient(cfg, nil)
	if dir == "" {
		ctx, cancel := context.WithTimeout(ctx, startEmbedding)
		defer cancel()
		sem, err := embed.InMemory(ctx, ix.Corpus(), cl, e.logger)
		if err != nil {
			e.logger.Warn("the embeddings model could not embed the built-in collection at start: searching with BM25 alone until restarted", "model", cfg.Model, "err", err)
			return nil, nil
		}
		return sem, nil
	}
	sem, err := embed.Open(dir, ix.Corpus(), cl, e.logger)
	switch {
	case errors.Is(err, embed.ErrNoVectors):
		e.logger.Warn("JINGYAN_EMBED_MODEL is set but the index was built without it: searching with BM25 alone; rebuild the index to embed it", "index", dir)
		return nil, nil
	case err != nil:
		return nil, err
	}
	return sem, nil
}

// embedExtra embeds a new index's passages when JINGYAN_EMBED_MODEL is set, reusing the
// vectors of the index it replaces where a passage is unchanged.
func (e *env) embedExtra(c *corpus.Corpus) search.Extra {
	cfg := embed.ConfigFromEnv(e.getenv)
	if cfg.Model == "" {
		return nil
	}
	return func(ctx context.Context, dir, previous string) error {
		bar := newProgress(e.stderr, "embedding")
		st, err := embed.Build(ctx, dir, previous, c, embed.NewClient(cfg, nil), bar.update)
		if err != nil {
			bar.abort()
			return &userError{fmt.Sprintf("嵌入模型 %s 没能生成向量（JINGYAN_EMBED_BASE_URL 或 OPENAI_BASE_URL 指向的服务是否在运行？）；索引没有替换", cfg.Model), err}
		}
		bar.finish()
		fmt.Fprintf(e.stderr, "embedded %d passages with %s (%d reused from the previous index)\n", st.Embedded, cfg.Model, st.Reused)
		return nil
	}
}

// rankingViews are the rankings `eval retrieval` reports side by side: BM25 alone, and when
// configured the model alone, the two fused, and fused then reranked.
func rankingViews(ix *search.Index) []rankingView {
	r := ix.Ranking()
	views := []rankingView{{"BM25", ix.WithRanking(search.Ranking{})}}
	if r.Semantic != nil {
		views = append(views,
			rankingView{"vector", ix.WithRanking(search.Ranking{Semantic: r.Semantic, VectorOnly: true})},
			rankingView{"fused", ix.WithRanking(search.Ranking{Semantic: r.Semantic, Weight: r.Weight})})
	}
	if r.Reranker != nil {
		views = append(views, rankingView{"reranked", ix})
	}
	return views
}

type rankingView struct {
	name string
	ix   *search.Index
}
