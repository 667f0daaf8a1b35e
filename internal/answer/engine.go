package answer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/glossary"
	"github.com/jingyan/jingyan/internal/prompt"
	"github.com/jingyan/jingyan/internal/search"
)

// Searcher is what the engine needs of the search index.
type Searcher interface {
	Analyze(question string) (glossary.Analysis, error)
	SearchAnalysis(ctx context.Context, a glossary.Analysis, k int, level corpus.Level) ([]search.Hit, error)
	Corpus() *corpus.Corpus
}

// Config tunes the engine; zero fields take defaults.
type Config struct {
	K           int           // passages retrieved (default 12)
	MaxPassages int           // passages given to the LLM (default 8)
	Budget      int           // passage characters given to the LLM (default 2400)
	Timeout     time.Duration // whole answer, LLM included (default 30 s)
	// Reserve is kept back from the LLM for the extractive fallback (default 300 ms).
	Reserve time.Duration
	// MinCoverage is the idf-weighted share of the question's words the evidence must hold
	// (default 0.12); below it the question is refused as not covered.
	MinCoverage float64
	// FAQ answers known questions at once (a generated faq.jsonl); nil: none.
	FAQ Cache
}

// Cache holds ready answers, looked up by question.
type Cache interface {
	Lookup(question string) (Answer, bool)
}

