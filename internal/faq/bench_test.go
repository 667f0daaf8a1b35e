package faq

import (
	"context"
	"testing"
	"time"

	"github.com/jingyan/jingyan/internal/fakeopenai"
)

// BenchmarkParallel runs 24 questions against a fake LLM with a fixed 200 ms latency at
// -j 1 and -j 8 and reports the speed-up (goal ≥ 6×).
func BenchmarkParallel(b *testing.B) {
	srv := fakeopenai.New(fakeopenai.Step{ReplyFunc: citeFirst, Delay: 200 * time.Millisecond})
	defer srv.Close()
	f := setup(b, srv, nil)
	qs := Auto(f.c)[:24]
	for i := 0; i < b.N; i++ {
		var took [2]time.Duration
		for k, j := range []int{1, 8} {
			start := time.Now()
			if _, err := Run(context.Background(), Config{Out: b.TempDir(), Jobs: j, LLM: true}, f.eng, qs, nil); err != nil {
				b.Fatal(err)
			}
			took[k] = time.Since(start)
		}
		b.ReportMetric(took[0].Seconds(), "j1-s")
		b.ReportMetric(took[1].Seconds(), "j8-s")
		b.ReportMetric(took[0].Seconds()/took[1].Seconds(), "speedup")
	}
}

// BenchmarkAutoOffline is `faq --auto` without an LLM over the embedded corpus (goal ≤ 5 s).
func BenchmarkAutoOffline(b *testing.B) {
	f := setup(b, nil, nil)
	for i := 0; i < b.N; i++ {
		sum, err := Run(context.Background(), Config{Out: b.TempDir(), Jobs: 4}, f.eng, Auto(f.c), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(sum.Answered), "answered")
	}
}
