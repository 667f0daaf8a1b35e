package search

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/glossary"
)

// Index answers queries over one corpus at sentence and paragraph level.
//
// One bleve index holds every sentence, another each report's head (title, unit, collection,
// bylines, section headings). A question is one pass over the postings of its terms there:
// it scores the sentences, and through the layout the paragraphs and reports as wholes —
// how well a report as a whole answers a question is context for ranking its paragraphs and
// sentences (see SearchAnalysis). Each level keeps its own BM25 statistics, so long and short
// passages are not mixed.
type Index struct {
	corpus   *corpus.Corpus
	glossary *glossary.Glossary
	text     bleve.Index // the sentences
	heads    bleve.Index // the reports' heads
	layout   *layout
	places   places
	analyzer *analyzer // the text field's, for building queries
	priors   []float64 // by sentence ordinal (see brevityPriors)
	twins    [2]twins  // by sentence and by paragraph ordinal
	scratch  scratch
	cache    *postingCache
	ranking  Ranking // an embeddings model and a reranker beside BM25, when configured
}

// termReadersKept is how many term readers (a term's dictionary, postings and iterator per
// segment) an index keeps for reuse by later queries; bleve keeps none by default. Opening
// them afresh was a quarter of a search on the embedded corpus (/v1/search 11.1k → 16.1k
// req/s). A question has up to a few dozen terms, so this serves a few searches at once.
const termReadersKept = 256

// keptScratch is how many searches at once keep their working space for reuse.
const keptScratch = 8

func newIndex(c *corpus.Corpus, g *glossary.Glossary) *Index {
	ix := &Index{corpus: c, glossary: g, places: newPlaces(c, g),
		analyzer: &analyzer{Analyzer: newMapping().AnalyzerNamed(cjk.AnalyzerName)}, priors: brevityPriors(c),
		scratch: make(scratch, keptScratch), cache: newPostingCache(maxCached)}
	sentences, paragraphs := levelTexts(c, g)
	ix.twins = [2]twins{newTwins(sentences), newTwins(paragraphs)}
	return ix
}

// Progress is told how many passages are indexed out of how many.
type Progress func(done, total int)

const (
	batchSize  = 2000
	batchBytes = 2 << 20
)

// Files inside an on-disk index directory.
const (
	corpusFile = "corpus.json"
	formatFile = "FORMAT"
	textDir    = "sentence.bleve"
	headDir    = "head.bleve"
	layoutFile = "layout"
	format     = "jingyan-index 4" // 4: sentences and heads, one pass a question
)

