package search

import (
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
	sc := ix.scratch.get()
	defer ix.scratch.put(sc)
	ls, err := ix.score(ctx, q, [3]int{max(size+20, ownSentences), max(size+20, 50), contextReports}, sc)
	if err != nil {
		return nil, err
	}
	reports, paras, own := ls.reports, ls.paragraphs, ls.sentences
	if level == corpus.LevelParagraph {
		own = paras
	}
	named := ix.places.named(a.Places)
	l := ix.layout
	// A comparative question is about many reports, so no one report's match as a whole
	// should lift its passages (colloquial set: sentence recall@5 0.97 → 1.00).
	wr := weightReport
	if a.Comparative {
		wr = 0
	}
	ranked := sc.ranked[:0]
	for _, c := range ix.candidates(level, own, paras, reports, sc) {
		para, prior := c, 1.0
		if level == corpus.LevelSentence {
			para, prior = l.paragraphOf[c], ix.priors[c]
		}
		r := l.paragraphReport[para]
		s := own.norm(c) + wr*reports.norm(r) + weightPlace*named[l.reportIDs[r]]
		if level == corpus.LevelSentence {
			s += weightParagraph*paras.norm(para) + weightNeighbour*l.neighbours(own, c)
		}
		if s > 0 {
			ranked = append(ranked, ordScore{c, s * prior})
		}
	}
	if level == corpus.LevelSentence {
		ranked = ix.twins[0].collapse(ranked)
	} else {
		ranked = ix.twins[1].collapse(ranked)
	}
	sc.ranked = ranked
	var hits []Hit
	if ix.ranking.Semantic == nil && ix.ranking.Reranker == nil {
		hits = l.best(level, ranked, size)
	} else {
		hits = ix.rank(ctx, a.Normalized, l.best(level, ranked, max(size, fuseDepth)), level)
		hits = hits[:min(size, len(hits))]
	}
	if a.Comparative {
		hits = diversify(hits, k)
	}
	return hits, nil
}

// ordScore is a candidate passage by its ordinal at the level searched, and its score.
type ordScore struct {
	ord   uint32
	score float64
}

// best returns the size best candidates as hits, ties in the order given. Only they are made
// passages: a passage is a dozen words to move, and hundreds of candidates were a tenth of a
// search. They are picked with a heap (keepBest, by position in ranked), not by sorting all.
func (t *tree) best(level corpus.Level, ranked []ordScore, size int) []Hit {
	h := make([]docScore, 0, min(size, len(ranked)))
	for i, c := range ranked {
		h = keepBest(h, docScore{uint32(i), c.score}, size)
	}
	slices.SortFunc(h, func(x, y docScore) int {
		if better(x, y) {
			return -1
		}
		return 1
	})
	out := make([]Hit, len(h))
	for i, d := range h {
		out[i] = Hit{Passage: t.passage(level, ranked[d.ord].ord), Score: d.score}
	}
	return out
}

// neighbours is the better normalised own score of the sentences just before and after
// sentence i in its paragraph: an answer often follows the sentence that names its topic
// ("…漏水…。原来是下水管道老化").
func (t *tree) neighbours(own scored, i uint32) float64 {
	best := 0.0
	p := t.paragraphOf[i]
	if i > 0 && t.paragraphOf[i-1] == p {
		best = own.norm(i - 1)
	}
	if int(i)+1 < len(t.paragraphOf) && t.paragraphOf[i+1] == p {
		best = max(best, own.norm(i+1))
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

// scored holds one level's best BM25 scores for a query by ordinal (see ordinals), in rank
// order, and their maximum.
type scored struct {
	ords []uint32
	at   *stamped // the scores, by ordinal
	max  float64
}

func (s scored) norm(ord uint32) float64 {
	if s.max <= 0 {
		return 0
	}
	return s.at.get(ord) / s.max
}

// candidates are the passages of the level that rank by their own text, plus those inside the
// best few paragraphs (for sentences) and reports, by ordinal.
func (ix *Index) candidates(level corpus.Level, own, paras, reports scored, sc *scoring) []uint32 {
	l := ix.layout
	seen := &sc.seen
	seen.start(max(len(l.paragraphOf), len(l.paragraphs)))
	out := sc.cands[:0]
	add := func(i uint32) {
		if !seen.has(i) {
			seen.stamp(i)
			out = append(out, i)
		}
	}
	for _, i := range own.ords {
		add(i)
	}
	addParagraph := func(p uint32) {
		if level == corpus.LevelParagraph {
			add(p)
			return
		}
		first := l.firstSentence[p]
		for k := range l.paragraphs[p].Sentences {
			add(first + uint32(k))
		}
	}
	if level == corpus.LevelSentence {
		for _, p := range paras.ords[:min(contextCands, len(paras.ords))] {
			addParagraph(p)
		}
	}
	for _, r := range reports.ords[:min(contextCands, len(reports.ords))] {
		// A book-length report lends only what matched: its every sentence would be thousands
		// of candidates a search.
		n := len(l.reports[r].Paragraphs)
		if n > maxContextParagraphs {
			continue
		}
		for p := l.firstParagraph[r]; p < l.firstParagraph[r]+uint32(n); p++ {
			// Sentence candidates come from the report's paragraphs that match at all:
			// the rest would all rank on the report's score alone, tied, and scoring them
			// was half the time of a search at 200k sentences (p50 1.17 → 0.63 ms) for no
			// change in recall on any of our sets.
			if level == corpus.LevelSentence && !sc.acc[1].touches(uint64(p)) {
				continue
			}
			addParagraph(p)
		}
	}
	sc.cands = out
	return out
}

// diversify re-ranks hits for a comparative question so that each further passage from an
// already represented report counts for less, and the top k spread across reports.
func diversify(hits []Hit, k int) []Hit {
	const decay = 0.5 // a power of two: halving a score is exact, as the power once taken was
	out := make([]Hit, 0, min(k, len(hits)))
	score := make([]float64, len(hits)) // each hit's score, discounted for its report
	taken := make([]bool, len(hits))
	for i, h := range hits {
		score[i] = h.Score
	}
	for len(out) < cap(out) {
		best, bestScore := 0, -1.0
		for i, s := range score {
			if !taken[i] && s > bestScore {
				best, bestScore = i, s
			}
		}
		taken[best] = true
		out = append(out, hits[best])
		for i := range hits {
			if !taken[i] && hits[i].Passage.Report == hits[best].Passage.Report {
				score[i] *= decay
			}
		}
	}
	return out
}

// brevityPriors discounts very short sentences. BM25's length normalisation favours them, but
// in reports a short sentence is mostly a paragraph's topic line ("…坚持领导干部带头下访，扛
// 起公安信访工作主体责任。"), which restates the question rather than answering it. An item
// of a numbered list is not: short as it is ("一是显要位置“贴”小提示。"), it names one of the
// things done, and is discounted no more than a long sentence (second corpus: sentence R@5
// 0.920 → 0.940, no change on any other set). Computed once at start, by sentence ordinal;
// the rest count in full.
func brevityPriors(c *corpus.Corpus) []float64 {
	const full = 60 // runes from which a sentence counts in full
	var out []float64
	for _, r := range c.Reports {
		for _, p := range r.Paragraphs {
			for _, s := range p.Sentences {
				w := 1.0
				if n := utf8.RuneCountInString(s.Text); n < full && !corpus.IsListItem(s.Text) {
					w = math.Pow(float64(n)/full, 0.3)
				}
				out = append(out, w)
			}
		}
	}
	return out
}
