package faq

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/search"
)

// Asker answers a question (the answer engine).
type Asker interface {
	Ask(ctx context.Context, q answer.Question) (answer.Answer, error)
}

// Entry is one answered question, as faq.jsonl stores it.
type Entry struct {
	Question  string            `json:"question"`
	Group     string            `json:"group"`
	Answer    string            `json:"answer"`
	Citations []answer.Citation `json:"citations"`
	Mode      string            `json:"mode"`
	Refused   bool              `json:"refused"`
	Notice    string            `json:"notice,omitempty"`
	Flagged   []string          `json:"flagged,omitempty"`
	Merged    []string          `json:"merged,omitempty"` // near-duplicate wordings answered by this entry
}

// Config tunes a run.
type Config struct {
	Out     string // output directory
	Jobs    int    // questions answered at once (default 1)
	Retries int    // further tries of a failing question (default 2)
	// LLM says an LLM is configured: then an answer that fell back to extraction is a
	// failure, retried now and asked again on the next run, not a finished question.
	LLM   bool
	Fresh bool // ignore answers saved by an earlier run
}

// Summary is what a run did.
type Summary struct {
	Questions        int      `json:"questions"` // distinct, after merging
	Merged           int      `json:"merged"`    // near-duplicates merged away
	Resumed          int      `json:"resumed"`   // taken from an earlier run
	Answered         int      `json:"answered"`
	Refused          int      `json:"refused"`
	Flagged          int      `json:"flagged"` // answers from which verification removed something
	Failed           int      `json:"failed"`
	Failures         []string `json:"failures,omitempty"`
	PromptTokens     int      `json:"prompt_tokens"`
	CompletionTokens int      `json:"completion_tokens"`
}

// Files a run writes in its output directory.
const (
	StateFile    = "faq.state.jsonl" // finished questions, appended as they finish
	JSONLFile    = "faq.jsonl"
	MarkdownFile = "faq.md"
)

// ErrInterrupted: the run stopped early; what finished is saved and the next run goes on.
var ErrInterrupted = errors.New("faq: interrupted; run again with the same --out to continue")

type stateLine struct {
	Key   string `json:"key"`
	Entry Entry  `json:"entry"`
}

// Run answers the questions and writes faq.md and faq.jsonl. Each finished question is saved
// to the state file at once, so an interrupted run (Ctrl-C, crash, LLM outage) continues
// where it stopped without asking again. progress is told each finished question.
func Run(ctx context.Context, cfg Config, a Asker, questions []string, progress func(done, total int)) (Summary, error) {
	if cfg.Jobs <= 0 {
		cfg.Jobs = 1
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	} else if cfg.Retries == 0 {
		cfg.Retries = 2
	}
	var sum Summary
	items := dedupe(questions)
	sum.Questions = len(items)
	for _, it := range items {
		sum.Merged += len(it.Merged)
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return sum, fmt.Errorf("faq: %w", err)
	}
	statePath := filepath.Join(cfg.Out, StateFile)
	if cfg.Fresh {
		os.Remove(statePath)
	}
	done, err := loadState(statePath)
	if err != nil {
		return sum, err
	}
	state, err := os.OpenFile(statePath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return sum, fmt.Errorf("faq: %w", err)
	}
	defer state.Close()

	results := make([]*Entry, len(items))
	var todo []int
	for i, it := range items {
		if e, ok := done[it.Key]; ok {
			e.Merged = it.Merged
			results[i] = &e
			sum.Resumed++
		} else {
			todo = append(todo, i)
		}
	}
	var mu sync.Mutex
	finished := sum.Resumed
	if progress != nil {
		progress(finished, len(items))
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < cfg.Jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				e, usage, err := answerOne(ctx, cfg, a, items[i].Question)
				mu.Lock()
				sum.PromptTokens += usage.PromptTokens
				sum.CompletionTokens += usage.CompletionTokens
				if err == nil {
					e.Merged = items[i].Merged
					results[i] = &e
					data, _ := json.Marshal(stateLine{Key: items[i].Key, Entry: e})
					if _, werr := state.Write(append(data, '\n')); werr != nil {
						err = fmt.Errorf("faq: save progress: %w", werr)
					}
				}
				if err != nil && ctx.Err() == nil {
					sum.Failed++
					sum.Failures = append(sum.Failures, fmt.Sprintf("%s: %v", items[i].Question, err))
				}
				finished++
				if progress != nil {
					progress(finished, len(items))
				}
				mu.Unlock()
			}
		}()
	}
	for _, i := range todo {
		if ctx.Err() != nil {
			break
		}
		select {
		case jobs <- i:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	if ctx.Err() != nil {
		return sum, ErrInterrupted
	}
	var entries []Entry
	for _, e := range results {
		if e == nil {
			continue
		}
		entries = append(entries, *e)
		switch {
		case e.Refused:
			sum.Refused++
		default:
			sum.Answered++
		}
		if len(e.Flagged) > 0 {
			sum.Flagged++
		}
	}
	if err := writeOutputs(cfg.Out, entries); err != nil {
		return sum, err
	}
	return sum, nil
}

// answerOne asks, retrying failures; an LLM answer that fell back to extraction counts as a
// failure when an LLM is configured.
func answerOne(ctx context.Context, cfg Config, a Asker, q string) (Entry, answer.Usage, error) {
	var usage answer.Usage
	var lastErr error
	for attempt := 0; attempt <= cfg.Retries; attempt++ {
		if ctx.Err() != nil {
			return Entry{}, usage, ctx.Err()
		}
		ans, err := a.Ask(ctx, answer.Question{Text: q})
		usage.PromptTokens += ans.Usage.PromptTokens
		usage.CompletionTokens += ans.Usage.CompletionTokens
		if err != nil {
			if _, ok := search.QuestionError(err); ok {
				return Entry{}, usage, err // retrying cannot help
			}
			lastErr = err
			continue
		}
		if cfg.LLM && ans.Mode == answer.ModeExtractive && !ans.Refused && ans.Notice != "" {
			lastErr = errors.New("the LLM did not answer (" + ans.Notice + ")")
			continue
		}
		return Entry{
			Question: q, Group: groupOf(ans), Answer: ans.Text, Citations: ans.Citations, Mode: ans.Mode,
			Refused: ans.Refused, Notice: ans.Notice, Flagged: ans.Flagged,
		}, usage, nil
	}
	return Entry{}, usage, lastErr
}

// Groups of entries that are not one report's.
const (
	GroupCompare = "跨单位比较"
	GroupRefused = "材料未涉及的问题"
)

// groupOf files an answer under its report, or under cross-report questions.
func groupOf(a answer.Answer) string {
	if a.Refused || len(a.Citations) == 0 {
		return GroupRefused
	}
	g := reportLabel(a.Citations[0])
	for _, c := range a.Citations[1:] {
		if reportLabel(c) != g {
			return GroupCompare
		}
	}
	return g
}

func reportLabel(c answer.Citation) string { return corpus.ReportLabel(c.Title, c.Org) }

func loadState(path string) (map[string]Entry, error) {
	done := make(map[string]Entry)
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return done, nil
	}
	if err != nil {
		return nil, fmt.Errorf("faq: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	for sc.Scan() {
		var l stateLine
		// A line cut by a crash is skipped: that question is simply asked again.
		if json.Unmarshal(sc.Bytes(), &l) == nil && l.Key != "" {
			done[l.Key] = l.Entry
		}
	}
	return done, sc.Err()
}
