package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/search"
)

func (e *env) ask(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "以 JSON 输出回答")
	k := fs.Int("k", 0, "检索的段落数（默认 12）")
	var ef engineFlags
	ef.register(fs)
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *k < 0 || *k > search.MaxK {
		return fmt.Errorf("%w: --k 应在 0..%d 之间", errUsage, search.MaxK)
	}
	// Warnings logged while an answer is written (an LLM retry) follow the answer.
	held := &heldLogs{}
	withHeld := *e
	withHeld.logger = slog.New(held.handler(e.logger.Handler()))
	e = &withHeld
	eng, ix, err := e.engine(ctx, &ef)
	if err != nil {
		return err
	}
	defer ix.Close()
	if len(rest) == 0 {
		return e.interactive(ctx, eng, held, *asJSON, *k)
	}
	held.hold()
	defer held.release()
	_, err = e.askOne(ctx, eng, answer.Question{Text: strings.Join(rest, " "), K: *k}, *asJSON)
	return err
}

// askOne prints one answer: as JSON, or streamed as it is verified, with footnotes.
func (e *env) askOne(ctx context.Context, eng *answer.Engine, q answer.Question, asJSON bool) (answer.Answer, error) {
	if asJSON {
		ans, err := eng.Ask(ctx, q)
		if err != nil {
			return ans, err
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		return ans, enc.Encode(ans)
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	// On a terminal the answer streams as it is verified; piped, only the final answer is
	// written, so a script never sees text that an LLM failure later replaced.
	tty := false
	if f, ok := e.stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		tty = true
	}
	streamed, noticed := false, false
	ans, err := eng.AskStream(ctx, q, func(ev answer.Event) {
		if !tty {
			return
		}
		switch ev.Kind {
		case answer.EventDelta:
			w.WriteString(ev.Text)
			w.Flush()
			streamed = true
		case answer.EventReset:
			if streamed {
				w.WriteString("\n")
			}
			fmt.Fprintf(w, "（%s）\n", ev.Notice)
			w.Flush()
			noticed = true
		}
	})
	if err != nil {
		return ans, err
	}
	switch {
	case tty:
		w.WriteString("\n")
		if ans.Notice != "" && !noticed {
			fmt.Fprintf(w, "（%s）\n", ans.Notice)
		}
	default:
		if ans.Notice != "" {
			fmt.Fprintf(w, "（%s）\n", ans.Notice)
		}
		w.WriteString(ans.Text + "\n")
	}
	writeFootnotes(w, ans.Citations)
	return ans, nil
}

func writeFootnotes(w io.Writer, cites []answer.Citation) {
	if len(cites) == 0 {
		return
	}
	fmt.Fprintln(w, "\n"+answer.SourcesHeading)
	for _, c := range cites {
		fmt.Fprintf(w, "%s  %s\n", c.Footnote(), c.ID)
	}
}

// interactive reads questions line by line; earlier turns make follow-ups work.
// Answers are set apart by a blank line, and what was logged while one was written comes
// after it.
func (e *env) interactive(ctx context.Context, eng *answer.Engine, held *heldLogs, asJSON bool, k int) error {
	tty := false
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		tty = true
		fmt.Fprintln(e.stdout, "经验问答：输入问题后回车；/new 开始新对话，/quit 退出。")
	}
	var conv answer.Conversation
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for {
		if tty {
			fmt.Fprint(e.stdout, "问> ")
		}
		if !sc.Scan() {
			return sc.Err()
		}
		line := strings.TrimSpace(sc.Text())
		switch line {
		case "":
			continue
		case "/quit", "/exit":
			return nil
		case "/new":
			conv.Reset()
			fmt.Fprintln(e.stdout, "（已开始新对话）")
			continue
		}
		held.hold()
		ans, err := e.askOne(ctx, eng, answer.Question{Text: line, History: conv.History(), K: k}, asJSON)
		if err != nil && ctx.Err() == nil {
			fmt.Fprintln(e.stdout, userMessage(err))
			e.logger.Warn("ask", "err", err)
		}
		if !asJSON {
			fmt.Fprintln(e.stdout)
		}
		held.release()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err == nil {
			conv.Add(line, ans)
		}
	}
}

// userMessage is what a person sees for an error: the question errors are written for them;
// anything else is an internal fault whose cause goes to the log.
func userMessage(err error) string {
	if msg, ok := search.QuestionError(err); ok {
		return msg
	}
	return "出错了，请稍后再试。"
}
