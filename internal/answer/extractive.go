package answer

import (
	"cmp"
	"regexp"
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
	extractSentencesCompare = 5
	maxQuote                = 140
	maxQuoteMore            = 90
	maxItem                 = 40 // an item of an announced list, quoted by its opening
)

// extractive builds an answer from the best sentences themselves, grouped by report and by
// paragraph, each paragraph cited once — used when no LLM is configured and whenever the LLM
// fails. topics lets a how-question on a report's own topic be answered by the report's
// topic lines (topicLines) rather than by what search found: not when more is asked for, as
// those may have been quoted already.
func (e *Engine) extractive(a glossary.Analysis, ev []evidence, topics bool) (string, []Citation) {
	asked := e.askedWords(a)
	focused := e.focus(a, asked, ev, topics)
	if len(focused) == 0 {
		return "", nil
	}
	lead := focused[0].passage.ID // the best sentence quoted in full; the rest around their match
	picked := withFollowers(focused)
	if !asked.figure {
		picked = withSiblings(picked)
	}
	words := quoteWords(a, asked.subject)
	var b strings.Builder
	var cites []Citation
	for i, group := range byReport(picked) {
		if i > 0 {
			b.WriteByte('\n')
		}
		r := group[0][0].passage.Report
		// Each report's quotes open with its unit, or its title when the unit is not known.
		if r.Org != "" {
			b.WriteString(r.Org + "：")
		} else {
			b.WriteString(corpus.ReportLabel(r.Title, "") + "：")
		}
		for _, para := range group {
			cites = append(cites, paragraphCitation(len(cites)+1, para))
			b.WriteString(quoteParagraph(para, words, asked.kind, lead))
			b.WriteString("[" + strconv.Itoa(len(cites)) + "]")
		}
	}
	return b.String(), cites
}

// focus keeps the sentences that answer the question: the one of search's first five that
// holds most of what it asks (a figure first, when it asks for one), and others only when
// they hold what the question asks beyond its subject — words not already in the report's
// title, unit and bylines, and a figure of the asked measure when it asks for one. A neighbour
// that shares only the subject ("吉林…") is filler. A comparative question gets the best
// sentence of each report.
func (e *Engine) focus(a glossary.Analysis, asked askedWords, ev []evidence, topics bool) []evidence {
	cands := slices.Clone(ev)
	if len(cands) == 0 {
		return nil
	}
	head := cands[:min(5, len(cands))]
	if a.Comparative {
		head = cands // one sentence a report: each report's best answer, wherever search put it
	}
	if topics && !asked.figure && asked.kind == nil && !a.Comparative && asksHowRE.MatchString(a.Normalized) {
		if t := e.topicLines(asked, cands[0]); len(t) > 0 {
			return t
		}
	}
	s := scores{rel: make(map[string]float64, len(head)), near: make(map[string]float64)}
	if asked.figure {
		e.leadWithFigure(asked, head, s.near)
	} else {
		e.leadWithAsked(asked, head, &s)
	}
	return e.pick(a, asked, cands, &s)
}

// scores are a focus's per-sentence scores, each worked out once, not at every comparison:
// relevance (see relevance), and figure relevance for a figure question.
type scores struct {
	rel, near map[string]float64
}

func (e *Engine) relevanceOf(asked askedWords, x evidence, s *scores) float64 {
	r, ok := s.rel[x.passage.ID]
	if !ok {
		r = e.relevance(asked, x)
		s.rel[x.passage.ID] = r
	}
	return r
}

