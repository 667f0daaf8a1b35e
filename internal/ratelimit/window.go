package ratelimit

import (
	"sync"
	"time"
)

// Window allows each key at most n events in any period, and none closer than gap to the last:
// Telegram's "20 messages a minute in a group, about one a second", which a token bucket
// cannot keep without starving the first messages (a bucket as large as the minute's count
// lets twice that through in a minute). It is safe for concurrent use.
type Window struct {
	mu        sync.Mutex
	n         int
	period    time.Duration
	gap       time.Duration
	keys      map[string][]time.Time
	lastSweep time.Time
}

// NewWindow allows n events a period per key, gap apart; keys idle past period are forgotten.
func NewWindow(n int, period, gap time.Duration) *Window {
	return &Window{n: max(n, 1), period: period, gap: gap, keys: make(map[string][]time.Time), lastSweep: time.Now()}
}

// Allow takes a place for key now; when there is none it says how long until there is.
func (w *Window) Allow(key string) (time.Duration, bool) {
	now := time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if now.Sub(w.lastSweep) > w.period {
		for k, ts := range w.keys {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) > w.period {
				delete(w.keys, k)
			}
		}
		w.lastSweep = now
	}
	ts := w.keys[key]
	cut := 0
	for cut < len(ts) && now.Sub(ts[cut]) >= w.period {
		cut++
	}
	ts = ts[cut:]
	var wait time.Duration
	if len(ts) >= w.n {
		wait = ts[0].Add(w.period).Sub(now)
	}
	if len(ts) > 0 {
		wait = max(wait, ts[len(ts)-1].Add(w.gap).Sub(now))
	}
	if wait > 0 {
		w.keys[key] = ts
		return wait, false
	}
	w.keys[key] = append(ts, now)
	return 0, true
}
