package telegram

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/jingyan/jingyan/internal/answer"
)

// chats keeps, per chat, the questions waiting their turn (one answered at a time, in order)
// and, per user within it, the recent conversation for follow-ups: in a group, "那河南呢?"
// follows the asker's own last question, not another member's. Idle chats are forgotten after ttl and at most
// max are kept, so memory stays bounded however many chats write.
type chats struct {
	mu        sync.Mutex
	m         map[int64]*chat
	ttl       time.Duration
	max       int
	maxQueue  int
	lastSweep time.Time
}

type chat struct {
	pending []func()
	running bool                           // a worker serves the chat
	busy    bool                           // and is answering one of its questions
	convs   map[int64]*answer.Conversation // by user
	touched time.Time
}

// maxUsersPerChat bounds the conversations a group keeps; past it the chat starts afresh.
const maxUsersPerChat = 200

func newChats(ttl time.Duration, max, maxQueue int) *chats {
	return &chats{m: make(map[int64]*chat), ttl: ttl, max: max, maxQueue: maxQueue, lastSweep: time.Now()}
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

// enqueue runs job after the chat's earlier jobs, and says how many are ahead of it (waiting
// or being answered); false when the chat already has maxQueue.
func (cs *chats) enqueue(id int64, job func()) (ahead int, ok bool) {
	now := time.Now()
	cs.mu.Lock()
	cs.sweep(now)
	c := cs.get(id, now)
	ahead = len(c.pending)
	if c.busy {
		ahead++
	}
	if ahead >= cs.maxQueue {
		cs.mu.Unlock()
		return 0, false
	}
	c.pending = append(c.pending, job)
	start := !c.running
	c.running = true
	cs.mu.Unlock()
	if start {
		go cs.work(id)
	}
	return ahead, true
}

func (cs *chats) work(id int64) {
	for {
		cs.mu.Lock()
		c := cs.m[id]
		if len(c.pending) == 0 {
			c.running = false
			c.touched = time.Now()
			cs.sweep(c.touched)
			cs.mu.Unlock()
			return
		}
		job := c.pending[0]
		c.pending = c.pending[1:]
		c.busy = true
		cs.mu.Unlock()
		job()
		cs.mu.Lock()
		c.busy = false
		cs.mu.Unlock()
	}
}

// History returns a user's recent turns in the chat, or nil once they expired.
func (cs *chats) History(id, user int64) []answer.Turn {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c := cs.m[id]
	if c == nil || time.Since(c.touched) > cs.ttl && !c.running || c.convs[user] == nil {
		return nil
	}
	return c.convs[user].History()
}

// Remember adds an answered question to the user's conversation in the chat.
func (cs *chats) Remember(id, user int64, question string, a answer.Answer) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c := cs.get(id, time.Now())
	if c.convs == nil || len(c.convs) >= maxUsersPerChat && c.convs[user] == nil {
		c.convs = make(map[int64]*answer.Conversation)
	}
	if c.convs[user] == nil {
		c.convs[user] = &answer.Conversation{}
	}
	c.convs[user].Add(question, a)
}

// Forget drops a user's conversation in the chat (/new).
func (cs *chats) Forget(id, user int64) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if c := cs.m[id]; c != nil {
		delete(c.convs, user)
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
	if len(cs.m) < cs.max {
		return
	}
	// Over the limit: forget the longest idle chats, down to nine tenths of it.
	var idle []int64
	for id, c := range cs.m {
		if !c.running && len(c.pending) == 0 {
			idle = append(idle, id)
		}
	}
	sort.Slice(idle, func(i, j int) bool { return cs.m[idle[i]].touched.Before(cs.m[idle[j]].touched) })
	for _, id := range idle {
		if len(cs.m) < cs.max*9/10 {
			break
		}
		delete(cs.m, id)
	}
}

func (cs *chats) len() int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return len(cs.m)
}

// enqueue runs job in the message's chat after the chat's earlier jobs, with a bounded number
// of chats served at once, and says how many questions are ahead of it; false when the chat's
// queue is full and the user was told so.
func (b *Bot) enqueue(msg *models.Message, job func(ctx context.Context)) (ahead int, ok bool) {
	b.jobs.Add(1)
	ahead, ok = b.chats.enqueue(msg.Chat.ID, func() {
		defer b.jobs.Done()
		b.slots <- struct{}{}
		defer func() { <-b.slots }()
		ctx, cancel := context.WithTimeout(b.life, 2*time.Minute)
		defer cancel()
		job(ctx)
	})
	if !ok {
		b.jobs.Done()
		b.tellFull(msg)
	}
	return ahead, ok
}

// tellFull tells the asker that the chat's queue is full, and what to do.
func (b *Bot) tellFull(msg *models.Message) {
	b.jobs.Add(1)
	go func() {
		defer b.jobs.Done()
		ctx, cancel := context.WithTimeout(b.life, time.Minute)
		defer cancel()
		b.reply(ctx, msg, fmt.Sprintf("这个会话已有 %d 个问题在排队，这一条没有收下。请等前面的回答发出后再问。", b.cfg.QueuePerChat))
	}()
}
