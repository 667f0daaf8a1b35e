package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/glossary"
)

// MaxQuestionRunes bounds a question; staff questions are a sentence or two.
const MaxQuestionRunes = 2000

// MaxK bounds how many hits one request may ask for.
const MaxK = 100

// Errors a front end shows as they are: they are written for the user.
var (
	ErrEmptyQuestion   = errors.New("问题为空，请输入要查询的内容")
	ErrQuestionTooLong = fmt.Errorf("问题太长（最多 %d 字），请精简后再问", MaxQuestionRunes)
	ErrNoContent       = errors.New("问题里没有可检索的内容，请换个说法，例如“警地融合是怎么运作的？”")
)

// QuestionError returns the user-facing message when err is one of the errors above (a
// question that cannot be asked), and false for anything else (an internal fault).
func QuestionError(err error) (string, bool) {
	for _, known := range []error{ErrEmptyQuestion, ErrQuestionTooLong, ErrNoContent} {
		if errors.Is(err, known) {
			return known.Error(), true
		}
	}
	return "", false
}

// Weights of the query parts relative to the words typed.
const (
	boostTerm      = 1.5 // a glossary term found whole
	boostExpansion = 0.5 // a synonym the question did not use
	boostCtx       = 0.4 // the question matching the report title, unit or paragraph topic
)

// Request is one search.
type Request struct {
	Question string
	K        int          // hits wanted; 0 means 5
	Level    corpus.Level // sentences (default) or paragraphs
}

// Hit is one ranked passage.
type Hit struct {
	Passage corpus.Passage
	Score   float64
}

// Validate checks a question before any work is done on it.
func Validate(question string) error {
	// More bytes than MaxQuestionRunes four-byte runes is too long without counting (a 100 KB
	// paste is rejected at once).
	if len(question) > 4*MaxQuestionRunes || utf8.RuneCountInString(question) > MaxQuestionRunes {
		return ErrQuestionTooLong
	}
	if strings.TrimSpace(strings.ToValidUTF8(question, "")) == "" {
		return ErrEmptyQuestion
	}
	return nil
}

// Analyze validates a question and runs the glossary over it.
func (ix *Index) Analyze(question string) (glossary.Analysis, error) {
	if err := Validate(question); err != nil {
		return glossary.Analysis{}, err
	}
	a := ix.glossary.Analyze(question)
	if a.Normalized == "" {
		return a, ErrEmptyQuestion
	}
	return a, nil
}

// Search ranks passages for a question.
func (ix *Index) Search(ctx context.Context, req Request) ([]Hit, error) {
	a, err := ix.Analyze(req.Question)
	if err != nil {
		return nil, err
	}
	return ix.SearchAnalysis(ctx, a, req.K, req.Level)
}

// SearchAnalysis ranks passages for an already analysed question.
func (ix *Index) SearchAnalysis(ctx context.Context, a glossary.Analysis, k int, level corpus.Level) ([]Hit, error) {
	if k <= 0 {
		k = 5
	}
	k = min(k, MaxK)
	names, reports := ix.namedPlaces(a.Normalized)
	// The place filter does the place's work; left in the text query, 吉林 would favour the
	// sentences that repeat "吉林省公安机关" over those that answer.
	for _, n := range names {
		a.Content = strings.ReplaceAll(a.Content, n, " ")
	}
	q := BuildQuery(a)
	if q == nil && len(reports) == 0 {
		return nil, ErrNoContent
	}
	if len(reports) > 0 {
		if q == nil {
			q = bleve.NewMatchAllQuery()
		}
		q = restrict(q, reports)
	}
	idx := ix.levels[level]
	if idx == nil {
		return nil, fmt.Errorf("search: index is closed")
	}
	size := k
	if a.Comparative {
		size = max(4*k, 20)
	}
	// Fetch a few more than needed: the brevity prior may reorder near the cut.
	sr := bleve.NewSearchRequestOptions(q, size+10, 0, false)
	res, err := idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("search: query: %w", err)
	}
	hits := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		p, ok := ix.corpus.Passage(h.ID)
		if !ok {
			return nil, fmt.Errorf("search: index and corpus disagree: no passage %q", h.ID)
		}
		hits = append(hits, Hit{Passage: p, Score: h.Score * brevityPrior(p)})
	}
	slices.SortStableFunc(hits, func(a, b Hit) int { return cmp.Compare(b.Score, a.Score) })
	if len(hits) > size {
		hits = hits[:size]
	}
	if a.Comparative {
		hits = diversify(hits, k)
	}
	return hits, nil
}

