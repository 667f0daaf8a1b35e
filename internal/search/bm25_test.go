package search

import (
	"context"
	"math"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// bleveQuery is q as bleve's own query types: the search scores what bleve would.
func bleveQuery(q termQuery) query.Query {
	var parts []query.Query
	for _, p := range q.parts {
		var tqs []query.Query
		for _, t := range p.terms {
			tq := bleve.NewTermQuery(t)
			tq.SetField(fieldText)
			tq.SetBoost(p.boost)
			tqs = append(tqs, tq)
		}
		parts = append(parts, bleve.NewDisjunctionQuery(tqs...))
	}
	return bleve.NewDisjunctionQuery(parts...)
}

// TestScoresAsBleve holds the direct postings scorer to bleve's own BM25 search: the same
// documents in the same order, scores equal up to bleve's query norm (a constant a query).
func TestScoresAsBleve(t *testing.T) {
	ix := memIndex(t)
	ctx := context.Background()
	questions := append(append([]string{}, benchQuestions...),
		"公安", "派出所警务室建设", "有哪些？", "110接处警", "电信诈骗网络诈骗的防范宣传", "没有这个词的问题呵呵")
	for _, question := range questions {
		a, err := ix.Analyze(question)
		if err != nil {
			t.Fatal(err)
		}
		q := buildTerms(a, ix.analyzer)
		for lv, n := range []int{40, 50, contextReports} {
			got, err := ix.scores(ctx, lv, q, n)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ix.levels[lv].SearchInContext(ctx, bleve.NewSearchRequestOptions(bleveQuery(q), n, 0, false))
			if err != nil {
				t.Fatal(err)
			}
			if len(got.ids) != len(res.Hits) {
				t.Fatalf("%s level %d: %d hits, bleve %d", question, lv, len(got.ids), len(res.Hits))
			}
			for i, h := range res.Hits {
				want := h.Score / res.MaxScore
				if g := got.norm(h.ID); math.Abs(g-want) > 1e-9 {
					t.Errorf("%s level %d: %s scores %.12f, bleve %.12f", question, lv, h.ID, g, want)
				}
				if got.ids[i] != h.ID && math.Abs(got.norm(got.ids[i])-want) > 1e-9 {
					t.Errorf("%s level %d rank %d: %s, bleve %s", question, lv, i, got.ids[i], h.ID)
				}
			}
		}
	}
}
