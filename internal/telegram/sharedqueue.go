package telegram

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"
)

// With several replicas (Share sets Queue), accepted questions wait in a per-chat list every
// replica shares instead of the replica's own journal and queue: whichever replica holds a
// chat's lease answers its questions in order, and when a replica dies its lease runs out and
// another replica's sweep takes the chat over. While the shared queue is unreachable a replica
// falls back on its own journal and queue.

// Queue is the per-chat question list every replica shares.
type Queue interface {
	// Put adds a question and says how many are ahead of it; fresh is false for one accepted
	// before (a redelivery), full when max are listed already.
	Put(chat int64, id string, payload []byte, max int) (ahead int, fresh, full bool, err error)
	// Claim takes the chat's lease if no replica holds it.
	Claim(chat int64) (Lease, bool, error)
	// Pending lists the chats with questions waiting.
	Pending() ([]int64, error)
}

// Lease is one replica's turn at a chat.
type Lease interface {
	Head() ([]byte, bool, error) // the oldest waiting question
	Done() error                 // it was answered: remove it
	Renew() error                // still answering
	Release() (bool, error)      // end the turn if nothing waits; false: more came in
	Abandon()                    // stopping: let another replica take the chat at once
}

// NewQueue adapts a store whose Claim returns its own lease type (Go has no covariant
// results) to Queue.
func NewQueue[L Lease](q interface {
	Put(chat int64, id string, payload []byte, max int) (ahead int, fresh, full bool, err error)
	Claim(chat int64) (L, bool, error)
	Pending() ([]int64, error)
}) Queue {
	return queueOf[L]{q}
}

type queueOf[L Lease] struct {
	q interface {
		Put(chat int64, id string, payload []byte, max int) (ahead int, fresh, full bool, err error)
		Claim(chat int64) (L, bool, error)
		Pending() ([]int64, error)
	}
}

func (a queueOf[L]) Put(chat int64, id string, payload []byte, max int) (int, bool, bool, error) {
	return a.q.Put(chat, id, payload, max)
}

func (a queueOf[L]) Claim(chat int64) (Lease, bool, error) {
	l, ok, err := a.q.Claim(chat)
	if err != nil || !ok {
		return nil, false, err
	}
	return l, true, nil
}

func (a queueOf[L]) Pending() ([]int64, error) { return a.q.Pending() }

// queued is a question as it waits in the shared list.
type queued struct {
	Msg  *models.Message `json:"msg"`
	Name string          `json:"cmd"`
	Args string          `json:"args"`
}

// sweepEvery is how often a replica looks for chats whose questions nobody is answering: a
// dead replica's, once its lease has run out.
const sweepEvery = 2 * time.Second

// putShared queues a question in the shared list; ok is false when the shared queue could
// not be reached and the caller should use the replica's own.
func (b *Bot) putShared(msg *models.Message, cmd command, replay bool) (ok bool) {
	payload, err := json.Marshal(queued{Msg: msg, Name: cmd.name, Args: cmd.args})
	if err != nil {
		return false
	}
	var ahead int
	var fresh, full bool
	err = b.retryShared(func() error {
		var err error
		ahead, fresh, full, err = b.queue.Put(msg.Chat.ID, questionID(msg), payload, b.cfg.QueuePerChat)
		return err
	})
	switch {
	case err != nil:
		b.logger.Warn("telegram: shared queue unreachable; answering from this replica's own", "err", err)
		return false
	case full:
		b.tellFull(msg)
	case !fresh && !replay:
		b.logger.Info("telegram: question delivered again, already queued or answered", "chat", msg.Chat.ID)
	default:
		if cmd.name == "ask" && ahead > 0 {
			// Another replica may answer it: only a reaction, which needs no replacing.
			b.react(msg)
		}
		b.kick(msg.Chat.ID)
	}
	return true
}

// questionID tells a chat's questions apart: an edited message is a question of its own.
func questionID(msg *models.Message) string {
	id := strconv.Itoa(msg.ID)
	if msg.EditDate != 0 {
		id += ":" + strconv.Itoa(msg.EditDate)
	}
	return id
}

// kick starts answering chat's shared list here, unless a replica already is.
func (b *Bot) kick(chat int64) {
	lease, ok, err := b.queue.Claim(chat)
	if err != nil || !ok {
		return
	}
	b.jobs.Add(1)
	go func() {
		defer b.jobs.Done()
		b.work(lease)
	}()
}

// work answers a chat's questions oldest first while it holds the lease.
func (b *Bot) work(l Lease) {
	for b.life.Err() == nil {
		var payload []byte
		var ok bool
		err := b.retryShared(func() error {
			var err error
			payload, ok, err = l.Head()
			return err
		})
		if err != nil {
			b.logger.Warn("telegram: shared queue", "err", err)
			return // the lease runs out; a sweep takes the chat up again
		}
		if !ok {
			if released, err := l.Release(); released || err != nil {
				return
			}
			continue
		}
		var q queued
		if json.Unmarshal(payload, &q) == nil && q.Msg != nil {
			b.answerLeased(l, q)
		}
		if b.life.Err() != nil {
			l.Abandon() // stopping mid-answer: the question stays for another replica
			return
		}
		if err := b.markDone(l); err != nil {
			b.logger.Warn("telegram: shared queue: could not mark answered", "err", err)
			return
		}
	}
}

// markDone removes the answered question, retrying while Redis is briefly away (a restart):
// left in the list, it would be answered again once the lease ran out.
func (b *Bot) markDone(l Lease) error { return b.retryShared(l.Done) }

// sharedWait is how long an operation on the shared queue is retried before the replica
// gives up on it: long enough to ride out a Redis restart, which would otherwise send new
// questions to the replica's own queue ahead of older ones waiting in Redis. A restart on a
// busy machine, its append-only file fsynced at every write, took longer than the 5 s this
// once was (a CI run of the replica flood lost a question's place to it).
const sharedWait = 15 * time.Second

// retryShared runs op, retrying within sharedWait of when the shared queue first failed: in a
// long outage only the first questions wait, the rest go to the replica's own queue at once.
func (b *Bot) retryShared(op func() error) error {
	for {
		err := op()
		if err == nil {
			b.sharedDown.Store(0)
			return nil
		}
		now := time.Now().UnixNano()
		b.sharedDown.CompareAndSwap(0, now)
		if now-b.sharedDown.Load() > int64(sharedWait) {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// answerLeased answers one question, renewing the lease while it is written.
func (b *Bot) answerLeased(l Lease, q queued) {
	stopRenewing := every(leaseRenew, func() { l.Renew() })
	defer stopRenewing()
	b.slots <- struct{}{}
	defer func() { <-b.slots }()
	ctx, cancel := context.WithTimeout(b.life, 2*time.Minute)
	defer cancel()
	b.runCommand(ctx, q.Msg, command{name: q.Name, args: q.Args}, nil)
}

// leaseRenew is how often a lease is renewed while a question is answered; leases last
// three times as long (SharedLease).
const leaseRenew = 5 * time.Second

// SharedLease is how long a chat's lease lasts unrenewed: how soon a dead replica's chats are
// taken over.
const SharedLease = 3 * leaseRenew

// sweep takes up chats whose questions nobody is answering, until ctx ends.
func (b *Bot) sweep(ctx context.Context) {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		chats, err := b.queue.Pending()
		if err != nil {
			continue
		}
		for _, c := range chats {
			b.kick(c)
		}
	}
}
