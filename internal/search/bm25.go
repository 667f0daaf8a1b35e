package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/jingyan/jingyan/internal/glossary"
)

// termQuery is a question as the index sees it: its bigram terms in parts, each part weighted
// — the words typed, then the report forms of words the question put another way.
type termQuery struct {
	parts []queryPart
}

type queryPart struct {
	terms []string
	boost float64
}

// buildTerms turns an analysis into the terms a search looks up; user text only ever reaches
// dictionary lookups, never a query syntax. It returns an empty query when nothing is
// searchable.
func buildTerms(a glossary.Analysis, an *analyzer) termQuery {
	content := a.Content
	if strings.TrimSpace(content) == "" {
		// The question was all question words ("有哪些？"): search what was typed.
		content = a.Normalized
	}
	var q termQuery
	q.add(an.terms(content), 1)
	var expanded []string
	for _, e := range a.Expansions {
		expanded = append(expanded, an.glossaryTerms(e)...)
	}
	q.add(expanded, boostExpansion)
	return q
}

// add appends terms as one part, each term once: synonyms share bigrams (电信网络诈骗,
// 电信诈骗, 网络诈骗), and a bigram counted once per synonym outweighed the words typed.
func (q *termQuery) add(terms []string, boost float64) {
	var part []string
	var seen map[string]bool // a long question's; a short one's are few to look through
	for _, t := range terms {
		switch {
		case len(terms) <= 64:
			if slices.Contains(part, t) {
				continue
			}
		case seen[t]:
			continue
		case seen == nil:
			seen = map[string]bool{t: true}
		default:
			seen[t] = true
		}
		part = append(part, t)
	}
	if len(part) > 0 {
		q.parts = append(q.parts, queryPart{terms: part, boost: boost})
	}
}

// analyzer turns text into the index's terms, remembering those of glossary words: a
// question's expansions are glossary words, and analysing them afresh was a tenth of a search.
type analyzer struct {
	analysis.Analyzer
	mu   sync.Mutex
	seen map[string][]string // glossary word → its terms; bounded by the glossary
}

// maxGlossaryWords bounds what analyzer remembers, should expansions ever come from elsewhere.
const maxGlossaryWords = 20000

func (an *analyzer) terms(text string) []string {
	toks := an.Analyze([]byte(text))
	out := make([]string, len(toks))
	for i, tok := range toks {
		out[i] = string(tok.Term)
	}
	return out
}

func (an *analyzer) glossaryTerms(word string) []string {
	an.mu.Lock()
	terms, ok := an.seen[word]
	an.mu.Unlock()
	if ok {
		return terms
	}
	terms = an.terms(word)
	an.mu.Lock()
	defer an.mu.Unlock()
	if an.seen == nil || len(an.seen) >= maxGlossaryWords {
		an.seen = make(map[string][]string)
	}
	an.seen[word] = terms
	return terms
}

func (q termQuery) empty() bool { return len(q.parts) == 0 }

// levelScores is a question's BM25 scores at each level, each in rank order.
type levelScores struct {
	sentences, paragraphs, reports scored
}

// score ranks sentences, paragraphs and reports for q in one pass over the sentences'
// postings, and returns the best n of each level.
//
// It reads bleve's postings directly and scores as bleve's BM25 disjunction does — idf² ×
// boost × tf saturation, each part's sum times the share of its terms matched, the whole
// times the share of parts matched (TestScoresAsBleve holds it to bleve's own search of
// each level indexed whole) — without bleve's searcher and collector, whose match object,
// heap step and pool round trip a posting were most of a search. A paragraph's and a
// report's term frequencies are their sentences' added up (see layout).
//
// The scores live in sc, the caller's working space, until it is given back.
func (ix *Index) score(ctx context.Context, q termQuery, n [3]int, sc *scoring) (levelScores, error) {
	if ix.text == nil {
		return levelScores{}, fmt.Errorf("search: index is closed")
	}
	text, err := reader(ix.text)
	if err != nil {
		return levelScores{}, err
	}
	defer text.Close()
	heads, err := reader(ix.heads)
	if err != nil {
		return levelScores{}, err
	}
	defer heads.Close()
	sc.reset(len(ix.layout.paragraphIDs), len(ix.layout.reportIDs))
	if err := ix.accumulate(ctx, text, heads, q, sc); err != nil {
		return levelScores{}, fmt.Errorf("search: query: %w", err)
	}
	l := ix.layout
	return levelScores{
		sentences:  sc.acc[0].top(q, n[0], len(l.sentenceIDs), func(d uint64) uint32 { return l.sentence[d] }),
		paragraphs: sc.acc[1].top(q, n[1], len(l.paragraphIDs), func(p uint64) uint32 { return uint32(p) }),
		reports:    sc.acc[2].top(q, n[2], len(l.reportIDs), func(r uint64) uint32 { return uint32(r) }),
	}, nil
}

