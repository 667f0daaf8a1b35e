package redisstate

import (
	"strconv"
	"time"
)

// Firster says whether an ID is seen for the first time, remembering it; the Telegram bot's
// in-process update dedupe is one.
type Firster interface {
	First(id int64) bool
}

// Seen is update dedupe every replica shares: a webhook delivery retried to another replica,
// or delivered to two, is handled once.
type Seen struct {
	store    *Store
	name     string
	ttl      time.Duration
	fallback Firster
}

// Seen returns the shared dedupe called name, remembering IDs for ttl; fallback answers
// while Redis is down (and remembers every ID too, so it is warm when needed).
func (s *Store) Seen(name string, ttl time.Duration, fallback Firster) *Seen {
	return &Seen{store: s, name: name, ttl: ttl, fallback: fallback}
}

// First reports whether id is new across the replicas.
func (s *Seen) First(id int64) bool {
	local := s.fallback.First(id)
	if !s.store.up() {
		return local
	}
	ctx, cancel := opContext()
	defer cancel()
	fresh, err := s.store.client.SetNX(ctx, prefix+s.name+":"+strconv.FormatInt(id, 10), 1, s.ttl).Result()
	if err != nil {
		s.store.fellBack("dedupe "+s.name, err)
		return local
	}
	return fresh
}
