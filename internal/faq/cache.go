package faq

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/corpus"
)

// Index answers questions found in a generated faq.jsonl (the fast path of ask, serve and
// bot). It implements answer.Cache and is read-only, safe for concurrent use.
type Index struct {
	byKey map[string]Entry
}

// Load reads faq.jsonl. Entries whose citations no longer match the corpus (it was rebuilt
// since) and refusals are left out: the engine answers those afresh.
func Load(path string, c *corpus.Corpus, logger *slog.Logger) (*Index, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("faq: %w", err)
	}
	defer f.Close()
	ix := &Index{byKey: make(map[string]Entry)}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	stale := 0
	for n := 1; sc.Scan(); n++ {
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("faq: %s line %d: %w", path, n, err)
		}
		if e.Refused || len(e.Citations) == 0 {
			continue
		}
		if !citationsValid(e.Citations, c) {
			stale++
			continue
		}
		for _, q := range append([]string{e.Question}, e.Merged...) {
			if k := key(q); k != "" {
				ix.byKey[canonical(k)] = e
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("faq: %w", err)
	}
	if stale > 0 && logger != nil {
		logger.Warn("faq: entries citing passages the corpus no longer has were skipped", "entries", stale)
	}
	return ix, nil
}

func citationsValid(cites []answer.Citation, c *corpus.Corpus) bool {
	for _, ct := range cites {
		p, ok := c.Passage(ct.ID)
		if !ok || p.Text != ct.Text {
			return false
		}
	}
	return true
}

// Len is the number of questions (wordings) the index answers.
func (ix *Index) Len() int { return len(ix.byKey) }

// Lookup implements answer.Cache.
func (ix *Index) Lookup(question string) (answer.Answer, bool) {
	e, ok := ix.byKey[canonical(key(question))]
	if !ok {
		return answer.Answer{}, false
	}
	return answer.Answer{
		Text: e.Answer, Citations: append([]answer.Citation(nil), e.Citations...), Mode: e.Mode,
		Notice: e.Notice, Flagged: e.Flagged,
	}, true
}