func (c Config) withDefaults() Config {
	if c.K <= 0 {
		c.K = 12
	}
	if c.MaxPassages <= 0 {
		c.MaxPassages = 8
	}
	if c.Budget <= 0 {
		c.Budget = 2400
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.Reserve <= 0 {
		c.Reserve = 300 * time.Millisecond
	}
	if c.MinCoverage <= 0 {
		c.MinCoverage = minCoverage
	}
	return c
}

// Engine answers questions. It is safe for concurrent use.
type Engine struct {
	cfg      Config
	search   Searcher
	glossary *glossary.Glossary
	prompts  *prompt.Set
	llm      LLM // nil: extractive only
	logger   *slog.Logger

	idf        *idf
	headGrams  map[string]bool   // character pairs of titles, units and section headings
	heads      map[string]string // report ID → its title, unit, collection and bylines, folded
	corpusText string            // normalized text of every paragraph, to ask "does the corpus mention X"
	writtenMu  sync.Mutex
	seen       map[string]bool             // written's answers: a scan of 100k passages is milliseconds
	writers    map[string][]*corpus.Report // reportsWriting's answers
	folded     map[string]folding          // by passage ID, done once rather than per question
	// latestYear is, by report ID, the latest year a report writes (2022 of "2022年…"), 0 if
	// none: an undated report's 今年 is that year or later.
	latestYear map[string]int
}

// folding is a passage's text folded as questions are, and the length of the text as written.
type folding struct {
	text  string
	runes int
}

func (e *Engine) folding(p corpus.Passage) folding {
	if f, ok := e.folded[p.ID]; ok {
		return f
	}
	return folding{e.glossary.Fold(p.Text), utf8.RuneCountInString(p.Text)}
}

// New makes an engine. llm may be nil.
func New(cfg Config, s Searcher, g *glossary.Glossary, p *prompt.Set, llm LLM, logger *slog.Logger) *Engine {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	e := &Engine{cfg: cfg.withDefaults(), search: s, glossary: g, prompts: p, llm: llm, logger: logger}
	c := s.Corpus()
	e.idf = &idf{df: make(map[string]int), chars: make(map[rune]int)}
	e.headGrams = make(map[string]bool)
	e.folded = make(map[string]folding)
	e.heads = make(map[string]string)
	e.latestYear = make(map[string]int)
	var b strings.Builder
	for _, r := range c.Reports {
		head := g.Fold(r.Title + " " + r.Org + " " + r.Collection + " " + r.Context)
		b.WriteString(head)
		b.WriteByte('\n')
		e.heads[r.ID] = head
		heads := head
		section := ""
		for _, p := range r.Paragraphs {
			if p.Section != section {
				section = p.Section
				heads += " " + g.Fold(section)
			}
			// One fold a paragraph serves the corpus text and, cut into sentences, the idf;
			// an index stores its folds, so start-up does none.
			text := c.FoldText(p.Folded, p.Text, g.Fold)
			e.folded[p.ID] = folding{text, utf8.RuneCountInString(p.Text)}
			if strings.Contains(text, "年") {
				for _, y := range yearsIn(text) {
					e.latestYear[r.ID] = max(e.latestYear[r.ID], y)
				}
			}
			for _, s := range p.Sentences {
				e.folded[s.ID] = folding{c.FoldText(s.Folded, s.Text, g.Fold), utf8.RuneCountInString(s.Text)}
			}
			b.WriteString(text)
			b.WriteByte('\n')
			for _, sent := range corpus.SplitSentences(text) {
				e.idf.add(sent)
			}
		}
		for _, t := range tokens(heads) {
			e.headGrams[t] = true
		}
	}
	e.corpusText = b.String()
	return e
}

// Event is one step of a streamed answer.
type Event struct {
	Kind     string     // "passages", "delta", "reset" or "done"
	Passages []Citation // passages: the numbered passages the answer is written from
	Text     string     // delta: verified answer text to append
	Notice   string     // reset: why the text so far is replaced (the extractive answer follows)
	Answer   *Answer    // done: the whole answer
}

// Event kinds.
const (
	EventPassages = "passages"
	EventDelta    = "delta"
	EventReset    = "reset"
	EventDone     = "done"
)

// Ask answers one question.
func (e *Engine) Ask(ctx context.Context, q Question) (Answer, error) {
	return e.AskStream(ctx, q, nil)
}

// AskStream answers one question, telling emit (which may be nil) each step as it happens.
// Errors are for questions that cannot be asked (search.ErrEmptyQuestion, …) or internal
// faults; an LLM failure is not an error: the answer falls back to extraction.
func (e *Engine) AskStream(ctx context.Context, q Question, emit func(Event)) (Answer, error) {
	if emit == nil {
		emit = func(Event) {}
	}
	if err := search.Validate(q.Text); err != nil {
		return Answer{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	ans := Answer{Question: strings.ToValidUTF8(q.Text, "\uFFFD"), Citations: []Citation{}}
	gate := &llmGate{wait: q.Gate}
	defer gate.release()

	if len(q.History) == 0 {
		if hit, ok := e.fromFAQ(ans, q.Text, emit); ok {
			return hit, nil
		}
	}
	standalone, more := e.understand(ctx, q, gate, &ans.Usage)
	if standalone != strings.TrimSpace(q.Text) {
		ans.Standalone = standalone
		if !more {
			if hit, ok := e.fromFAQ(ans, standalone, emit); ok {
				return hit, nil
			}
		}
	}
	a, err := e.search.Analyze(standalone)
	if err != nil {
		return Answer{}, err
	}
	// A long question's background ("我们也在琢磨怎么给110减负,想了解一下…") is searched and
	// quoted for with it, but what the material must hold is what it asks.
	asked := e.askedPart(a)
	v := e.beforeSearch(asked)
	if v.refuse {
		return e.refuse(ans, v.reason, emit), nil
	}
	k := e.cfg.K
	if q.K > 0 {
		k = min(q.K, search.MaxK)
	}
	hits, shown, err := e.find(ctx, a, k, q.History, more)
	if err != nil {
		return Answer{}, err
	}
	if shown && len(hits) == 0 {
		return e.refuseWith(ans, noMore, emit), nil
	}
	ev := selectEvidence(hits, e.folding, e.cfg.MaxPassages, e.cfg.Budget)
	v, ev = e.afterSearch(asked, v.unnamed, ev)
	if v.refuse && shown {
		// What is left does not answer: the answer given already held what there was. (When
		// nothing had been quoted — the previous question was refused — its refusal stands.)
		return e.refuseWith(ans, noMore, emit), nil
	}
	if v.refuse && v.offer {
		return e.refuseOffering(ans, a, v.reason, ev, emit), nil
	}
	if v.refuse {
		return e.refuse(ans, v.reason, emit), nil
	}
	given := make([]Citation, len(ev))
	for i, x := range ev {
		given[i] = citationOf(i+1, x)
	}
	if e.llm != nil && !gate.admit(ctx) {
		return Answer{}, fmt.Errorf("answer: LLM gate: %w", gate.err)
	}
	emit(Event{Kind: EventPassages, Passages: given})

	if e.llm != nil {
		llmAns, err := e.llmAnswer(ctx, standalone, a, ev, emit)
		if err == nil {
			if llmAns.Refused {
				// The model's own "材料中没有…" stays the refusal; what the collection covers follows.
				note := e.coverageNote()
				llmAns.Text = strings.TrimSpace(llmAns.Text + "\n" + note)
				emit(Event{Kind: EventDelta, Text: "\n" + note})
			}
			llmAns.Question, llmAns.Standalone = ans.Question, ans.Standalone
			llmAns.Usage.PromptTokens += ans.Usage.PromptTokens
			llmAns.Usage.CompletionTokens += ans.Usage.CompletionTokens
			emit(Event{Kind: EventDone, Answer: &llmAns})
			return llmAns, nil
		}
		e.logger.Warn("answer: LLM failed, answering extractively", "err", err)
		ans.Notice = "大模型暂时不可用，以下为材料原文摘录。"
		if errors.Is(err, errLeak) || errors.Is(err, errUnverified) {
			ans.Notice = "大模型的回答未通过校验，以下为材料原文摘录。"
		}
		ans.Usage.PromptTokens += llmAns.Usage.PromptTokens
		ans.Usage.CompletionTokens += llmAns.Usage.CompletionTokens
		emit(Event{Kind: EventReset, Notice: ans.Notice})
	}
	ans.Mode = ModeExtractive
	ans.Text, ans.Citations = e.extractive(a, ev, !more)
	emit(Event{Kind: EventDelta, Text: ans.Text})
	emit(Event{Kind: EventDone, Answer: &ans})
	return ans, nil
}

// find searches for a question's passages. A request for more (more) searches twice as deep
// and leaves out what the conversation's answers quoted; shown says it left some out.
func (e *Engine) find(ctx context.Context, a glossary.Analysis, k int, hist []Turn, more bool) (hits []search.Hit, shown bool, err error) {
	if more {
		k = min(2*k, search.MaxK)
	}
	hits, err = e.search.SearchAnalysis(ctx, a, k, corpus.LevelSentence)
	if errors.Is(err, search.ErrNoContent) {
		return nil, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("answer: %w", err)
	}
	if !more {
		return hits, false, nil
	}
	n := len(hits)
	hits = notShown(hits, hist)
	return hits, len(hits) < n, nil
}

// fromFAQ answers from the FAQ when it holds the question, marked as such.
func (e *Engine) fromFAQ(ans Answer, question string, emit func(Event)) (Answer, bool) {
	if e.cfg.FAQ == nil {
		return ans, false
	}
	hit, ok := e.cfg.FAQ.Lookup(question)
	if !ok {
		return ans, false
	}
	hit.Question, hit.Standalone = ans.Question, ans.Standalone
	hit.FromFAQ = true
	hit.Usage = ans.Usage
	if hit.Notice == "" {
		hit.Notice = "来自常见问题库。"
	}
	emit(Event{Kind: EventPassages, Passages: hit.Citations})
	emit(Event{Kind: EventDelta, Text: hit.Text})
	emit(Event{Kind: EventDone, Answer: &hit})
	return hit, true
}

// llmGate holds a question's admission to the LLM: asked for once, at the first LLM call,
// and given back when the answer is done.
type llmGate struct {
	wait  func(context.Context) (func(), error)
	asked bool
	err   error
	done  func()
}

func (g *llmGate) admit(ctx context.Context) bool {
	if g.wait == nil {
		return true
	}
	if !g.asked {
		g.asked = true
		g.done, g.err = g.wait(ctx)
	}
	return g.err == nil
}

func (g *llmGate) release() {
	if g.done != nil {
		g.done()
	}
}
