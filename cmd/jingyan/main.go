// Command jingyan answers questions about police-practice experience reports, citing the
// paragraph every claim comes from. See README.md for the subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

const usage = `jingyan — 公安工作经验材料问答

用法：
  jingyan ask [--json] [--k N] [--offline] [--timeout D] [--prompts DIR] [--model M] [--base-url URL] [问题]
  jingyan serve [--addr 127.0.0.1:8080] [--index PATH] [--max-llm N] [--queue N] [--rate R]
  jingyan bot [--webhook-url URL --webhook-addr ADDR] [--audit FILE] [--queue N]
  jingyan faq (--questions FILE | --auto [--per-report N]) --out DIR [-j N] [--fresh]
  jingyan search [--k N] [--json] [--level sentence|paragraph] [--index PATH] 问题|-
  jingyan index build --sources DIR --out PATH [--cache DIR] [--memory MiB]   （.txt .md .html .docx .doc .wps .rtf .odt .xlsx .pptx .pdf .ofd、扫描件、照片）
  jingyan eval retrieval --qa FILE [--json] [--index PATH]
  jingyan eval answers --qa FILE [--json] [--offline]

ask、serve、bot 可加 --faq FILE（faq 生成的 faq.jsonl）：库里有的问题直接作答。
ask 不带问题时进入交互会话（可以追问；/new 重新开始，/quit 退出）。
大模型：OPENAI_API_KEY、OPENAI_BASE_URL、JINGYAN_MODEL；两者都没有时，回答为材料原文摘录。
bot：TELEGRAM_BOT_TOKEN、JINGYAN_TELEGRAM_API_URL、JINGYAN_TELEGRAM_ALLOW（ID 或 *）、JINGYAN_TELEGRAM_ADMINS、
     JINGYAN_TELEGRAM_WEBHOOK_SECRET。
serve：JINGYAN_API_TOKENS、JINGYAN_ADMIN_TOKENS、JINGYAN_CORS_ORIGINS（逗号分隔）；SIGHUP 重新加载。
serve 和 bot：JINGYAN_REDIS_URL（redis://host:6379/0）：多个副本共享限流、会话和排队的问题。
退出码：0 完成，1 失败，2 命令行写错。
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	level := slog.LevelInfo
	if err := level.UnmarshalText([]byte(os.Getenv("JINGYAN_LOG_LEVEL"))); err != nil {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	err := run(ctx, os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, logger: logger, getenv: os.Getenv})
	os.Exit(exitStatus(err, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, env *env) error {
	if len(args) == 0 {
		return errUsage
	}
	cmd := args[0]
	if (cmd == "index" || cmd == "eval") && len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		cmd += " " + args[1]
	}
	if err := dispatch(ctx, args, env); err != nil {
		return &cmdError{cmd: cmd, err: err}
	}
	return nil
}

func dispatch(ctx context.Context, args []string, env *env) error {
	switch args[0] {
	case "ask":
		return env.ask(ctx, args[1:])
	case "search":
		return env.search(ctx, args[1:])
	case "serve":
		return env.serve(ctx, args[1:])
	case "bot":
		return env.bot(ctx, args[1:])
	case "faq":
		return env.faq(ctx, args[1:])
	case "index":
		return env.index(ctx, args[1:])
	case "eval":
		return env.eval(ctx, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(env.stdout, usage)
		return nil
	}
	if strings.HasPrefix(args[0], "-") {
		return usagef("先写命令，再写参数：%s 不是命令（例如 jingyan ask 问题）", args[0])
	}
	return usagef("未知命令 %s", args[0])
}

// env is what every subcommand is handed: its streams, logger and environment.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	logger         *slog.Logger
	getenv         func(string) string
}

// parse parses flags wherever they appear among the arguments, so both
// `jingyan search --json 问题` and `jingyan search 问题 --json` work.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			return nil, helpError{fs}
		} else if err != nil {
			return nil, usagef("%s", flagMistake(fs, err))
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
