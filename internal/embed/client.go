// Package embed searches a collection by meaning beside BM25: it embeds every sentence and
// paragraph through an OpenAI-compatible /v1/embeddings (Ollama, vLLM, llama.cpp and
// text-embeddings-inference serve it) when an index is built, stores the vectors beside the
// bleve index, ranks passages by cosine to the question's vector, and reranks through
// /v1/rerank (the Jina/Cohere shape TEI, vLLM and llama.cpp serve) when one is configured.
package embed

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sashabaranov/go-openai"
)

// Config is the embeddings model (and reranker) a collection is searched with.
type Config struct {
	Model       string        // JINGYAN_EMBED_MODEL; "" means BM25 alone
	BaseURL     string        // JINGYAN_EMBED_BASE_URL, else OPENAI_BASE_URL
	APIKey      string        // OPENAI_API_KEY; never logged
	RerankModel string        // JINGYAN_RERANK_MODEL; "" means no reranking
	RerankURL   string        // JINGYAN_RERANK_BASE_URL, else the embeddings' base URL
	Weight      float64       // JINGYAN_EMBED_WEIGHT: the model's share in fusion, (0, 1], default 0.3
	Timeout     time.Duration // how long a question waits for its vector or reranking, default 2 s
	Batch       int           // passages an embeddings request carries, default 64
	// RetryDown is how often a question tries a server that failed, default 15 s; the
	// others go to BM25 without waiting for it.
	RetryDown time.Duration
}

// ConfigFromEnv reads the configuration from the environment.
func ConfigFromEnv(getenv func(string) string) Config {
	c := Config{
		Model:       strings.TrimSpace(getenv("JINGYAN_EMBED_MODEL")),
		BaseURL:     strings.TrimSpace(getenv("JINGYAN_EMBED_BASE_URL")),
		APIKey:      strings.TrimSpace(getenv("OPENAI_API_KEY")),
		RerankModel: strings.TrimSpace(getenv("JINGYAN_RERANK_MODEL")),
		RerankURL:   strings.TrimSpace(getenv("JINGYAN_RERANK_BASE_URL")),
	}
	if c.BaseURL == "" {
		c.BaseURL = strings.TrimSpace(getenv("OPENAI_BASE_URL"))
	}
	if c.RerankURL == "" {
		c.RerankURL = c.BaseURL
	}
	// 0 is not a weight: BM25 alone is JINGYAN_EMBED_MODEL unset.
	if w, err := strconv.ParseFloat(getenv("JINGYAN_EMBED_WEIGHT"), 64); err == nil && w > 0 && w <= 1 {
		c.Weight = w
	}
	return c.withDefaults()
}

func (c Config) withDefaults() Config {
	if c.Weight == 0 {
		c.Weight = 0.3
	}
	if c.Timeout <= 0 {
		c.Timeout = 2 * time.Second
	}
	if c.Batch <= 0 {
		c.Batch = 64
	}
	if c.RetryDown <= 0 {
		c.RetryDown = 15 * time.Second
	}
	return c
}

// Client embeds texts through go-openai.
type Client struct {
	cfg    Config
	client *openai.Client
}

// NewClient makes a client; base is the HTTP transport (nil: the default).
func NewClient(cfg Config, base http.RoundTripper) *Client {
	cfg = cfg.withDefaults()
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	if base == nil {
		base = http.DefaultTransport
	}
	oc.HTTPClient = &http.Client{Transport: base}
	return &Client{cfg: cfg, client: openai.NewClientWithConfig(oc)}
}

// Model is the embeddings model's name.
func (c *Client) Model() string { return c.cfg.Model }

// attempts and backoff bound the retries of one batch: a busy local server answers 429 or
// 503 for a moment; one that stays down fails the build with its error.
const attempts = 4

var backoff = []time.Duration{500 * time.Millisecond, 2 * time.Second, 5 * time.Second}

// Embed returns texts' vectors, batched and retried; done is told how many are embedded.
func (c *Client) Embed(ctx context.Context, texts []string, done func(n int)) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += c.cfg.Batch {
		batch := texts[start:min(start+c.cfg.Batch, len(texts))]
		vs, err := c.embedRetried(ctx, batch)
		if err != nil {
			return nil, err
		}
		out = append(out, vs...)
		if done != nil {
			done(len(out))
		}
	}
	return out, nil
}

func (c *Client) embedRetried(ctx context.Context, batch []string) ([][]float32, error) {
	var err error
	for a := range attempts {
		var vs [][]float32
		if vs, err = c.embedOnce(ctx, batch); err == nil {
			return vs, nil
		}
		if !retryable(err) || a == attempts-1 {
			break
		}
		select {
		case <-time.After(backoff[min(a, len(backoff)-1)]):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return nil, err
}

func (c *Client) embedOnce(ctx context.Context, batch []string) ([][]float32, error) {
	resp, err := c.client.CreateEmbeddings(ctx, openai.EmbeddingRequest{Input: batch, Model: openai.EmbeddingModel(c.cfg.Model)})
	if err != nil {
		return nil, fmt.Errorf("embed: %w", err)
	}
	if len(resp.Data) != len(batch) {
		return nil, fmt.Errorf("embed: %d vectors for %d texts", len(resp.Data), len(batch))
	}
	out := make([][]float32, len(batch))
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(batch) || len(d.Embedding) == 0 {
			return nil, fmt.Errorf("embed: vector %d out of place or empty", d.Index)
		}
		out[d.Index] = d.Embedding
	}
	return out, nil
}

// retryable is a failure worth another try: the server busy, failing, or unreachable.
func retryable(err error) bool {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.HTTPStatusCode == http.StatusTooManyRequests || apiErr.HTTPStatusCode >= 500
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		return reqErr.HTTPStatusCode == http.StatusTooManyRequests || reqErr.HTTPStatusCode >= 500
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}
