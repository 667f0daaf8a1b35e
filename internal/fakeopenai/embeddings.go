package fakeopenai

import (
	"encoding/json"
	"hash/fnv"
	"math"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
	"unicode"
)

// Embedder is a fake embeddings and rerank server: /v1/embeddings gives each text a
// deterministic vector — its character pairs hashed into Dim buckets, with a shared bucket
// for each pair a synonym table maps together — so texts that share words, or words the
// table calls synonyms, are near; /v1/rerank scores by shared pairs. Real HTTP, so go-openai
// and the reranker's client are exercised.
type Embedder struct {
	*httptest.Server
	Dim      int
	Synonyms map[string]string // pair → the pair it counts as

	mu     sync.Mutex
	down   bool
	delay  time.Duration
	inputs int // texts embedded so far
	calls  int // embeddings requests so far, answered or not
	model  string
}

// NewEmbedder starts a fake serving model name with dim dimensions.
func NewEmbedder(model string, dim int) *Embedder {
	e := &Embedder{Dim: dim, model: model}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/embeddings", e.embeddings)
	mux.HandleFunc("POST /v1/rerank", e.rerank)
	e.Server = httptest.NewServer(mux)
	return e
}

// URL is the base URL clients are given (…/v1).
func (e *Embedder) URL() string { return e.Server.URL + "/v1" }

// SetDown makes every request fail with 503 (true) or succeed again (false).
func (e *Embedder) SetDown(down bool) { e.mu.Lock(); e.down = down; e.mu.Unlock() }

// SetDelay makes every request wait d first.
func (e *Embedder) SetDelay(d time.Duration) { e.mu.Lock(); e.delay = d; e.mu.Unlock() }

// Inputs is how many texts have been embedded.
func (e *Embedder) Inputs() int { e.mu.Lock(); defer e.mu.Unlock(); return e.inputs }

// Calls is how many embeddings requests were made, failed ones included.
func (e *Embedder) Calls() int { e.mu.Lock(); defer e.mu.Unlock(); return e.calls }

func (e *Embedder) gate(w http.ResponseWriter, r *http.Request) bool {
	e.mu.Lock()
	down, delay := e.down, e.delay
	if r.URL.Path == "/v1/embeddings" {
		e.calls++ // answered or not: a client's retries are counted
	}
	e.mu.Unlock()
	time.Sleep(delay)
	if down {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"error":{"message":"model loading","type":"unavailable"}}`))
		return false
	}
	return true
}

func (e *Embedder) embeddings(w http.ResponseWriter, r *http.Request) {
	if !e.gate(w, r) {
		return
	}
	var req struct {
		Input []string `json:"input"`
		Model string   `json:"model"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
		return
	}
	e.mu.Lock()
	e.inputs += len(req.Input)
	e.mu.Unlock()
	type item struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	}
	out := struct {
		Object string `json:"object"`
		Data   []item `json:"data"`
		Model  string `json:"model"`
	}{Object: "list", Model: req.Model}
	for i, t := range req.Input {
		out.Data = append(out.Data, item{Object: "embedding", Index: i, Embedding: e.Vector(t)})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

// Vector is the fake's embedding of text.
func (e *Embedder) Vector(text string) []float32 {
	v := make([]float32, e.Dim)
	for _, p := range e.pairs(text) {
		h := fnv.New32a()
		h.Write([]byte(p))
		v[h.Sum32()%uint32(e.Dim)]++
	}
	var n float64
	for _, x := range v {
		n += float64(x * x)
	}
	if n > 0 {
		for i := range v {
			v[i] /= float32(math.Sqrt(n))
		}
	}
	return v
}

func (e *Embedder) pairs(text string) []string {
	var rs []rune
	for _, r := range text {
		if unicode.Is(unicode.Han, r) || unicode.IsDigit(r) {
			rs = append(rs, r)
		}
	}
	var out []string
	for i := 0; i+1 < len(rs); i++ {
		p := string(rs[i : i+2])
		if s, ok := e.Synonyms[p]; ok {
			p = s
		}
		out = append(out, p)
	}
	return out
}

func (e *Embedder) rerank(w http.ResponseWriter, r *http.Request) {
	if !e.gate(w, r) {
		return
	}
	var req struct {
		Query     string   `json:"query"`
		Documents []string `json:"documents"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
		return
	}
	q := map[string]bool{}
	for _, p := range e.pairs(req.Query) {
		q[p] = true
	}
	type result struct {
		Index int     `json:"index"`
		Score float64 `json:"relevance_score"`
	}
	var out struct {
		Results []result `json:"results"`
	}
	for i, d := range req.Documents {
		shared := 0
		for _, p := range e.pairs(d) {
			if q[p] {
				shared++
			}
		}
		out.Results = append(out.Results, result{Index: i, Score: float64(shared) / float64(len(q)+1)})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}
