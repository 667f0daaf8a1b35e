package telegram

import (
	"sync"
	"time"

	"github.com/jingyan/jingyan/internal/answer"
)

// chats keeps, per chat, the questions waiting their turn (one answered at a time, in order)
// and the recent conversation for follow-ups. Idle chats are forgotten after ttl and at most
// max are kept, so memory stays bounded however many chats write.
type chats struct {
	mu        sync.Mutex
	m         map[int64]*chat
	ttl       time.Duration
	max       int
	maxTurns  int
	maxQueue  int
	lastSweep time.Time
}

type chat struct {
	pending []func()
	running bool
	turns   []answer.Turn
	touched time.Time
}

func newChats(ttl time.Duration, max, maxTurns, maxQueue int) *chats {
	return &chats{m: make(map[int64]*chat), ttl: ttl, max: max, maxTurns: maxTurns, maxQueue: maxQueue, lastSweep: time.Now()}
}

func (cs *chats) get(id int64, now time.Time) *chat {
	c := cs.m[id]
	if c == nil {
		c = &chat{}
		cs.m[id] = c
	}
	c.touched = now
	return c
}

// enqueue runs job after the chat's earlier jobs; false when too many are waiting already.
func (cs *chats) enqueue(id int64, job func()) bool {
	now := time.Now()
	cs.mu.Lock()
	cs.sweep(now)
	c := cs.get(id, now)
	if len(c.pending) >= cs.maxQueue {
		cs.mu.Unlock()
		return false
	}
	c.pending = append(c.pending, job)
	start := !c.running
	c.running = true
	cs.mu.Unlock()
	if start {
		go cs.work(id)
	}
	return true
}

func (cs *chats) work(id int64) {
	for {
		cs.mu.Lock()
		c := cs.m[id]
		if len(c.pending) == 0 {
			c.running = false
			c.touched = time.Now()
			cs.mu.Unlock()
			return
		}
		job := c.pending[0]
		c.pending = c.pending[1:]
		cs.mu.Unlock()
		job()
	}
}

// history returns the chat's recent turns, or nil once they expired.
func (cs *chats) history(id int64) []answer.Turn {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c := cs.m[id]
	if c == nil || time.Since(c.touched) > cs.ttl && !c.running {
		return nil
	}
	return append([]answer.Turn(nil), c.turns...)
}

func (cs *chats) remember(id int64, turns ...answer.Turn) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c := cs.get(id, time.Now())
	c.turns = append(c.turns, turns...)
	if len(c.turns) > cs.maxTurns {
		c.turns = append([]answer.Turn(nil), c.turns[len(c.turns)-cs.maxTurns:]...)
	}
}

func (cs *chats) forget(id int64) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if c := cs.m[id]; c != nil {
		c.turns = nil
	}
}

// sweep drops idle chats past ttl, and the longest idle ones beyond max. Called with mu held.
func (cs *chats) sweep(now time.Time) {
	if now.Sub(cs.lastSweep) < time.Minute && len(cs.m) < cs.max {
		return
	}
	cs.lastSweep = now
	for id, c := range cs.m {
		if !c.running && len(c.pending) == 0 && now.Sub(c.touched) > cs.ttl {
			delete(cs.m, id)
		}
	}
	for len(cs.m) >= cs.max {
		var oldest int64
		var when time.Time
		found := false
		for id, c := range cs.m {
			if !c.running && len(c.pending) == 0 && (!found || c.touched.Before(when)) {
				oldest, when, found = id, c.touched, true
			}
		}
		if !found {
			return
		}
		delete(cs.m, oldest)
	}
}

func (cs *chats) len() int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return len(cs.m)
}
