// Package redisstate keeps what several jingyan replicas must share — rate limits, Telegram
// update dedupe, conversation memory — in Redis, so a follow-up may land on any replica, a
// duplicate delivery is answered once and a client gets one rate however many replicas
// serve it.
//
// Redis being unreachable must not stop answering: every operation falls back to the
// replica's own in-process state (what a single replica does with no Redis at all), logs
// that it did so at most every few seconds, and goes back to Redis once it answers. /readyz
// reports the outage (Ready) so a load balancer can prefer healthy replicas.
package redisstate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// prefix namespaces every key jingyan writes.
const prefix = "jingyan:"

// Store is one Redis connection pool shared by the parts that use it.
type Store struct {
	client *redis.Client
	logger *slog.Logger

	mu       sync.Mutex
	lastWarn time.Time
	// skipUntil is when to try Redis again after it failed: until then the fallback answers
	// at once, so a question never waits on a dead Redis more than once every few seconds.
	skipUntil atomic.Int64 // unix nanoseconds

	idOnce   sync.Once
	instance string
}

// retryAfter is how long Redis is left alone after it failed.
const retryAfter = 2 * time.Second

// up reports whether Redis should be tried now.
func (s *Store) up() bool { return time.Now().UnixNano() >= s.skipUntil.Load() }

// Open connects to the Redis a JINGYAN_REDIS_URL names (redis://[user:password@]host:port/db,
// or rediss:// for TLS). It does not wait for Redis to answer: a replica starts, and serves
// from its own state, while Redis is down.
func Open(url string, logger *slog.Logger) (*Store, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		// The URL may hold a password: say what is wrong without repeating it.
		return nil, errors.New("redisstate: JINGYAN_REDIS_URL is not a redis:// or rediss:// URL")
	}
	// Short timeouts: a question must not wait on a Redis that is not answering; the
	// fallback answers instead.
	opt.DialTimeout = time.Second
	opt.ReadTimeout = 500 * time.Millisecond
	opt.WriteTimeout = 500 * time.Millisecond
	opt.MaxRetries = 1
	opt.DialerRetries = 1
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Store{client: redis.NewClient(opt), logger: logger}, nil
}

// Close releases the connections.
func (s *Store) Close() error { return s.client.Close() }

// Ready reports whether Redis answers, for /readyz.
func (s *Store) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := s.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis unreachable: %w", err)
	}
	s.skipUntil.Store(0)
	return nil
}

// fellBack logs, at most every 10 s, that Redis failed and the replica's own state answered.
func (s *Store) fellBack(what string, err error) {
	s.skipUntil.Store(time.Now().Add(retryAfter).UnixNano())
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Since(s.lastWarn) < 10*time.Second {
		return
	}
	s.lastWarn = time.Now()
	s.logger.Warn("redisstate: Redis unreachable; this replica answers from its own state until it returns", "for", what, "err", err)
}

// hashed keeps keys short and free of secrets: a rate-limit key may be a bearer token.
func hashed(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16])
}

// opContext bounds one Redis operation.
func opContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), time.Second)
}
