package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/jingyan/jingyan/internal/fakeopenai"
)

func TestHeldLogs(t *testing.T) {
	var buf bytes.Buffer
	held := &heldLogs{}
	log := slog.New(held.handler(slog.NewTextHandler(&buf, nil))).With("cmd", "ask")
	log.Info("before")
	held.hold()
	log.Warn("during", "attempt", 2)
	log.WithGroup("g").Info("grouped", "k", "v")
	if strings.Contains(buf.String(), "during") {
		t.Fatalf("written while held:\n%s", buf.String())
	}
	held.release()
	log.Info("after")
	out := buf.String()
	order := []string{"msg=before cmd=ask", "msg=during cmd=ask attempt=2", "msg=grouped cmd=ask g.k=v", "msg=after"}
	last := -1
	for _, s := range order {
		i := strings.Index(out, s)
		if i <= last {
			t.Fatalf("%q missing or out of order:\n%s", s, out)
		}
		last = i
	}
}

// In an interactive session an LLM retry warning comes after the answer it delayed, and a
// blank line sets each answer apart from the next prompt.
func TestAskInteractiveWarningsAfterAnswer(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Step{Status: 500}, fakeopenai.Step{Reply: "吉林电信网络诈骗发案数同比下降24.7%[1]。"},
		fakeopenai.Step{Reply: "吉林电信网络诈骗发案数同比下降24.7%[1]。"})
	defer srv.Close()
	var screen lockedBuffer // one screen that stdout and stderr share
	vars := map[string]string{"OPENAI_BASE_URL": srv.URL()}
	err := run(context.Background(), []string{"ask"}, &env{stdin: strings.NewReader("吉林电诈降了多少\n吉林电诈降了多少\n"),
		stdout: &screen, stderr: &screen, logger: slog.New(slog.NewTextHandler(&screen, nil)), getenv: func(k string) string { return vars[k] }})
	if err != nil {
		t.Fatal(err)
	}
	out := screen.String()
	first, rest, ok := strings.Cut(out, "\n\n来源：\n")
	if !ok || !strings.Contains(first, "24.7%") || strings.Contains(first, "llm: retrying") {
		t.Fatalf("the warning is inside the first answer:\n%s", out)
	}
	sources, after, _ := strings.Cut(rest, "\n\n")
	if strings.Contains(sources, "llm: retrying") || !strings.HasPrefix(after, "time=") || !strings.Contains(after, "llm: retrying") {
		t.Errorf("want the first answer, a blank line, then the warning:\n%s", out)
	}
	if strings.Count(out, "\n\n来源：") != 2 {
		t.Errorf("want two answers:\n%s", out)
	}
}
