// Package ratelimit keeps a token bucket per client key (an address, a token, a Telegram
// user) and forgets keys idle for a while, so memory stays bounded however many clients come.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Keyed is a set of token buckets by key. It is safe for concurrent use.
type Keyed struct {
	mu        sync.Mutex
	limit     rate.Limit
	burst     int
	idle      time.Duration
	clients   map[string]*entry
	lastSweep time.Time
}

type entry struct {
	lim  *rate.Limiter
	seen time.Time
}

// New allows each key limit events per second with the given burst; keys unseen for idle are
// forgotten.
func New(limit rate.Limit, burst int, idle time.Duration) *Keyed {
	return &Keyed{limit: limit, burst: burst, idle: idle, clients: make(map[string]*entry), lastSweep: time.Now()}
}

// Allow takes one token for key; when none is left it says how long until one is.
func (k *Keyed) Allow(key string) (time.Duration, bool) {
	now := time.Now()
	k.mu.Lock()
	defer k.mu.Unlock()
	if now.Sub(k.lastSweep) > k.idle/3 {
		for key, e := range k.clients {
			if now.Sub(e.seen) > k.idle {
				delete(k.clients, key)
			}
		}
		k.lastSweep = now
	}
	e := k.clients[key]
	if e == nil {
		e = &entry{lim: rate.NewLimiter(k.limit, k.burst)}
		k.clients[key] = e
	}
	e.seen = now
	res := e.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d, false
	}
	return 0, true
}

// Len is how many keys are remembered.
func (k *Keyed) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.clients)
}
