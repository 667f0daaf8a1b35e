package telegram

import (
	"context"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/search"
)

// The answer flow: a question asked of the engine, streamed as drafts or edits, delivered.

// ask answers a question. An answer ready within SlowAfter goes out at once as the final
// message; a slower one (an LLM writing) is shown as it streams — drafts in private chats,
// paced edits of one message in groups — and the final message carries footnotes and source
// buttons. ack, when set, is the reply that acknowledged the waiting question: the answer
// replaces it.
func (b *Bot) ask(ctx context.Context, msg *models.Message, question string, ack *models.Message) {
	start := time.Now()
	stopTyping := b.typing(ctx, msg)
	defer stopTyping()
	hist := b.memory.History(msg.Chat.ID, b.owners.of(msg, b.me.ID))
	s := b.newStream(ctx, msg, ack)
	slow := time.AfterFunc(b.cfg.SlowAfter, func() { s.slow() })
	a, err := b.engine.AskStream(ctx, answer.Question{Text: question, History: hist}, func(ev answer.Event) {
		switch ev.Kind {
		case answer.EventDelta:
			s.add(ev.Text, false)
		case answer.EventReset:
			s.add(ev.Notice+"\n", true)
		}
	})
	slow.Stop()
	placeholder := s.done()
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
	b.owners.add(msg.Chat.ID, b.finish(ctx, msg, placeholder, chunks, kb), msg.From.ID)

	b.memory.Remember(msg.Chat.ID, msg.From.ID, question, a)
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
// rest follow, and the buttons ride on the last. It returns the IDs of the messages that hold
// the answer.
func (b *Bot) finish(ctx context.Context, msg *models.Message, placeholder *models.Message, chunks []string, kb *keyboard) (ids []int) {
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
				ids = append(ids, placeholder.ID)
				continue
			}
		}
		p := &bot.SendMessageParams{ChatID: msg.Chat.ID, MessageThreadID: msg.MessageThreadID, Text: c,
			ParseMode: models.ParseModeHTML, ReplyMarkup: markup}
		if i == 0 && msg.Chat.Type != models.ChatTypePrivate {
			p.ReplyParameters = &models.ReplyParameters{MessageID: msg.ID, AllowSendingWithoutReply: true}
		}
		m := b.send(ctx, p)
		if m != nil {
			ids = append(ids, m.ID)
		}
		delivered = m != nil && delivered
	}
	if delivered && placed {
		return ids
	}
	b.failed(msg, placeholder, placed, delivered)
	return ids
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
