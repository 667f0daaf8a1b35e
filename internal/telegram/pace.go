package telegram

import (
	"context"
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"
	"golang.org/x/time/rate"

	"github.com/jingyan/jingyan/internal/ratelimit"
)

// pacer keeps sends under Telegram's limits — about 30 messages a second overall, one a second
// in a chat, 20 a minute in a group — so a flood is answered late rather than refused with 429s.
// Final answers wait their turn; streaming edits, drafts and "typing" only go when there is room,
// since the next one (or the final answer) carries the newer text anyway.
type pacer struct {
	all     *rate.Limiter
	private *ratelimit.Keyed
	group   *ratelimit.Keyed
}

func newPacer(c Config) *pacer {
	// Small bursts: Telegram counts messages over any second (or minute), so a full bucket
	// spent at once on top of the steady rate would break the limit the rate keeps.
	return &pacer{
		all:     rate.NewLimiter(rate.Limit(c.PaceOverall), max(1, int(c.PaceOverall/10))),
		private: ratelimit.New(rate.Limit(c.PacePrivate), 1, 10*time.Minute),
		group:   ratelimit.New(rate.Limit(c.PaceGroup), 1, 10*time.Minute),
	}
}

func (p *pacer) chatBucket(chat models.Chat) *ratelimit.Keyed {
	if chat.Type == models.ChatTypePrivate || chat.Type == "" {
		return p.private
	}
	return p.group
}

// wait blocks until chat may be sent to, or ctx ends.
func (p *pacer) wait(ctx context.Context, chat models.Chat) error {
	key := strconv.FormatInt(chat.ID, 10)
	for {
		wait, ok := p.chatBucket(chat).Allow(key)
		if ok {
			break
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return p.all.Wait(ctx)
}

// try takes room for a send that may be skipped; false when there is none now.
func (p *pacer) try(chat models.Chat) bool {
	if p.all.Tokens() < 1 {
		return false
	}
	if _, ok := p.chatBucket(chat).Allow(strconv.FormatInt(chat.ID, 10)); !ok {
		return false
	}
	return p.all.Allow()
}
