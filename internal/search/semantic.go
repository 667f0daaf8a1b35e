package search

import (
	"cmp"
	"context"
	"slices"

	"github.com/jingyan/jingyan/internal/corpus"
)

// Semantic ranks passages by meaning, beside BM25: an embeddings model over the collection.
// An error (the model's server down or slow) leaves the search to BM25 alone.
type Semantic interface {
	Rank(ctx context.Context, question string, level corpus.Level, n int) ([]string, error)
}

// Reranker scores passages against a question, higher better, one score a passage.
type Reranker interface {
	Rerank(ctx context.Context, question string, passages []string) ([]float64, error)
}

// Ranking says how a search combines BM25 with an embeddings model and a reranker.
type Ranking struct {
	Semantic Semantic // nil: BM25 alone
	Reranker Reranker // nil: no reranking
	// Weight is the share of the fused score the model's ranking carries (reciprocal rank
	// fusion); RAGFlow and Dify give vectors 0.3 beside keywords.
	Weight float64
	// VectorOnly ranks by the model alone (to measure it: `eval retrieval`).
	VectorOnly bool
}

// Fusion and reranking depths: how many passages of each ranking are fused, and how many of
// the fused are reranked.
const (
	fuseDepth   = 50
	rerankDepth = 30
	rrfK        = 60 // reciprocal rank fusion's constant, as its authors and most engines use
)

// WithRanking returns a view of the index that ranks as r says; the index itself is shared.
func (ix *Index) WithRanking(r Ranking) *Index {
	view := *ix
	view.ranking = r
	return &view
}

// Ranking returns how the index ranks.
func (ix *Index) Ranking() Ranking { return ix.ranking }

// rank applies the embeddings model and the reranker, when there are any, to BM25's hits.
func (ix *Index) rank(ctx context.Context, question string, bm25 []Hit, level corpus.Level) []Hit {
	r := ix.ranking
	hits := bm25
	if r.Semantic != nil {
		ids, err := r.Semantic.Rank(ctx, question, level, fuseDepth)
		if err == nil {
			hits = ix.fuse(bm25, ids, level, r)
		}
	}
	if r.Reranker != nil {
		hits = rerank(ctx, r.Reranker, question, hits)
	}
	return hits
}

// fuse combines BM25's ranking with the model's by reciprocal rank fusion: each passage
// scores (1-w)/(k+its BM25 rank) + w/(k+its model rank).
func (ix *Index) fuse(bm25 []Hit, ids []string, level corpus.Level, r Ranking) []Hit {
	w := r.Weight
	if r.VectorOnly {
		w = 1
	}
	score := make(map[string]float64)
	byID := make(map[string]Hit)
	var order []string
	add := func(h Hit, rank int, weight float64) {
		if _, ok := byID[h.Passage.ID]; !ok {
			byID[h.Passage.ID] = h
			order = append(order, h.Passage.ID)
		}
		score[h.Passage.ID] += weight / float64(rrfK+rank+1)
	}
	for i, h := range bm25 {
		add(h, i, 1-w)
	}
	for i, id := range ids {
		if p, ok := ix.corpus.Passage(id); ok && p.Level == level {
			add(Hit{Passage: p}, i, w)
		}
	}
	out := make([]Hit, 0, len(order))
	for _, id := range order {
		if s := score[id]; s > 0 {
			h := byID[id]
			h.Score = s
			out = append(out, h)
		}
	}
	slices.SortStableFunc(out, func(a, b Hit) int { return cmp.Compare(b.Score, a.Score) })
	return out
}

// rerank orders the best hits by the reranker's scores; on error they stay as they are.
func rerank(ctx context.Context, r Reranker, question string, hits []Hit) []Hit {
	n := min(rerankDepth, len(hits))
	texts := make([]string, n)
	for i, h := range hits[:n] {
		texts[i] = h.Passage.Text
	}
	scores, err := r.Rerank(ctx, question, texts)
	if err != nil || len(scores) != n {
		return hits
	}
	top := slices.Clone(hits[:n])
	for i := range top {
		top[i].Score = scores[i]
	}
	slices.SortStableFunc(top, func(a, b Hit) int { return cmp.Compare(b.Score, a.Score) })
	return append(top, hits[n:]...)
}