// leadWithAsked orders head so that the sentence holding most of what the question asks
// beyond its subject leads: search's best is often a topic line that only restates the
// subject ("XX县区公安局积极探索…推行…") above the one that answers ("…派出考察组,前往…黔西南州
// 考察学习"). A sentence holding the kind of item a typed question asks for ("哪位辅警": 辅警
// 马景川) comes first, as a figure does for a figure question.
func (e *Engine) leadWithAsked(asked askedWords, head []evidence, s *scores) {
	holds := make(map[string]bool, len(head))
	for _, x := range head {
		e.relevanceOf(asked, x, s)
		holds[x.passage.ID] = asked.kind.in(x.folded)
	}
	slices.SortStableFunc(head, func(x, y evidence) int {
		if hx, hy := holds[x.passage.ID], holds[y.passage.ID]; hx != hy {
			return -cmp.Compare(boolInt(hx), boolInt(hy))
		}
		return cmp.Compare(s.rel[y.passage.ID], s.rel[x.passage.ID])
	})
}

// leadWithFigure orders head for a figure question: sentences with a figure first, of the
// asked measure before any other, and none giving another year than the one asked; then by
// how near the figure stands to the question's words (near).
func (e *Engine) leadWithFigure(asked askedWords, head []evidence, near map[string]float64) {
	rank := func(x evidence) int {
		r := 2
		switch {
		case asked.counted && hasCount(x.folded, asked.measure):
			r = 0
		case hasFigure(x.folded):
			r = 1
		}
		if len(asked.years) > 0 && otherYear(x, asked.years) {
			r += 3 // another year's figure is no answer for the year asked
		}
		return r
	}
	ranks := make(map[string]int, len(head))
	for _, x := range head {
		near[x.passage.ID] = e.figureRelevance(asked, x)
		ranks[x.passage.ID] = rank(x)
	}
	slices.SortStableFunc(head, func(x, y evidence) int {
		if d := ranks[x.passage.ID] - ranks[y.passage.ID]; d != 0 {
			return d
		}
		return cmp.Compare(near[y.passage.ID], near[x.passage.ID])
	})
}

// pick takes the lead and the sentences beside it that hold what the question asks.
func (e *Engine) pick(a glossary.Analysis, asked askedWords, cands []evidence, s *scores) []evidence {
	figure := asked.figure
	n, perReport := extractSentences, extractSentences
	if a.Comparative {
		n, perReport = extractSentencesCompare, 1
	}
	picked := []evidence{cands[0]}
	count := map[string]int{cands[0].passage.Report.ID: 1}
	for _, x := range cands[1:] {
		if len(picked) == n {
			break
		}
		id := x.passage.Report.ID
		if count[id] >= perReport || figure && !hasFigure(x.folded) && !(asked.counted && hasCount(x.folded, asked.measure)) {
			continue
		}
		// A how-question's answer may go on in the next sentences of a paragraph already
		// quoted, in words of its own ("原来是…").
		sameParagraph := !figure && slices.ContainsFunc(picked, func(y evidence) bool { return y.passage.Paragraph.ID == x.passage.Paragraph.ID })
		// A comparison that asks nothing beyond the places it names ("吉林、河南的做法有什么
		// 不同?") takes each of their reports' best sentence.
		bare := a.Comparative && count[id] == 0 && e.inReport(asked, id).total == 0
		if !sameParagraph && !bare && e.relevanceOf(asked, x, s) < minRelevance {
			continue
		}
		// In a comparison of figures, another report's figure must stand beside the
		// question's words about as well as the lead's ("每周4天驻村走访" is no share of 警力).
		if figure && a.Comparative && s.near[x.passage.ID] < compareFigureShare*s.near[cands[0].passage.ID] {
			continue
		}
		picked = append(picked, x)
		count[id]++
	}
	return picked
}

// minRelevance is the least relevance a sentence beside the best one needs: some of what
// the question asks, not only its subject.
const minRelevance = 0.01

// compareFigureShare is the share of the lead's figure relevance another report's figure
// sentence needs in a comparison.
const compareFigureShare = 0.5

