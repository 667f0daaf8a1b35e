package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jingyan/jingyan/internal/telegram"
)

func (e *env) bot(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bot", flag.ContinueOnError)
	webhookURL := fs.String("webhook-url", "", "webhook 模式的公网 HTTPS 地址（默认：长轮询）")
	webhookAddr := fs.String("webhook-addr", "127.0.0.1:8443", "webhook 模式的监听地址")
	audit := fs.String("audit", "", "审计日志文件（JSONL）")
	journal := fs.String("journal", "", "已收下、尚未回答的问题记录文件，重启后照样回答（默认 $XDG_STATE_HOME/jingyan/telegram.journal；\"off\" 表示不记录）")
	drain := fs.Duration("drain", 8*time.Second, "收到 SIGTERM 后等正在写的回答多久")
	queue := fs.Int("queue", 50, "每个会话最多排队（含正在回答）的问题数；再多的会告知对方")
	var ef engineFlags
	ef.register(fs)
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("%w: bot 不接受参数", errUsage)
	}
	allow, err := telegram.ParseAllow(e.getenv("JINGYAN_TELEGRAM_ALLOW"))
	if err != nil {
		return err
	}
	admins, err := telegram.ParseIDs(e.getenv("JINGYAN_TELEGRAM_ADMINS"))
	if err != nil {
		return err
	}
	eng, ix, err := e.engine(ctx, &ef)
	if err != nil {
		return err
	}
	defer ix.Close()
	e.collectLess()
	cfg := telegram.Config{
		Token:         e.getenv("TELEGRAM_BOT_TOKEN"),
		APIURL:        e.getenv("JINGYAN_TELEGRAM_API_URL"),
		Allow:         allow,
		UsersAnywhere: e.getenv("JINGYAN_TELEGRAM_USERS_ANYWHERE") == "1",
		Admins:        admins,
		WebhookURL:    *webhookURL,
		WebhookAddr:   *webhookAddr,
		WebhookSecret: e.getenv("JINGYAN_TELEGRAM_WEBHOOK_SECRET"),
		AuditPath:     *audit,
		JournalPath:   journalPath(*journal, e.getenv),
		DrainTimeout:  *drain,
		QueuePerChat:  *queue,
	}
	shared, err := e.openShared()
	if err != nil {
		return err
	}
	if shared != nil {
		defer shared.Close()
	}
	shareTelegram(&cfg, shared)
	b, err := telegram.New(ctx, cfg, eng, ix, e.logger)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "jingyan: Telegram bot @%s running\n", b.Username())
	return b.Run(ctx)
}

// journalPath is where the bot keeps unanswered questions: the flag's path, none for "off",
// else a file in the user's state directory (created if need be).
func journalPath(flagValue string, getenv func(string) string) string {
	switch flagValue {
	case "off":
		return ""
	case "":
	default:
		return flagValue
	}
	dir := getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	dir = filepath.Join(dir, "jingyan")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ""
	}
	return filepath.Join(dir, "telegram.journal")
}
