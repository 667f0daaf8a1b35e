package embed

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/jingyan/jingyan/internal/corpus"
)

// Semantic ranks an index's passages by cosine to the question: exactly, over every vector.
// Below a few hundred thousand passages a scan is a few milliseconds, and an approximate
// index would cost recall and a build step for nothing.
type Semantic struct {
	cfg       Config
	client    *Client
	dim       int
	vecs      []float32 // rows × dim
	ids       []string
	sentences int // rows before this are sentences, the rest paragraphs

	health health
}

// health warns once when a server starts failing, and says when it is back.
type health struct {
	what, model string
	logger      *slog.Logger
	mu          sync.Mutex
	down        bool
}

func newHealth(what, model string, logger *slog.Logger) health {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return health{what: what, model: model, logger: logger}
}

func (h *health) note(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
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
	return &Semantic{cfg: cl.cfg, client: cl, dim: m.Dim, vecs: vecs, ids: ids, sentences: sentences,
		health: newHealth("embeddings", cl.Model(), logger)}, nil
}

// Rank returns the n passages of the level nearest the question. The question waits at most
// the configured timeout for its vector; a failure is warned about once and returned, and
// the search goes on with BM25 alone.
func (s *Semantic) Rank(ctx context.Context, question string, level corpus.Level, n int) ([]string, error) {
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

// nearest returns the IDs of the n rows in [lo, hi) with the largest dot product with q.
func (s *Semantic) nearest(q []float32, lo, hi, n int) []string {
	type scored struct {
		row   int
		score float32
	}
	best := make([]scored, 0, n+1)
	for r := lo; r < hi; r++ {
		d := dot(q, s.vecs[r*s.dim:(r+1)*s.dim])
		if len(best) == n && d <= best[n-1].score {
			continue
		}
		i := len(best)
		best = append(best, scored{})
		for i > 0 && best[i-1].score < d {
			best[i] = best[i-1]
			i--
		}
		best[i] = scored{r, d}
		best = best[:min(len(best), n)]
	}
	out := make([]string, len(best))
	for i, b := range best {
		out[i] = s.ids[b.row]
	}
	return out
}

// dot is unrolled by four: the scan's whole cost, and the compiler keeps the sums apart.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}