// askedWords is what relevance weighs sentences against, worked out once a question: it is
// scored for every candidate sentence and each of their clauses.
type askedWords struct {
	subject string      // the places and units the question names
	pairs   []wordPairs // its character pairs, each with its idf weight
	runs    []wordPairs // its phrases (the runs between stopwords) and glossary terms
	terms   []wordPairs // its glossary terms
	// heads holds, per report, the weights left once the pairs its head names are left out:
	// every sentence of a report shares them, so they are worked out once a report.
	heads map[string]*headWeights
	// vocab holds every word above and their synonyms; held is its scratch, reused from
	// text to text (an answer weighs its sentences one at a time).
	vocab *vocab
	held  *[]bool

	measure         []string // the measure class a count question asks in (askedMeasure)
	counted, figure bool     // it asks for a count; for a figure (asksFigure)
	years           []int    // the years a question names (yearsIn)
	// kind finds the item a typed question asks for (a person, a time, an amount), when it
	// can be found exactly (askedType.exact), or a why's reason (purposeRE); nil otherwise.
	kind *item
}

type wordPairs struct {
	word    string
	id      int32 // in the vocabulary
	pairs   []int32
	weight  float64 // of a pair: its idf; of a term: its pairs' idf summed
	related []int32 // of a phrase or term: the words of its synonym groups
}

// holds reports whether the word or one of its synonyms is held.
func (w wordPairs) holds(held []bool) bool {
	return held[w.id] || slices.ContainsFunc(w.related, func(r int32) bool { return held[r] })
}

// heldIn is which of q's words text holds, valid until the next call.
func (q askedWords) heldIn(text string) []bool {
	*q.held = q.vocab.in(text, *q.held)
	return *q.held
}

// headWeights are a question's pair and phrase weights within one report, zero where the
// report's head or the question's subject names the pair.
type headWeights struct {
	pairs, runs     []float64
	total, runTotal float64
	inHead          []bool // per glossary term: the head names it
}

func (e *Engine) askedWords(a glossary.Analysis) askedWords {
	v := &vocab{words: make([]string, 0, 64), starts: make([]start, 0, 64)}
	q := askedWords{subject: strings.Join(e.subjects(a), " "), heads: make(map[string]*headWeights), vocab: v, held: new([]bool)}
	q.measure, q.counted = askedMeasure(a.Normalized)
	q.figure = asksFigure(a, q.counted)
	q.years = questionYears(a.Normalized)
	if t, ok := askedFor(a.Normalized); ok && t.exact {
		q.kind = &item{t.holds, a.Normalized}
	} else if asksWhyRE.MatchString(a.Normalized) {
		q.kind = &item{purposeRE, a.Normalized} // a why is quoted around its reason, never refused for lack of one
	}
	arena := make([]int32, 0, 64) // one backing array for the lists below
	words := func(ws []string) []int32 {
		start := len(arena)
		for _, w := range ws {
			arena = append(arena, v.add(w))
		}
		return arena[start:len(arena):len(arena)]
	}
	pairs := tokens(a.Content)
	q.pairs = make([]wordPairs, 0, len(pairs))
	for _, t := range pairs {
		q.pairs = append(q.pairs, wordPairs{word: t, id: v.add(t), weight: e.idf.weight(t)})
	}
	runs := append(strings.Fields(a.Content), a.Terms...)
	q.runs = make([]wordPairs, 0, len(runs))
	for _, run := range runs {
		q.runs = append(q.runs, wordPairs{word: run, id: v.add(run), pairs: words(tokens(run)), related: words(e.glossary.Related(run))})
	}
	for _, term := range a.Terms {
		w := wordPairs{word: term, id: v.add(term), pairs: words(tokens(term)), related: words(e.glossary.Related(term))}
		for _, t := range w.pairs {
			w.weight += e.idf.weight(v.words[t])
		}
		q.terms = append(q.terms, w)
	}
	return q
}

