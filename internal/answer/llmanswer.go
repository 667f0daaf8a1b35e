package answer

import (
	"context"
	"errors"
	"strings"

	"github.com/jingyan/jingyan/internal/glossary"
	"github.com/jingyan/jingyan/internal/prompt"
)

var (
	errLeak       = errors.New("answer: the reply repeats the system prompt")
	errUnverified = errors.New("answer: no sentence of the reply passed verification")
)

// llmAnswer asks the LLM with the numbered passages and verifies its reply sentence by
// sentence as it streams, so what reaches the user has already passed verification.
func (e *Engine) llmAnswer(ctx context.Context, question string, a glossary.Analysis, ev []evidence, emit func(Event)) (Answer, error) {
	var ans Answer
	deadline, _ := ctx.Deadline()
	ctx, cancel := context.WithDeadline(ctx, deadline.Add(-e.cfg.Reserve))
	defer cancel()

	system, err := e.prompts.System()
	if err != nil {
		return ans, err
	}
	data := prompt.AnswerData{Question: sanitize(question), Comparative: a.Comparative}
	for i, x := range ev {
		p := x.passage
		data.Passages = append(data.Passages, prompt.Passage{
			N: i + 1, Title: p.Report.Title, Org: p.Report.Org, Paragraph: p.Paragraph.N, Text: plainFootnotes(p.Text),
		})
	}
	user, err := e.prompts.Answer(data)
	if err != nil {
		return ans, err
	}

	v := newVerifier(ev, system, e.glossary.Fold)
	var think thinkFilter
	var pending, out strings.Builder
	flush := func(final bool) {
		for {
			text := pending.String()
			end := sentenceEnd(text, final)
			if end < 0 || text == "" {
				return
			}
			if s := v.feed(text[:end]); s != "" && !v.leaked {
				out.WriteString(s)
				emit(Event{Kind: EventDelta, Text: s})
			}
			pending.Reset()
			pending.WriteString(text[end:])
		}
	}
	comp, err := e.llm.Complete(ctx, []Message{
		{Role: "system", Content: system},
		{Role: "user", Content: user},
	}, func(delta string) {
		pending.WriteString(think.feed(delta))
		flush(false)
	})
	ans.Usage.add(comp)
	if err != nil {
		return ans, err
	}
	pending.WriteString(think.flush())
	if pending.Len() == 0 && out.Len() == 0 && comp.Text != "" {
		// Non-streaming LLM: verify the whole reply now.
		pending.WriteString(StripThink(comp.Text))
	}
	flush(true)
	if s := v.finish(); s != "" && !v.leaked {
		out.WriteString(s)
		emit(Event{Kind: EventDelta, Text: s})
	}
	if v.leaked {
		return ans, errLeak
	}
	ans.Text = strings.TrimSpace(out.String())
	ans.Citations = v.citations()
	ans.Flagged = v.flagged
	ans.Mode = ModeLLM
	if len(ans.Citations) == 0 {
		if saysNoAnswer(ans.Text) {
			ans.Refused = true
			return ans, nil
		}
		return ans, errUnverified
	}
	if len(v.flagged) > 0 {
		ans.Notice = "已删去无法在所引材料中核实的内容。"
	}
	return ans, nil
}

// sanitize keeps a question from closing the prompt's <问题> delimiters.
func sanitize(s string) string {
	return strings.NewReplacer("<", "＜", ">", "＞").Replace(s)
}
