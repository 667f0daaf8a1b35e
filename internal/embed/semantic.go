package embed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"sync"
	"time"

	"github.com/jingyan/jingyan/internal/corpus"
)

// Semantic ranks an index's passages by cosine to the question: exactly, over every vector.
// Below a few hundred thousand passages a scan is a few milliseconds, and an approximate
// index would cost recall and a build step for nothing.
type Semantic struct {
	cfg       Config
	client    *Client
	dim       int
	vecs      []int8    // rows × dim, each row scaled to ±127 (see quantize)
	scales    []float32 // by row: what one step of its int8 values is worth
	ids       []string
	sentences int // rows before this are sentences, the rest paragraphs

	health health
}

// health warns once when a server starts failing, and says when it is back. While it is down
// questions do not wait for it: one tries again every retryDown, the rest go to BM25 at once
// (a slow server would otherwise hold every question for the whole timeout).
type health struct {
	what, model string
	logger      *slog.Logger
	mu          sync.Mutex
	down        bool
	tried       time.Time     // when a question last tried the server while it was down
	retry       time.Duration // how often a question tries a server that is down
}

// errDown is a question not sent to a server known to be down.
var errDown = errors.New("embed: the server is down; not tried for this question")

// skip reports whether to leave the server out of this question.
func (h *health) skip() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.down || time.Since(h.tried) >= h.retry {
		h.tried = time.Now()
		return false
	}
	return true
}

func newHealth(what, model string, retry time.Duration, logger *slog.Logger) health {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return health{what: what, model: model, retry: retry, logger: logger}
}

func (h *health) note(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err != nil {
		h.tried = time.Now() // the next try is counted from the failure, not the start
	}
	switch {
	case err != nil && !h.down:
		h.down = true
		h.logger.Warn(h.what+" unavailable: searching without it until it is back", "model", h.model, "err", err)
	case err == nil && h.down:
		h.down = false
		h.logger.Info(h.what+" back", "model", h.model)
	}
}

// ErrModelChanged is an index embedded with another model than the one configured.
type ErrModelChanged struct{ Index, Configured string }

func (e ErrModelChanged) Error() string {
	return fmt.Sprintf("索引的向量由嵌入模型 %q 生成，现在配置的是 %q（JINGYAN_EMBED_MODEL）；请改回原模型，或用现在的模型重建索引：jingyan index build", e.Index, e.Configured)
}

// Open loads dir's vectors for c, to rank with cl's model.
func Open(dir string, c *corpus.Corpus, cl *Client, logger *slog.Logger) (*Semantic, error) {
	m, vecs, err := read(dir)
	if err != nil {
		return nil, err
	}
	if m.Model != cl.Model() {
		return nil, ErrModelChanged{Index: m.Model, Configured: cl.Model()}
	}
	ids, _, sentences := rows(c)
	if len(ids) != m.Rows {
		return nil, fmt.Errorf("embed: %d vectors for %d passages: the index is damaged; rebuild it", m.Rows, len(ids))
	}
	return newSemantic(cl, m.Dim, vecs, ids, sentences, logger), nil
}

// InMemory embeds c's passages now, for a collection no index build embedded (the built-in
// one, indexed in memory at start), and ranks them as Open's vectors do.
func InMemory(ctx context.Context, c *corpus.Corpus, cl *Client, logger *slog.Logger) (*Semantic, error) {
	ids, texts, sentences := rows(c)
	got, err := cl.Embed(ctx, texts, nil)
	if err != nil {
		return nil, err
	}
	if len(got) == 0 {
		return nil, errors.New("embed: the collection holds no passages")
	}
	dim := len(got[0])
	vecs := make([]float32, 0, dim*len(got))
	for _, v := range got {
		if len(v) != dim {
			return nil, fmt.Errorf("embed: the model gave vectors of %d and of %d dimensions", dim, len(v))
		}
		vecs = append(vecs, unit(v)...)
	}
	return newSemantic(cl, dim, vecs, ids, sentences, logger), nil
}

func newSemantic(cl *Client, dim int, vecs []float32, ids []string, sentences int, logger *slog.Logger) *Semantic {
	q, scales := quantize(vecs, dim)
	return &Semantic{cfg: cl.cfg, client: cl, dim: dim, vecs: q, scales: scales, ids: ids, sentences: sentences,
		health: newHealth("embeddings", cl.Model(), cl.cfg.RetryDown, logger)}
}

