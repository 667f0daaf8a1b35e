package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/search"
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
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(b.cfg.TypingInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				action()
			}
		}
	}()
	return func() { cancel(); wg.Wait() }
}

// ask answers a question, streaming it: drafts in private chats, throttled edits of one
// message in groups; the final message carries footnotes and source buttons.
func (b *Bot) ask(ctx context.Context, msg *models.Message, question string) {
	start := time.Now()
	stopTyping := b.typing(ctx, msg)
	defer stopTyping()
	private := msg.Chat.Type == models.ChatTypePrivate
	hist := b.chats.history(msg.Chat.ID, msg.From.ID)

	var placeholder *models.Message
	if !private {
		placeholder = b.reply(ctx, msg, "正在查找…")
	}
	draftID := strconv.FormatInt(b.draftID.Add(1), 10)
	var text, shown string
	var last time.Time
	update := func(force bool) {
		if time.Since(last) < b.interval(private) && !force {
			return
		}
		draft := renderDraft(text)
		if draft == shown {
			return
		}
		if !b.pace.try(msg.Chat) {
			return // no room now: the next update, or the final answer, carries the text
		}
		last, shown = time.Now(), draft
		if private {
			// Best effort: a draft that fails (or is rate limited) is replaced by the next one.
			b.api.SendMessageDraft(ctx, &bot.SendMessageDraftParams{ChatID: msg.Chat.ID, MessageThreadID: msg.MessageThreadID,
				DraftID: draftID, Text: draft, ParseMode: models.ParseModeHTML})
		} else if placeholder != nil {
			b.api.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: msg.Chat.ID, MessageID: placeholder.ID,
				Text: draft, ParseMode: models.ParseModeHTML})
		}
	}
	a, err := b.engine.AskStream(ctx, answer.Question{Text: question, History: hist}, func(ev answer.Event) {
		switch ev.Kind {
		case answer.EventDelta:
			text += ev.Text
			update(false)
		case answer.EventReset:
			text = ev.Notice + "\n"
			update(true)
		}
	})
	latency := time.Since(start)
	if err != nil {
		outcome := "failed"
		if _, ok := search.QuestionError(err); ok {
			outcome = "invalid"
		} else {
			b.stats.failures.Add(1)
			b.logger.Warn("telegram: ask", "err", err)
		}
		b.finish(ctx, msg, placeholder, []string{userMessage(err)}, nil)
		b.audit.write(auditRecord{Time: time.Now(), Chat: msg.Chat.ID, User: msg.From.ID, Kind: "ask", Outcome: outcome,
			Question: question, LatencyMS: latency.Milliseconds()})
		return
	}
	chunks, kb := renderAnswer(a)
	b.finish(ctx, msg, placeholder, chunks, kb)

	asked := question
	if a.Standalone != "" {
		asked = a.Standalone
	}
	b.chats.remember(msg.Chat.ID, msg.From.ID, answer.Turn{Role: "user", Text: asked}, answer.Turn{Role: "assistant", Text: a.Text})
	b.stats.questions.Add(1)
	b.stats.latencyMS.Add(latency.Milliseconds())
	switch {
	case a.Refused:
		b.stats.refusals.Add(1)
	case a.Mode == answer.ModeLLM:
		b.stats.llm.Add(1)
	default:
		b.stats.extractive.Add(1)
	}
	var ids []string
	for _, c := range a.Citations {
		ids = append(ids, c.ID)
	}
	outcome := "answered"
	if a.Refused {
		outcome = "refused"
	}
	b.audit.write(auditRecord{Time: time.Now(), Chat: msg.Chat.ID, User: msg.From.ID, Kind: "ask", Outcome: outcome,
		Question: question, Passages: ids, Mode: a.Mode, Refused: a.Refused, LatencyMS: latency.Milliseconds()})
}

func (b *Bot) interval(private bool) time.Duration {
	if private {
		return b.cfg.DraftInterval
	}
	return b.cfg.EditInterval
}

