package search

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/jingyan/jingyan/internal/corpus"
)

// layout says where each document of the two bleve indexes stands in the corpus, by bleve's
// document number: a sentence's paragraph and report, a head's report. With it one pass over
// the sentences' postings scores the sentences, and — adding up each term's frequency over
// a paragraph's or report's sentences — the paragraphs and reports as BM25 would score them
// indexed whole. Sentences are split at punctuation, where no bigram crosses, so a paragraph's
// terms are exactly its sentences' terms.
type layout struct {
	// By the sentence index's document number.
	sentence, paragraph, report []uint32 // ordinals into the ID lists below
	length                      []uint32 // terms the sentence holds
	// By the head index's document number.
	headReport, headLength []uint32

	sentenceIDs, paragraphIDs, reportIDs []string
	tree

	// Terms each paragraph and report holds: its sentences' (and, for a report, its head's).
	paragraphLength, reportLength []float64
	// The length part of BM25's saturation: each sentence's by document number, each
	// paragraph's and report's by ordinal.
	sentenceNorm, paragraphNorm, reportNorm []float64
	// Distinct terms of the sentence index, and of it and the head index together: bleve's
	// BM25 takes a level's average length as these over its document count.
	sentenceTerms, reportTerms int
}

// ordinals numbers a corpus's sentences, paragraphs and reports in reading order.
type ordinals struct {
	sentence, paragraph, report map[string]uint32
	sentenceIDs, paragraphIDs   []string
	reportIDs                   []string
	reportOf                    []uint32 // by sentence ordinal
	tree
}

// tree finds a sentence's or paragraph's place in the corpus by ordinal, so a search works
// with numbers and makes passages only of the hits it returns.
type tree struct {
	paragraphs      []*corpus.Paragraph // by paragraph ordinal
	reports         []*corpus.Report    // by report ordinal
	firstSentence   []uint32            // by paragraph ordinal: its first sentence's
	paragraphReport []uint32            // by paragraph ordinal
	firstParagraph  []uint32            // by report ordinal: its first paragraph's
	paragraphOf     []uint32            // by sentence ordinal: its paragraph's
}

func newOrdinals(c *corpus.Corpus) ordinals {
	o := ordinals{sentence: map[string]uint32{}, paragraph: map[string]uint32{}, report: map[string]uint32{}}
	for _, r := range c.Reports {
		ri := uint32(len(o.reportIDs))
		o.report[r.ID] = ri
		o.reportIDs = append(o.reportIDs, r.ID)
		o.reports = append(o.reports, r)
		o.firstParagraph = append(o.firstParagraph, uint32(len(o.paragraphIDs)))
		for _, p := range r.Paragraphs {
			pi := uint32(len(o.paragraphIDs))
			o.paragraph[p.ID] = pi
			o.paragraphIDs = append(o.paragraphIDs, p.ID)
			o.paragraphs = append(o.paragraphs, p)
			o.paragraphReport = append(o.paragraphReport, ri)
			o.firstSentence = append(o.firstSentence, uint32(len(o.sentenceIDs)))
			for _, s := range p.Sentences {
				o.sentence[s.ID] = uint32(len(o.sentenceIDs))
				o.sentenceIDs = append(o.sentenceIDs, s.ID)
				o.paragraphOf = append(o.paragraphOf, pi)
				o.reportOf = append(o.reportOf, ri)
			}
		}
	}
	return o
}

// passage is the passage of level at ordinal i.
func (t *tree) passage(level corpus.Level, i uint32) corpus.Passage {
	if level == corpus.LevelParagraph {
		para := t.paragraphs[i]
		return corpus.Passage{ID: para.ID, Level: level, Report: t.reports[t.paragraphReport[i]], Paragraph: para, Text: para.Text}
	}
	p := t.paragraphOf[i]
	para := t.paragraphs[p]
	s := para.Sentences[i-t.firstSentence[p]]
	return corpus.Passage{ID: s.ID, Level: level, Report: t.reports[t.paragraphReport[p]], Paragraph: para, Sentence: s.N, Text: s.Text}
}