// Build indexes c. With dir "" the index lives in memory; otherwise dir must not exist yet.
func Build(ctx context.Context, c *corpus.Corpus, g *glossary.Glossary, dir string, progress Progress) (*Index, error) {
	if !c.Folded {
		c.FoldWith(g.Fold) // once, stored with the index: nothing folds it again at start
	}
	ix := newIndex(c, g)
	if err := ix.build(ctx, dir, progress); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

func (ix *Index) build(ctx context.Context, dir string, progress Progress) error {
	docs, headDocs := sentenceSource(ix.corpus, ix.glossary), headSource(ix.corpus, ix.glossary)
	total := docs.n + headDocs.n
	var mu sync.Mutex
	done := 0
	added := func(n int) {
		mu.Lock()
		defer mu.Unlock()
		done += n
		if progress != nil {
			progress(done, total)
		}
	}
	var err error
	if ix.text, err = buildLevel(ctx, dir, textDir, docs, added); err != nil {
		return err
	}
	if ix.heads, err = buildLevel(ctx, dir, headDir, headDocs, added); err != nil {
		return err
	}
	if ix.layout, err = newLayout(ctx, ix.corpus, ix.text, ix.heads, docs, headDocs, ix.analyzer); err != nil {
		return err
	}
	if dir == "" {
		return nil
	}
	if err := ix.layout.write(filepath.Join(dir, layoutFile)); err != nil {
		return err
	}
	return writeCorpus(dir, ix.corpus)
}

// buildLevel creates one bleve index (in dir/name, or in memory when dir is "") and indexes
// docs into it; added is told how many more are done after each batch.
func buildLevel(ctx context.Context, dir, name string, docs docSource, added func(int)) (bleve.Index, error) {
	path := ""
	if dir != "" {
		path = filepath.Join(dir, name)
	}
	idx, err := newBleve(path)
	if err != nil {
		return nil, err
	}
	last := 0
	err = indexDocs(ctx, idx, docs, func(n int) {
		added(n - last)
		last = n
	})
	if err == nil && path != "" {
		err = mergeAll(ctx, idx)
	}
	if err != nil {
		idx.Close()
		return nil, err
	}
	return idx, nil
}

// mergeAll merges a freshly built on-disk index into one segment: a query opens a term reader
// per term per segment, and at 115k sentences the 13 segments a build left made a search
// p50 371 µs against 237 µs merged. (An index in memory has no merger to ask.)
func mergeAll(ctx context.Context, idx bleve.Index) error {
	adv, err := idx.Advanced()
	if err != nil {
		return fmt.Errorf("search: merge: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	// One force merge may leave two segments when a tier was full; a few rounds reach one.
	for range 4 {
		if n, _ := s.StatsMap()["num_root_filesegments"].(uint64); n <= 1 {
			return nil
		}
		if err := s.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions); err != nil {
			return fmt.Errorf("search: merge: %w", err)
		}
	}
	return nil
}

// Embedded indexes the corpus and glossary the binary carries, in memory: the default when
// no --index is given.
func Embedded(ctx context.Context) (*Index, error) {
	c, err := corpus.Embedded()
	if err != nil {
		return nil, err
	}
	g, err := glossary.Embedded()
	if err != nil {
		return nil, err
	}
	return Build(ctx, c, g, "", nil)
}

func newBleve(path string) (bleve.Index, error) {
	// NewMemOnly would silently score TF-IDF; scorch with an empty path is in memory and BM25.
	idx, err := bleve.NewUsing(path, newMapping(), scorch.Name, scorch.Name, map[string]any{
		"fieldTFRCacheThreshold": termReadersKept,
	})
	if err != nil {
		return nil, fmt.Errorf("search: create index: %w", err)
	}
	return idx, nil
}

type passageDoc struct {
	id string
	doc
}

// docSource is a level's documents, made one at a time as they are indexed: a collection
// is never held folded in memory whole, three times over.
type docSource struct {
	n    int
	doc  func(i int) passageDoc
	size func(i int) int // about how many bytes of text document i holds
}

// batches sends the ranges of docs to index together: batchSize documents or batchBytes of
// text, whichever comes first.
func (docs docSource) batches(ctx context.Context, out chan<- [2]int) {
	defer close(out)
	for start := 0; start < docs.n; {
		end, bytes := start, 0
		for end < docs.n && end-start < batchSize && bytes < batchBytes {
			bytes += docs.size(end)
			end++
		}
		select {
		case out <- [2]int{start, end}:
		case <-ctx.Done():
			return
		}
		start = end
	}
}

// sentenceSource is every sentence in reading order (the layout's sentence ordinals),
// folded as questions are (traditional → simplified, numerals → digits).
func sentenceSource(c *corpus.Corpus, g *glossary.Glossary) docSource {
	type ref struct {
		p *corpus.Paragraph
		i int
	}
	var refs []ref
	for _, r := range c.Reports {
		for _, p := range r.Paragraphs {
			for i := range p.Sentences {
				refs = append(refs, ref{p, i})
			}
		}
	}
	return docSource{n: len(refs), doc: func(i int) passageDoc {
		s := refs[i].p.Sentences[refs[i].i]
		return passageDoc{id: s.ID, doc: doc{Text: c.FoldText(s.Folded, s.Text, g.Fold)}}
	}, size: func(i int) int { return len(refs[i].p.Sentences[refs[i].i].Text) }}
}

// headSource is each report's head, in order: title, unit, collection and context (bylines,
// breadcrumbs, file name), then its section headings.
func headSource(c *corpus.Corpus, g *glossary.Glossary) docSource {
	return docSource{n: len(c.Reports), doc: func(i int) passageDoc {
		r := c.Reports[i]
		var b strings.Builder
		b.WriteString(r.Title + "\n" + r.Org + "\n" + r.Collection + "\n" + r.Context + "\n")
		section := ""
		for _, p := range r.Paragraphs {
			if p.Section != section {
				section = p.Section
				b.WriteString(section + "\n")
			}
		}
		return passageDoc{id: r.ID, doc: doc{Text: g.Fold(b.String())}}
	}, size: func(i int) int { return len(c.Reports[i].Title) + len(c.Reports[i].Context) }}
}

// indexDocs indexes docs in batches, as many batches at once as there are cores: bleve
// analyses a batch in parallel but turns it into a segment on one core.
func indexDocs(ctx context.Context, idx bleve.Index, docs docSource, progress func(int)) error {
	ranges := make(chan [2]int)
	go docs.batches(ctx, ranges)
	var mu sync.Mutex
	done := 0
	errs := make([]error, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range ranges {
				if errs[w] != nil {
					continue // drain, so the producer is not left blocked
				}
				if errs[w] = indexBatch(idx, docs, r[0], r[1]); errs[w] != nil {
					continue
				}
				mu.Lock()
				done += r[1] - r[0]
				if progress != nil {
					progress(done)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(ctx.Err(), errors.Join(errs...))
}

func indexBatch(idx bleve.Index, docs docSource, start, end int) error {
	b := idx.NewBatch()
	for i := start; i < end; i++ {
		d := docs.doc(i)
		if err := b.Index(d.id, d.doc); err != nil {
			return fmt.Errorf("search: index %s: %w", d.id, err)
		}
	}
	if err := idx.Batch(b); err != nil {
		return fmt.Errorf("search: index batch: %w", err)
	}
	return nil
}

func writeCorpus(dir string, c *corpus.Corpus) error {
	// Streamed to the file: a large collection is not encoded into memory first.
	f, err := os.Create(filepath.Join(dir, corpusFile))
	if err != nil {
		return fmt.Errorf("search: write corpus: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := json.NewEncoder(w).Encode(c); err != nil {
		f.Close()
		return fmt.Errorf("search: encode corpus: %w", err)
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		return fmt.Errorf("search: write corpus: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, formatFile), []byte(format+"\n"), 0o644); err != nil {
		return fmt.Errorf("search: write format: %w", err)
	}
	return nil
}

// What is wrong with a path given as an index, for front ends to say in their words.
var (
	ErrNoIndex    = errors.New("no such directory")
	ErrNotIndex   = errors.New("not a jingyan index")
	ErrOldIndex   = errors.New("a jingyan index of another version")
	ErrEmptyIndex = errors.New("an empty directory")
	// ErrDamagedIndex is an index of this version with a file missing or unreadable.
	ErrDamagedIndex = errors.New("a damaged jingyan index")
)

// Open opens an index directory written by BuildDir, read-only.
func Open(path string, g *glossary.Glossary) (*Index, error) {
	dir, err := filepath.EvalSymlinks(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("search: open index %s: %w", path, ErrNoIndex)
	}
	if err != nil {
		return nil, fmt.Errorf("search: open index: %w", err)
	}
	f, err := os.ReadFile(filepath.Join(dir, formatFile))
	switch {
	case err != nil && isEmptyDir(dir):
		return nil, fmt.Errorf("search: open index %s: %w", path, ErrEmptyIndex)
	case err != nil:
		return nil, fmt.Errorf("search: open index %s: %w", path, ErrNotIndex)
	case strings.TrimSpace(string(f)) != format:
		return nil, fmt.Errorf("search: open index %s: %w", path, ErrOldIndex)
	}
	data, err := os.ReadFile(filepath.Join(dir, corpusFile))
	if err != nil {
		return nil, fmt.Errorf("search: open index: %w: %w", ErrDamagedIndex, err)
	}
	var c corpus.Corpus
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("search: open index: decode corpus: %w: %w", ErrDamagedIndex, err)
	}
	cp, err := corpus.New(c.Reports)
	if err != nil {
		return nil, fmt.Errorf("search: open index: %w: %w", ErrDamagedIndex, err)
	}
	cp.Folded = c.Folded
	ix := newIndex(cp, g)
	if err := ix.open(dir); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

func (ix *Index) open(dir string) error {
	var err error
	if ix.text, err = openLevel(filepath.Join(dir, textDir)); err != nil {
		return err
	}
	if ix.heads, err = openLevel(filepath.Join(dir, headDir)); err != nil {
		return err
	}
	ix.layout, err = readLayout(filepath.Join(dir, layoutFile), ix.corpus)
	return err
}

func openLevel(path string) (bleve.Index, error) {
	idx, err := bleve.OpenUsing(path, map[string]any{
		"read_only":              true,
		"fieldTFRCacheThreshold": termReadersKept,
	})
	if err != nil {
		return nil, fmt.Errorf("search: open index: %w: %w", ErrDamagedIndex, err)
	}
	return idx, nil
}

func isEmptyDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) == 0
}

// Glossary returns the glossary questions are analysed with.
func (ix *Index) Glossary() *glossary.Glossary { return ix.glossary }

// Corpus returns the corpus the index was built from.
func (ix *Index) Corpus() *corpus.Corpus { return ix.corpus }

// Close releases the bleve indexes.
func (ix *Index) Close() error {
	var errs []error
	for _, idx := range []*bleve.Index{&ix.text, &ix.heads} {
		if *idx != nil {
			errs = append(errs, (*idx).Close())
			*idx = nil
		}
	}
	return errors.Join(errs...)
}
