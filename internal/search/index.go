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
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/glossary"
)

// Index answers queries over one corpus at sentence and paragraph level. Each level has its
// own bleve index so BM25 length statistics are not mixed between short and long passages.
//
// A third index holds whole reports: how well a report as a whole answers a question is
// context for ranking its paragraphs and sentences (see SearchAnalysis).
type Index struct {
	corpus   *corpus.Corpus
	glossary *glossary.Glossary
	levels   [3]bleve.Index // by corpus.Level, then levelReport
	reports  map[string]*corpus.Report
	places   places
	analyzer analysis.Analyzer  // the text field's, for building queries
	priors   map[string]float64 // by sentence ID, those brevityPriors discounts
	accs     [3]accumulators    // by level
}

// termReadersKept is how many term readers (a term's dictionary, postings and iterator per
// segment) a level keeps for reuse by later queries; bleve keeps none by default. Opening them
// afresh was a quarter of a search on the embedded corpus (/v1/search … → … req/s). A
// question has up to a few dozen terms, so this serves a few searches at once.
const termReadersKept = 256

// keptAccumulators is how many searches at once a level keeps scoring space for.
const keptAccumulators = 8

// levelReport indexes whole reports, beside corpus.LevelSentence and corpus.LevelParagraph.
const levelReport = 2

var levelNames = [3]string{"sentence", "paragraph", "report"}

func newIndex(c *corpus.Corpus, g *glossary.Glossary) *Index {
	ix := &Index{corpus: c, glossary: g, reports: make(map[string]*corpus.Report), places: newPlaces(c, g),
		analyzer: newMapping().AnalyzerNamed(cjk.AnalyzerName), priors: brevityPriors(c)}
	for _, r := range c.Reports {
		ix.reports[r.ID] = r
	}
	for i := range ix.accs {
		ix.accs[i] = make(accumulators, keptAccumulators)
	}
	return ix
}

// Progress is told how many passages are indexed out of how many.
type Progress func(done, total int)

const batchSize = 2000

// Files inside an on-disk index directory.
const (
	corpusFile = "corpus.json"
	formatFile = "FORMAT"
	format     = "jingyan-index 3" // 3: report-level index, folded text, one field
)

// Build indexes c. With dir "" the index lives in memory; otherwise dir must not exist yet.
func Build(ctx context.Context, c *corpus.Corpus, g *glossary.Glossary, dir string, progress Progress) (*Index, error) {
	if !c.Folded {
		c.FoldWith(g.Fold) // once, stored with the index: nothing folds it again at start
	}
	ix := newIndex(c, g)
	total := int64(len(c.Reports))
	for _, r := range c.Reports {
		for _, p := range r.Paragraphs {
			total += 1 + int64(len(p.Sentences))
		}
	}
	// The levels are indexed one after another. At once, three bleve indexes merging their
	// segments held 2.2 GB at 205k sentences against 1.25 GB one by one, for 22 s against 26 s;
	// each batch is analysed in parallel either way.
	done := 0
	for lv := range ix.levels {
		err := ix.buildLevel(ctx, lv, dir, func(n int) {
			done += n
			if progress != nil {
				progress(done, int(total))
			}
		})
		if err != nil {
			ix.Close()
			return nil, err
		}
	}
	if dir != "" {
		if err := writeCorpus(dir, c); err != nil {
			ix.Close()
			return nil, err
		}
	}
	return ix, nil
}

// buildLevel creates one level's bleve index (in dir, or in memory) and indexes its documents;
// added is told how many more are done after each batch.
func (ix *Index) buildLevel(ctx context.Context, lv int, dir string, added func(int)) error {
	var docs docSource
	if lv == levelReport {
		docs = reportSource(ix.corpus, ix.glossary)
	} else {
		docs = passageSource(ix.corpus, ix.glossary, corpus.Level(lv))
	}
	path := ""
	if dir != "" {
		path = filepath.Join(dir, levelNames[lv]+".bleve")
	}
	idx, err := newBleve(path)
	if err != nil {
		return err
	}
	ix.levels[lv] = idx
	last := 0
	err = indexDocs(ctx, idx, docs, func(n int) {
		added(n - last)
		last = n
	})
	if err != nil || path == "" {
		return err
	}
	return mergeAll(ctx, idx)
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
	n   int
	doc func(i int) passageDoc
}

// passageSource folds each passage (traditional → simplified, numerals → digits) as
// questions are folded.
func passageSource(c *corpus.Corpus, g *glossary.Glossary, lv corpus.Level) docSource {
	ps := c.Passages(lv)
	return docSource{n: len(ps), doc: func(i int) passageDoc {
		return passageDoc{id: ps[i].ID, doc: doc{Text: c.FoldedOf(ps[i], g.Fold)}}
	}}
}

// reportSource makes one document of each whole report: title, unit, collection and context
// (bylines, breadcrumbs, file name) first, then section headings and paragraphs.
func reportSource(c *corpus.Corpus, g *glossary.Glossary) docSource {
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
			b.WriteString(p.Text + "\n")
		}
		return passageDoc{id: r.ID, doc: doc{Text: g.Fold(b.String())}}
	}}
}

func indexDocs(ctx context.Context, idx bleve.Index, docs docSource, progress func(int)) error {
	for start := 0; start < docs.n; start += batchSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(start+batchSize, docs.n)
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
		if progress != nil {
			progress(end)
		}
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
		return nil, fmt.Errorf("search: open index: %w", err)
	}
	var c corpus.Corpus
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("search: open index: decode corpus: %w", err)
	}
	cp, err := corpus.New(c.Reports)
	if err != nil {
		return nil, fmt.Errorf("search: open index: %w", err)
	}
	cp.Folded = c.Folded
	ix := newIndex(cp, g)
	for lv := range ix.levels {
		idx, err := bleve.OpenUsing(filepath.Join(dir, levelNames[lv]+".bleve"), map[string]interface{}{
			"read_only":              true,
			"fieldTFRCacheThreshold": termReadersKept,
		})
		if err != nil {
			ix.Close()
			return nil, fmt.Errorf("search: open index: %w", err)
		}
		ix.levels[lv] = idx
	}
	return ix, nil
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
	for i, idx := range ix.levels {
		if idx != nil {
			errs = append(errs, idx.Close())
			ix.levels[i] = nil
		}
	}
	return errors.Join(errs...)
}
