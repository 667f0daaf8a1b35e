package telegram

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/jingyan/jingyan/internal/corpus"
)

// Receiving: which updates are for the bot, who may ask, and what each becomes.

func (b *Bot) onUpdate(ctx context.Context, _ *bot.Bot, upd *models.Update) {
	if upd.ID != 0 && !b.seen.First(upd.ID) {
		b.logger.Info("telegram: update delivered again, ignored", "update_id", upd.ID)
		return
	}
	switch {
	case upd.Message != nil:
		b.onMessage(upd.Message)
	case upd.EditedMessage != nil:
		// An edited question is a new question: the answer to what it said before stays.
		b.onMessage(upd.EditedMessage)
	case upd.CallbackQuery != nil:
		b.onCallback(upd.CallbackQuery)
	}
}

// isAllowed: in a private chat the user must be allowed; in a group the group itself must
// be, since every member reads the answers — unless UsersAnywhere lets allowed users ask in
// any group.
func (b *Bot) isAllowed(user int64, chat models.Chat) bool {
	if b.allowAll || b.allowed[chat.ID] {
		return true
	}
	return b.allowed[user] && (chat.Type == models.ChatTypePrivate || b.cfg.UsersAnywhere)
}

// onMessage handles a message as it arrives.
func (b *Bot) onMessage(msg *models.Message) { b.handleMessage(msg, false) }

// handleMessage decides whether a message is for us and queues the work for its chat; replay
// is set for questions a previous run journaled and did not answer.
func (b *Bot) handleMessage(msg *models.Message, replay bool) {
	if msg.From == nil || msg.From.IsBot {
		return
	}
	if b.addedMe(msg) && !b.isAllowed(msg.From.ID, msg.Chat) {
		b.groupNotEnabled(msg) // added to a group nobody enabled: say so now, not at the first question
		return
	}
	private := msg.Chat.Type == models.ChatTypePrivate
	text, entities := msg.Text, msg.Entities
	if text == "" {
		text, entities = msg.Caption, msg.CaptionEntities // a question written under a photo or file
	}
	text = strings.TrimSpace(text)
	cmd, isCmd := parseCommand(text, b.me.Username)
	if !private && !isCmd {
		stripped, mentioned := stripMentions(text, entities, b.me.Username)
		// In forum topics every message replies to the topic's first message: not to us.
		reply := msg.ReplyToMessage
		repliedToUs := reply != nil && reply.ForumTopicCreated == nil && reply.From != nil && reply.From.ID == b.me.ID
		if !mentioned && !repliedToUs {
			return
		}
		text = stripped
	}
	if !b.isAllowed(msg.From.ID, msg.Chat) {
		b.deny(msg)
		return
	}
	if text == "" && !isCmd {
		b.enqueue(msg, func(ctx context.Context) {
			b.reply(ctx, msg, "请发送文字问题，例如：警地融合是怎么运作的？")
		})
		return
	}
	if wait, ok := b.users.Allow(strconv.FormatInt(msg.From.ID, 10)); !ok {
		b.audit.write(auditRecord{Time: time.Now(), Chat: msg.Chat.ID, User: msg.From.ID, Kind: "ask", Outcome: "rate_limited", Question: text})
		b.enqueue(msg, func(ctx context.Context) {
			b.reply(ctx, msg, fmt.Sprintf("提问太频繁，请 %d 秒后再试。", int(wait.Seconds())+1))
		})
		return
	}
	if !isCmd {
		cmd = command{name: "ask", args: text}
	}
	if cmd.name == "ask" && foreign(cmd.args) {
		b.enqueue(msg, func(ctx context.Context) {
			b.reply(ctx, msg, "请用中文提问，例如：警地融合是怎么运作的？（收录的材料都是中文的。）")
		})
		return
	}
	if b.queue != nil && b.putShared(msg, cmd, replay) {
		if replay { // journaled here while the shared queue was down; it is there now
			b.journal.done(journalKey(msg))
		}
		return
	}
	key, fresh := b.journal.put(msg)
	if !fresh && !replay {
		b.logger.Info("telegram: question delivered again, already journaled or answered", "chat", msg.Chat.ID)
		return
	}
	ack := b.acks.expect(msg)
	ahead, ok := b.enqueue(msg, func(ctx context.Context) {
		b.runCommand(ctx, msg, cmd, b.acks.take(ctx, msg))
		if b.life.Err() == nil { // stopped mid-answer: it stays journaled for the next run
			b.journal.done(key)
		}
	})
	if !ok {
		b.acks.drop(msg)
		b.journal.done(key) // turned away, and told so: nothing left to answer
		return
	}
	if cmd.name != "ask" {
		ahead = 0 // a command's reply is quick: no acknowledgement to replace
	}
	if id := b.journal.shownFor(msg); replay && id != 0 {
		// Shown before the restart ("正在查找…", "已收到…"): the answer replaces it.
		ack.msg, ahead = &models.Message{ID: id, Chat: msg.Chat}, 0
	}
	b.showQueued(msg, ahead, ack)
}

// addedMe reports a message that adds the bot to its chat.
func (b *Bot) addedMe(msg *models.Message) bool {
	for _, u := range msg.NewChatMembers {
		if u.ID == b.me.ID {
			return true
		}
	}
	return false
}

// foreign reports a question with letters but no Chinese: the collection is Chinese, and a
// search in another language finds nothing to say so with.
func foreign(q string) bool {
	letters := false
	for _, r := range q {
		if unicode.Is(unicode.Han, r) {
			return false
		}
		letters = letters || unicode.IsLetter(r)
	}
	return letters
}

