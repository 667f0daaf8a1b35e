// Package httpapi serves jingyan over HTTP: a JSON/SSE API, an OpenAI-compatible chat API so
// chat front ends can use jingyan as a model, a small offline web page, health and metrics —
// with token auth, limits and index reload without downtime.
package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/ratelimit"
	"github.com/jingyan/jingyan/internal/search"
)

// Backend is one loaded index and the engine answering from it; Reload swaps it whole.
type Backend struct {
	Index  *search.Index
	Engine *answer.Engine
	HasLLM bool
}

// Loader builds a backend, e.g. by opening the on-disk index afresh.
type Loader func(ctx context.Context) (*Backend, error)

// Config is the server's settings; zero fields take defaults.
type Config struct {
	Addr        string   // listen address; loopback unless tokens are set
	Tokens      []string // bearer tokens for the API (JINGYAN_API_TOKENS)
	AdminTokens []string // tokens for POST /v1/admin/reload (JINGYAN_ADMIN_TOKENS)
	CORSOrigins []string // origins allowed cross-origin; none by default
	// TrustedProxies are reverse proxies whose X-Forwarded-For names the client, so users
	// behind one are limited each on their own; none by default.
	TrustedProxies []netip.Prefix
	ModelName      string // the model name /v1/models reports (default "jingyan")

	MaxBodyBytes int64         // default 64 KiB
	RatePerSec   float64       // per client, default 20
	RateBurst    int           // default 40
	MaxLLM       int           // concurrent LLM answers, default 4
	QueueLen     int           // answers waiting for an LLM slot, default 16
	QueueWait    time.Duration // how long one may wait, default 10 s
	KeepAlive    time.Duration // SSE comment interval while an answer is silent, default 10 s
	// ShutdownGrace bounds how long shutdown waits for in-flight requests (default 30 s).
	ShutdownGrace time.Duration
	// ReadTimeout bounds reading a whole request, body included, so slow senders cannot hold
	// connections (default 15 s).
	ReadTimeout time.Duration

	// ShareLimit, when set, is handed the replica's own per-client rate limit and its rate,
	// and returns one every replica shares (JINGYAN_REDIS_URL), falling back on it while the
	// store is down.
	ShareLimit func(own Limiter, perSec float64, burst int) Limiter
	// Ready, when set, is asked by /readyz whether what the replica depends on (Redis) is up.
	Ready func(ctx context.Context) error
	// Reloaded, when set, is called after an admin reload succeeded, to bring the other
	// replicas in step (they reload on the notice).
	Reloaded func(ctx context.Context)
}

// Limiter is a keyed rate: whether key may go now, and if not how long to wait.
type Limiter interface {
	Allow(key string) (time.Duration, bool)
}

func (c Config) withDefaults() Config {
	if c.ModelName == "" {
		c.ModelName = "jingyan"
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 64 << 10
	}
	if c.RatePerSec <= 0 {
		c.RatePerSec = 20
	}
	if c.RateBurst <= 0 {
		c.RateBurst = 40
	}
	if c.MaxLLM <= 0 {
		c.MaxLLM = 4
	}
	if c.QueueLen <= 0 {
		c.QueueLen = 16
	}
	if c.KeepAlive <= 0 {
		c.KeepAlive = 10 * time.Second
	}
	if c.QueueWait <= 0 {
		c.QueueWait = 10 * time.Second
	}
	if c.ShutdownGrace <= 0 {
		c.ShutdownGrace = 30 * time.Second
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = 15 * time.Second
	}
	return c
}

// CheckExposure refuses to serve on a non-loopback address without bearer tokens.
func CheckExposure(addr string, tokens []string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("httpapi: address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	if len(tokens) == 0 {
		return fmt.Errorf("httpapi: %s is not a loopback address: set JINGYAN_API_TOKENS to serve on it", addr)
	}
	return nil
}

// Server is the HTTP front end. Create it with New.
type Server struct {
	cfg     Config
	load    Loader
	logger  *slog.Logger
	metrics *metrics
	limiter Limiter

	mu  sync.RWMutex
	cur *backendRef

	reloadMu sync.Mutex
	chatSeq  atomic.Uint64 // numbers chat completion IDs
	cpuSlots chan struct{}
	llmSlots chan struct{}
	llmQueue chan struct{}
}