// inReport is q's weights within report id's sentences, worked out at its first sentence.
func (e *Engine) inReport(q askedWords, id string) *headWeights {
	if h, ok := q.heads[id]; ok {
		return h
	}
	inHead := q.heldIn(e.heads[id] + " " + q.subject)
	h := &headWeights{pairs: make([]float64, len(q.pairs)), runs: make([]float64, len(q.runs)), inHead: make([]bool, len(q.terms))}
	for i, t := range q.pairs {
		if !inHead[t.id] {
			h.pairs[i] = t.weight
			h.total += t.weight
		}
	}
	for i, run := range q.runs {
		for _, t := range run.pairs {
			if !inHead[t] {
				h.runs[i] += e.idf.weight(q.vocab.words[t])
			}
		}
		h.runTotal += h.runs[i]
	}
	for i, term := range q.terms {
		h.inHead[i] = inHead[term.id]
	}
	q.heads[id] = h
	return h
}

// relevance is how much of what the question asks x holds, leaving out the words its
// report's head and the question's subject already name, which every sentence of the report
// shares: half the idf-weighted share of the question's character pairs, half the share of
// its phrases x writes whole — 社区民警 is not 社区 in one place and 民警 in another.
func (e *Engine) relevance(q askedWords, x evidence) float64 {
	h := e.inReport(q, x.passage.Report.ID)
	if h.total == 0 {
		return 0
	}
	held := q.heldIn(x.folded)
	var got, runGot float64
	for i, t := range q.pairs {
		if h.pairs[i] > 0 && held[t.id] {
			got += h.pairs[i]
		}
	}
	for i, run := range q.runs {
		if h.runs[i] > 0 && run.holds(held) {
			runGot += h.runs[i]
		}
	}
	for i, term := range q.terms {
		if !h.inHead[i] && !held[term.id] && term.holds(held) {
			got += term.weight // a synonym holds the term: 电信网络诈骗 for 电诈
		}
	}
	return min(1, got/h.total)/2 + runGot/max(h.runTotal, 1e-9)/2
}

// figureRelevance is the relevance of x's best clause with a figure in it: the figure a
// question asks for stands beside its words ("社区民警占到派出所总警力的49.4%"), not
// anywhere in a long sentence.
func (e *Engine) figureRelevance(q askedWords, x evidence) float64 {
	best := 0.0
	for _, c := range splitClauses(x.folded) {
		if hasFigure(c) {
			y := x
			y.folded = c
			best = max(best, e.relevance(q, y))
		}
	}
	return best
}

// unitRE finds a unit a question names: 景山派出所, 金山所, 广阳区公安分局.
var unitRE = mustPattern(`\p{Han}{2,6}?(派出所|公安局|公安厅|公安分局|分局|警务室|警务站|所|大队|支队|中队)`)

// subjects returns the places and units the question names: who it asks about, which every
// sentence of their reports shares, not what it asks.
//
// A unit counts only as the collection writes it: "景山派出所" is a name; "社区民警占派出所"
// is a match of the pattern across words, which no passage writes.
func (e *Engine) subjects(a glossary.Analysis) []string {
	out := slices.Clone(a.Places)
	for _, u := range unitRE.FindAllString(a.Normalized, -1) {
		if e.written(u) && !genericUnit(u) {
			out = append(out, u)
		}
	}
	return out
}

// genericUnit reports a kind of unit rather than a unit's name: "派出所怎么给外国人办签证延期"
// names no 派出所 (the pattern takes 派出 for a name), nor does "各派出所" or "基层公安分局".
func genericUnit(u string) bool {
	for {
		rest := strings.TrimLeft(u, "各本该全每这那")
		for _, p := range []string{"个", "基层", "辖区", "当地", "我们", "咱们", "县级", "市级"} {
			rest = strings.TrimPrefix(rest, p)
		}
		if rest == u {
			break
		}
		u = rest
	}
	return slices.Contains(genericUnits, u)
}

// genericUnits are the kinds of unit a unit's name ends with, and their common longer forms.
var genericUnits = []string{"派出所", "公安派出所", "公安局", "公安厅", "公安分局", "分局", "警务室", "社区警务室", "警务站", "大队", "支队", "中队", "所"}

// halfRE finds a proportion written without a number: 一半, 过半, 半数.
var halfRE = regexp.MustCompile(`一半|过半|半数|近半`)

