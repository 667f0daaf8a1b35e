package redisstate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

// Notices between replicas: one replica says something happened ("the index was rebuilt"),
// the others act on it. Pub/sub is fire-and-forget, which suits notices that only ask the
// listener to re-read shared state: a replica that missed one (Redis down) is no worse off
// than before, and the next reload or restart brings it in step.

// Notify tells the other replicas listening on channel.
func (s *Store) Notify(ctx context.Context, channel string) error {
	return s.client.Publish(ctx, prefix+"notice:"+channel, s.id()).Err()
}

// Listen calls fn for every notice on channel from another replica until ctx ends. go-redis
// resubscribes by itself after Redis comes back.
func (s *Store) Listen(ctx context.Context, channel string, fn func()) {
	ps := s.client.Subscribe(ctx, prefix+"notice:"+channel)
	defer ps.Close()
	ch := ps.Channel()
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-ch:
			if !ok {
				return
			}
			if m.Payload != s.id() {
				fn()
			}
		}
	}
}

// id names this replica in its notices, so it does not act on its own.
func (s *Store) id() string {
	s.idOnce.Do(func() {
		b := make([]byte, 8)
		rand.Read(b)
		s.instance = hex.EncodeToString(b)
	})
	return s.instance
}
