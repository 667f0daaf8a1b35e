package telegram

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// stream shows an answer while it is written, once it proves slow: before SlowAfter nothing
// is sent (a quick answer goes out whole, as one message); after it, a group gets a
// placeholder that paced edits fill in, a private chat gets drafts. The engine's callbacks and
// the slowness timer both reach it, so it is locked.
type stream struct {
	b       *Bot
	ctx     context.Context
	msg     *models.Message
	private bool
	draftID string

	mu          sync.Mutex
	isSlow      bool
	finished    bool
	placeholder *models.Message
	text, shown string
	last        time.Time
}

func (b *Bot) newStream(ctx context.Context, msg *models.Message, ack *models.Message) *stream {
	return &stream{b: b, ctx: ctx, msg: msg, private: msg.Chat.Type == models.ChatTypePrivate,
		draftID: strconv.FormatInt(b.draftID.Add(1), 10), placeholder: ack}
}

// slow marks the answer as slow: what is written so far is shown, and a group gets its
// placeholder now.
func (s *stream) slow() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.finished {
		return
	}
	s.isSlow = true
	if !s.private && s.placeholder == nil {
		text := "正在查找…"
		if s.text != "" {
			text = renderDraft(s.text)
		}
		s.shown = text
		s.placeholder = s.b.reply(s.ctx, s.msg, text)
		s.last = time.Now()
		if s.placeholder != nil {
			s.b.journal.shown(s.msg, s.placeholder.ID)
		}
		return
	}
	s.update(true)
}

// add appends streamed text (or replaces it, after a reset) and shows it when the answer is
// slow and there is room.
func (s *stream) add(text string, reset bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if reset {
		s.text = text
	} else {
		s.text += text
	}
	if s.isSlow {
		s.update(reset)
	}
}

// update shows the text so far, at most every interval unless forced. Called with mu held.
func (s *stream) update(force bool) {
	if time.Since(s.last) < s.b.interval(s.private) && !force {
		return
	}
	draft := renderDraft(s.text)
	if draft == s.shown || s.text == "" {
		return
	}
	if !s.b.pace.try(s.msg.Chat) {
		return // no room now: the next update, or the final answer, carries the text
	}
	s.last, s.shown = time.Now(), draft
	if s.private {
		// Best effort: a draft that fails (or is rate limited) is replaced by the next one.
		s.b.api.SendMessageDraft(s.ctx, &bot.SendMessageDraftParams{ChatID: s.msg.Chat.ID, MessageThreadID: s.msg.MessageThreadID,
			DraftID: s.draftID, Text: draft, ParseMode: models.ParseModeHTML})
	} else if s.placeholder != nil {
		s.b.api.EditMessageText(s.ctx, &bot.EditMessageTextParams{ChatID: s.msg.Chat.ID, MessageID: s.placeholder.ID,
			Text: draft, ParseMode: models.ParseModeHTML})
	}
}

// done stops showing and returns the message the final answer replaces, if any.
func (s *stream) done() *models.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.finished = true
	return s.placeholder
}
