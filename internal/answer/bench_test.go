package answer_test

import (
	"context"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/fakeopenai"
	"github.com/jingyan/jingyan/internal/mock"
	"github.com/jingyan/jingyan/internal/search"
)

var benchQuestions = []string{
	"警地融合是怎么运作的?",
	"各地社区民警占派出所警力多少?",
	"吉林电诈降了多少",
	"上访老案子怎么化解",
	"延安建成了多少警务室",
}

func percentiles(b *testing.B, lat []time.Duration, unit string) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-"+unit)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-"+unit)
}

// BenchmarkAskExtractive is one whole offline answer, in process.
func BenchmarkAskExtractive(b *testing.B) {
	e, _ := newEngine(b, answer.Config{}, nil)
	var lat []time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := e.Ask(context.Background(), answer.Question{Text: benchQuestions[i%len(benchQuestions)]}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	percentiles(b, lat, "ms")
}

// BenchmarkAskLLMOverhead is the pipeline's own time around the LLM (retrieval, prompt,
// HTTP to a local server, streaming verification): the whole answer minus the fake server's
// fixed 20 ms delay. Goal: median ≤ 5 ms.
func BenchmarkAskLLMOverhead(b *testing.B) {
	const delay = 20 * time.Millisecond
	srv := fakeopenai.New(fakeopenai.Step{ReplyFunc: citeFirst, Delay: delay, ChunkRunes: 4})
	defer srv.Close()
	e, _ := newEngine(b, answer.Config{}, srv)
	var lat []time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		ans, err := e.Ask(context.Background(), answer.Question{Text: benchQuestions[i%len(benchQuestions)]})
		if err != nil {
			b.Fatal(err)
		}
		if ans.Mode != answer.ModeLLM {
			b.Fatalf("mode %s", ans.Mode)
		}
		lat = append(lat, time.Since(start)-delay)
	}
	percentiles(b, lat, "overhead-ms")
}

// BenchmarkScaleAsk is one whole offline answer on an index of the scale data (see
// internal/search's BenchmarkScaleSearch): JINGYAN_SCALE_INDEX names it, and
// JINGYAN_SCALE_QUERIES a file of questions, one a line (the one BenchmarkScaleSearch writes).
func BenchmarkScaleAsk(b *testing.B) {
	path, qfile := os.Getenv("JINGYAN_SCALE_INDEX"), os.Getenv("JINGYAN_SCALE_QUERIES")
	if path == "" || qfile == "" {
		b.Skip("JINGYAN_SCALE_INDEX or JINGYAN_SCALE_QUERIES is not set")
	}
	data, err := os.ReadFile(qfile)
	if err != nil {
		b.Fatal(err)
	}
	questions := strings.Split(strings.TrimSpace(string(data)), "\n")
	g := mock.Glossary(b)
	ix, err := search.Open(path, g)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	e := answer.New(answer.Config{}, ix, g, mock.Prompts(b), nil, nil)
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, q := range questions {
			start := time.Now()
			if _, err := e.Ask(context.Background(), answer.Question{Text: q}); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
	}
	percentiles(b, lat, "ms")
}
