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

usage:
  jingyan ask [--json] [--k N] [--offline] [--timeout D] [--prompts DIR] [--model M] [--base-url URL] [QUESTION]
  jingyan serve [--addr 127.0.0.1:8080] [--index PATH] [--max-llm N] [--queue N] [--rate R]
  jingyan bot [--webhook-url URL --webhook-addr ADDR] [--audit FILE] [--queue N]
  jingyan faq (--questions FILE | --auto [--per-report N]) --out DIR [-j N] [--fresh]
  jingyan search [--k N] [--json] [--level sentence|paragraph] [--index PATH] QUESTION|-
  jingyan index build --sources DIR --out PATH [--cache DIR]   (.txt .md .html .docx .doc .wps .rtf .odt .xlsx .pptx .pdf .ofd, scans, photos)
  jingyan eval retrieval --qa FILE [--json] [--index PATH]
  jingyan eval answers --qa FILE [--json] [--offline]

ask, serve and bot take --faq FILE (a generated faq.jsonl): known questions are answered from it at once.
ask without a question starts an interactive session (follow-ups work; /new forgets, /quit ends).
LLM: OPENAI_API_KEY, OPENAI_BASE_URL, JINGYAN_MODEL; with neither key nor URL, answers are extractive.
bot: TELEGRAM_BOT_TOKEN, JINGYAN_TELEGRAM_API_URL, JINGYAN_TELEGRAM_ALLOW (IDs or *), JINGYAN_TELEGRAM_ADMINS,
     JINGYAN_TELEGRAM_WEBHOOK_SECRET.
serve: JINGYAN_API_TOKENS, JINGYAN_ADMIN_TOKENS, JINGYAN_CORS_ORIGINS (comma-separated); SIGHUP reloads.
serve and bot: JINGYAN_REDIS_URL (redis://host:6379/0): several replicas share limits, conversations and queued questions.
`

// errUsage marks a command-line mistake: exit status 2 after the usage text.
var errUsage = errors.New("usage")

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

// exitStatus reports err and returns the exit status: a usage mistake says what was wrong
// before the usage text, since the usage text alone leaves the user guessing.
func exitStatus(err error, stdout, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return 0
	case errors.Is(err, errUsage):
		if err != errUsage {
			fmt.Fprintln(stderr, "jingyan:", strings.TrimPrefix(err.Error(), errUsage.Error()+": "))
		}
		fmt.Fprint(stderr, usage)
		return 2
	default:
		fmt.Fprintln(stderr, "jingyan:", err)
		return 1
	}
}

func run(ctx context.Context, args []string, env *env) error {
	if len(args) == 0 {
		return errUsage
	}
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
	fmt.Fprintf(env.stderr, "jingyan: unknown command %q\n", args[0])
	return errUsage
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
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%w: %w", errUsage, err)
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