// newLayout reads what it needs from freshly built indexes: each document's external ID,
// once, and each document's length by analysing its text as bleve did.
func newLayout(ctx context.Context, c *corpus.Corpus, text, heads bleve.Index, docs, headDocs docSource, an analysis.Analyzer) (*layout, error) {
	o := newOrdinals(c)
	l := &layout{sentenceIDs: o.sentenceIDs, paragraphIDs: o.paragraphIDs, reportIDs: o.reportIDs, tree: o.tree}
	lengths, err := analysedLengths(ctx, docs, an)
	if err != nil {
		return nil, err
	}
	err = walkDocs(text, func(n uint64, id string) error {
		s, ok := o.sentence[id]
		if !ok {
			return fmt.Errorf("search: layout: unknown sentence %q", id)
		}
		l.sentence = grow(l.sentence, n, s)
		l.paragraph = grow(l.paragraph, n, o.paragraphOf[s])
		l.report = grow(l.report, n, o.reportOf[s])
		l.length = grow(l.length, n, lengths[s])
		return nil
	})
	if err != nil {
		return nil, err
	}
	headLengths, err := analysedLengths(ctx, headDocs, an)
	if err != nil {
		return nil, err
	}
	err = walkDocs(heads, func(n uint64, id string) error {
		r, ok := o.report[id]
		if !ok {
			return fmt.Errorf("search: layout: unknown report %q", id)
		}
		l.headReport = grow(l.headReport, n, r)
		l.headLength = grow(l.headLength, n, headLengths[r])
		return nil
	})
	if err != nil {
		return nil, err
	}
	if l.sentenceTerms, l.reportTerms, err = termCounts(text, heads); err != nil {
		return nil, err
	}
	l.sum()
	return l, nil
}

// grow sets s[n] = v, growing s as needed (bleve numbers documents densely from 0).
func grow(s []uint32, n uint64, v uint32) []uint32 {
	for uint64(len(s)) <= n {
		s = append(s, 0)
	}
	s[n] = v
	return s
}

// analysedLengths is how many terms the analyzer makes of each document, on every core.
func analysedLengths(ctx context.Context, docs docSource, an analysis.Analyzer) ([]uint32, error) {
	out := make([]uint32, docs.n)
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < docs.n && ctx.Err() == nil; i += workers {
				out[i] = uint32(len(an.Analyze([]byte(docs.doc(i).Text))))
			}
		}()
	}
	wg.Wait()
	return out, ctx.Err()
}

// walkDocs calls f with every document's number and external ID.
func walkDocs(idx bleve.Index, f func(n uint64, id string) error) error {
	r, err := reader(idx)
	if err != nil {
		return err
	}
	defer r.Close()
	all, err := r.DocIDReaderAll()
	if err != nil {
		return fmt.Errorf("search: layout: %w", err)
	}
	defer all.Close()
	for {
		d, err := all.Next()
		if err != nil {
			return fmt.Errorf("search: layout: %w", err)
		}
		if d == nil {
			return nil
		}
		id, err := r.ExternalID(d)
		if err != nil {
			return fmt.Errorf("search: layout: %w", err)
		}
		if err := f(binary.BigEndian.Uint64(d), id); err != nil {
			return err
		}
	}
}

// termCounts is the number of distinct terms in the sentence index, and in it and the head
// index together.
func termCounts(text, heads bleve.Index) (sentences, reports int, err error) {
	tr, err := reader(text)
	if err != nil {
		return 0, 0, err
	}
	defer tr.Close()
	br, ok := tr.(index.BM25Reader)
	if !ok {
		return 0, 0, errors.New("search: layout: index keeps no BM25 statistics")
	}
	if sentences, err = br.FieldCardinality(fieldText); err != nil {
		return 0, 0, fmt.Errorf("search: layout: %w", err)
	}
	hr, err := reader(heads)
	if err != nil {
		return 0, 0, err
	}
	defer hr.Close()
	dict, err := hr.FieldDict(fieldText)
	if err != nil {
		return 0, 0, fmt.Errorf("search: layout: %w", err)
	}
	defer dict.Close()
	reports = sentences
	for {
		e, err := dict.Next()
		if err != nil {
			return 0, 0, fmt.Errorf("search: layout: %w", err)
		}
		if e == nil {
			return sentences, reports, nil
		}
		tfr, err := tr.TermFieldReader(context.Background(), []byte(e.Term), fieldText, false, false, false)
		if err != nil {
			return 0, 0, fmt.Errorf("search: layout: %w", err)
		}
		if tfr.Count() == 0 {
			reports++ // a term only a head writes
		}
		tfr.Close()
	}
}

func reader(idx bleve.Index) (index.IndexReader, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return r, nil
}

