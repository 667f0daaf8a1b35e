package search

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/jingyan/jingyan/internal/corpus"
)

var benchQuestions = []string{
	"警地融合是怎么运作的?",
	"各地社区民警占派出所警力多少?",
	"片警占派出所警力的比例",
	"吉林电诈降了多少",
	"上访老案子怎么化解",
	"“一村（格）一警”怎么推进",
	"延安建成了多少警务室",
	"江苏为企业提供了哪些服务",
}

// BenchmarkSearch is one in-process query on the embedded corpus (goal: p50 ≤ 1 ms).
// It reports p50 and p99 besides the mean.
func BenchmarkSearch(b *testing.B) {
	for _, lv := range []corpus.Level{corpus.LevelSentence, corpus.LevelParagraph} {
		b.Run(lv.String(), func(b *testing.B) {
			ix := memIndex(b)
			ctx := context.Background()
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if _, err := ix.Search(ctx, Request{Question: benchQuestions[i%len(benchQuestions)], K: 5, Level: lv}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			reportPercentiles(b, lat)
		})
	}
}

// BenchmarkBuildEmbedded is the start-up cost of the default in-memory index.
func BenchmarkBuildEmbedded(b *testing.B) {
	c, g := embedded(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ix, err := Build(context.Background(), c, g, "", nil)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
