package answer

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jingyan/jingyan/internal/glossary"
	"github.com/jingyan/jingyan/internal/normalize"
	"github.com/jingyan/jingyan/internal/prompt"
	"github.com/jingyan/jingyan/internal/search"
)

// rewriteTimeout bounds the follow-up rewrite call: it is a short completion, and the answer
// itself needs the rest of the deadline.
const rewriteTimeout = 5 * time.Second

// understand returns the question as it is to be searched, and whether it asks for more of
// the previous answer ("还有吗?": the previous question again, less what was quoted).
func (e *Engine) understand(ctx context.Context, q Question, gate *llmGate, usage *Usage) (string, bool) {
	if prev := previousQuestion(q.History); prev != "" && asksMore(e.glossary, q.Text) {
		return prev, true
	}
	return e.standalone(ctx, q, gate, usage), false
}

// notShown drops the hits the conversation's answers already quoted.
func notShown(hits []search.Hit, hist []Turn) []search.Hit {
	shown := previousAnswers(hist)
	return slices.DeleteFunc(hits, func(h search.Hit) bool { return shownIn(shown, h.Passage.Text) })
}

// standalone turns a follow-up ("那河南呢?") into a question that can be searched alone: by the
// LLM with the rewrite prompt when one is configured, else by rule.
func (e *Engine) standalone(ctx context.Context, q Question, gate *llmGate, usage *Usage) string {
	text := strings.TrimSpace(q.Text)
	if len(q.History) == 0 {
		return text
	}
	hist := Recent(q.History)
	if e.llm != nil && gate.admit(ctx) {
		if s, ok := e.rewriteLLM(ctx, hist, text, usage); ok {
			return s
		}
	}
	return rewriteOffline(e.glossary, hist, text)
}

func (e *Engine) rewriteLLM(ctx context.Context, hist []Turn, text string, usage *Usage) (string, bool) {
	data := prompt.RewriteData{Question: sanitize(text)}
	for _, t := range hist {
		data.History = append(data.History, prompt.Turn{Role: t.Role, Text: sanitize(clip(t.Text, 500))})
	}
	user, err := e.prompts.Rewrite(data)
	if err != nil {
		e.logger.Warn("answer: rewrite prompt", "err", err)
		return "", false
	}
	timeout := rewriteTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(dl)/3)
	}
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	comp, err := e.llm.Complete(rctx, []Message{{Role: "user", Content: user}}, nil)
	usage.add(comp)
	if err != nil {
		e.logger.Warn("answer: rewrite failed, rewriting by rule", "err", err)
		return "", false
	}
	s := strings.TrimSpace(StripThink(comp.Text))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	for _, p := range []string{"改写后的问题：", "改写后的问题:", "问题：", "问题:"} {
		s = strings.TrimPrefix(s, p)
	}
	s = strings.Trim(s, " “”\"'")
	if s == "" || utf8.RuneCountInString(s) > 200 {
		return "", false
	}
	return s, true
}

// rewriteOffline handles the common follow-ups without an LLM: a new place for the previous
// question ("那河南呢?" after "吉林社区民警占派出所警力多少?"), or a short addition to it.
func rewriteOffline(g *glossary.Glossary, hist []Turn, q string) string {
	prev := previousQuestion(hist)
	if prev == "" {
		return q
	}
	if r, ok := resolvePlaces(g, hist, q); ok {
		return r
	}
	core := normalize.Text(q)
	for _, f := range g.FollowUpWords() {
		core = strings.ReplaceAll(core, f, "")
	}
	core = strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, core)
	if core == "" {
		return q
	}
	places := g.Places(q)
	rest := core
	for _, p := range places {
		rest = strings.ReplaceAll(rest, p, "")
	}
	rest = strings.Trim(rest, "省市县区和与跟及、")
	qn := normalize.Text(q)
	if len(places) > 0 && (rest == "" || strings.HasPrefix(qn, "那")) {
		// The previous question about another place ("那河南呢?", "那河南怎么做?").
		joined := strings.Join(places, "和")
		out := joined + prev
		if prevPlaces := g.Places(prev); len(prevPlaces) > 0 {
			out = strings.Replace(prev, prevPlaces[0], joined, 1)
			for _, p := range prevPlaces[1:] {
				out = strings.Replace(out, p, "", 1)
			}
		}
		if rest != "" {
			out += " " + rest
		}
		return out
	}
	followUp := strings.HasPrefix(qn, "那") || strings.Contains(qn, "呢") ||
		strings.HasPrefix(qn, "还有") || strings.HasPrefix(qn, "另外") || onlyAspects(g, q)
	if utf8.RuneCountInString(core) > 8 || !followUp {
		return q
	}
	// An aspect of the same thing ("那比例呢?") extends the previous question; a new subject
	// ("那电诈呢?") keeps only its places ("吉林 电诈").
	for _, w := range g.AspectWords() {
		if strings.Contains(core, w) {
			return prev + " " + core
		}
	}
	if prevPlaces := g.Places(prev); len(prevPlaces) > 0 {
		return strings.Join(prevPlaces, "、") + " " + core
	}
	return prev + " " + core
}