// bm25 is a level's collection statistics, as bleve's BM25 takes them: its document count
// and its distinct terms over that count, rounded up, as the average length.
type bm25 struct {
	docs, avg float64
}

func newBM25(docs, terms int) bm25 {
	if docs == 0 {
		return bm25{}
	}
	return bm25{docs: float64(docs), avg: math.Ceil(float64(terms) / float64(docs))}
}

// weight is a term's weight at this level for df documents holding it.
func (s bm25) weight(boost, df float64) float64 {
	idf := math.Log(1 + (s.docs-df+0.5)/(df+0.5))
	return boost * idf * idf
}

// lengthNorm is the part of BM25's saturation a document's length decides.
func (s bm25) lengthNorm(length float64) float64 {
	return bsearch.BM25_k1 * (1 - bsearch.BM25_b + bsearch.BM25_b*length/s.avg)
}

// saturated is a document's score for a term of weight w it holds freq times, norm being its
// length's part (worked out once at open for every sentence, paragraph and report).
func saturated(w, freq, norm float64) float64 {
	tf := math.Sqrt(freq)
	if freq < float64(len(sqrts)) {
		tf = sqrts[int(freq)]
	}
	return w * tf * bsearch.BM25_k1 / (tf + norm)
}

// sqrts are the square roots of small term frequencies, most of those a posting holds.
var sqrts = [...]float64{0, 1, math.Sqrt2, 1.7320508075688772, 2, 2.23606797749979, 2.449489742783178, 2.6457513110645907}

// accumulate adds every posting of every term of q into sc: sentences as they come, and
// each paragraph and report once its term frequency is summed over its sentences and head.
func (ix *Index) accumulate(ctx context.Context, text, heads index.IndexReader, q termQuery, sc *scoring) error {
	l := ix.layout
	sentences := newBM25(len(l.sentence), l.sentenceTerms)
	paragraphs := newBM25(len(l.paragraphIDs), l.sentenceTerms)
	reports := newBM25(len(l.reportIDs), l.reportTerms)
	opened := false
	for part, p := range q.parts {
		for _, term := range p.terms {
			if err := ctx.Err(); err != nil {
				return err
			}
			tp, ok := ix.cache.get(term)
			if !ok {
				if !opened {
					if err := errors.Join(sc.text.open(text), sc.heads.open(heads)); err != nil {
						return err
					}
					opened = true
				}
				var err error
				if tp, err = sc.readTerm(term); err != nil {
					return err
				}
				ix.cache.put(term, tp)
			}
			w := sentences.weight(p.boost, float64(len(tp.text.docs)))
			for i, d := range tp.text.docs {
				freq := uint64(tp.text.freqs[i])
				sc.acc[0].add(uint64(d), part, saturated(w, float64(freq), l.sentenceNorm[d]))
				sc.freq[0].add(l.paragraph[d], freq)
				sc.freq[1].add(l.report[d], freq)
			}
			for i, h := range tp.heads.docs {
				sc.freq[1].add(l.headReport[h], uint64(tp.heads.freqs[i]))
			}
			sc.freq[0].flush(&sc.acc[1], part, p.boost, paragraphs, l.paragraphNorm)
			sc.freq[1].flush(&sc.acc[2], part, p.boost, reports, l.reportNorm)
		}
	}
	return nil
}

