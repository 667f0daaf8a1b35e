package eval

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/normalize"
)

// Asker is the part of the answer engine answer evaluation needs.
type Asker interface {
	Ask(ctx context.Context, q answer.Question) (answer.Answer, error)
}

// AnswerResult is one question's outcome.
type AnswerResult struct {
	ID            string        `json:"id"`
	Question      string        `json:"question"`
	Answerable    bool          `json:"answerable"`
	Mode          string        `json:"mode"`
	Refused       bool          `json:"refused"`
	FactsFound    int           `json:"facts_found"`
	FactsTotal    int           `json:"facts_total"`
	CitationsOK   bool          `json:"citations_valid"`
	CitationIssue string        `json:"citation_issue,omitempty"`
	Latency       time.Duration `json:"latency_ns"`
	Answer        string        `json:"answer"`
}

// AnswersReport totals the results.
type AnswersReport struct {
	Results []AnswerResult `json:"results"`
	// Answerable questions whose answer holds every expected fact, of all answerable.
	FactsAll       float64     `json:"facts_all_rate"`
	FactsShare     float64     `json:"facts_share"` // expected facts found, of all expected facts
	CitationsValid float64     `json:"citations_valid_rate"`
	RefusedRight   int         `json:"unanswerable_refused"`
	Unanswerable   int         `json:"unanswerable"`
	FalseRefusals  int         `json:"answerable_refused"`
	Answerable     int         `json:"answerable"`
	LLMAnswers     int         `json:"llm_answers"`
	PromptTokens   int         `json:"prompt_tokens"`
	CompletionToks int         `json:"completion_tokens"`
	Kinds          []KindScore `json:"kinds"`
	Replies        ReplyScore  `json:"replies"`
}

// Answers asks every question and checks the answer: expected facts present, every citation
// a real passage quoted exactly and every [n] in the text pointing to one, refusal right.
func Answers(ctx context.Context, a Asker, c *corpus.Corpus, items []Item) (AnswersReport, error) {
	var rep AnswersReport
	var factsAll, factsFound, factsTotal, citesOK int
	fold, err := normalize.NewFolder()
	if err != nil {
		return rep, fmt.Errorf("eval: %w", err)
	}
	byKind := newKinds()
	for _, it := range items {
		start := time.Now()
		ans, err := a.Ask(ctx, answer.Question{Text: it.Question})
		if err != nil {
			return rep, fmt.Errorf("eval: %s: %w", it.ID, err)
		}
		r := AnswerResult{ID: it.ID, Question: it.Question, Answerable: it.Answerable, Mode: ans.Mode,
			Refused: ans.Refused, FactsTotal: len(it.Facts), Latency: time.Since(start), Answer: ans.Text}
		text := normalize.Text(ans.Text)
		for _, f := range it.Facts {
			// A fact is there as written, or as the same figure written another way
			// (13000名 for 1.3万名), as models restate figures.
			if strings.Contains(text, normalize.Text(f)) || answer.States(fold.Fold, ans.Text, f) {
				r.FactsFound++
			}
		}
		r.CitationIssue = checkCitations(ans, c)
		r.CitationsOK = r.CitationIssue == ""
		if r.CitationsOK {
			citesOK++
		}
		if ans.Mode == answer.ModeLLM {
			rep.LLMAnswers++
		}
		rep.PromptTokens += ans.Usage.PromptTokens
		rep.CompletionToks += ans.Usage.CompletionTokens
		if it.Answerable {
			rep.Answerable++
			if ans.Refused {
				rep.FalseRefusals++
			}
			if r.FactsFound == r.FactsTotal {
				factsAll++
			}
			factsFound += r.FactsFound
			factsTotal += r.FactsTotal
		} else {
			rep.Unanswerable++
			if ans.Refused {
				rep.RefusedRight++
			}
		}
		if it.Reply != "" {
			rep.Replies.add(it, ans)
		}
		allFacts := it.Answerable && !ans.Refused && r.FactsFound == r.FactsTotal
		byKind.add(it.Kind, allFacts, allFacts || (!it.Answerable && ans.Refused))
		rep.Results = append(rep.Results, r)
	}
	for _, k := range byKind.rates() {
		rep.Kinds = append(rep.Kinds, KindScore{Kind: k.kind, N: k.n, FactsAll: k.rates[0], Right: k.rates[1]})
	}
	if rep.Answerable > 0 {
		rep.FactsAll = float64(factsAll) / float64(rep.Answerable)
	}
	if factsTotal > 0 {
		rep.FactsShare = float64(factsFound) / float64(factsTotal)
	}
	if len(items) > 0 {
		rep.CitationsValid = float64(citesOK) / float64(len(items))
	}
	return rep, nil
}

