package telegram

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// call runs one Bot API call, retrying what may pass on a second try — 429 (after its
// retry_after), 5xx, a reset connection, a reply that is not JSON, a timeout — with growing
// pauses, for as long as ctx (the answer's deadline) allows. What the Bot API refuses for
// good (bad request, forbidden, not found) is not retried.
func (b *Bot) call(ctx context.Context, f func() error) error {
	pause := b.cfg.RetryBase
	for attempt := 0; ; attempt++ {
		err := f()
		if err == nil {
			return nil
		}
		wait, retry := retryWait(err, pause)
		if !retry || attempt >= b.cfg.MaxRetries {
			b.logger.Warn("telegram: send failed", "err", b.redact(err), "attempts", attempt+1)
			return err
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			b.logger.Warn("telegram: send failed, no time left to retry", "err", b.redact(err), "wait", wait)
			return err
		}
		b.logger.Info("telegram: send failed, retrying", "err", b.redact(err), "wait", wait)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
		pause = min(2*pause, 8*time.Second)
	}
}

// retryWait says whether a failed call may be tried again, and after how long.
func retryWait(err error, pause time.Duration) (time.Duration, bool) {
	var tooMany *bot.TooManyRequestsError
	switch {
	case errors.As(err, &tooMany):
		return time.Duration(max(tooMany.RetryAfter, 1)) * time.Second, true
	case errors.Is(err, bot.ErrorBadRequest), errors.Is(err, bot.ErrorForbidden), errors.Is(err, bot.ErrorUnauthorized),
		errors.Is(err, bot.ErrorNotFound), errors.Is(err, bot.ErrorConflict), errors.Is(err, context.Canceled):
		return 0, false
	}
	return pause, true
}

// chatOf is the chat a send goes to, as the pacer counts it: negative IDs are groups.
func chatOf(id any) models.Chat {
	var n int64
	switch v := id.(type) {
	case int64:
		n = v
	case int:
		n = int64(v)
	}
	if n < 0 {
		return models.Chat{ID: n, Type: models.ChatTypeGroup}
	}
	return models.Chat{ID: n, Type: models.ChatTypePrivate}
}

// cmpOr returns the first non-nil error.
func cmpOr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// send sends a message, retrying as call does; nil when it did not get through.
func (b *Bot) send(ctx context.Context, p *bot.SendMessageParams) *models.Message {
	if err := b.pace.wait(ctx, chatOf(p.ChatID)); err != nil {
		return nil
	}
	var m *models.Message
	err := b.call(ctx, func() error {
		var err error
		m, err = b.api.SendMessage(ctx, p)
		return err
	})
	if err != nil {
		return nil // the client returns an empty message with its error
	}
	return m
}

// reply sends HTML text to the message's chat (and topic), as a reply in groups.
func (b *Bot) reply(ctx context.Context, msg *models.Message, html string) *models.Message {
	p := &bot.SendMessageParams{ChatID: msg.Chat.ID, MessageThreadID: msg.MessageThreadID, Text: html, ParseMode: models.ParseModeHTML}
	if msg.Chat.Type != models.ChatTypePrivate {
		p.ReplyParameters = &models.ReplyParameters{MessageID: msg.ID, AllowSendingWithoutReply: true}
	}
	return b.send(ctx, p)
}

// typing keeps the "typing…" action showing until stop is called.
func (b *Bot) typing(ctx context.Context, msg *models.Message) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	action := func() {
		b.api.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: msg.Chat.ID, MessageThreadID: msg.MessageThreadID, Action: models.ChatActionTyping})
	}
	action() // at once, so even a quick answer is announced
	stopTicking := every(b.cfg.TypingInterval, action)
	return func() { cancel(); stopTicking() }
}

// every calls f every d until stop is called; stop returns once f is no longer running.
func every(d time.Duration, f func()) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				f()
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
