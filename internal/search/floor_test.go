package search

import (
	"context"
	"testing"
)

// BenchmarkBleveLevel is one level's BM25 scoring, as SearchAnalysis does it: the floor under
// BenchmarkSearch, which runs two or three of them.
func BenchmarkBleveLevel(b *testing.B) {
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
	for lv, n := range []int{100, 50, contextReports} {
		b.Run(levelNames[lv], func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := ix.scores(ctx, lv, qs[i%len(qs)], n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
