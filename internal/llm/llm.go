// Package llm adapts any OpenAI-compatible chat server (hosted, vLLM, Ollama, llama.cpp) to
// answer.LLM through go-openai, adding what the library lacks: timeouts, retries with backoff
// that honour Retry-After, and treating a stream cut before its end as an error.
package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/jingyan/jingyan/internal/answer"
)

// Config says which server to use and how patiently.
type Config struct {
	BaseURL     string        // OPENAI_BASE_URL; empty means api.openai.com
	APIKey      string        // OPENAI_API_KEY; never logged
	Model       string        // JINGYAN_MODEL
	Timeout     time.Duration // per attempt
	MaxRetries  int           // further attempts after the first
	MaxTokens   int
	Temperature float32
	// BackoffBase is the first retry's wait, doubled each time, when the server gives no
	// Retry-After.
	BackoffBase time.Duration
}

// DefaultModel is used when JINGYAN_MODEL is unset.
const DefaultModel = "gpt-4o-mini"

// ConfigFromEnv reads OPENAI_API_KEY, OPENAI_BASE_URL and JINGYAN_MODEL.
func ConfigFromEnv(getenv func(string) string) Config {
	return Config{
		BaseURL: strings.TrimSpace(getenv("OPENAI_BASE_URL")),
		APIKey:  strings.TrimSpace(getenv("OPENAI_API_KEY")),
		Model:   strings.TrimSpace(getenv("JINGYAN_MODEL")),
	}
}

// Enabled reports whether an LLM is configured: no key and no base URL means extractive mode.
func (c Config) Enabled() bool { return c.APIKey != "" || c.BaseURL != "" }

func (c Config) withDefaults() Config {
	if c.Model == "" {
		c.Model = DefaultModel
	}
	if c.Timeout <= 0 {
		c.Timeout = 60 * time.Second
	}
	if c.MaxRetries < 0 {
		c.MaxRetries = 0
	} else if c.MaxRetries == 0 {
		c.MaxRetries = 3
	}
	if c.MaxTokens <= 0 {
		c.MaxTokens = 800
	}
	if c.Temperature <= 0 {
		c.Temperature = 0.2 // 0 would not be sent at all (omitempty)
	}
	if c.BackoffBase <= 0 {
		c.BackoffBase = 500 * time.Millisecond
	}
	return c
}

// Client talks to one server. It is safe for concurrent use.
type Client struct {
	cfg    Config
	client *openai.Client
	logger *slog.Logger
}

// New makes a client. base is the HTTP transport to use (nil: http.DefaultTransport).
func New(cfg Config, base http.RoundTripper, logger *slog.Logger) *Client {
	cfg = cfg.withDefaults()
	if base == nil {
		base = http.DefaultTransport
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	// No client-wide timeout: streams are bounded by each attempt's context instead.
	oc.HTTPClient = &http.Client{Transport: retryAfterTransport{base}}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Client{cfg: cfg, client: openai.NewClientWithConfig(oc), logger: logger}
}

// Model returns the model name requests use.
func (c *Client) Model() string { return c.cfg.Model }

// ErrStreamCut is a stream that ended without a finish reason or [DONE].
var ErrStreamCut = errors.New("llm: stream ended before the answer was finished")

// Complete implements answer.LLM with retries. A streamed attempt that has already passed text
// on is not retried: the caller has shown it, so the failure is returned instead.
func (c *Client) Complete(ctx context.Context, msgs []answer.Message, onDelta func(string)) (answer.Completion, error) {
	req := openai.ChatCompletionRequest{
		Model: c.cfg.Model,
		// max_tokens, not max_completion_tokens: local servers (vLLM, llama.cpp, Ollama)
		// understand the older field, and hosted APIs still accept it for chat models.
		//lint:ignore SA1019 see above
		MaxTokens:   c.cfg.MaxTokens,
		Temperature: c.cfg.Temperature,
	}
	for _, m := range msgs {
		req.Messages = append(req.Messages, openai.ChatCompletionMessage{Role: m.Role, Content: m.Content})
	}
	for attempt := 0; ; attempt++ {
		info := &retryInfo{}
		actx, cancel := context.WithTimeout(context.WithValue(ctx, retryKey{}, info), c.cfg.Timeout)
		start := time.Now()
		var comp answer.Completion
		var delivered bool
		var err error
		if onDelta != nil {
			comp, delivered, err = c.stream(actx, req, onDelta)
		} else {
			comp, err = c.once(actx, req)
		}
		cancel()
		if err == nil {
			c.logger.Debug("llm: completion", "model", c.cfg.Model, "attempt", attempt+1,
				"latency", time.Since(start), "prompt_tokens", comp.PromptTokens, "completion_tokens", comp.CompletionTokens)
			return comp, nil
		}
		if ctx.Err() != nil {
			return comp, fmt.Errorf("llm: %w", ctx.Err())
		}
		if delivered || attempt >= c.cfg.MaxRetries || !retryable(err) {
			return comp, fmt.Errorf("llm: attempt %d: %w", attempt+1, err)
		}
		wait := info.after()
		if wait <= 0 {
			wait = c.cfg.BackoffBase << attempt
			wait += time.Duration(rand.Int64N(int64(wait)/4 + 1)) // jitter
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return comp, fmt.Errorf("llm: attempt %d: %w (retry in %s would pass the deadline)", attempt+1, err, wait)
		}
		c.logger.Warn("llm: retrying", "attempt", attempt+1, "wait", wait, "err", err)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return comp, fmt.Errorf("llm: %w", ctx.Err())
		}
	}
}

