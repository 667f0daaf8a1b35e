package telegram

import (
	"context"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"
	"golang.org/x/time/rate"

	"github.com/jingyan/jingyan/internal/ratelimit"
)

// pacer keeps sends under Telegram's limits — about 30 messages a second overall, one a second
// in a chat, 20 a minute in a group — so a flood is answered late rather than refused with 429s.
// Final answers wait their turn; streaming edits, drafts and "typing" only go when there is room,
// since the next one (or the final answer) carries the newer text anyway.
//
// The overall limit is the bot's, however many replicas send: with Share it is one bucket in
// Redis. A chat's own limits stay per replica, since one replica at a time answers a chat.
type pacer struct {
	all     Limiter // one key, allKey
	private Limiter
	group   Limiter
	// busyUntil is when the overall bucket, last time it said no, has room again (unix ns):
	// until then a skippable send does not ask, nor spend its chat's turn on nothing.
	busyUntil atomic.Int64
}

const allKey = "all"

// PaceBurst is the overall bucket's size. Small bursts: Telegram counts messages over any
// second (or minute), so a full bucket spent at once on top of the steady rate would break
// the limit the rate keeps.
func PaceBurst(c Config) int { return max(1, int(c.PaceOverall/10)) }

func newPacer(c Config) *pacer {
	return &pacer{
		all:     localPace{rate.NewLimiter(rate.Limit(c.PaceOverall), PaceBurst(c))},
		private: ratelimit.New(rate.Limit(c.PacePrivate), 1, 10*time.Minute),
		// A group's minute, spent from its start: a group's first answers go at once, about
		// a second apart, and only a busy minute waits.
		group: ratelimit.NewWindow(max(1, int(c.PaceGroup*60)), time.Minute, time.Duration(float64(time.Second)/c.PacePrivate)),
	}
}

func (p *pacer) chatBucket(chat models.Chat) Limiter {
	if chat.Type == models.ChatTypePrivate || chat.Type == "" {
		return p.private
	}
	return p.group
}

// localPace is the overall bucket of a replica that paces alone. rate.Limiter's
// reservations queue the waiting sends first come, first served, so no send waits long for
// the overall bucket after taking its chat's turn — a long wait there let the chat's next
// send follow too closely (Telegram's 429). A shared bucket is polled instead.
type localPace struct{ *rate.Limiter }

func (l localPace) Allow(string) (time.Duration, bool) {
	now := time.Now()
	r := l.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
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
	if l, ok := p.all.(localPace); ok {
		return l.Wait(ctx)
	}
	for {
		wait, ok := p.all.Allow(allKey)
		if ok {
			return nil
		}
		p.busyUntil.Store(time.Now().Add(wait).UnixNano())
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// try takes room for a send that may be skipped; false when there is none now.
func (p *pacer) try(chat models.Chat) bool {
	if time.Now().UnixNano() < p.busyUntil.Load() {
		return false
	}
	if l, ok := p.all.(localPace); ok && l.Tokens() < 1 {
		return false
	}
	if _, ok := p.chatBucket(chat).Allow(strconv.FormatInt(chat.ID, 10)); !ok {
		return false
	}
	wait, ok := p.all.Allow(allKey)
	if !ok {
		p.busyUntil.Store(time.Now().Add(wait).UnixNano())
	}
	return ok
}
