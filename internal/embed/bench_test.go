package embed

import (
	"context"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/jingyan/jingyan/internal/fakeopenai"
)

// BenchmarkEmbed100k is what embedding 100,000 passages costs jingyan's side — batching,
// HTTP, decoding 1,024-dimension vectors — against the fake server (a real model's own time
// comes on top: a GPU serving bge-m3 does some hundreds of passages a second).
func BenchmarkEmbed100k(b *testing.B) {
	fake := fakeopenai.NewEmbedder("fake", 1024)
	defer fake.Close()
	texts := make([]string, 100_000)
	for i := range texts {
		texts[i] = fmt.Sprintf("第%d段：社区民警入户走访，化解矛盾纠纷%d起，群众满意率达到%d%%。", i, i%97, i%100)
	}
	cl := NewClient(Config{Model: "fake", BaseURL: fake.URL(), Batch: 64}, nil)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if _, err := cl.Embed(context.Background(), texts, nil); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(texts))/time.Since(start).Seconds(), "passages/s")
	}
}

// BenchmarkRank100k is one question's exact scan of 100,000 vectors of 1,024 dimensions.
func BenchmarkRank100k(b *testing.B) {
	const rows, dim = 100_000, 1024
	rng := rand.New(rand.NewSource(1))
	vecs := make([]float32, rows*dim)
	for i := range vecs {
		vecs[i] = rng.Float32() - 0.5
	}
	s := &Semantic{dim: dim, ids: make([]string, rows), sentences: rows}
	s.vecs, s.scales = quantize(vecs, dim)
	for i := range s.ids {
		s.ids[i] = fmt.Sprint(i)
	}
	q := unit(vecs[:dim])
	b.ResetTimer()
	for range b.N {
		s.nearest(q, 0, rows, 50)
	}
}
