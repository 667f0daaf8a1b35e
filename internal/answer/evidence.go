package answer

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/glossary"
	"github.com/jingyan/jingyan/internal/search"
)

// evidence is one passage chosen to answer from.
type evidence struct {
	passage  corpus.Passage
	folded   string // passage.Text folded as questions are
	score    float64
	follower bool // the sentence after a topic line, which says what the line names
	item     bool // one item of a list a topic line announces
}

func citationOf(n int, e evidence) Citation {
	p := e.passage
	return Citation{N: n, ID: p.ID, Title: p.Report.Title, Org: p.Report.Org, Paragraph: p.Paragraph.N, Page: p.Paragraph.Page, OnPage: p.Paragraph.OnPage, Text: p.Text}
}

// selectEvidence keeps the best distinct passages within the passage and character budgets.
// Ranking (and spreading across reports for comparative questions) is search's work. Passages
// that fold to the same text are one.
func selectEvidence(hits []search.Hit, fold func(corpus.Passage) folding, maxPassages, budget int) []evidence {
	var out []evidence
	used := 0
	for _, h := range hits {
		f := fold(h.Passage)
		if slices.ContainsFunc(out, func(x evidence) bool { return x.passage.ID == h.Passage.ID || x.folded == f.text }) {
			continue
		}
		if used+f.runes > budget && len(out) > 0 {
			continue // a shorter passage further down may still fit
		}
		out = append(out, evidence{passage: h.Passage, folded: f.text, score: h.Score})
		used += f.runes
		if len(out) == maxPassages {
			break
		}
	}
	return out
}

// idf weighs question tokens by how rare they are in the corpus: a word the corpus never uses
// weighs most, so a question about 招录 or 反恐 is not "covered" by passages that merely share
// 公安 and 工作 with it.
type idf struct {
	df    map[string]int
	chars map[rune]int // sentences holding each character
	n     int

	// scratch sets of add, reused from sentence to sentence; idf is built once, then only read.
	seenChar map[rune]bool
	seen     map[string]bool
}

// add counts one folded sentence.
func (w *idf) add(text string) {
	w.n++
	if w.seenChar == nil {
		w.seenChar, w.seen = make(map[rune]bool), make(map[string]bool)
	}
	clear(w.seenChar)
	clear(w.seen)
	for _, r := range text {
		if !w.seenChar[r] {
			w.seenChar[r] = true
			w.chars[r]++
		}
	}
	for _, t := range tokens(text) {
		if !w.seen[t] {
			w.seen[t] = true
			w.df[t]++
		}
	}
}

func (w *idf) weight(t string) float64 {
	df := float64(w.df[t])
	return math.Log(1 + (float64(w.n)-df+0.5)/(df+0.5))
}

// tokens cuts normalized text as the index does: bigrams of Chinese runs (a lone character
// stands alone), words of letters and digits.
func tokens(s string) []string {
	var out []string
	var at [32]int
	han := at[:0] // where each character of the current run of Chinese characters starts
	word := -1    // where the current word of letters and digits starts, or -1
	// Tokens are cut out of s, not built: no token costs an allocation.
	flushHan := func(end int) {
		if len(han) == 1 {
			out = append(out, s[han[0]:end])
		}
		for i := 0; i+1 < len(han); i++ {
			hi := end
			if i+2 < len(han) {
				hi = han[i+2]
			}
			out = append(out, s[han[i]:hi])
		}
		han = han[:0]
	}
	flushWord := func(end int) {
		if word >= 0 {
			out = append(out, s[word:end])
			word = -1
		}
	}
	for i, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord(i)
			han = append(han, i)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flushHan(i)
			if word < 0 {
				word = i
			}
		default:
			flushHan(i)
			flushWord(i)
		}
	}
	flushHan(len(s))
	flushWord(len(s))
	return out
}

// coverage is the idf-weighted share of the question's content tokens that the evidence
// contains. A token inside a glossary word counts as covered when the evidence holds that
// word or one of its synonyms (电诈 is covered by 电信网络诈骗).
//
// Place names are left out: when a question names a unit's place, search has already kept to
// that unit's passages, so the name says nothing about whether they answer the rest.
func coverage(a glossary.Analysis, g *glossary.Glossary, w *idf, ev []evidence) float64 {
	// Each test below asks whether any passage holds a word; no word crosses passages.
	anyHolds := func(t string) bool {
		return slices.ContainsFunc(ev, func(e evidence) bool { return strings.Contains(e.folded, t) })
	}
	var have map[string]bool // the evidence's tokens, made only when a question token needs them
	holds := func(t string) bool {
		if hanPair(t) {
			return anyHolds(t) // the same as being one of its tokens, and cheaper
		}
		if have == nil {
			have = make(map[string]bool)
			for _, e := range ev {
				for _, t := range tokens(e.folded) {
					have[t] = true
				}
			}
		}
		return have[t]
	}
	termHeld := make(map[string]bool)
	for _, term := range a.Terms {
		if anyHolds(term) || slices.ContainsFunc(g.Related(term), anyHolds) {
			for _, t := range tokens(term) {
				termHeld[t] = true
			}
		}
	}
	content := a.Content
	for _, p := range g.Places(content) {
		content = strings.ReplaceAll(content, p, " ")
	}
	var total, got float64
	for _, t := range tokens(content) {
		wt := w.weight(t)
		total += wt
		if termHeld[t] || holds(t) {
			got += wt
		}
	}
	if total == 0 {
		// Nothing asked beyond the places and question words ("吉林、河南的做法有什么不同?"):
		// their reports, which the evidence is kept to, are the answer.
		if len(a.Places) > 0 {
			return 1
		}
		return 0
	}
	return got / total
}

// hanPair reports whether t is two Chinese characters, a token a text holds exactly when it
// writes them side by side.
func hanPair(t string) bool {
	r1, n1 := utf8.DecodeRuneInString(t)
	r2, n2 := utf8.DecodeRuneInString(t[n1:])
	return n1+n2 == len(t) && n2 > 0 && unicode.Is(unicode.Han, r1) && unicode.Is(unicode.Han, r2)
}
