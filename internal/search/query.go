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

// Weights of the query parts relative to the words typed. Glossary terms get no phrase boost
// of their own: their bigrams already match, and a boost on top made a question's glossary
// words outweigh its specific ones (measured on the second corpus: sentence R@5 0.86 → 0.84,
// paragraph 0.94 → 0.90 with boost 1.5).
const boostExpansion = 0.2 // the report form of a word the question put another way

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
//
// A passage is ranked by its own BM25 score together with that of its paragraph and of its
// report as a whole, each divided by the best of its level for this query (raw scores are not
// comparable across queries). Staff ask about one unit's practice ("石桥子派出所搞养老防诈宣传
// 用了哪几招?") in words its report uses as a whole, while the sentence that answers ("一是显
// 要位置'贴'小提示") shares few of them; and a sentence often leans on the one before it. So
// candidates are the best passages by their own text plus every passage of the best
// paragraphs and reports.
func (ix *Index) SearchAnalysis(ctx context.Context, a glossary.Analysis, k int, level corpus.Level) ([]Hit, error) {
	if k <= 0 {
		k = 5
	}
	k = min(k, MaxK)
	q := buildTerms(a, ix.analyzer)
	if q.empty() {
		return nil, ErrNoContent
	}
	if level != corpus.LevelSentence && level != corpus.LevelParagraph {
		return nil, fmt.Errorf("search: unknown level %d", level)
	}
	size := k
	if a.Comparative {
		size = max(4*k, 20)
	}
	ls, err := ix.score(ctx, q, [3]int{max(size+20, ownSentences), max(size+20, 50), contextReports})
	if err != nil {
		return nil, err
	}
	reports, paras, own := ls.reports, ls.paragraphs, ls.sentences
	if level == corpus.LevelParagraph {
		own = paras
	}
	named := ix.places.named(a.Places)
	cands := ix.candidates(level, own, paras, reports)
	hits := make([]Hit, 0, len(cands))
	// A comparative question is about many reports, so no one report's match as a whole
	// should lift its passages (colloquial set: sentence recall@5 0.97 → 1.00).
	wr := weightReport
	if a.Comparative {
		wr = 0
	}
	for _, p := range cands {
		s := own.norm(p.ID) + wr*reports.norm(p.Report.ID) + weightPlace*named[p.Report.ID]
		if level == corpus.LevelSentence {
			s += weightParagraph*paras.norm(p.Paragraph.ID) + weightNeighbour*neighbours(own, p)
		}
		if s > 0 {
			hits = append(hits, Hit{Passage: p, Score: s * ix.prior(p)})
		}
	}
	if ix.ranking.Semantic == nil && ix.ranking.Reranker == nil {
		hits = best(hits, size)
	} else {
		hits = ix.rank(ctx, a.Normalized, best(hits, max(size, fuseDepth)), level)
		hits = hits[:min(size, len(hits))]
	}
	if a.Comparative {
		hits = diversify(hits, k)
	}
	return hits, nil
}

// best returns the size best hits, ties in the order given. It sorts positions rather than
// hits: a hit is a whole passage, and moving hundreds of them was a tenth of a search.
func best(hits []Hit, size int) []Hit {
	order := make([]int32, len(hits))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(hits[b].Score, hits[a].Score) })
	out := make([]Hit, min(size, len(hits)))
	for i := range out {
		out[i] = hits[order[i]]
	}
	return out
}

// neighbours is the better normalised own score of the sentences just before and after p in
// its paragraph: an answer often follows the sentence that names its topic ("…漏水…。原来是
// 下水管道老化").
func neighbours(own scored, p corpus.Passage) float64 {
	best := 0.0
	for _, s := range p.Paragraph.Sentences {
		if s.N == p.Sentence-1 || s.N == p.Sentence+1 {
			best = max(best, own.norm(s.ID))
		}
	}
	return best
}

// Weights of a passage's paragraph, report, neighbours and named place against its own text,
// and how many of the best paragraphs and reports lend their passages as candidates.
const (
	weightParagraph = 0.5
	weightReport    = 0.5
	weightNeighbour = 0.3
	weightPlace     = 1.0
	contextReports  = 20
	contextCands    = 3
	// ownSentences is how many sentences a search takes by their own text (more when k is
	// larger): bleve's collector allocates for each, and at 115k sentences 100 cost 12% of a
	// search over 40, for the same recall on all our sets.
	ownSentences = 40
	// maxContextParagraphs bounds the reports that lend all their passages as candidates.
	maxContextParagraphs = 200
)

// scored holds one level's BM25 scores for a query, in rank order, and their maximum.
type scored struct {
	ids   []string
	score map[string]float64
	max   float64
}

func (s scored) norm(id string) float64 {
	if s.max <= 0 {
		return 0
	}
	return s.score[id] / s.max
}

// candidates are the passages of the level that rank by their own text, plus those inside the
// best few paragraphs (for sentences) and reports.
func (ix *Index) candidates(level corpus.Level, own, paras, reports scored) []corpus.Passage {
	seen := make(map[string]bool, 2*len(own.ids))
	out := make([]corpus.Passage, 0, 2*len(own.ids))
	add := func(p corpus.Passage) {
		if !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	for _, id := range own.ids {
		if p, ok := ix.corpus.Passage(id); ok {
			add(p)
		}
	}
	addParagraph := func(para *corpus.Paragraph, r *corpus.Report) {
		if level == corpus.LevelParagraph {
			add(corpus.Passage{ID: para.ID, Level: level, Report: r, Paragraph: para, Text: para.Text})
			return
		}
		for _, s := range para.Sentences {
			add(corpus.Passage{ID: s.ID, Level: level, Report: r, Paragraph: para, Sentence: s.N, Text: s.Text})
		}
	}
	if level == corpus.LevelSentence {
		for _, id := range paras.ids[:min(contextCands, len(paras.ids))] {
			if p, ok := ix.corpus.Passage(id); ok {
				addParagraph(p.Paragraph, p.Report)
			}
		}
	}
	for _, id := range reports.ids[:min(contextCands, len(reports.ids))] {
		// A book-length report lends only what matched: its every sentence would be thousands
		// of candidates a search.
		if r := ix.reports[id]; r != nil && len(r.Paragraphs) <= maxContextParagraphs {
			for _, para := range r.Paragraphs {
				// Sentence candidates come from the report's paragraphs that match at all:
				// the rest would all rank on the report's score alone, tied, and scoring them
				// was half the time of a search at 200k sentences (p50 1.17 → 0.63 ms) for no
				// change in recall on any of our sets.
				if level == corpus.LevelSentence && paras.score[para.ID] == 0 {
					continue
				}
				addParagraph(para, r)
			}
		}
	}
	return out
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

// brevityPriors discounts very short sentences. BM25's length normalisation favours them, but
// in reports a short sentence is mostly a paragraph's topic line ("…坚持领导干部带头下访，扛
// 起公安信访工作主体责任。"), which restates the question rather than answering it. Computed
// once at start for the sentences it discounts; the rest count in full.
func brevityPriors(c *corpus.Corpus) map[string]float64 {
	const full = 60 // runes from which a sentence counts in full
	out := make(map[string]float64)
	for _, p := range c.Passages(corpus.LevelSentence) {
		if n := utf8.RuneCountInString(p.Text); n < full {
			out[p.ID] = math.Pow(float64(n)/full, 0.3)
		}
	}
	return out
}

func (ix *Index) prior(p corpus.Passage) float64 {
	if w, ok := ix.priors[p.ID]; ok {
		return w
	}
	return 1
}
