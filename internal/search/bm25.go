package search

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"

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
func buildTerms(a glossary.Analysis, an analysis.Analyzer) termQuery {
	content := a.Content
	if strings.TrimSpace(content) == "" {
		// The question was all question words ("有哪些？"): search what was typed.
		content = a.Normalized
	}
	var q termQuery
	q.add(an, content, 1)
	q.add(an, strings.Join(a.Expansions, " "), boostExpansion)
	return q
}

// add appends the text's bigram terms as one part, each term once: synonyms share bigrams
// (电信网络诈骗, 电信诈骗, 网络诈骗), and a bigram counted once per synonym outweighed the words
// typed.
func (q *termQuery) add(an analysis.Analyzer, text string, boost float64) {
	seen := make(map[string]bool)
	var terms []string
	for _, tok := range an.Analyze([]byte(text)) {
		if t := string(tok.Term); !seen[t] {
			seen[t] = true
			terms = append(terms, t)
		}
	}
	if len(terms) > 0 {
		q.parts = append(q.parts, queryPart{terms: terms, boost: boost})
	}
}

func (q termQuery) empty() bool { return len(q.parts) == 0 }

// scores ranks one level's documents for q by BM25 and returns the best n.
//
// It reads bleve's postings directly and scores as bleve's BM25 disjunction does — idf² ×
// boost × tf saturation, each part's sum times the share of its terms matched, the whole
// times the share of parts matched (TestScoresAsBleve holds it to bleve's own search) —
// without bleve's searcher and collector: a match object, a heap step and a pool round trip
// a posting were most of a search (115k sentences: p50 237 → … µs).
func (ix *Index) scores(ctx context.Context, lv int, q termQuery, n int) (scored, error) {
	idx := ix.levels[lv]
	if idx == nil {
		return scored{}, fmt.Errorf("search: index is closed")
	}
	adv, err := idx.Advanced()
	if err != nil {
		return scored{}, fmt.Errorf("search: query: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return scored{}, fmt.Errorf("search: query: %w", err)
	}
	defer r.Close()
	acc := ix.accs[lv].get()
	defer ix.accs[lv].put(acc)
	acc.reset()
	if err := accumulate(ctx, r, q, acc); err != nil {
		return scored{}, fmt.Errorf("search: query: %w", err)
	}
	return acc.top(r, q, n)
}

// accumulate adds every posting of every term of q into acc.
func accumulate(ctx context.Context, r index.IndexReader, q termQuery, acc *accumulator) error {
	docs, avg, err := lengthStats(r)
	if err != nil || docs == 0 {
		return err
	}
	var tfd index.TermFieldDoc
	for part, p := range q.parts {
		for _, term := range p.terms {
			if err := ctx.Err(); err != nil {
				return err
			}
			tfr, err := r.TermFieldReader(ctx, []byte(term), fieldText, true, true, false)
			if err != nil {
				return err
			}
			df := float64(tfr.Count())
			idf := math.Log(1 + (float64(docs)-df+0.5)/(df+0.5))
			weight := p.boost * idf * idf
			for {
				d, err := tfr.Next(&tfd)
				if err != nil {
					tfr.Close()
					return err
				}
				if d == nil {
					break
				}
				tf := math.Sqrt(float64(d.Freq))
				length := 1 / (d.Norm * d.Norm)
				s := weight * tf * bsearch.BM25_k1 / (tf + bsearch.BM25_k1*(1-bsearch.BM25_b+bsearch.BM25_b*length/avg))
				acc.add(binary.BigEndian.Uint64(d.ID), part, s)
			}
			if err := tfr.Close(); err != nil {
				return err
			}
		}
	}
	return nil
}

// lengthStats is what bleve's BM25 takes as the collection's size and average length (its
// dictionary's size over the documents, rounded up).
func lengthStats(r index.IndexReader) (docs uint64, avg float64, err error) {
	docs, err = r.DocCount()
	if err != nil || docs == 0 {
		return 0, 0, err
	}
	br, ok := r.(index.BM25Reader)
	if !ok {
		return 0, 0, fmt.Errorf("index keeps no BM25 statistics")
	}
	card, err := br.FieldCardinality(fieldText)
	if err != nil {
		return 0, 0, err
	}
	return docs, math.Ceil(float64(card) / float64(docs)), nil
}

// accumulator sums one query's term scores by document number. It is dense — a slot for each
// document and part, reset only where touched — and pooled per level, so a query allocates
// nothing in proportion to the postings it reads.
type accumulator struct {
	sum     []float64 // [doc*maxParts+part]
	matched []uint16  // [doc*maxParts+part]: how many of the part's terms the document holds
	touched []uint64
	best    []docScore
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

// top returns the n best documents, ties in index order as bleve breaks them.
func (a *accumulator) top(r index.IndexReader, q termQuery, n int) (scored, error) {
	best := a.best[:0]
	for _, d := range a.touched {
		best = keepBest(best, docScore{d, a.score(d, q)}, n)
	}
	slices.SortFunc(best, func(x, y docScore) int {
		if better(x, y) {
			return -1
		}
		return 1
	})
	a.best = best
	out := scored{ids: make([]string, len(best)), score: make(map[string]float64, len(best))}
	id := make(index.IndexInternalID, 8)
	for i, b := range best {
		binary.BigEndian.PutUint64(id, b.doc)
		ext, err := r.ExternalID(id)
		if err != nil {
			return scored{}, fmt.Errorf("search: query: %w", err)
		}
		out.ids[i] = ext
		out.score[ext] = b.score
		out.max = max(out.max, b.score)
	}
	return out, nil
}

type docScore struct {
	doc   uint64
	score float64
}

func better(a, b docScore) bool {
	return a.score > b.score || a.score == b.score && a.doc < b.doc
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

// accumulators keeps one level's accumulators for reuse. Unlike a sync.Pool it is not
// emptied by each garbage collection: an accumulator of 100k sentences is 2 MB to grow again.
type accumulators chan *accumulator

func (p accumulators) get() *accumulator {
	select {
	case a := <-p:
		return a
	default:
		return new(accumulator)
	}
}

func (p accumulators) put(a *accumulator) {
	select {
	case p <- a:
	default: // more searches at once than kept: let this one go
	}
}