// readTerm reads a term's postings out of the sentences and the heads.
func (sc *scoring) readTerm(term string) (*termPostings, error) {
	t := new(termPostings)
	for _, r := range []struct {
		p   *postings
		out *decoded
	}{{&sc.text, &t.text}, {&sc.heads, &t.heads}} {
		n, err := r.p.lookup([]byte(term))
		if err != nil {
			return nil, err
		}
		if *r.out, err = r.p.read(n); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// scoring is one search's working space, kept for reuse (see scratch).
type scoring struct {
	acc         [3]accumulator // sentences by document number, paragraphs and reports by ordinal
	freq        [2]termFreqs   // paragraphs, reports: the current term's frequencies
	text, heads postings

	// SearchAnalysis's: candidates, their scores, and marks of those already taken.
	cands  []uint32
	ranked []ordScore
	seen   stamps
}

func (sc *scoring) reset(paragraphs, reports int) {
	for i := range sc.acc {
		sc.acc[i].reset()
	}
	sc.freq[0].size(paragraphs)
	sc.freq[1].size(reports)
}

// termFreqs sums one term's frequency over the sentences (and head) of each paragraph or
// report, densely, cleared as it is flushed.
type termFreqs struct {
	freq    []uint64
	touched []uint32
}

func (t *termFreqs) size(n int) {
	if len(t.freq) < n {
		t.freq = make([]uint64, n)
	}
}

func (t *termFreqs) add(i uint32, freq uint64) {
	if t.freq[i] == 0 {
		t.touched = append(t.touched, i)
	}
	t.freq[i] += freq
}

// flush scores the term for each unit that holds it — the unit's document frequency is how
// many do — and clears it.
func (t *termFreqs) flush(acc *accumulator, part int, boost float64, s bm25, norm []float64) {
	w := s.weight(boost, float64(len(t.touched)))
	for _, i := range t.touched {
		acc.add(uint64(i), part, saturated(w, float64(t.freq[i]), norm[i]))
		t.freq[i] = 0
	}
	t.touched = t.touched[:0]
}

// accumulator sums one query's term scores by document number. It is dense — a slot for each
// document and part, reset only where touched — and pooled per level, so a query allocates
// nothing in proportion to the postings it reads.
type accumulator struct {
	sum     []float64 // [doc*maxParts+part]
	matched []uint16  // [doc*maxParts+part]: how many of the part's terms the document holds
	touched []uint64
	best    []docScore
	out     scored // top's, reused
}

// maxParts is how many parts buildTerms makes at most: the words typed and their expansions.
const maxParts = 2

func (a *accumulator) reset() {
	for _, d := range a.touched {
		base := int(d) * maxParts
		clear(a.sum[base : base+maxParts])
		clear(a.matched[base : base+maxParts])
	}
	a.touched = a.touched[:0]
}

func (a *accumulator) add(doc uint64, part int, s float64) {
	base := int(doc) * maxParts
	if base >= len(a.sum) {
		n := max(2*len(a.sum), base+maxParts)
		a.sum = append(a.sum, make([]float64, n-len(a.sum))...)
		a.matched = append(a.matched, make([]uint16, n-len(a.matched))...)
	}
	if a.matched[base] == 0 && a.matched[base+1] == 0 {
		a.touched = append(a.touched, doc)
	}
	a.sum[base+part] += s
	a.matched[base+part]++
}

// touches reports whether any term of the query is in the document.
func (a *accumulator) touches(doc uint64) bool {
	base := int(doc) * maxParts
	return base < len(a.matched) && (a.matched[base] > 0 || a.matched[base+1] > 0)
}

// score is a document's total: each part's sum times the share of its terms matched, then
// the share of parts matched.
func (a *accumulator) score(doc uint64, q termQuery) float64 {
	base := int(doc) * maxParts
	total, parts := 0.0, 0
	for p, part := range q.parts {
		if m := a.matched[base+p]; m > 0 {
			total += a.sum[base+p] * float64(m) / float64(len(part.terms))
			parts++
		}
	}
	return total * float64(parts) / float64(len(q.parts))
}

// top returns the n best documents, ties in reading order. (bleve breaks ties by document
// number, which depends on which batch of a build was indexed first: in-memory indexes built
// twice ranked tied passages differently.)
func (a *accumulator) top(q termQuery, n, size int, ordOf func(uint64) uint32) scored {
	best := a.best[:0]
	for _, d := range a.touched {
		// A document's sums bound its score (the shares that scale them are at most 1):
		// most of a common term's documents are passed over without working it out.
		if len(best) == n && n > 0 {
			base := int(d) * maxParts
			if a.sum[base]+a.sum[base+1] < best[0].score {
				continue
			}
		}
		best = keepBest(best, docScore{ordOf(d), a.score(d, q)}, n)
	}
	slices.SortFunc(best, func(x, y docScore) int {
		if better(x, y) {
			return -1
		}
		return 1
	})
	a.best = best
	out := &a.out
	out.ords = out.ords[:0]
	out.max = 0
	if out.at == nil {
		out.at = new(stamped)
	}
	out.at.start(size)
	for _, b := range best {
		out.ords = append(out.ords, b.ord)
		out.at.set(b.ord, b.score)
		out.max = max(out.max, b.score)
	}
	return *out
}

type docScore struct {
	ord   uint32
	score float64
}

func better(a, b docScore) bool {
	return a.score > b.score || a.score == b.score && a.ord < b.ord
}

// keepBest adds d to h, a min-heap of at most n (the worst of the best on top).
func keepBest(h []docScore, d docScore, n int) []docScore {
	if len(h) < n {
		h = append(h, d)
		for i := len(h) - 1; i > 0; {
			parent := (i - 1) / 2
			if !better(h[parent], h[i]) {
				break
			}
			h[parent], h[i] = h[i], h[parent]
			i = parent
		}
		return h
	}
	if n == 0 || !better(d, h[0]) {
		return h
	}
	h[0] = d
	for i := 0; ; {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && better(h[worst], h[l]) {
			worst = l
		}
		if r < len(h) && better(h[worst], h[r]) {
			worst = r
		}
		if worst == i {
			return h
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}

// scratch keeps searches' working space for reuse. Unlike a sync.Pool it is not emptied by
// each garbage collection: the space for 100k sentences is megabytes to grow again.
type scratch chan *scoring

func (p scratch) get() *scoring {
	select {
	case a := <-p:
		return a
	default:
		return new(scoring)
	}
}

func (p scratch) put(a *scoring) {
	select {
	case p <- a:
	default: // more searches at once than kept: let this one go
	}
}