// Rank returns the n passages of the level nearest the question. The question waits at most
// the configured timeout for its vector; a failure is warned about once and returned, and
// the search goes on with BM25 alone.
func (s *Semantic) Rank(ctx context.Context, question string, level corpus.Level, n int) ([]string, error) {
	if s.health.skip() {
		return nil, errDown
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	vs, err := s.client.embedOnce(ctx, []string{question})
	if err == nil && len(vs[0]) != s.dim {
		err = fmt.Errorf("embed: the model now gives %d dimensions, the index holds %d", len(vs[0]), s.dim)
	}
	s.health.note(err)
	if err != nil {
		return nil, err
	}
	lo, hi := 0, s.sentences
	if level == corpus.LevelParagraph {
		lo, hi = s.sentences, len(s.ids)
	}
	return s.nearest(unit(vs[0]), lo, hi, n), nil
}

// quantize stores each row as int8 steps of its own scale: 100k rows of 1,024 dimensions
// (bge-m3) are 103 MB instead of 410 MB at rest. A question scans every row: 80 ms in
// float32 on one core, 38 ms with viterin/vek's AVX2 dot product, 36 ms as int8 on two cores
// (BenchmarkRank100k) — without the dependency, at a quarter of the memory. The cosine's
// error is about 1% (TestQuantizedNearest), below what reorders fusion's top fifty.
func quantize(vecs []float32, dim int) ([]int8, []float32) {
	rows := len(vecs) / dim
	q := make([]int8, len(vecs))
	scales := make([]float32, rows)
	for r := range rows {
		scales[r] = quantizeRow(q[r*dim:(r+1)*dim], vecs[r*dim:(r+1)*dim])
	}
	return q, scales
}

func quantizeRow(dst []int8, v []float32) float32 {
	var peak float32
	for _, x := range v {
		peak = max(peak, x, -x)
	}
	if peak == 0 {
		return 0
	}
	scale := peak / 127
	for i, x := range v {
		dst[i] = int8(math.Round(float64(x / scale)))
	}
	return scale
}

// nearest returns the IDs of the n rows in [lo, hi) nearest q (a unit vector), the rows
// split between the cores.
func (s *Semantic) nearest(q []float32, lo, hi, n int) []string {
	qq := make([]int8, len(q))
	qs := quantizeRow(qq, q)
	workers := max(1, min(runtime.GOMAXPROCS(0), (hi-lo)/minRowsPerWorker))
	parts := make([][]scoredRow, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			from, to := lo+(hi-lo)*w/workers, lo+(hi-lo)*(w+1)/workers
			parts[w] = s.scan(qq, qs, from, to, n)
		}()
	}
	wg.Wait()
	var best []scoredRow
	for _, p := range parts {
		for _, r := range p {
			best = keep(best, r, n)
		}
	}
	out := make([]string, len(best))
	for i, b := range best {
		out[i] = s.ids[b.row]
	}
	return out
}

// minRowsPerWorker keeps small collections on one core, where a goroutine costs more than
// it saves.
const minRowsPerWorker = 20000

type scoredRow struct {
	row   int
	score float32
}

// scan returns the n best of rows [from, to) for the quantized question qq of scale qs.
func (s *Semantic) scan(qq []int8, qs float32, from, to, n int) []scoredRow {
	best := make([]scoredRow, 0, n+1)
	for r := from; r < to; r++ {
		d := float32(dot8(qq, s.vecs[r*s.dim:(r+1)*s.dim])) * qs * s.scales[r]
		if len(best) < n || d > best[n-1].score {
			best = keep(best, scoredRow{r, d}, n)
		}
	}
	return best
}

// keep inserts r into best (sorted, best first, at most n), ties in row order.
func keep(best []scoredRow, r scoredRow, n int) []scoredRow {
	i := len(best)
	best = append(best, r)
	for i > 0 && (best[i-1].score < r.score || best[i-1].score == r.score && best[i-1].row > r.row) {
		best[i] = best[i-1]
		i--
	}
	best[i] = r
	return best[:min(len(best), n)]
}

// dot8 is unrolled by four: the scan's whole cost, and the compiler keeps the sums apart.
func dot8(a, b []int8) int32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 int32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += int32(a[i]) * int32(b[i])
		s1 += int32(a[i+1]) * int32(b[i+1])
		s2 += int32(a[i+2]) * int32(b[i+2])
		s3 += int32(a[i+3]) * int32(b[i+3])
	}
	for ; i < len(a); i++ {
		s0 += int32(a[i]) * int32(b[i])
	}
	return s0 + s1 + s2 + s3
}