// deny answers a stranger once, with the IDs an admin needs, and nothing from the corpus. In a
// group the group is what must be enabled: it says so once, and the admins hear of it.
func (b *Bot) deny(msg *models.Message) {
	b.stats.denied.Add(1)
	b.audit.write(auditRecord{Time: time.Now(), Chat: msg.Chat.ID, User: msg.From.ID, Kind: "denied", Outcome: "denied"})
	if msg.Chat.Type != models.ChatTypePrivate {
		b.groupNotEnabled(msg)
		return
	}
	if !b.firstRefusal(fmt.Sprintf("%d:%d", msg.From.ID, msg.Chat.ID)) {
		return
	}
	b.enqueue(msg, func(ctx context.Context) {
		b.reply(ctx, msg, fmt.Sprintf("抱歉，你还没有使用权限。请把下面的编号发给管理员开通：\n用户 ID：<code>%d</code>", msg.From.ID))
	})
}

// groupNotEnabled tells an unlisted group, once, that it is not enabled and its ID, and tells
// the admins which group asked.
func (b *Bot) groupNotEnabled(msg *models.Message) {
	if !b.firstRefusal(fmt.Sprintf("group:%d", msg.Chat.ID)) {
		return
	}
	b.enqueue(msg, func(ctx context.Context) {
		b.reply(ctx, msg, fmt.Sprintf("这个群还没有开通经验问答。请管理员把群 ID <code>%d</code> 加入 JINGYAN_TELEGRAM_ALLOW 后重启机器人。", msg.Chat.ID))
		for admin := range b.admins {
			b.send(ctx, &bot.SendMessageParams{ChatID: admin, ParseMode: models.ParseModeHTML,
				Text: fmt.Sprintf("群“%s”（ID <code>%d</code>）里有人找我，但这个群没有开通。要开通，把这个 ID 加入 JINGYAN_TELEGRAM_ALLOW 后重启。", esc(msg.Chat.Title), msg.Chat.ID)})
		}
	})
}

// onCallback answers a source button at once, outside the chat's question queue (a spinner
// must never wait behind questions), within the user's rate limit. A button on an inline
// message has no chat to post to: the passage is shown in the callback's alert.
func (b *Bot) onCallback(cq *models.CallbackQuery) {
	answer := func(text string, alert bool) {
		b.jobs.Add(1)
		go func() {
			defer b.jobs.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			b.call(ctx, func() error {
				_, err := b.api.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: cq.ID, Text: text, ShowAlert: alert})
				return err
			})
		}()
	}
	msg := cq.Message.Message
	if msg == nil && cq.Message.InaccessibleMessage != nil {
		// Too old for the bot to read, but its chat is still where the passage goes.
		im := cq.Message.InaccessibleMessage
		msg = &models.Message{ID: im.MessageID, Chat: im.Chat}
	}
	if msg != nil && msg.Chat.ID == 0 {
		msg = nil // no chat: a button on an inline message
	}
	chat := models.Chat{ID: cq.From.ID, Type: models.ChatTypePrivate} // an inline message's reader
	if msg != nil {
		chat = msg.Chat
	}
	if !b.isAllowed(cq.From.ID, chat) {
		answer("没有使用权限", false)
		return
	}
	if _, ok := b.taps.Allow(strconv.FormatInt(cq.From.ID, 10)); !ok {
		answer("操作太频繁，请稍后再试", false)
		return
	}
	id, _ := strings.CutPrefix(cq.Data, callbackPrefix)
	p, found := b.index.Corpus().Passage(id)
	if !found {
		answer("找不到这段原文", false)
		return
	}
	b.audit.write(auditRecord{Time: time.Now(), Chat: chat.ID, User: cq.From.ID, Kind: "src", Outcome: "answered", Passages: []string{id}})
	if msg == nil {
		answer(alertText(p), true)
		return
	}
	// One passage a button a message: the passage replies to the answer whose button was
	// tapped, once; tapping again points to it rather than posting it again.
	if !b.shown.first(fmt.Sprintf("%d:%d:%s", chat.ID, msg.ID, id)) {
		answer("原文已在回答下方", false)
		return
	}
	answer("原文见下方", false)
	text, _ := renderPassage(b.index.Corpus(), id)
	b.jobs.Add(1)
	go func() {
		defer b.jobs.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		b.send(ctx, &bot.SendMessageParams{ChatID: chat.ID, MessageThreadID: msg.MessageThreadID, Text: text, ParseMode: models.ParseModeHTML,
			ReplyParameters: &models.ReplyParameters{MessageID: msg.ID, AllowSendingWithoutReply: true}})
	}()
}

// maxAlert is what a callback alert shows (Telegram allows 200 characters).
const maxAlert = 190

// alertText is a passage as plain text for a callback alert: its provenance, then as much of
// it as fits.
func alertText(p corpus.Passage) string {
	s := []rune(p.Citation() + "：" + p.Text)
	if len(s) > maxAlert {
		return string(s[:maxAlert-1]) + "…"
	}
	return string(s)
}

// maxRefused bounds the strangers remembered; past it the oldest are told again.
const maxRefused = 10000

func (b *Bot) firstRefusal(key string) bool {
	b.refusedMu.Lock()
	defer b.refusedMu.Unlock()
	if _, seen := b.refused[key]; seen {
		return false
	}
	if len(b.refused) >= maxRefused {
		cutoff := time.Now().Add(-time.Hour)
		for k, t := range b.refused {
			if t.Before(cutoff) {
				delete(b.refused, k)
			}
		}
		if len(b.refused) >= maxRefused {
			clear(b.refused)
		}
	}
	b.refused[key] = time.Now()
	return true
}