// Words that point back at the places the conversation has named: all of them ("它们的做法有
// 什么不同?" after questions on 吉林, 河南 and 延安), or the last ("那边的派出所有多少人?").
var (
	placesBack = []string{"这几个地方", "这两个地方", "这些地方", "这几个省", "这两个省", "这几个市", "这两个市", "两个地方", "它们", "他们", "两地", "两省", "两市", "两者", "三地"}
	placeBack  = []string{"这个地方", "那个地方", "该地", "那边", "那里", "该省", "该市", "该县"}
)

// resolvePlaces writes the places a question points back at into it, when it names none of
// its own.
func resolvePlaces(g *glossary.Glossary, hist []Turn, q string) (string, bool) {
	if len(g.Places(q)) > 0 {
		return "", false
	}
	var named []string
	for _, t := range hist {
		if t.Role == "assistant" {
			continue
		}
		for _, p := range g.Places(t.Text) {
			if !slices.Contains(named, p) {
				named = append(named, p)
			}
		}
	}
	if len(named) == 0 {
		return "", false
	}
	for _, w := range placesBack {
		if strings.Contains(q, w) && len(named) > 1 {
			return strings.Replace(q, w, strings.Join(named, "、"), 1), true
		}
	}
	for _, w := range slices.Concat(placeBack, placesBack) {
		if strings.Contains(q, w) {
			return strings.Replace(q, w, lastPlace(g, hist), 1), true
		}
	}
	return "", false
}

// A request for more of the same ("还有吗?", "还有别的做法吗?", "能详细说说吗", "继续", "再多说点")
// holds one of moreWords and nothing else but moreFiller, aspects and question words.
var (
	moreWords  = []string{"还有", "别的", "其他", "其它", "更多", "详细", "具体", "展开", "继续", "再", "多说", "多讲", "多介绍"}
	moreFiller = []string{"能", "可以", "一些", "一点", "点", "多", "别", "说", "讲", "介绍"}
)

// asksMore reports a short message that asks for more of the previous answer and names
// nothing of its own.
func asksMore(g *glossary.Glossary, q string) bool {
	if utf8.RuneCountInString(q) > 12 {
		return false
	}
	n := normalize.Text(q)
	if !slices.ContainsFunc(moreWords, func(w string) bool { return strings.Contains(n, w) }) {
		return false // only an aspect ("效果怎么样?") is no request for more
	}
	content := g.Analyze(q).Content
	for _, w := range slices.Concat(g.AspectWords(), moreWords, moreFiller) {
		content = strings.ReplaceAll(content, w, "")
	}
	return normalize.HanCount(content) == 0
}

// previousQuestion is the last question of a history, as understood.
func previousQuestion(hist []Turn) string {
	for i := len(hist) - 1; i >= 0; i-- {
		if hist[i].Role != "assistant" && strings.TrimSpace(hist[i].Text) != "" {
			return strings.TrimSpace(hist[i].Text)
		}
	}
	return ""
}

// previousAnswers are the answers of a history, run together: what a request for more has
// been shown already, over as many requests as the history keeps. A refusal's list of what
// the collection covers (its titles) shows no passage.
func previousAnswers(hist []Turn) string {
	var b strings.Builder
	for _, t := range hist {
		if t.Role == "assistant" {
			b.WriteString(coverageListRE.ReplaceAllString(t.Text, ""))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// coverageListRE is the list of reports a refusal ends with (coverageNote).
var coverageListRE = regexp.MustCompile(`目前收录的材料有：[^\n]*`)

// shownIn reports a passage's text an answer already quoted: a run of it stands in it.
func shownIn(answer, text string) bool {
	rs := []rune(text)
	const window = 12
	if len(rs) <= window {
		return strings.Contains(answer, text)
	}
	for i := 0; i+window <= len(rs); i += window {
		if strings.Contains(answer, string(rs[i:i+window])) {
			return true
		}
	}
	return false
}

// onlyAspects reports a question that names no subject of its own, only an aspect of one
// ("具体有哪些措施?", "效果怎么样?"): it asks about the previous question's.
func onlyAspects(g *glossary.Glossary, q string) bool {
	content := g.Analyze(q).Content
	for _, w := range g.AspectWords() {
		content = strings.ReplaceAll(content, w, "")
	}
	return normalize.HanCount(content) == 0 && normalize.HanCount(q) > 0
}

// lastPlace is the place named last in the latest question that names one.
func lastPlace(g *glossary.Glossary, hist []Turn) string {
	for i := len(hist) - 1; i >= 0; i-- {
		if ps := g.Places(hist[i].Text); hist[i].Role != "assistant" && len(ps) > 0 {
			return ps[len(ps)-1]
		}
	}
	return ""
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
