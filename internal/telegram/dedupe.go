package telegram

import "sync"

// seenUpdates remembers the most recent update IDs, so an update Telegram delivers twice — a
// webhook retried after a slow 200, a getUpdates offset not yet confirmed — is handled once.
type seenUpdates struct {
	mu   sync.Mutex
	ids  map[int64]bool
	ring []int64 // in arrival order, to forget the oldest
	next int
}

func newSeenUpdates(n int) *seenUpdates {
	return &seenUpdates{ids: make(map[int64]bool, n), ring: make([]int64, 0, n)}
}

// First reports whether id is new, and remembers it.
func (s *seenUpdates) First(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids[id] {
		return false
	}
	if len(s.ring) < cap(s.ring) {
		s.ring = append(s.ring, id)
	} else {
		delete(s.ids, s.ring[s.next])
		s.ring[s.next] = id
		s.next = (s.next + 1) % len(s.ring)
	}
	s.ids[id] = true
	return true
}
