package search

import (
	"context"
	"testing"
)

// BenchmarkScore is the one pass over the postings that scores all three levels: the floor
// under BenchmarkSearch.
func BenchmarkScore(b *testing.B) {
	ix := memIndex(b)
	ctx := context.Background()
	var qs []termQuery
	for _, q := range benchQuestions {
		a, err := ix.Analyze(q)
		if err != nil {
			b.Fatal(err)
		}
		qs = append(qs, buildTerms(a, ix.analyzer))
	}
	sc := new(scoring)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := ix.score(ctx, qs[i%len(qs)], [3]int{ownSentences, 50, contextReports}, sc); err != nil {
			b.Fatal(err)
		}
	}
}