func (c *Client) once(ctx context.Context, req openai.ChatCompletionRequest) (answer.Completion, error) {
	resp, err := c.client.CreateChatCompletion(ctx, req)
	if err != nil {
		return answer.Completion{}, err
	}
	if len(resp.Choices) == 0 {
		return answer.Completion{}, errors.New("llm: response has no choices")
	}
	return answer.Completion{
		Text:             resp.Choices[0].Message.Content,
		PromptTokens:     resp.Usage.PromptTokens,
		CompletionTokens: resp.Usage.CompletionTokens,
	}, nil
}

func (c *Client) stream(ctx context.Context, req openai.ChatCompletionRequest, onDelta func(string)) (answer.Completion, bool, error) {
	req.Stream = true
	req.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	s, err := c.client.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return answer.Completion{}, false, err
	}
	defer s.Close()
	var comp answer.Completion
	var text strings.Builder
	finished, delivered := false, false
	for {
		resp, err := s.Recv()
		if errors.Is(err, io.EOF) {
			comp.Text = text.String()
			if !finished {
				return comp, delivered, ErrStreamCut
			}
			return comp, delivered, nil
		}
		if err != nil {
			comp.Text = text.String()
			return comp, delivered, err
		}
		if resp.Usage != nil {
			comp.PromptTokens, comp.CompletionTokens = resp.Usage.PromptTokens, resp.Usage.CompletionTokens
		}
		for _, ch := range resp.Choices {
			if ch.Delta.Content != "" {
				text.WriteString(ch.Delta.Content)
				onDelta(ch.Delta.Content)
				delivered = true
			}
			if ch.FinishReason != "" {
				finished = true
			}
		}
	}
}

// retryable: rate limits, server errors, timeouts of one attempt and broken connections.
func retryable(err error) bool {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.HTTPStatusCode == http.StatusTooManyRequests || apiErr.HTTPStatusCode >= 500 || apiErr.HTTPStatusCode == 0
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		return reqErr.HTTPStatusCode == http.StatusTooManyRequests || reqErr.HTTPStatusCode >= 500
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, ErrStreamCut) || errors.Is(err, io.EOF)
}

// go-openai does not expose response headers on errors, so the transport notes Retry-After
// in a holder carried by the request's context.
type retryKey struct{}

type retryInfo struct {
	mu   sync.Mutex
	wait time.Duration
}

func (r *retryInfo) after() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.wait
}

type retryAfterTransport struct{ base http.RoundTripper }

func (t retryAfterTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp == nil {
		return resp, err
	}
	if info, ok := req.Context().Value(retryKey{}).(*retryInfo); ok {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			info.mu.Lock()
			info.wait = d
			info.mu.Unlock()
		}
	}
	return resp, nil
}

// parseRetryAfter reads seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
