package eval

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/normalize"
	"github.com/jingyan/jingyan/internal/search"
)

// Searcher is the part of the search index retrieval evaluation needs.
type Searcher interface {
	Search(ctx context.Context, req search.Request) ([]search.Hit, error)
}

// Depth is how deep ranks are looked at (MRR@10).
const Depth = 10

// LevelScore is recall@1/3/5 and MRR@10 at one level.
type LevelScore struct {
	Level  string  `json:"level"`
	N      int     `json:"n"`
	R1     float64 `json:"recall_at_1"`
	R3     float64 `json:"recall_at_3"`
	R5     float64 `json:"recall_at_5"`
	MRR10  float64 `json:"mrr_at_10"`
	Misses []Miss  `json:"misses,omitempty"`
}

// Miss is a question not fully covered within the top 5.
type Miss struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	Rank     int    `json:"rank"` // rank at which every evidence group was covered; 0 = not in top 10
}

// RetrievalReport holds both levels.
type RetrievalReport struct {
	Sentence  LevelScore  `json:"sentence"`
	Paragraph LevelScore  `json:"paragraph"`
	Skipped   int         `json:"skipped_unanswerable"`
	Kinds     []KindScore `json:"kinds"`
}

// Retrieval scores answerable items: a question is covered at rank r when the top r passages
// together contain, for every evidence group, a passage holding one of its strings
// (strict: the passage itself must contain it).
func Retrieval(ctx context.Context, s Searcher, items []Item) (RetrievalReport, error) {
	var rep RetrievalReport
	rep.Sentence.Level, rep.Paragraph.Level = "sentence", "paragraph"
	byKind := newKinds()
	for _, it := range items {
		if !it.Answerable || len(it.Evidence) == 0 {
			rep.Skipped++
			continue
		}
		var in5 [2]bool
		for _, lv := range []corpus.Level{corpus.LevelSentence, corpus.LevelParagraph} {
			hits, err := s.Search(ctx, search.Request{Question: it.Question, K: Depth, Level: lv})
			if err != nil {
				return rep, fmt.Errorf("eval: %s: %w", it.ID, err)
			}
			texts := make([]string, len(hits))
			for i, h := range hits {
				texts[i] = h.Passage.Text
			}
			rank := CoverRank(texts, it.Evidence)
			ls := &rep.Sentence
			if lv == corpus.LevelParagraph {
				ls = &rep.Paragraph
			}
			ls.add(rank)
			in5[lv] = rank > 0 && rank <= 5
			if rank == 0 || rank > 5 {
				ls.Misses = append(ls.Misses, Miss{ID: it.ID, Question: it.Question, Rank: rank})
			}
		}
		byKind.add(it.Kind, in5[corpus.LevelSentence], in5[corpus.LevelParagraph])
	}
	rep.Sentence.finish()
	rep.Paragraph.finish()
	for _, k := range byKind.rates() {
		rep.Kinds = append(rep.Kinds, KindScore{Kind: k.kind, N: k.n, SentenceR5: k.rates[0], ParagraphR5: k.rates[1]})
	}
	return rep, nil
}

// CoverRank returns the smallest r such that texts[:r] cover every evidence group, or 0.
func CoverRank(texts []string, groups [][]string) int {
	covered := make([]bool, len(groups))
	left := len(groups)
	for i, t := range texts {
		t = normalize.Text(t)
		for g, alts := range groups {
			if covered[g] {
				continue
			}
			for _, e := range alts {
				if strings.Contains(t, normalize.Text(e)) {
					covered[g] = true
					left--
					break
				}
			}
		}
		if left == 0 {
			return i + 1
		}
	}
	return 0
}

func (ls *LevelScore) add(rank int) {
	ls.N++
	if rank == 0 {
		return
	}
	if rank <= 1 {
		ls.R1++
	}
	if rank <= 3 {
		ls.R3++
	}
	if rank <= 5 {
		ls.R5++
	}
	ls.MRR10 += 1 / float64(rank)
}

func (ls *LevelScore) finish() {
	if ls.N == 0 {
		return
	}
	n := float64(ls.N)
	ls.R1 /= n
	ls.R3 /= n
	ls.R5 /= n
	ls.MRR10 /= n
}

// Print writes the report as a table a person reads.
func (rep RetrievalReport) Print(w io.Writer) {
	fmt.Fprintf(w, "%-10s %4s %9s %9s %9s %8s\n", "level", "n", "recall@1", "recall@3", "recall@5", "MRR@10")
	for _, ls := range []LevelScore{rep.Sentence, rep.Paragraph} {
		fmt.Fprintf(w, "%-10s %4d %9.3f %9.3f %9.3f %8.3f\n", ls.Level, ls.N, ls.R1, ls.R3, ls.R5, ls.MRR10)
	}
	fmt.Fprintf(w, "skipped (unanswerable): %d\n\n", rep.Skipped)
	printKinds(w, rep.Kinds, true)
	for _, ls := range []LevelScore{rep.Sentence, rep.Paragraph} {
		for _, m := range ls.Misses {
			r := "not in top 10"
			if m.Rank > 0 {
				r = fmt.Sprintf("rank %d", m.Rank)
			}
			fmt.Fprintf(w, "miss %-9s %s %s: %s\n", ls.Level, m.ID, r, m.Question)
		}
	}
}
