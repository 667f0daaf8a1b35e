package httpapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// benchQuestions are the questions the wrk scripts rotate (testdata/wrk).
var benchQuestions = []string{"警地融合是怎么运作的?", "各地社区民警占派出所警力多少?", "浦江信访工作有什么做法?"}

// BenchmarkSearchHandler is one /v1/search through the handler, as wrk drives it but
// without the network: the server's own cost a request, for profiling.
func BenchmarkSearchHandler(b *testing.B) {
	benchHandler(b, func(q string) (string, string, io.Reader) {
		return "GET", "/v1/search?k=5&q=" + url.QueryEscape(q), nil
	})
}

// BenchmarkAskHandler is one extractive /v1/ask through the handler.
func BenchmarkAskHandler(b *testing.B) {
	benchHandler(b, func(q string) (string, string, io.Reader) {
		return "POST", "/v1/ask", strings.NewReader(`{"question":"` + q + `"}`)
	})
}

func benchHandler(b *testing.B, request func(question string) (method, target string, body io.Reader)) {
	s, _ := newTestServer(b, Config{RatePerSec: 1e9, RateBurst: 1e9}, memLoader(b, nil))
	h := s.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(request(benchQuestions[i%len(benchQuestions)])))
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	})
}