var citeMarkRE = regexp.MustCompile(`\[(\d+)\]`)

// checkCitations returns "" when every citation is a corpus passage with its exact text and
// provenance, numbered 1..n, and the answer's markers and citations match one to one.
func checkCitations(ans answer.Answer, c *corpus.Corpus) string {
	for i, ct := range ans.Citations {
		if ct.N != i+1 {
			return fmt.Sprintf("citation %d numbered %d", i+1, ct.N)
		}
		p, ok := c.Passage(ct.ID)
		if !ok {
			return fmt.Sprintf("[%d] cites unknown passage %q", ct.N, ct.ID)
		}
		if p.Text != ct.Text || p.Report.Title != ct.Title || p.Report.Org != ct.Org || p.Paragraph.N != ct.Paragraph {
			return fmt.Sprintf("[%d] does not match passage %s", ct.N, ct.ID)
		}
	}
	if ans.Mode == answer.ModeExtractive {
		cited := make(map[string]bool)
		for _, ct := range ans.Citations {
			p, _ := c.Passage(ct.ID)
			if cited[p.Paragraph.ID] {
				return fmt.Sprintf("[%d] cites paragraph %s again", ct.N, p.Paragraph.ID)
			}
			cited[p.Paragraph.ID] = true
		}
	}
	used := make(map[int]bool)
	for _, m := range citeMarkRE.FindAllStringSubmatch(ans.Text, -1) {
		n, _ := strconv.Atoi(m[1])
		if n < 1 || n > len(ans.Citations) {
			return fmt.Sprintf("marker [%d] points to no citation", n)
		}
		used[n] = true
	}
	for _, ct := range ans.Citations {
		if !used[ct.N] {
			return fmt.Sprintf("citation [%d] is never referred to", ct.N)
		}
	}
	if !ans.Refused && len(ans.Citations) == 0 {
		return "an answer without citations"
	}
	return ""
}

// Print writes per-question lines and the totals.
func (rep AnswersReport) Print(w io.Writer) {
	for _, r := range rep.Results {
		status := "ok"
		switch {
		case !r.CitationsOK:
			status = "BAD-CITE " + r.CitationIssue
		case r.Answerable && r.Refused:
			status = "FALSE-REFUSAL"
		case !r.Answerable && !r.Refused:
			status = "NOT-REFUSED"
		case r.Answerable && r.FactsFound < r.FactsTotal:
			status = "MISSING-FACTS"
		}
		fmt.Fprintf(w, "%-6s %-10s facts %d/%d  %-5s %s  %s\n", r.ID, r.Mode, r.FactsFound, r.FactsTotal,
			r.Latency.Round(time.Millisecond), status, r.Question)
	}
	fmt.Fprintln(w)
	printKinds(w, rep.Kinds, false)
	fmt.Fprintf(w, "\nanswerable: %d  all facts present: %.3f  facts found: %.3f  falsely refused: %d\n",
		rep.Answerable, rep.FactsAll, rep.FactsShare, rep.FalseRefusals)
	fmt.Fprintf(w, "unanswerable: %d  refused: %d\n", rep.Unanswerable, rep.RefusedRight)
	fmt.Fprintf(w, "citations valid: %.3f  llm answers: %d  tokens: %d prompt, %d completion\n",
		rep.CitationsValid, rep.LLMAnswers, rep.PromptTokens, rep.CompletionToks)
	rep.Replies.Print(w)
}
