package telegram

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/jingyan/jingyan/internal/search"
)

// menu is the command menu Telegram shows, set with setMyCommands at start; /stats is for
// admins and stays out of it.
func menu() []models.BotCommand {
	return []models.BotCommand{
		{Command: "ask", Description: "提问，例如 /ask 警地融合是怎么运作的？"},
		{Command: "search", Description: "检索材料原文段落"},
		{Command: "src", Description: "查看某段原文及上下文"},
		{Command: "reports", Description: "目前收录的材料"},
		{Command: "new", Description: "开始新对话"},
		{Command: "help", Description: "使用说明"},
	}
}

// setCommands publishes the menu; a failure only costs the menu, so it is logged.
func (b *Bot) setCommands(ctx context.Context) {
	if _, err := b.api.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: menu()}); err != nil {
		b.logger.Warn("telegram: setMyCommands", "err", b.redact(err))
	}
}

// runCommand answers a command; ack, when set, is the reply that acknowledged a waiting
// question, and the answer is written into it.
func (b *Bot) runCommand(ctx context.Context, msg *models.Message, cmd command, ack *models.Message) {
	switch cmd.name {
	case "start", "help":
		b.reply(ctx, msg, helpText)
	case "ask":
		if cmd.args == "" {
			b.reply(ctx, msg, "用法：/ask 问题，例如 /ask 警地融合是怎么运作的？")
			return
		}
		b.ask(ctx, msg, cmd.args, ack)
	case "search":
		b.search(ctx, msg, cmd.args)
	case "src":
		text, ok := renderPassage(b.index.Corpus(), strings.TrimSpace(cmd.args))
		if !ok {
			text = "没有这个段落编号。编号见回答下方的按钮或 /search 结果，例如 " + srcCommand(firstPassageID(b))
		}
		b.audit.write(auditRecord{Time: time.Now(), Chat: msg.Chat.ID, User: msg.From.ID, Kind: "src", Question: cmd.args})
		b.reply(ctx, msg, text)
	case "reports":
		for _, m := range renderReports(b.index.Corpus()) {
			b.reply(ctx, msg, m)
		}
	case "new":
		b.memory.Forget(msg.Chat.ID, msg.From.ID)
		b.reply(ctx, msg, "好的，已开始新对话。")
	case "stats":
		if !b.admins[msg.From.ID] {
			b.reply(ctx, msg, "只有管理员可以使用 /stats。")
			return
		}
		b.reply(ctx, msg, b.statsText())
	default:
		b.reply(ctx, msg, "未知命令 /"+esc(cmd.name)+"，发送 /help 查看用法。")
	}
}

func firstPassageID(b *Bot) string {
	for _, r := range b.index.Corpus().Reports {
		if len(r.Paragraphs) > 0 {
			return r.Paragraphs[0].ID
		}
	}
	return ""
}

func (b *Bot) search(ctx context.Context, msg *models.Message, q string) {
	if strings.TrimSpace(q) == "" {
		b.reply(ctx, msg, "用法：/search 问题，例如 /search 片警占派出所警力多少")
		return
	}
	start := time.Now()
	hits, err := b.index.Search(ctx, search.Request{Question: q, K: 5})
	if err != nil {
		b.reply(ctx, msg, userMessage(err))
		return
	}
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.Passage.ID)
	}
	b.audit.write(auditRecord{Time: time.Now(), Chat: msg.Chat.ID, User: msg.From.ID, Kind: "search", Question: q,
		Passages: ids, LatencyMS: time.Since(start).Milliseconds()})
	for _, m := range renderHits(q, hits) {
		b.reply(ctx, msg, m)
	}
}

func (b *Bot) statsText() string {
	s := &b.stats
	n := s.questions.Load()
	avg := int64(0)
	if n > 0 {
		avg = s.latencyMS.Load() / n
	}
	return fmt.Sprintf("<b>运行情况</b>\n运行时长：%s\n问题：%d（大模型 %d，原文摘录 %d，拒答 %d，失败 %d）\n平均耗时：%d 毫秒\n未授权请求：%d\n记忆中的会话：%d",
		time.Since(b.started).Round(time.Second), n, s.llm.Load(), s.extractive.Load(), s.refusals.Load(),
		s.failures.Load(), avg, s.denied.Load(), b.chats.len())
}

func userMessage(err error) string {
	if msg, ok := search.QuestionError(err); ok {
		return esc(msg)
	}
	return "出错了，请稍后再试。"
}
