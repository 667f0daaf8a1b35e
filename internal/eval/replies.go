package eval

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/fakeopenai"
	"github.com/jingyan/jingyan/internal/normalize"
)

// A QA line may carry a scripted LLM reply ("reply") written the way models write — markers
// in any form and place, Markdown, reformatted and rounded figures, <think> blocks — with the
// sentences that are not faithful to the passages named in "unfaithful" (a substring of
// each). Markers name passages by content, since the numbering depends on retrieval:
// {{n:49.4%}} becomes the number of the given passage that holds "49.4%" ("[{{n:49.4%}}]",
// "【{{n:…}}】", "（材料{{n:…}}）" write the form).

var (
	passageLineRE = regexp.MustCompile(`(?m)^\[(\d+)\] [^\n]*?第\d+段：(.*)$`)
	questionRE    = regexp.MustCompile(`<问题>([\s\S]*?)</问题>`)
	placeholderRE = regexp.MustCompile(`\{\{n:([^}]*)\}\}`)
)

// ScriptedLLM serves each item's reply, its placeholders filled from the passages the prompt
// gives, to the real go-openai client (streamed in small chunks, as models stream).
func ScriptedLLM(items []Item) *fakeopenai.Server {
	byQuestion := make(map[string]Item)
	for _, it := range items {
		if it.Reply != "" {
			byQuestion[strings.TrimSpace(it.Question)] = it
		}
	}
	return fakeopenai.New(fakeopenai.Step{ChunkRunes: 5, ReplyFunc: func(user string) string {
		q := questionRE.FindStringSubmatch(user)
		if q == nil {
			return "所给材料中没有相关内容。"
		}
		it, ok := byQuestion[strings.TrimSpace(unsanitize(q[1]))]
		if !ok {
			return "所给材料中没有相关内容。"
		}
		return fillReply(it.Reply, user)
	}})
}

// unsanitize undoes the prompt's escaping of < and > in the question.
func unsanitize(s string) string { return strings.NewReplacer("＜", "<", "＞", ">").Replace(s) }

// fillReply replaces each {{n:TEXT}} with the number of the first given passage holding TEXT,
// or 99 (a passage never given) when none does.
func fillReply(reply, prompt string) string {
	type passage struct {
		n    string
		text string
	}
	var given []passage
	for _, m := range passageLineRE.FindAllStringSubmatch(prompt, -1) {
		given = append(given, passage{m[1], normalize.Text(m[2])})
	}
	return placeholderRE.ReplaceAllStringFunc(reply, func(ph string) string {
		want := normalize.Text(placeholderRE.FindStringSubmatch(ph)[1])
		for _, p := range given {
			if strings.Contains(p.text, want) {
				return p.n
			}
		}
		return "99"
	})
}

// ReplyScore counts, over scripted replies, the faithful sentences the answer kept and the
// unfaithful ones it removed, and the replies that fell back to extraction.
type ReplyScore struct {
	Replies          int `json:"replies"`
	FaithfulKept     int `json:"faithful_kept"`
	Faithful         int `json:"faithful"`
	UnfaithfulCaught int `json:"unfaithful_caught"`
	Unfaithful       int `json:"unfaithful"`
	Fallbacks        int `json:"fallbacks"`
}

var (
	replyMarkerRE = regexp.MustCompile(`[\[【［（(]\s*(?:\^|材料|来源|参考)?\s*[:：]?\s*[\[【［]?[\d,，、\-\s]*[\]】］]?\s*[\]】］）)]|<think>[\s\S]*?</think>`)
	replySplitRE  = regexp.MustCompile(`[。！？；\n]+`)
)

// add scores one answer to a scripted reply: a reply sentence counts as kept when the
// answer, markers aside, still holds its text.
func (rs *ReplyScore) add(it Item, ans answer.Answer) {
	rs.Replies++
	if ans.Mode != answer.ModeLLM {
		rs.Fallbacks++
	}
	shown := squash(replyMarkerRE.ReplaceAllString(ans.Text, ""))
	reply := placeholderRE.ReplaceAllString(it.Reply, "")
	for _, s := range replySplitRE.Split(replyMarkerRE.ReplaceAllString(reply, ""), -1) {
		s = strings.TrimLeft(strings.TrimSpace(s), "#-*0123456789. ")
		if len([]rune(s)) < 4 || slices.ContainsFunc(it.Furniture, func(f string) bool { return strings.Contains(squash(s), squash(f)) }) {
			continue
		}
		kept := strings.Contains(shown, squash(s))
		bad := false
		for _, u := range it.Unfaithful {
			bad = bad || strings.Contains(squash(s), squash(u))
		}
		if bad {
			rs.Unfaithful++
			if !kept {
				rs.UnfaithfulCaught++
			}
		} else {
			rs.Faithful++
			if kept {
				rs.FaithfulKept++
			}
		}
	}
}

func squash(s string) string { return strings.Join(strings.Fields(normalize.Text(s)), "") }

// Print writes the reply figures.
func (rs ReplyScore) Print(w io.Writer) {
	if rs.Replies == 0 {
		return
	}
	fmt.Fprintf(w, "scripted replies: %d  faithful kept: %d/%d = %s  unfaithful caught: %d/%d = %s  fallbacks: %d\n",
		rs.Replies, rs.FaithfulKept, rs.Faithful, ratio(rs.FaithfulKept, rs.Faithful),
		rs.UnfaithfulCaught, rs.Unfaithful, ratio(rs.UnfaithfulCaught, rs.Unfaithful), rs.Fallbacks)
}

func ratio(a, b int) string {
	if b == 0 {
		return "-"
	}
	return strconv.FormatFloat(float64(a)/float64(b), 'f', 3, 64)
}