// hasFigure reports a figure in folded text, where figures in words are already digits
// (九成 is 90%, 三项 is 3项), or a half.
func hasFigure(folded string) bool {
	// 半 first: the expression runs only on the few texts that have one.
	return hasDigit(folded) || strings.Contains(folded, "半") && halfRE.MatchString(folded)
}

// byReport groups sentences by report in order of first appearance, and within a report by
// paragraph in reading order, each paragraph's sentences in reading order.
func byReport(picked []evidence) [][][]evidence {
	var order []string
	paras := make(map[string][]evidence)
	reportOf := make(map[string][]string)
	for _, x := range picked {
		r, p := x.passage.Report.ID, x.passage.Paragraph.ID
		if _, ok := reportOf[r]; !ok {
			order = append(order, r)
		}
		if _, ok := paras[p]; !ok {
			reportOf[r] = append(reportOf[r], p)
		}
		paras[p] = append(paras[p], x)
	}
	var out [][][]evidence
	for _, r := range order {
		var group [][]evidence
		for _, p := range reportOf[r] {
			ss := paras[p]
			slices.SortFunc(ss, func(x, y evidence) int { return x.passage.Sentence - y.passage.Sentence })
			group = append(group, ss)
		}
		out = append(out, group)
	}
	return out
}

// paragraphCitation cites one quoted sentence as itself, several of one paragraph as the
// paragraph: one source, one marker.
func paragraphCitation(n int, para []evidence) Citation {
	if len(para) == 1 {
		return citationOf(n, para[0])
	}
	c := citationOf(n, para[0])
	c.ID, c.Text = para[0].passage.Paragraph.ID, para[0].passage.Paragraph.Text
	return c
}

// quoteParagraph quotes a paragraph's chosen sentences in reading order, with "…" where
// sentences between them are left out. The answer's lead sentence and the sentence after a
// topic line are quoted at length, items of a list by their opening, the rest around their
// match.
func quoteParagraph(para []evidence, words []string, kind *item, lead string) string {
	var b strings.Builder
	for i, x := range para {
		if i > 0 && x.passage.Sentence != para[i-1].passage.Sentence+1 {
			b.WriteString("…")
		}
		limit, w, k := maxQuoteMore, words, kind
		switch {
		case x.item:
			limit, w, k = maxItem, nil, nil // by its opening, where an item names itself
		case x.follower || x.passage.ID == lead:
			limit = maxQuote
		}
		b.WriteString(plainFootnotes(quote(x.passage.Text, w, k, limit)))
	}
	return b.String()
}

// topicLine is the length under which a paragraph's first sentence is read as its topic line
// ("吉林省公安机关坚持治理理念创新,实施“四个警务”。"), which names a practice without saying
// what it is: the sentence after it does.
const topicLine = 40

// withFollowers adds, after each topic line, the next sentence of its paragraph — or, when
// the line announces a list ("实施“四个警务”", "采取三项措施"), the sentences that follow
// as its items, each quoted by its opening.
func withFollowers(picked []evidence) []evidence {
	out := make([]evidence, 0, len(picked)+2)
	have := make(map[string]bool)
	for _, x := range picked {
		have[x.passage.ID] = true
	}
	for _, x := range picked {
		out = append(out, x)
		p := x.passage
		if x.follower || !isTopic(p) && !announcesList(p.Text) {
			continue
		}
		items := listLength(p.Text)
		n := max(1, items)
		if !isTopic(p) {
			n = 1 // "…剖析了当前高发的四类养老骗局。": the next sentence names them
		}
		for k := p.Sentence; k < len(p.Paragraph.Sentences) && k < p.Sentence+n; k++ {
			next := p.Paragraph.Sentences[k]
			if have[next.ID] {
				continue
			}
			have[next.ID] = true
			q := p
			q.ID, q.Sentence, q.Text = next.ID, next.N, next.Text
			out = append(out, evidence{passage: q, folded: x.folded, score: x.score, follower: true, item: items > 1 || !isTopic(p)})
		}
	}
	return out
}

