package telegram

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// A question that waits behind others in its chat is acknowledged at once, so the asker
// knows it was taken: a 👀 reaction on their message, or — where the chat refuses reactions —
// a short reply, which the answer then replaces.

// acks are the acknowledgements under way or sent, by question.
type acks struct {
	mu sync.Mutex
	m  map[string]*ack
}

type ack struct {
	done chan struct{}
	msg  *models.Message // the reply the answer replaces; nil for a reaction or nothing
}

func newAcks() *acks { return &acks{m: make(map[string]*ack)} }

func ackKey(msg *models.Message) string { return string(journalKey(msg)) }

// expect registers a question whose acknowledgement may follow.
func (a *acks) expect(msg *models.Message) *ack {
	k := &ack{done: make(chan struct{})}
	a.mu.Lock()
	a.m[ackKey(msg)] = k
	a.mu.Unlock()
	return k
}

// drop forgets a question that was not queued.
func (a *acks) drop(msg *models.Message) {
	a.mu.Lock()
	delete(a.m, ackKey(msg))
	a.mu.Unlock()
}

// take returns the reply that acknowledged msg, once its sending is over (or ctx ends), and
// forgets it: the answer is written into it.
func (a *acks) take(ctx context.Context, msg *models.Message) *models.Message {
	a.mu.Lock()
	k := a.m[ackKey(msg)]
	delete(a.m, ackKey(msg))
	a.mu.Unlock()
	if k == nil {
		return nil
	}
	select {
	case <-k.done:
		return k.msg
	case <-ctx.Done():
		return nil
	}
}

// queuedReaction is what a waiting question carries: an emoji every chat allows.
const queuedReaction = "👀"

// react marks a waiting question with the queued reaction, best effort.
func (b *Bot) react(msg *models.Message) {
	b.jobs.Add(1)
	go func() {
		defer b.jobs.Done()
		ctx, cancel := context.WithTimeout(b.life, 30*time.Second)
		defer cancel()
		if err := b.setReaction(ctx, msg); err != nil {
			b.logger.Debug("telegram: reaction refused", "err", b.redact(err))
		}
	}()
}

func (b *Bot) setReaction(ctx context.Context, msg *models.Message) error {
	_, err := b.api.SetMessageReaction(ctx, &bot.SetMessageReactionParams{ChatID: msg.Chat.ID, MessageID: msg.ID,
		Reaction: []models.ReactionType{{Type: models.ReactionTypeTypeEmoji, ReactionTypeEmoji: &models.ReactionTypeEmoji{Emoji: queuedReaction}}}})
	return err
}

// showQueued acknowledges a question with ahead questions before it in its chat; one first
// in line needs none, since its answer follows at once.
func (b *Bot) showQueued(msg *models.Message, ahead int, k *ack) {
	if ahead == 0 {
		close(k.done)
		return
	}
	b.jobs.Add(1)
	go func() {
		defer b.jobs.Done()
		defer close(k.done)
		ctx, cancel := context.WithTimeout(b.life, 30*time.Second)
		defer cancel()
		err := b.setReaction(ctx, msg)
		if err == nil {
			return
		}
		b.logger.Debug("telegram: reaction refused, acknowledging with a reply", "err", b.redact(err))
		k.msg = b.reply(ctx, msg, fmt.Sprintf("已收到，前面还有 %d 个问题，轮到时在这里回答。", ahead))
		if k.msg != nil {
			b.journal.shown(msg, k.msg.ID)
		}
	}()
}