// brevityPrior discounts very short sentences. BM25's length normalisation favours them, but
// in these reports a short sentence is mostly a paragraph's topic line ("…坚持领导干部带头
// 下访，扛起公安信访工作主体责任。"), which restates the question rather than answering it.
func brevityPrior(p corpus.Passage) float64 {
	const full = 60 // runes from which a sentence counts in full
	if p.Level != corpus.LevelSentence {
		return 1
	}
	n := utf8.RuneCountInString(p.Text)
	if n >= full {
		return 1
	}
	return math.Pow(float64(n)/full, 0.3)
}

// NamedReports returns the reports whose issuing unit's places the question names
// ("吉林…" → the report of 吉林省公安厅), or nil when it names none.
func (ix *Index) NamedReports(q string) []string {
	_, ids := ix.namedPlaces(q)
	return ids
}

// namedPlaces returns the place names a question uses and the reports they identify.
func (ix *Index) namedPlaces(q string) (names, ids []string) {
	taken := make([]bool, len(q))
	for _, p := range ix.places {
		for off := 0; off < len(q); {
			i := strings.Index(q[off:], p.name)
			if i < 0 {
				break
			}
			i += off
			free := true
			for k := i; k < i+len(p.name); k++ {
				free = free && !taken[k]
				taken[k] = true
			}
			if free {
				names = append(names, p.name)
				for _, id := range p.reports {
					if !slices.Contains(ids, id) {
						ids = append(ids, id)
					}
				}
			}
			off = i + len(p.name)
		}
	}
	return names, ids
}

// restrict keeps only passages of the given reports. The filter's own score is made
// negligible so it does not reorder passages between the named reports.
func restrict(q query.Query, reports []string) query.Query {
	var terms []query.Query
	for _, id := range reports {
		tq := bleve.NewTermQuery(id)
		tq.SetField(fieldReport)
		tq.SetBoost(1e-6)
		terms = append(terms, tq)
	}
	return bleve.NewConjunctionQuery(q, bleve.NewDisjunctionQuery(terms...))
}

// diversify re-ranks hits for a comparative question so that each further passage from an
// already represented report counts for less, and the top k spread across reports.
func diversify(hits []Hit, k int) []Hit {
	const decay = 0.5
	seen := make(map[string]int)
	out := make([]Hit, 0, k)
	left := slices.Clone(hits)
	for len(out) < k && len(left) > 0 {
		best, bestScore := 0, -1.0
		for i, h := range left {
			s := h.Score * math.Pow(decay, float64(seen[h.Passage.Report.ID]))
			if s > bestScore {
				best, bestScore = i, s
			}
		}
		h := left[best]
		seen[h.Passage.Report.ID]++
		out = append(out, h)
		left = append(left[:best], left[best+1:]...)
	}
	return out
}

// BuildQuery turns an analysis into a bleve query; user text only ever reaches match and
// phrase queries, never the query-string syntax. It returns nil when nothing is searchable.
func BuildQuery(a glossary.Analysis) query.Query {
	content := a.Content
	if strings.TrimSpace(content) == "" {
		// The question was all question words ("有哪些？"): search what was typed.
		content = a.Normalized
	}
	var parts []query.Query
	if strings.TrimSpace(content) != "" {
		parts = append(parts, match(fieldText, content, 1))
		parts = append(parts, match(fieldCtx, content, boostCtx))
	}
	for _, t := range a.Terms {
		pq := bleve.NewMatchPhraseQuery(t)
		pq.SetField(fieldText)
		pq.Analyzer = cjk.AnalyzerName
		pq.SetBoost(boostTerm)
		parts = append(parts, pq)
	}
	if len(a.Expansions) > 0 {
		parts = append(parts, match(fieldText, strings.Join(a.Expansions, " "), boostExpansion))
	}
	if len(parts) == 0 {
		return nil
	}
	return bleve.NewDisjunctionQuery(parts...)
}

func match(field, text string, boost float64) query.Query {
	mq := bleve.NewMatchQuery(text)
	mq.SetField(field)
	mq.Analyzer = cjk.AnalyzerName
	mq.SetBoost(boost)
	return mq
}