// asksFigure reports a question asking for a count (counted: askedMeasure found one), share or
// amount.
func asksFigure(a glossary.Analysis, counted bool) bool {
	return counted || a.AsksFigure
}

// maxSiblings bounds the items of a numbered list an answer quotes.
const maxSiblings = 6

// withSiblings adds, when a quoted sentence is one item of a numbered list ("三是推动…"), the
// report's other items, each quoted by its opening: the question asks for the list.
func withSiblings(picked []evidence) []evidence {
	have := make(map[string]bool)
	for _, x := range picked {
		have[x.passage.ID] = true
	}
	out := slices.Clone(picked)
	for _, x := range picked {
		if !corpus.IsListItem(x.passage.Text) {
			continue
		}
		added := 0
		for _, para := range x.passage.Report.Paragraphs {
			for _, sent := range para.Sentences {
				if added == maxSiblings || have[sent.ID] || !corpus.IsListItem(sent.Text) {
					continue
				}
				have[sent.ID] = true
				added++
				q := x.passage
				q.ID, q.Paragraph, q.Sentence, q.Text = sent.ID, para, sent.N, sent.Text
				out = append(out, evidence{passage: q, folded: x.folded, score: x.score, follower: true, item: true})
			}
		}
	}
	return out
}

// isTopic reports a paragraph's short opening sentence, which names a practice without
// saying what it is: the sentences after it do.
func isTopic(p corpus.Passage) bool {
	return p.Sentence == 1 && utf8.RuneCountInString(p.Text) < topicLine && len(p.Paragraph.Sentences) >= 2
}

// listRE finds a count of items a topic line announces: 四个警务, 三项措施, “七个抓”.
var listRE = regexp.MustCompile(`([二两三四五六七八九])\s*(个|项|条|种|类|方面|大|招|步|化|抓|联)`)

// announcesList reports a sentence that ends by announcing a list ("…剖析了当前高发的四类养老
// 骗局。"): what follows names its items.
func announcesList(s string) bool {
	locs := kindsRE.FindAllStringIndex(s, -1)
	if len(locs) == 0 {
		return false
	}
	rest := strings.TrimRight(s[locs[len(locs)-1][1]:], "。：:；; ")
	return utf8.RuneCountInString(rest) <= 6
}

// kindsRE finds a count of kinds a sentence may end by announcing (四类骗局, 三项措施) — not of
// things (带着两个孩子来了).
var kindsRE = regexp.MustCompile(`[二两三四五六七八九]\s*(?:类|种|项|条|方面|招|步)`)

// listLength is the number of items a topic line announces, or 0.
func listLength(s string) int {
	m := listRE.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	return strings.Index("一二三四五六七八九", m[1])/len("一") + 1 + boolInt(m[1] == "两")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < utf8.RuneSelf:
			if '0' <= c && c <= '9' {
				return true
			}
		case 0xE4 <= c && c <= 0xE9 && i+2 < len(s) && s[i+1] >= 0x80 && s[i+2] >= 0x80:
			i += 2 // U+4000–U+9FFF, Chinese characters: no digit among them, so not decoded
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if unicode.IsDigit(r) {
				return true
			}
			i += n - 1
		}
	}
	return false
}

// quoteWords are the question's words a long sentence is cut around: its subject (the unit
// or place every clause of the report names) left out.
func quoteWords(a glossary.Analysis, subject string) []string {
	words := slices.DeleteFunc(queryWords(a), func(w string) bool { return strings.Contains(subject, w) })
	if len(words) == 0 {
		return queryWords(a)
	}
	return words
}

func queryWords(a glossary.Analysis) []string {
	words := tokens(a.Content)
	words = append(words, a.Terms...)
	return append(words, a.Expansions...)
}

// footnoteRE finds a source's own footnote references ("…“枫桥经验”[2]。" in a paper), which
// read as the answer's citation markers once quoted.
var footnoteRE = regexp.MustCompile(`[\[［【](\d{1,3})[\]］】]`)

