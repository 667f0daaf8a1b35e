package answer

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/glossary"
	"github.com/jingyan/jingyan/internal/normalize"
)

// Extractive answers quote at most this many sentences, each cut to about maxQuote characters
// around the part that matches the question.
const (
	extractSentences        = 3
	extractSentencesCompare = 4
	maxQuote                = 140
	maxQuoteMore            = 90
)

// extractive builds an answer from the best sentences themselves, grouped by report, each
// cited — used when no LLM is configured and whenever the LLM fails.
func extractive(g *glossary.Glossary, a glossary.Analysis, ev []evidence) (string, []Citation) {
	n := extractSentences
	if a.Comparative {
		n = extractSentencesCompare
	}
	picked := slices.Clone(ev)
	if g.AsksFigure(a.Normalized) {
		head := picked[:min(5, len(picked))]
		slices.SortStableFunc(head, func(x, y evidence) int { return boolRank(hasDigit(x.passage.Text), hasDigit(y.passage.Text)) })
	}
	picked = picked[:min(n, len(picked))]
	if a.Comparative {
		picked = dropWeakRepeats(picked)
	}
	picked = withFollowers(picked)

	// Group by report in order of first appearance; within a report, keep reading order.
	var order []string
	groups := make(map[string][]evidence)
	for _, x := range picked {
		id := x.passage.Report.ID
		if _, ok := groups[id]; !ok {
			order = append(order, id)
		}
		groups[id] = append(groups[id], x)
	}
	words := queryWords(a)
	var b strings.Builder
	var cites []Citation
	for i, id := range order {
		g := groups[id] // best match first, a topic line's follower right after it
		if i > 0 {
			b.WriteByte('\n')
		}
		r := g[0].passage.Report
		// Each report's quotes open with its unit, or its title when the unit is not known.
		if r.Org != "" {
			b.WriteString(r.Org + "：")
		} else {
			b.WriteString(corpus.ReportLabel(r.Title, "") + "：")
		}
		for _, x := range g {
			cites = append(cites, citationOf(len(cites)+1, x))
			limit := maxQuote
			if len(cites) > 1 && !x.follower {
				limit = maxQuoteMore // the best sentence in full; the rest only around their match
			}
			b.WriteString(quote(x.passage.Text, words, limit))
			b.WriteString("[" + strconv.Itoa(len(cites)) + "]")
		}
	}
	return b.String(), cites
}

// topicLine is the length under which a paragraph's first sentence is read as its topic line
// ("吉林省公安机关坚持治理理念创新,实施“四个警务”。"), which names a practice without saying
// what it is: the sentence after it does.
const topicLine = 40

// withFollowers adds, after each topic line, the next sentence of its paragraph.
func withFollowers(picked []evidence) []evidence {
	out := make([]evidence, 0, len(picked)+2)
	have := make(map[string]bool)
	isTopic := func(p corpus.Passage) bool {
		return p.Sentence == 1 && utf8.RuneCountInString(p.Text) < topicLine && len(p.Paragraph.Sentences) >= 2
	}
	followers := make(map[string]bool)
	for _, x := range picked {
		have[x.passage.ID] = true
		if isTopic(x.passage) {
			followers[x.passage.Paragraph.Sentences[1].ID] = true
		}
	}
	for _, x := range picked {
		x.follower = followers[x.passage.ID]
		out = append(out, x)
		p := x.passage
		if !isTopic(p) {
			continue
		}
		next := p.Paragraph.Sentences[1]
		if have[next.ID] {
			continue
		}
		have[next.ID] = true
		p.ID, p.Sentence, p.Text = next.ID, next.N, next.Text
		out = append(out, evidence{passage: p, score: x.score, follower: true})
	}
	return out
}

// dropWeakRepeats keeps, in a comparative answer, a second sentence of an already quoted
// report only if it matches at least half as well as the best sentence: the other units'
// best sentences matter more than a weak extra from the first.
func dropWeakRepeats(picked []evidence) []evidence {
	seen := make(map[string]bool)
	var out []evidence
	for _, x := range picked {
		id := x.passage.Report.ID
		if seen[id] && x.score < picked[0].score/2 {
			continue
		}
		seen[id] = true
		out = append(out, x)
	}
	return out
}

func boolRank(x, y bool) int {
	switch {
	case x == y:
		return 0
	case x:
		return -1
	}
	return 1
}

func hasDigit(s string) bool { return strings.IndexFunc(s, unicode.IsDigit) >= 0 }

func queryWords(a glossary.Analysis) []string {
	words := tokens(a.Content)
	words = append(words, a.Terms...)
	return append(words, a.Expansions...)
}

// quote returns a sentence, or when it is long the run of its clauses around the one that
// best matches the question, marked with … where it was cut. Clauses split at Chinese commas
// and semicolons, never inside a number.
func quote(s string, words []string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	clauses := splitClauses(s)
	best, bestScore := 0, -1
	for i, c := range clauses {
		nc := normalize.Text(c)
		score := 0
		for _, w := range words {
			if strings.Contains(nc, w) {
				score += utf8.RuneCountInString(w)
			}
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	lo, hi := best, best+1
	length := utf8.RuneCountInString(clauses[best])
	for {
		grew := false
		if hi < len(clauses) && length+utf8.RuneCountInString(clauses[hi]) <= limit {
			length += utf8.RuneCountInString(clauses[hi])
			hi++
			grew = true
		}
		if lo > 0 && length+utf8.RuneCountInString(clauses[lo-1]) <= limit {
			lo--
			length += utf8.RuneCountInString(clauses[lo])
			grew = true
		}
		if !grew {
			break
		}
	}
	out := strings.Join(clauses[lo:hi], "")
	if lo > 0 {
		out = "…" + out
	}
	if hi < len(clauses) {
		out = strings.TrimRight(out, ",，;；、") + "…"
	}
	return out
}

func splitClauses(s string) []string {
	var out []string
	start := 0
	runes := []rune(s)
	for i, r := range runes {
		if !strings.ContainsRune(",，;；", r) {
			continue
		}
		if r == ',' && i > 0 && i+1 < len(runes) && unicode.IsDigit(runes[i-1]) && unicode.IsDigit(runes[i+1]) {
			continue
		}
		out = append(out, string(runes[start:i+1]))
		start = i + 1
	}
	if start < len(runes) {
		out = append(out, string(runes[start:]))
	}
	return out
}
