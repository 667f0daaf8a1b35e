package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/glossary"
	"github.com/jingyan/jingyan/internal/normalize"
)

// Index answers queries over one corpus at sentence and paragraph level. Each level has its
// own bleve index so BM25 length statistics are not mixed between short and long passages.
type Index struct {
	corpus   *corpus.Corpus
	glossary *glossary.Glossary
	levels   [2]bleve.Index // by corpus.Level
	places   []place        // longest name first
}

// place is a place name from issuing units and the reports it identifies.
type place struct {
	name    string
	reports []string
}

func newIndex(c *corpus.Corpus, g *glossary.Glossary) *Index {
	ix := &Index{corpus: c, glossary: g}
	byName := make(map[string][]string)
	for _, r := range c.Reports {
		for _, p := range r.Places() {
			p = normalize.Text(p)
			if ids := byName[p]; len(ids) == 0 || ids[len(ids)-1] != r.ID {
				byName[p] = append(ids, r.ID)
			}
		}
	}
	for name, ids := range byName {
		ix.places = append(ix.places, place{name: name, reports: ids})
	}
	sort.Slice(ix.places, func(i, j int) bool {
		a, b := ix.places[i].name, ix.places[j].name
		if len(a) != len(b) {
			return len(a) > len(b)
		}
		return a < b
	})
	return ix
}

// Progress is told how many passages are indexed out of how many.
type Progress func(done, total int)

const batchSize = 2000

// Files inside an on-disk index directory.
const (
	corpusFile = "corpus.json"
	formatFile = "FORMAT"
	format     = "jingyan-index 1"
)

// Build indexes c. With dir "" the index lives in memory; otherwise dir must not exist yet.
func Build(ctx context.Context, c *corpus.Corpus, g *glossary.Glossary, dir string, progress Progress) (*Index, error) {
	ix := newIndex(c, g)
	total := 0
	docs := [2][]passageDoc{}
	for _, lv := range []corpus.Level{corpus.LevelSentence, corpus.LevelParagraph} {
		docs[lv] = passageDocs(c, lv)
		total += len(docs[lv])
	}
	done := 0
	for _, lv := range []corpus.Level{corpus.LevelSentence, corpus.LevelParagraph} {
		path := ""
		if dir != "" {
			path = filepath.Join(dir, lv.String()+".bleve")
		}
		idx, err := newBleve(path)
		if err != nil {
			ix.Close()
			return nil, err
		}
		ix.levels[lv] = idx
		err = indexDocs(ctx, idx, docs[lv], func(n int) {
			if progress != nil {
				progress(done+n, total)
			}
		})
		if err != nil {
			ix.Close()
			return nil, err
		}
		done += len(docs[lv])
	}
	if dir != "" {
		if err := writeCorpus(dir, c); err != nil {
			ix.Close()
			return nil, err
		}
	}
	return ix, nil
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
	idx, err := bleve.NewUsing(path, newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search: create index: %w", err)
	}
	return idx, nil
}

type passageDoc struct {
	id string
	doc
}

func passageDocs(c *corpus.Corpus, lv corpus.Level) []passageDoc {
	var out []passageDoc
	for _, p := range c.Passages(lv) {
		ctx := p.Report.Title + " " + p.Report.Org
		if lv == corpus.LevelSentence && p.Sentence > 1 && len(p.Paragraph.Sentences) > 0 {
			// The paragraph's first sentence names its topic ("吉林省公安机关坚持…，夯实基层基础。").
			ctx += " " + p.Paragraph.Sentences[0].Text
		}
		out = append(out, passageDoc{id: p.ID, doc: doc{Text: p.Text, Ctx: ctx, Report: p.Report.ID}})
	}
	return out
}

func indexDocs(ctx context.Context, idx bleve.Index, docs []passageDoc, progress func(int)) error {
	for start := 0; start < len(docs); start += batchSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(start+batchSize, len(docs))
		b := idx.NewBatch()
		for _, d := range docs[start:end] {
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
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("search: encode corpus: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, corpusFile), data, 0o644); err != nil {
		return fmt.Errorf("search: write corpus: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, formatFile), []byte(format+"\n"), 0o644); err != nil {
		return fmt.Errorf("search: write format: %w", err)
	}
	return nil
}

// Open opens an index directory written by BuildDir, read-only.
func Open(path string, g *glossary.Glossary) (*Index, error) {
	dir, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, fmt.Errorf("search: open index: %w", err)
	}
	f, err := os.ReadFile(filepath.Join(dir, formatFile))
	if err != nil || strings.TrimSpace(string(f)) != format {
		return nil, fmt.Errorf("search: open index %s: not a jingyan index (build it with `jingyan index build`)", path)
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
	ix := newIndex(cp, g)
	for _, lv := range []corpus.Level{corpus.LevelSentence, corpus.LevelParagraph} {
		idx, err := bleve.OpenUsing(filepath.Join(dir, lv.String()+".bleve"), map[string]interface{}{
			"read_only": true,
		})
		if err != nil {
			ix.Close()
			return nil, fmt.Errorf("search: open index: %w", err)
		}
		ix.levels[lv] = idx
	}
	return ix, nil
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
