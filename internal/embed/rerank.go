package embed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// Reranker scores passages against a question through POST {base}/rerank: the shape Jina and
// Cohere defined, which vLLM and llama.cpp serve at /v1/rerank ({"documents"} in,
// {"results": [{"index", "relevance_score"}]} out), and text-embeddings-inference's own at
// /rerank ({"texts"} in, [{"index", "score"}] out). A request carries both input fields and
// either answer is read, so one setting serves them all.
type Reranker struct {
	cfg    Config
	http   *http.Client
	health health
}

// NewReranker makes a reranker; base is the HTTP transport (nil: the default).
func NewReranker(cfg Config, base http.RoundTripper, logger *slog.Logger) *Reranker {
	cfg = cfg.withDefaults()
	if base == nil {
		base = http.DefaultTransport
	}
	return &Reranker{cfg: cfg, http: &http.Client{Transport: base}, health: newHealth("reranker", cfg.RerankModel, cfg.RetryDown, logger)}
}

type rerankRequest struct {
	Model     string   `json:"model"`
	Query     string   `json:"query"`
	Documents []string `json:"documents"`
	Texts     []string `json:"texts"` // text-embeddings-inference's name for them
	TopN      int      `json:"top_n"`
}

type rerankResult struct {
	Index          int      `json:"index"`
	RelevanceScore *float64 `json:"relevance_score"`
	Score          *float64 `json:"score"` // text-embeddings-inference
}

type rerankResponse struct {
	Results []rerankResult `json:"results"`
}

// parseRerank reads either answer shape.
func parseRerank(data []byte) ([]rerankResult, error) {
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
		var rs []rerankResult
		return rs, json.Unmarshal(data, &rs)
	}
	var rr rerankResponse
	return rr.Results, json.Unmarshal(data, &rr)
}

// Rerank returns a score for each passage, within the configured timeout.
func (r *Reranker) Rerank(ctx context.Context, question string, passages []string) ([]float64, error) {
	if r.health.skip() {
		return nil, errDown
	}
	scores, err := r.rerank(ctx, question, passages)
	r.health.note(err)
	return scores, err
}

func (r *Reranker) rerank(ctx context.Context, question string, passages []string) ([]float64, error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	body, _ := json.Marshal(rerankRequest{Model: r.cfg.RerankModel, Query: question, Documents: passages, Texts: passages, TopN: len(passages)})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(r.cfg.RerankURL, "/")+"/rerank", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("rerank: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if r.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+r.cfg.APIKey)
	}
	resp, err := r.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("rerank: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("rerank: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("rerank: HTTP %d", resp.StatusCode)
	}
	results, err := parseRerank(data)
	if err != nil {
		return nil, fmt.Errorf("rerank: %w", err)
	}
	scores := make([]float64, len(passages))
	seen := 0
	for _, res := range results {
		score := res.RelevanceScore
		if score == nil {
			score = res.Score
		}
		if res.Index < 0 || res.Index >= len(passages) || score == nil {
			return nil, fmt.Errorf("rerank: result for passage %d of %d without a score", res.Index, len(passages))
		}
		scores[res.Index] = *score
		seen++
	}
	if seen != len(passages) {
		return nil, fmt.Errorf("rerank: %d scores for %d passages", seen, len(passages))
	}
	return scores, nil
}