// plainFootnotes writes a source's footnote references as 〔2〕, which no citation renderer,
// checker or reader takes for one of the answer's own markers.
func plainFootnotes(s string) string {
	if !strings.ContainsAny(s, "[［【") {
		return s
	}
	return footnoteRE.ReplaceAllString(s, "〔$1〕")
}

// quote returns a sentence, or when it is long the run of its clauses around the one that
// best matches the question, marked with … where it was cut. Clauses split at Chinese commas
// and semicolons, never inside a number. When the question asks for a kind of item (a time,
// a person: kind), the run is around a clause holding one, if any does: "2022年5月以来,…" is
// the answer to "从哪年哪月开始", however well a later clause matches the question's words.
func quote(s string, words []string, kind *item, limit int) string {
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
		if kind.in(nc) {
			score += kindFirst
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

// kindFirst outweighs any clause's match with the question's words.
const kindFirst = 1 << 20

func splitClauses(s string) []string {
	var out []string
	start, prev := 0, rune(-1)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == ',' || r == '，' || r == ';' || r == '；' {
			next, _ := utf8.DecodeRuneInString(s[i+size:])
			if !(r == ',' && unicode.IsDigit(prev) && i+size < len(s) && unicode.IsDigit(next)) {
				out = append(out, s[start:i+size])
				start = i + size
			}
		}
		prev = r
		i += size
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// A question asking why is answered by the clause that gives a purpose or a cause, which
// Chinese opens with a word of a small closed set: "真正让民警由‘下社区’变成‘驻社区’" for
// "为啥要把警力往社区压".
var (
	asksWhyRE = regexp.MustCompile(`为什么|为啥|为何|什么原因|啥原因|目的是`)
	purposeRE = regexp.MustCompile(`为了|旨在|以便|从而|确保|真正让|真正使|由于|因为|目的`)
)

// topicLines answers a how-question that asks nothing beyond its report's head ("吉林怎么搞警地
// 融合的?" of 吉林's 警地融合 report: every sentence would match as well as any) with the
// report's measures: the opening sentences of its body paragraphs, each a topic line in the way
// experience reports are written ("吉林省公安机关坚持治理理念创新,实施“四个警务”。"), not its
// introduction, which restates the question. Nil when the report is not laid out so.
func (e *Engine) topicLines(asked askedWords, best evidence) []evidence {
	r := best.passage.Report
	if e.inReport(asked, r.ID).total > 0 || len(r.Paragraphs) < 3 {
		return nil
	}
	var out []evidence
	long := 0
	for _, p := range r.Paragraphs[1:] {
		if len(p.Sentences) < 3 {
			continue // a story's short paragraphs, a signature
		}
		long++
		sent := p.Sentences[0]
		f, ok := e.folded[sent.ID]
		if !ok || !isTopicLine(sent.Text) {
			return nil // a story's paragraphs open with what happened, not with a measure
		}
		if len(out) < maxTopicLines {
			out = append(out, evidence{passage: corpus.Passage{ID: sent.ID, Level: corpus.LevelSentence, Report: r, Paragraph: p, Sentence: sent.N, Text: sent.Text}, folded: f.text})
		}
	}
	if long < 2 {
		return nil
	}
	return out
}

// isTopicLine reports a sentence short enough to name a measure, as the opening sentences of
// an experience report's paragraphs do, and no quotation (a story's opening).
func isTopicLine(s string) bool {
	s = strings.TrimSpace(s)
	return utf8.RuneCountInString(s) < topicLine && !strings.HasPrefix(s, "“") && !strings.HasPrefix(s, "\"") && !strings.HasPrefix(s, "「")
}

// asksHowRE finds a question for a practice: how it is done, its measures.
var asksHowRE = regexp.MustCompile(`怎么|怎样|如何|咋|做法|经验|措施|办法|举措|几招`)

// maxTopicLines bounds the topic lines a how-question's answer quotes.
const maxTopicLines = 4
