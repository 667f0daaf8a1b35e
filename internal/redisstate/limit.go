package redisstate

import (
	"math"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// Allower is a keyed rate limit: whether key may go now, and if not how long to wait. The
// in-process ratelimit.Keyed is one.
type Allower interface {
	Allow(key string) (time.Duration, bool)
}

// gcra is the generic cell rate algorithm in one atomic step: a key's "theoretical arrival
// time" moves one interval on per request and may run at most burst intervals ahead of now.
// Redis's own clock is used, so replicas' clocks need not agree.
var gcra = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local tolerance = interval * tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local next = tat + interval
local wait = next - tolerance - now
if wait > 0 then return math.ceil(wait) end
redis.call('SET', KEYS[1], tostring(next), 'PX', math.ceil(next - now + interval))
return 0
`)

// Limiter is a rate limit every replica shares: r per second per key, bursts of burst.
type Limiter struct {
	store    *Store
	name     string
	interval float64 // ms between requests at the steady rate
	burst    int
	fallback Allower
}

// Limiter returns the shared limit called name; fallback answers while Redis is down.
func (s *Store) Limiter(name string, r rate.Limit, burst int, fallback Allower) *Limiter {
	return &Limiter{store: s, name: name, interval: 1000 / float64(r), burst: max(burst, 1), fallback: fallback}
}

// Allow takes one request for key.
func (l *Limiter) Allow(key string) (time.Duration, bool) {
	if math.IsInf(l.interval, 0) || l.interval <= 0 {
		return 0, true
	}
	if !l.store.up() {
		return l.fallback.Allow(key)
	}
	ctx, cancel := opContext()
	defer cancel()
	wait, err := gcra.Run(ctx, l.store.client, []string{prefix + "rate:" + l.name + ":" + hashed(key)}, l.interval, l.burst).Int64()
	if err != nil {
		l.store.fellBack("rate limit "+l.name, err)
		return l.fallback.Allow(key)
	}
	if wait > 0 {
		return time.Duration(wait) * time.Millisecond, false
	}
	return 0, true
}