// sum adds up paragraph and report lengths from their sentences and heads, and works out
// each sentence's length norm.
func (l *layout) sum() {
	l.paragraphLength = make([]float64, len(l.paragraphIDs))
	l.reportLength = make([]float64, len(l.reportIDs))
	for d, n := range l.length {
		l.paragraphLength[l.paragraph[d]] += float64(n)
		l.reportLength[l.report[d]] += float64(n)
	}
	for h, n := range l.headLength {
		l.reportLength[l.headReport[h]] += float64(n)
	}
	s := newBM25(len(l.sentence), l.sentenceTerms)
	l.sentenceNorm = make([]float64, len(l.length))
	for d, n := range l.length {
		l.sentenceNorm[d] = s.lengthNorm(float64(n))
	}
	l.paragraphNorm = norms(newBM25(len(l.paragraphIDs), l.sentenceTerms), l.paragraphLength)
	l.reportNorm = norms(newBM25(len(l.reportIDs), l.reportTerms), l.reportLength)
}

func norms(s bm25, lengths []float64) []float64 {
	out := make([]float64, len(lengths))
	for i, n := range lengths {
		out[i] = s.lengthNorm(n)
	}
	return out
}

// The layout file: a version, the two term counts, then the sentence index's columns and
// the head index's, each a count and little-endian uint32s. IDs come from the corpus.
const layoutVersion = 1

func (l *layout) write(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("search: write layout: %w", err)
	}
	w := bufio.NewWriter(f)
	put := func(v uint32) { binary.Write(w, binary.LittleEndian, v) }
	put(layoutVersion)
	put(uint32(l.sentenceTerms))
	put(uint32(l.reportTerms))
	for _, col := range [][]uint32{l.sentence, l.paragraph, l.report, l.length, l.headReport, l.headLength} {
		put(uint32(len(col)))
		binary.Write(w, binary.LittleEndian, col)
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		return fmt.Errorf("search: write layout: %w", err)
	}
	return nil
}

func readLayout(path string, c *corpus.Corpus) (*layout, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("search: read layout: %w: %w", ErrDamagedIndex, err)
	}
	return parseLayout(data, c)
}

// parseLayout decodes a layout file; whatever the bytes, it returns a layout that fits c or
// an error (FuzzParseLayout).
func parseLayout(data []byte, c *corpus.Corpus) (*layout, error) {
	word := func() (uint32, bool) {
		if len(data) < 4 {
			return 0, false
		}
		v := binary.LittleEndian.Uint32(data)
		data = data[4:]
		return v, true
	}
	version, ok1 := word()
	sentenceTerms, ok2 := word()
	reportTerms, ok3 := word()
	if !ok1 || version != layoutVersion {
		return nil, fmt.Errorf("search: read layout: %w", ErrOldIndex)
	}
	if !ok2 || !ok3 {
		return nil, fmt.Errorf("search: read layout: %w: truncated", ErrDamagedIndex)
	}
	o := newOrdinals(c)
	l := &layout{sentenceIDs: o.sentenceIDs, paragraphIDs: o.paragraphIDs, reportIDs: o.reportIDs, tree: o.tree,
		sentenceTerms: int(sentenceTerms), reportTerms: int(reportTerms)}
	for _, col := range []*[]uint32{&l.sentence, &l.paragraph, &l.report, &l.length, &l.headReport, &l.headLength} {
		n, ok := word()
		if !ok || uint64(n)*4 > uint64(len(data)) {
			return nil, fmt.Errorf("search: read layout: %w: truncated", ErrDamagedIndex)
		}
		*col = make([]uint32, n)
		for i := range *col {
			(*col)[i], _ = word()
		}
	}
	if err := l.check(); err != nil {
		return nil, err
	}
	l.sum()
	return l, nil
}

// check refuses a layout that does not fit the corpus beside it.
func (l *layout) check() error {
	n := len(l.sentence)
	if len(l.paragraph) != n || len(l.report) != n || len(l.length) != n || len(l.headReport) != len(l.headLength) {
		return fmt.Errorf("search: read layout: %w: columns differ in length", ErrDamagedIndex)
	}
	for d := range l.sentence {
		if int(l.sentence[d]) >= len(l.sentenceIDs) || int(l.paragraph[d]) >= len(l.paragraphIDs) || int(l.report[d]) >= len(l.reportIDs) {
			return fmt.Errorf("search: read layout: %w: does not fit the corpus", ErrDamagedIndex)
		}
	}
	for _, r := range l.headReport {
		if int(r) >= len(l.reportIDs) {
			return fmt.Errorf("search: read layout: %w: does not fit the corpus", ErrDamagedIndex)
		}
	}
	return nil
}