// finish delivers the final messages: the placeholder (groups) becomes the first chunk, the
// rest follow, and the buttons ride on the last.
func (b *Bot) finish(ctx context.Context, msg *models.Message, placeholder *models.Message, chunks []string, kb *keyboard) {
	delivered, placed := true, placeholder == nil
	for i, c := range chunks {
		var markup models.ReplyMarkup
		if i == len(chunks)-1 && kb != nil {
			markup = kb
		}
		if i == 0 && placeholder != nil {
			err := b.pace.wait(ctx, msg.Chat)
			err = cmpOr(err, b.call(ctx, func() error {
				_, err := b.api.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: msg.Chat.ID, MessageID: placeholder.ID,
					Text: c, ParseMode: models.ParseModeHTML, ReplyMarkup: markup})
				return err
			}))
			if err == nil {
				placed = true
				continue
			}
		}
		p := &bot.SendMessageParams{ChatID: msg.Chat.ID, MessageThreadID: msg.MessageThreadID, Text: c,
			ParseMode: models.ParseModeHTML, ReplyMarkup: markup}
		if i == 0 && msg.Chat.Type != models.ChatTypePrivate {
			p.ReplyParameters = &models.ReplyParameters{MessageID: msg.ID, AllowSendingWithoutReply: true}
		}
		delivered = b.send(ctx, p) != nil && delivered
	}
	if delivered && placed {
		return
	}
	b.failed(msg, placeholder, placed, delivered)
}

// failedNotice is what a user reads when the answer could not be delivered in time.
const failedNotice = "抱歉，回答没能完整送达（Telegram 暂时无法接收），请稍后再问一次。"

// failed cleans up after an answer that did not get through by its deadline, with a context
// of its own (the answer's has run out): the placeholder is not left saying "正在查找…", and
// the user is told plainly when part of the answer is missing.
func (b *Bot) failed(msg *models.Message, placeholder *models.Message, placed, delivered bool) {
	ctx, cancel := context.WithTimeout(b.life, 15*time.Second)
	defer cancel()
	if !placed {
		if delivered {
			// The answer went out as new messages: the placeholder only goes.
			b.call(ctx, func() error {
				_, err := b.api.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: msg.Chat.ID, MessageID: placeholder.ID})
				return err
			})
			return
		}
		err := b.call(ctx, func() error {
			_, err := b.api.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: msg.Chat.ID, MessageID: placeholder.ID, Text: failedNotice})
			return err
		})
		if err == nil {
			return
		}
	}
	if !delivered {
		b.logger.Warn("telegram: answer not delivered", "chat", msg.Chat.ID)
		b.send(ctx, &bot.SendMessageParams{ChatID: msg.Chat.ID, MessageThreadID: msg.MessageThreadID, Text: failedNotice})
	}
}

// WebhookHandler receives updates posted by Telegram. A request without the right secret
// gets 401 and is not processed (go-telegram/bot's own handler answers such requests 200).
func (b *Bot) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if b.cfg.WebhookSecret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(b.cfg.WebhookSecret)) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var upd models.Update
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&upd); err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		b.onUpdate(r.Context(), nil, &upd)
		w.WriteHeader(http.StatusOK)
	})
}

func (b *Bot) runWebhook(ctx context.Context) error {
	if b.cfg.WebhookSecret == "" {
		return errors.New("telegram: webhook mode needs a secret token (JINGYAN_TELEGRAM_WEBHOOK_SECRET)")
	}
	ln, err := net.Listen("tcp", b.cfg.WebhookAddr)
	if err != nil {
		return fmt.Errorf("telegram: webhook listen: %w", err)
	}
	if _, err := b.api.SetWebhook(ctx, &bot.SetWebhookParams{URL: b.cfg.WebhookURL, SecretToken: b.cfg.WebhookSecret,
		AllowedUpdates: []string{"message", "callback_query"}}); err != nil {
		ln.Close()
		return fmt.Errorf("telegram: setWebhook: %s", b.redact(err))
	}
	srv := &http.Server{Handler: b.WebhookHandler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second}
	b.logger.Info("telegram: webhook", "bot", b.me.Username, "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