// backendRef counts the requests using a backend so a replaced one is closed only after its
// last request finished.
type backendRef struct {
	*Backend
	inflight sync.WaitGroup
}

// New loads the first backend and returns a server ready to serve.
func New(ctx context.Context, cfg Config, load Loader, logger *slog.Logger) (*Server, error) {
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	b, err := load(ctx)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg: cfg, load: load, logger: logger,
		metrics:  newMetrics(),
		limiter:  ratelimit.New(rate.Limit(cfg.RatePerSec), cfg.RateBurst, 3*time.Minute),
		cur:      &backendRef{Backend: b},
		cpuSlots: make(chan struct{}, 2*runtime.GOMAXPROCS(0)),
		llmSlots: make(chan struct{}, cfg.MaxLLM),
		llmQueue: make(chan struct{}, cfg.QueueLen),
	}
	if cfg.ShareLimit != nil {
		s.limiter = cfg.ShareLimit(s.limiter, cfg.RatePerSec, cfg.RateBurst)
	}
	return s, nil
}

// acquire returns the current backend and a release func; the backend stays open until
// every acquirer has released it.
func (s *Server) acquire() (*Backend, func()) {
	s.mu.RLock()
	ref := s.cur
	ref.inflight.Add(1)
	s.mu.RUnlock()
	return ref.Backend, ref.inflight.Done
}

// Reload builds a new backend and swaps it in; requests in flight finish on the old one,
// which is closed after them. A failed load leaves the current backend serving.
func (s *Server) Reload(ctx context.Context) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	b, err := s.load(ctx)
	if err != nil {
		s.metrics.reloads.WithLabelValues("error").Inc()
		return fmt.Errorf("httpapi: reload: %w", err)
	}
	s.mu.Lock()
	old := s.cur
	s.cur = &backendRef{Backend: b}
	s.mu.Unlock()
	s.metrics.reloads.WithLabelValues("ok").Inc()
	go func() {
		old.inflight.Wait()
		if err := old.Index.Close(); err != nil {
			s.logger.Warn("httpapi: close replaced index", "err", err)
		}
	}()
	r, p, n := b.Index.Corpus().Counts()
	s.logger.Info("httpapi: index reloaded", "reports", r, "paragraphs", p, "sentences", n)
	return nil
}

// Close closes the current backend.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur.inflight.Wait()
	return s.cur.Index.Close()
}

var errBusy = errors.New("busy")

// cpuGate admits CPU-bound work (search, extractive answers) a few at a time. Under load the
// rest wait their turn in order instead of all being time-sliced together, which keeps the
// latency tail short.
func (s *Server) cpuGate(ctx context.Context) (func(), error) {
	select {
	case s.cpuSlots <- struct{}{}:
		return func() { <-s.cpuSlots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// llmGate bounds concurrent LLM answers; a short queue waits, the rest are turned away.
func (s *Server) llmGate(ctx context.Context) (func(), error) {
	select {
	case s.llmSlots <- struct{}{}:
		return func() { <-s.llmSlots }, nil
	default:
	}
	select {
	case s.llmQueue <- struct{}{}:
	default:
		return nil, errBusy
	}
	defer func() { <-s.llmQueue }()
	t := time.NewTimer(s.cfg.QueueWait)
	defer t.Stop()
	select {
	case s.llmSlots <- struct{}{}:
		return func() { <-s.llmSlots }, nil
	case <-t.C:
		return nil, errBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Serve serves on ln until ctx is done, then shuts down gracefully: it stops accepting and
// lets requests in flight finish (up to ShutdownGrace).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: min(5*time.Second, s.cfg.ReadTimeout),
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      2 * time.Minute, // streamed answers run up to the answer deadline
		IdleTimeout:       90 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(jsonErrorListener{ln}) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.logger.Info("httpapi: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("httpapi: shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// SplitList reads a comma-separated environment value (tokens, origins).
func SplitList(s string) []string { return splitList(s) }

// ParsePrefixes reads a comma-separated list of addresses and CIDR prefixes.
func ParsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range SplitList(list) {
		if a, err := netip.ParseAddr(f); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("httpapi: %q is not an address or prefix", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
