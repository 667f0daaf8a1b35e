package answer

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/glossary"
	"github.com/jingyan/jingyan/internal/normalize"
)

// Whether a question can be answered is decided here, and only here, from the indexed
// collection itself — never from lists of topics or places, so it works unchanged on any
// collection:
//
//   - Places: a place the question names that no title, unit, byline or passage writes
//     (上海 in a collection without it) is refused at once, with or without an LLM. The
//     glossary's place words only recognise a bare name as a place.
//   - Gaps: parts of the question the collection never writes. A run of the question's
//     characters, rare in the collection, none of whose character pairs occurs in it (警犬,
//     酒驾 in a collection that never mentions them) is something the material does not
//     hold; a glossary word counts as written when one of its synonyms is. Offline, when gaps
//     make up a large share of what the question asks, it is refused; with an LLM, the model
//     sees the passages and says so itself.
//   - Offline only, from the evidence found: it must hold enough of the question's
//     idf-weighted words (more when the question has a gap), and a count question (多少名,
//     几个) needs a figure of that measure. With an LLM, the model judges the passages
//     instead: a reply without citations that says they do not answer is the refusal.

// Thresholds of the decision, as shares of the question's content characters or idf weight.
const (
	maxGapShare = 0.25 // refuse when gaps are at least this share of the content
	minGapRunes = 2    // a shorter gap counts only when its character is unseen
	minGapChars = 600  // distinct characters a collection needs before gaps count at all
	minCoverage = 0.12 // offline: least idf-weighted share of the question the evidence holds
	ownCoverage = 0.08 // the same, when the evidence is the own reports of the place or unit asked about
	// gapCoverage: offline, a question with any gap needs evidence holding at least this
	// share of it; what it asks is partly absent, so the rest must be well covered.
	gapCoverage = 0.3
	countReach  = 5 // offline: the first passages found that must hold a count asked for
)

// noMore answers a request for more ("还有吗?") when the previous answer quoted all that was
// found.
const noMore = "关于上一个问题，材料里找到的内容上面都已列出，没有更多了。"

// askMarkerRE finds where a question proper starts after its background: "我们所最近也在搞
// 老年人防诈宣传,想问问重庆那边…".
var askMarkerRE = regexp.MustCompile(`想问问|想问一下|想问下|想请问|请问一下|请问|想了解一下|想了解|想知道|问一下`)

// askedPart is what a long question asks, its background left out: the words of "我们也在琢磨
// 怎么给110减负" are no part of what the material must hold (琢磨 is written nowhere), and a
// place it names ("我们西安这边…") is the asker's, not the one asked about. A question with no
// such background is itself.
func (e *Engine) askedPart(a glossary.Analysis) glossary.Analysis {
	loc := askMarkerRE.FindAllStringIndex(a.Normalized, -1)
	if len(loc) == 0 {
		return a
	}
	m := loc[len(loc)-1]
	if normalize.HanCount(a.Normalized[:m[0]]) < 4 || normalize.HanCount(a.Normalized[m[1]:]) < 2 {
		return a
	}
	return e.glossary.Analyze(a.Normalized[m[1]:])
}

// verdict is the outcome of the answerability check.
type verdict struct {
	refuse bool
	reason string // for the user, in Chinese
	// unnamed are places the question names that the collection never writes; reports naming
	// no place at all may be theirs, and offer says the refusal shows what those hold.
	unnamed []string
	offer   bool
}

// gaps returns the question's content runs that the collection never writes, and their share
// of the content's Han characters.
func (e *Engine) gaps(a glossary.Analysis) ([]string, float64) {
	if len(e.idf.chars) < minGapChars {
		return nil, 0 // too little text to tell a missing word from an unused one
	}
	content := []rune(a.Content)
	known := make([]bool, len(content))
	out := e.missingTerms(a)
	missing := normalize.HanCount(strings.Join(out, ""))
	for _, term := range a.Terms {
		markAll(content, known, []rune(term))
	}
	han := 0
	for i, r := range content {
		if !unicode.Is(unicode.Han, r) {
			known[i] = true
			continue
		}
		han++
		if i > 0 && e.writtenPair(content[i-1:i+1]) || i+1 < len(content) && e.writtenPair(content[i:i+2]) || e.common(r) {
			known[i] = true
		}
	}
	for i := 0; i < len(content); {
		if known[i] {
			i++
			continue
		}
		j := i
		for j < len(content) && !known[j] {
			j++
		}
		if j-i >= minGapRunes || e.unseen(content[i]) {
			out = append(out, string(content[i:j]))
			missing += j - i
		}
		i = j
	}
	if han == 0 {
		return out, 0
	}
	return out, float64(missing) / float64(han)
}

// missingTerms returns the field terms of the question (交通事故, 禁毒, 公安部) that no passage
// writes in any of their forms: the question is on a branch of police work the collection
// does not hold, though the term's characters are everyday ones found apart (交通, 事项).
func (e *Engine) missingTerms(a glossary.Analysis) []string {
	if len(e.idf.chars) < minGapChars {
		return nil
	}
	var out []string
	for _, term := range a.Terms {
		if !e.written(term) && !slices.ContainsFunc(e.glossary.Related(term), e.written) {
			out = append(out, term)
		}
	}
	return out
}

// unseen reports a character no passage uses, in a collection varied enough (1,500 distinct
// characters, about what everyday Chinese needs) for that absence to mean something: 萨 of
// 拉萨, 犬 of 警犬. A few reports lack everyday characters too (给, 做).
func (e *Engine) unseen(r rune) bool {
	return len(e.idf.chars) >= 1500 && e.idf.chars[r] == 0 && !e.headGrams[string(r)]
}

// common reports a character the collection uses often enough (in more than one sentence in
// 200) that a pair of it with a neighbour the collection never writes together says nothing:
// "破了" and "2024年" join common characters across a word boundary. A gap needs a character
// the collection rarely or never uses: 犬 of 警犬, 萨 of 拉萨.
func (e *Engine) common(r rune) bool {
	return e.idf.chars[r] > max(1, e.idf.n/200)
}

// writtenPair reports whether a character pair occurs in any passage, title or heading.
func (e *Engine) writtenPair(p []rune) bool {
	s := string(p)
	return e.idf.df[s] > 0 || e.headGrams[s]
}

// written reports whether any passage contains w (folded). The answers are kept: the words
// asked about are the field's terms and units, asked again and again, and scanning 100k
// passages' text is 20 ms a word.
func (e *Engine) written(w string) bool {
	e.writtenMu.Lock()
	ok, known := e.seen[w]
	e.writtenMu.Unlock()
	if known {
		return ok
	}
	ok = strings.Contains(e.corpusText, w)
	e.writtenMu.Lock()
	defer e.writtenMu.Unlock()
	if e.seen == nil || len(e.seen) >= maxSeenWords {
		e.seen = make(map[string]bool) // bounded: questions can name any string
	}
	e.seen[w] = ok
	return ok
}

// maxSeenWords bounds written's memory of answers.
const maxSeenWords = 10000

func markAll(s []rune, mark []bool, w []rune) {
	for i := 0; i+len(w) <= len(s); i++ {
		if slices.Equal(s[i:i+len(w)], w) {
			for k := range w {
				mark[i+k] = true
			}
		}
	}
}

// beforeSearch decides what can be decided from the question alone: places the collection
// never names, and gaps.
func (e *Engine) beforeSearch(a glossary.Analysis) verdict {
	if p := e.unwrittenPlaces(a); len(p) > 0 {
		// A report that names no place ("市公安局…", "我市…", as files from government systems
		// often are) may be that place's own: the search goes on, kept to such reports.
		return verdict{unnamed: p}
	}
	// With an LLM only a place is certain enough to refuse before the model reads the
	// passages; offline, so is a large gap. One unseen character in a short question ("…怎么
	// 弄的") is too little: a gap refused here spans two characters at least.
	if e.llm != nil {
		return verdict{}
	}
	g, share := e.gaps(a)
	if utf8.RuneCountInString(strings.Join(g, "")) >= minGapRunes && share >= maxGapShare || len(e.missingTerms(a)) > 0 {
		return verdict{refuse: true, reason: fmt.Sprintf("材料中没有涉及“%s”的内容。", strings.Join(g, "、"))}
	}
	return verdict{}
}

// afterSearch decides whether the evidence found covers the question, and keeps it to the
// places the question names: none found is refused in any mode, and so is evidence only from
// other places' reports; offline, evidence that covers too little of it too.
func (e *Engine) afterSearch(a glossary.Analysis, unnamed []string, ev []evidence) (verdict, []evidence) {
	if len(unnamed) == 0 {
		return e.covered(a, ev)
	}
	ev = slices.DeleteFunc(slices.Clone(ev), func(x evidence) bool { return e.namesPlace(x.passage.Report) })
	place := strings.Join(unnamed, "、")
	if len(ev) == 0 {
		return verdict{refuse: true, reason: fmt.Sprintf("材料中没有关于“%s”的内容。", place)}, ev
	}
	rest := withoutWords(a, unnamed)
	v, ev := e.covered(rest, ev)
	gaps, _ := e.gaps(rest)
	// The collection does not say the place, so this stays a refusal; but a report that names
	// no place may be its own ("市公安局…"): when it holds what else the question asks as
	// well as a question with a gap must (the place is the gap), the asker is shown what it
	// says, to judge.
	offer := !v.refuse && len(gaps) == 0 && coverage(rest, e.glossary, e.idf, ev[:min(3, len(ev))]) >= gapCoverage
	return verdict{refuse: true, reason: fmt.Sprintf("材料中没有关于“%s”的内容。", place), offer: offer}, ev
}

// elsewhere reports a report whose title, unit or bylines name places (the divisions its
// unit lies within among them), none of them one asked about.
func (e *Engine) elsewhere(r *corpus.Report, asked []string) bool {
	places := e.glossary.Places(e.heads[r.ID])
	return len(places) > 0 && !slices.ContainsFunc(places, func(p string) bool {
		return slices.ContainsFunc(asked, func(n string) bool { return strings.Contains(p, n) || strings.Contains(n, p) })
	})
}

// namesPlace reports a report that names its place, and so is not a nameless place's own: a
// place the glossary knows anywhere in it, a 省/市/县 form in its title or bylines, or a unit
// with a name of its own (枫桥派出所, not 市公安局). In running text the form also matches
// 全省, 我市 and 市场, so it is not read there.
func (e *Engine) namesPlace(r *corpus.Report) bool {
	head := e.heads[r.ID]
	if placeFormRE.MatchString(head) || len(e.glossary.Places(head)) > 0 {
		return true
	}
	if org := []rune(r.Org); len(org) > 0 && !strings.ContainsRune("省市县区", org[0]) {
		return true
	}
	return slices.ContainsFunc(r.Paragraphs, func(p *corpus.Paragraph) bool { return len(e.glossary.Places(e.folded[p.ID].text)) > 0 })
}

// withoutWords is a with words taken out of what it asks: a place no report writes is not a gap
// in the reports that name no place.
func withoutWords(a glossary.Analysis, words []string) glossary.Analysis {
	for _, w := range words {
		a.Content = strings.ReplaceAll(a.Content, w, " ")
	}
	return a
}

// covered decides whether the evidence found covers the question, and keeps it to the places
// the question names.
func (e *Engine) covered(a glossary.Analysis, ev []evidence) (verdict, []evidence) {
	if len(ev) == 0 {
		return verdict{refuse: true, reason: "所给材料中没有找到能回答这个问题的内容。"}, ev
	}
	names, own := e.placeReports(a)
	ev, names, v := e.ofPlace(a, names, own, ev)
	if v.refuse {
		return v, ev
	}
	// A unit the question names answers for itself: evidence from other units' reports is
	// another unit's practice or figure ("北京景山派出所…多少个社区民警" answered with 大明宫派出所's
	// 16名社区民警). Unlike a place's, its reports are not held to the question's every term:
	// a unit named only in a story's text is a weaker hold than a place in a title.
	units, unitOwn := e.unitReports(a)
	if len(unitOwn) > 0 {
		ev = slices.DeleteFunc(slices.Clone(ev), func(x evidence) bool { return !fromPlace(x, units, unitOwn) })
		if len(ev) == 0 {
			return verdict{refuse: true, reason: e.placeGap(a, units, unitOwn)}, ev
		}
	}
	measure, counted := askedMeasure(a.Normalized)
	ev, reason, ok := e.ofYear(a, asksFigure(a, counted), ev)
	if !ok {
		return verdict{refuse: true, reason: reason}, ev
	}
	// The paragraph as folded: 局長 in a traditional-character report is the 局长 a person
	// follows, and full-width figures are figures.
	if t, ok := askedFor(a.Normalized); ok {
		kind := &item{t.holds, a.Normalized}
		if !slices.ContainsFunc(ev, func(x evidence) bool { return kind.in(e.paragraphText(x)) }) {
			return verdict{refuse: true, reason: typeGap(t, ev)}, ev
		}
	}
	if e.llm != nil {
		return verdict{}, ev
	}
	return e.coveredOffline(a, names, own, len(own) > 0 || len(unitOwn) > 0, measure, counted, ev), ev
}

// ofPlace keeps the evidence to the place the question names: its own reports (own, filled
// in here with the reports whose passages write it) when there are any, else the reports that
// do not say they are of another place. It returns the place names own stands for.
func (e *Engine) ofPlace(a glossary.Analysis, names []string, own map[string]*corpus.Report, ev []evidence) ([]evidence, []string, verdict) {
	if len(own) == 0 && len(a.Places) > 0 {
		// No title or byline names the place, but a passage found writes it ("去年,常州市警方
		// …"): that report is the place's, and a report that does not write it (公安部's
		// national figures) is no answer for the place.
		names = a.Places
		for _, x := range ev {
			if fromPlace(x, names, nil) {
				own[x.passage.Report.ID] = x.passage.Report
			}
		}
	}
	if len(own) > 0 {
		// A report whose text writes the place in a passage found is about the place, and
		// all its passages found count: "…投入无人机开展…交通巡逻" answers for 银川 though only
		// the sentence after it writes 银川市公安局.
		for _, x := range ev {
			if fromPlace(x, names, own) {
				own[x.passage.Report.ID] = x.passage.Report
			}
		}
		ev = slices.DeleteFunc(slices.Clone(ev), func(x evidence) bool { return own[x.passage.Report.ID] == nil })
		// A field term the place's reports never write, though others do (河南 and 警地融合),
		// is what the question asks and they lack: the model is not shown passages that
		// cannot answer.
		if len(ev) == 0 || e.lacksTerm(a, names, own) {
			return ev, names, verdict{refuse: true, reason: e.placeGap(a, names, own)}
		}
		return ev, names, verdict{}
	}
	asked := a.Places
	if len(asked) == 0 {
		return ev, names, verdict{}
	}
	// No report is of the place asked about (a place the glossary knows: a 省/市 form in a
	// question is as often "全国城市…"), though the collection writes it somewhere ("甘肃" in
	// a national news roundup). A report that says it is of another place (its head names 重庆
	// or 辽宁) is that place's practice: its passages answer only where they write the place
	// asked about. Reports that name no place may be its own.
	ev = slices.DeleteFunc(slices.Clone(ev), func(x evidence) bool {
		return e.elsewhere(x.passage.Report, asked) && !fromPlace(x, asked, nil)
	})
	if len(ev) == 0 {
		return ev, names, verdict{refuse: true, reason: fmt.Sprintf("材料中没有关于“%s”的内容。", strings.Join(asked, "、"))}
	}
	return ev, names, verdict{}
}

// coveredOffline is what only an extractive answer checks, as no model reads the passages:
// they hold enough of the question (more when part of it is written nowhere), and the count
// asked for.
func (e *Engine) coveredOffline(a glossary.Analysis, names []string, own map[string]*corpus.Report, ownSubject bool, measure []string, counted bool, ev []evidence) verdict {
	cov := coverage(a, e.glossary, e.idf, ev[:min(3, len(ev))])
	// When the place or unit asked about has reports of its own and the evidence is theirs,
	// the passages are about the subject already, and a smaller share of the question's
	// other words will do: what a colloquial question adds ("干得好不好主要看什么", "咋…加人
	// 加钱") the reports do not write (fresh sets: 3 answers more, none answered wrongly).
	least := e.cfg.MinCoverage
	if ownSubject {
		least = min(least, ownCoverage)
	}
	if cov < least {
		if len(own) > 0 {
			return verdict{refuse: true, reason: e.placeGap(a, names, own)}
		}
		return verdict{refuse: true, reason: "所给材料中没有找到能回答这个问题的内容。"}
	}
	if g, _ := e.gaps(a); len(g) > 0 && cov < gapCoverage {
		return verdict{refuse: true, reason: fmt.Sprintf("材料中没有涉及“%s”的内容。", strings.Join(g, "、"))}
	}
	// The count must be among the passages an answer quotes from: further down, a count of
	// the measure is mostly another subject's ("刘欣当了多少年社区民警" and a border station's
	// "已经驻守21年"; over the fresh sets: 2 unanswerable refused, no answer lost).
	if counted && !slices.ContainsFunc(ev[:min(countReach, len(ev))], func(x evidence) bool { return hasCount(x.folded, measure) }) {
		return verdict{refuse: true, reason: "所给材料中没有找到这个数字。"}
	}
	return verdict{}
}

// paragraphText is the folded text of x's paragraph.
func (e *Engine) paragraphText(x evidence) string {
	if f, ok := e.folded[x.passage.Paragraph.ID]; ok {
		return f.text
	}
	return e.glossary.Fold(x.passage.Paragraph.Text)
}

// typeGap says the evidence is on the topic but holds no item of the kind asked: "材料提到了…，
// 但没有写…".
func typeGap(t askedType, ev []evidence) string {
	var labels []string
	for _, x := range ev {
		if l := x.passage.Report.Label(); !slices.Contains(labels, l) && len(labels) < 2 {
			labels = append(labels, l)
		}
	}
	return "材料提到了相关内容（" + strings.Join(labels, "、") + "），但没有写" + t.name + "。"
}

// placeReports returns the places the question names that some report is about — its title,
// unit or bylines name the place — and those reports. "河南…" asks about the 河南省公安厅
// report; a passage of another province is no answer to it, however well it matches. A place
// only written in passages' text is no report's own, and does not narrow anything.
func (e *Engine) placeReports(a glossary.Analysis) ([]string, map[string]*corpus.Report) {
	own := make(map[string]*corpus.Report)
	var names []string
	for _, n := range e.namedPlaces(a) {
		found := false
		for _, r := range e.search.Corpus().Reports {
			if strings.Contains(e.heads[r.ID], n) {
				own[r.ID], found = r, true
			}
		}
		if found {
			names = append(names, n)
		}
	}
	return names, own
}

// unitReports returns the units a question names that the collection writes, and the reports
// that write them: in a title or byline, or — a news story often names its unit only in its
// text ("…成为北京景山派出所社区民警后…") — in their text.
func (e *Engine) unitReports(a glossary.Analysis) ([]string, map[string]*corpus.Report) {
	own := make(map[string]*corpus.Report)
	units := e.namedUnits(a)
	for _, u := range units {
		for _, r := range e.reportsWriting(u) {
			own[r.ID] = r
		}
	}
	return units, own
}

// namedUnits are the units a question names that the collection writes (景山派出所), places
// left out: they are named places already.
func (e *Engine) namedUnits(a glossary.Analysis) []string {
	var out []string
	for _, u := range e.subjects(a)[len(a.Places):] {
		if !slices.ContainsFunc(a.Places, func(p string) bool { return strings.Contains(p, u) }) {
			out = append(out, u)
		}
	}
	return out
}

// reportsWriting returns the reports whose text writes w, remembered as written's answers
// are: a scan of every paragraph is milliseconds at 100k passages.
func (e *Engine) reportsWriting(w string) []*corpus.Report {
	e.writtenMu.Lock()
	rs, known := e.writers[w]
	e.writtenMu.Unlock()
	if known {
		return rs
	}
	for _, r := range e.search.Corpus().Reports {
		if strings.Contains(e.heads[r.ID], w) || slices.ContainsFunc(r.Paragraphs, func(p *corpus.Paragraph) bool { return strings.Contains(e.folded[p.ID].text, w) }) {
			rs = append(rs, r)
		}
	}
	e.writtenMu.Lock()
	defer e.writtenMu.Unlock()
	if e.writers == nil || len(e.writers) >= maxSeenWords {
		e.writers = make(map[string][]*corpus.Report)
	}
	e.writers[w] = rs
	return rs
}

// namedPlaces returns the places a question names: bare names the glossary knows, and names in
// 省/市/县 form.
func (e *Engine) namedPlaces(a glossary.Analysis) []string {
	q := a.Normalized
	names := slices.Clone(a.Places)
	for _, m := range placeFormRE.FindAllStringSubmatch(q, -1) {
		if name := []rune(m[1]); len(name) >= 3 && canName(m[1]) {
			names = append(names, string(name[:len(name)-1]))
		}
	}
	return names
}

// canName reports whether a match of the place form can be a name. No place name holds a
// particle or a question word, ends in 个 before its 省/市/县, or opens with 那一 — words
// that count or point at a place instead of naming it: "那个市", "有个省", "建了全省",
// "这些县" are stretches of a question. (那, 个, 全 and 本 do open names: 那曲, 个旧, 全州,
// 本溪.)
func canName(form string) bool {
	name := []rune(form)
	return !strings.ContainsAny(form, "了的吗呢么些哪这怎谁") && !strings.HasPrefix(form, "那一") &&
		(len(name) < 2 || name[len(name)-2] != '个')
}

// fromPlace reports evidence from a named place's report, or a passage that names the place.
func fromPlace(x evidence, names []string, own map[string]*corpus.Report) bool {
	if own[x.passage.Report.ID] != nil {
		return true
	}
	return slices.ContainsFunc(names, func(n string) bool { return strings.Contains(x.folded, n) })
}

// placeGap says that the named place's reports do not write what was asked, and what they
// do cover.
func (e *Engine) placeGap(a glossary.Analysis, names []string, own map[string]*corpus.Report) string {
	var b strings.Builder
	var reports []*corpus.Report
	for _, r := range e.search.Corpus().Reports {
		if own[r.ID] != nil {
			reports = append(reports, r)
		}
	}
	for i, r := range reports[:min(len(reports), 3)] {
		if i > 0 {
			b.WriteString("、")
		}
		b.WriteString(r.Label())
	}
	b.WriteString("没有写到")
	if topic := e.unwrittenIn(a, names, reports); topic != "" {
		b.WriteString("“" + topic + "”")
	} else {
		b.WriteString("这个问题")
	}
	b.WriteString("。")
	if len(reports) == 1 {
		b.WriteString("这篇材料讲的是：" + strings.Join(topicsOf(reports[0]), "；") + "。")
	}
	return b.String()
}

// lacksTerm reports a glossary term of the question that the collection writes but the
// named place's reports do not.
func (e *Engine) lacksTerm(a glossary.Analysis, names []string, own map[string]*corpus.Report) bool {
	for _, t := range a.Terms {
		// A word that asks for a figure (比例, 占比) says what kind of answer is wanted, not
		// what it is about: the figure rules judge it ("安全感达99.5%" is a proportion).
		if slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, t) || strings.Contains(t, n) }) || !e.written(t) || e.glossary.AsksFigure(t) {
			continue
		}
		inPlace := false
		for _, r := range own {
			for _, p := range r.Paragraphs {
				f := e.folded[p.ID].text
				inPlace = inPlace || strings.Contains(f, t) || slices.ContainsFunc(e.glossary.Related(t), func(w string) bool { return strings.Contains(f, w) })
			}
		}
		if !inPlace {
			return true
		}
	}
	return false
}

// unwrittenIn returns the question's words (glossary terms, or runs between stopwords) that
// none of the reports writes: what the question asks that they lack.
func (e *Engine) unwrittenIn(a glossary.Analysis, names []string, reports []*corpus.Report) string {
	var text strings.Builder
	for _, r := range reports {
		for _, p := range r.Paragraphs {
			text.WriteString(e.folded[p.ID].text)
		}
	}
	body := text.String()
	var out []string
	words := a.Terms // the field's terms say best what is missing; the question's own runs else
	if len(words) == 0 {
		words = strings.Fields(a.Content)
	}
	for _, w := range words {
		for _, n := range names {
			w = strings.ReplaceAll(w, n, "")
		}
		if utf8.RuneCountInString(w) < 2 || strings.Contains(body, w) || slices.ContainsFunc(out, func(o string) bool { return strings.Contains(o, w) || strings.Contains(w, o) }) {
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out[:min(len(out), 2)], "、")
}

// topicsOf names what a report covers: its section headings, or its paragraphs' opening
// clauses.
func topicsOf(r *corpus.Report) []string {
	var out []string
	for _, p := range r.Paragraphs {
		t := p.Section
		if t == "" && len(p.Sentences) > 0 {
			t = firstClause(p.Sentences[0].Text)
		}
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
		if len(out) == 4 {
			break
		}
	}
	return out
}

var clauseRE = regexp.MustCompile(`[,，。；;：:]`)

// firstClause is a sentence's first clause that says something (not "近年来"), clipped.
func firstClause(s string) string {
	for _, c := range clauseRE.Split(s, -1) {
		if utf8.RuneCountInString(c) >= 6 {
			s = c
			break
		}
	}
	r := []rune(s)
	if len(r) > 30 {
		return string(r[:29]) + "…"
	}
	return s
}

// durations are the measure class of how long (多久, 几天): a period (每季度) answers it too.
// 月 and 日 after a figure are dates (9月, 10日); a month or a day as a length is 个月, 天.
var durations = []string{"天", "年", "个月", "周", "小时", "分钟"}

// Measure words of counts, by what they count: a question asking 多少名 is answered by 30名,
// 30人 or 30余人, not by 30个 or 30%.
var measures = [][]string{
	{"名", "人", "位", "人次"},
	{"个", "所", "家", "处", "支", "座", "间"},
	{"条", "项", "个"}, // 经验, 热线, 措施: "多少条经验" by "42项做法", "多少条热线" by "28个…热线电话"
	{"起", "件", "次", "宗"},
	{"场", "次", "期", "批", "轮"}, // events: 多少场活动, 几期培训
	{"封", "张", "份", "篇"},      // papers: 多少封来信, 几张卡
	{"公里", "千米", "米", "平方米", "平方公里"},
	durations,
	{"种", "类", "项", "方面", "个方面"},
	{"栋", "户", "套", "间"},
	{"本", "册"},
	{"辆", "台", "部"},
	{"元", "万元", "亿元"},
	{"岁", "周岁"},
}

// periodRE finds how often something is done: 每天, 每季度, 每两周, 每个月, and 逢十 (on the
// days of the month ending in 十: "逢十下访", "逢五逢十").
var periodRE = mustPattern(`每(?:[一二两三四五六七八九十半\d]+)?个?(?:天|日|周|星期|月|季度|季|年|小时)|逢[一二三四五六七八九十\d]+`)

// askedCountRE finds how a question asks for a count: 多少名, 几起, 多久. 个 is the measure
// unless a word that takes it follows (几个小时, 几个月, 多少个方面, 几个人); 几个部门 asks 个.
var askedCountRE = mustPattern(`(?:多长时间|多久|多大岁数|多大年纪|多大年龄)()|(?:多少|几)(名|人次|人|位|所|家|处|支|座|间|起|件|次|宗|项|条|场|期|批|轮|封|张|份|篇|公里|千米|平方米|平方公里|米|天|日|年|个月|周|小时|分钟|种|类|方面|栋|户|套|本|册|辆|台|部|元|岁)|(?:多少|几)个(月|小时|钟头|星期|人|方面)|(?:多少|几)(个)`)

// askedCount is the first match of askedCountRE that asks: 几 after 这, 那, 近, 前, 后 or 头
// points at a time ("这几年违规违纪的情况怎么样", "前几天") rather than asking how many.
func askedCount(q string) []string {
	if !askedCountRE.mayMatch(q) {
		return nil
	}
	for _, loc := range askedCountRE.FindAllStringSubmatchIndex(q, -1) {
		if r, _ := utf8.DecodeLastRuneInString(q[:loc[0]]); strings.HasPrefix(q[loc[0]:], "几") && strings.ContainsRune("这那近前后头哪", r) {
			continue
		}
		m := make([]string, len(loc)/2)
		for i := range m {
			if loc[2*i] >= 0 {
				m[i] = q[loc[2*i]:loc[2*i+1]]
			}
		}
		return m
	}
	return nil
}

// askedMeasure returns the measure class a count question asks in ("有多少名民警" → people).
func askedMeasure(q string) ([]string, bool) {
	m := askedCount(q)
	if m == nil {
		return nil, false
	}
	unit := m[2] + m[3] + m[4] // all but one are empty
	if unit == "钟头" || unit == "星期" {
		unit = "小时" // a duration, as 小时 and 周 are
	}
	switch {
	case strings.HasPrefix(m[0], "多长") || strings.HasPrefix(m[0], "多久"):
		unit = "天" // 多长时间, 多久: a duration
	case strings.HasPrefix(m[0], "多大"):
		unit = "岁" // 多大岁数, 多大年纪: an age
	}
	for _, class := range measures {
		if slices.Contains(class, unit) {
			if unit == "个" {
				// Spoken 个 counts people too ("多少个新生儿", "几个民警"), which reports
				// write in 人 and 名: "新生儿落户3732人".
				return slices.Concat(class, measures[0]), true
			}
			return class, true
		}
	}
	return nil, false
}

var countRE = regexp.MustCompile(`(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)\s*(?:余|多)?\s*(?:万|亿)?\s*(?:余|多)?\s*`)

// hasCount reports whether text holds a figure followed by one of the measure words, or a
// bare magnitude (6万, 2.3亿) whose counted noun stands just before it in the clause, as
// Chinese writes it: 常住人口超过6万, 警力达到1.2万.
func hasCount(text string, class []string) bool {
	// How long — or how often, "多久开一次" — is answered by a period too: 每季度, 每两周.
	if slices.Equal(class, durations) && periodRE.MatchString(text) {
		return true
	}
	for _, loc := range countRE.FindAllStringIndex(text, -1) {
		rest := text[loc[1]:]
		if yearStartRE.MatchString(text[loc[0]:]) {
			continue // 2021年 is a year, not a count of years
		}
		for _, w := range class {
			if strings.HasPrefix(rest, w) {
				return true
			}
		}
		if m := text[loc[0]:loc[1]]; strings.ContainsAny(m, "万亿") && measureBefore(text[:loc[0]], class) {
			return true
		}
	}
	return false
}

// measureBefore reports whether one of the measure words stands within the last few
// characters of before's clause.
func measureBefore(before string, class []string) bool {
	rs := []rune(before)
	from := max(0, len(rs)-measureReach)
	for i := len(rs) - 1; i >= from; i-- {
		if strings.ContainsRune(",，。;；:：、!！?？", rs[i]) {
			from = i + 1
			break
		}
	}
	window := string(rs[from:])
	return slices.ContainsFunc(class, func(w string) bool { return strings.Contains(window, w) })
}

// measureReach is how far before a bare magnitude its noun may stand: 人口超过, 警力达到.
const measureReach = 6

// A place written with its administrative suffix at the start of a clause: 上海市…,
// 拉萨市公安局…. Smaller forms (区, 镇, 街道) are left out: 社区, 辖区, 小区 end the same way.
var placeFormRE = mustPattern(`(?:^|[\s,，、;；:：?？!！])(\p{Han}{2,3}?(?:省|自治区|市|自治州|县))`)

// unwrittenPlaces returns the places a question names — bare names the glossary knows as
// places, or names in 省/市/县/区/镇/街道 form — that no title, unit or passage of the
// collection writes. A place written anywhere, even only in a report's body, is covered.
func (e *Engine) unwrittenPlaces(a glossary.Analysis) []string {
	q := a.Normalized
	names := slices.Clone(a.Places)
	for _, m := range placeFormRE.FindAllStringSubmatch(q, -1) {
		// The name before the suffix, or its first two characters: "吉林全省" names 吉林.
		if name := []rune(m[1]); len(name) >= 3 && canName(m[1]) && !e.written(string(name[:2])) {
			names = append(names, string(name[:len(name)-1]))
		}
	}
	var out []string
	for _, n := range names {
		if !e.written(n) && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// A model says the passages do not answer in many ways — "所给材料中没有相关内容", "材料中没有
// 关于警犬训练的内容", "文中未提及具体人数", "根据提供的资料，无法确定…" — alone or before what
// the passages do say. Such a sentence is kept without a citation (it claims nothing of the
// passages); a reply that is only that is the refusal, and gets what the collection covers.
var (
	notCoveredRE = regexp.MustCompile(`没有(?:关于|涉及|提到|提及|相关|包含|记载|写到|找到|给出|说明|具体|明确|直接)|未(?:提及|提到|涉及|说明|包含|记载|给出|找到|披露|明确|介绍)|并未|无法(?:回答|确定|得知|判断|提供|找到)|找不到|不包含|无相关|没有.{0,24}(?:内容|信息|数据|说明|记载|介绍|描述)`)
	materialRE   = regexp.MustCompile(`材料|资料|文中|文章|文档|原文|所给|提供的|上述|报告中|文件中|信息中|内容中|来源`)
)

// saysNotCovered reports a sentence in which a model says the passages lack something.
func saysNotCovered(s string) bool {
	return materialRE.MatchString(s) && notCoveredRE.MatchString(s) || strings.Contains(s, "无法回答")
}

// saysNoAnswer reports an LLM reply, with no citation, that says the passages do not answer.
func saysNoAnswer(reply string) bool {
	for _, s := range SplitAnswer(reply) {
		if saysNotCovered(s) {
			return true
		}
	}
	return false
}

// coverageNote says what the collection covers, to follow a refusal.
func (e *Engine) coverageNote() string {
	var b strings.Builder
	b.WriteString("目前收录的材料有：")
	reports := e.search.Corpus().Reports
	for i, r := range reports[:min(len(reports), maxListed)] {
		if i > 0 {
			b.WriteString("；")
		}
		b.WriteString(r.Label())
	}
	if len(reports) > maxListed {
		fmt.Fprintf(&b, "等 %d 篇", len(reports))
	}
	b.WriteString("。可以换个问法，或问这些单位的做法。")
	return b.String()
}

// maxListed bounds the reports a refusal names; a large corpus is summarised by its count.
const maxListed = 8

// refuse answers that the corpus lacks what was asked, and says what it does cover.
// refuseOffering refuses, and quotes what reports naming no place say on the question: they may
// be the asked place's own, which only the asker can tell.
func (e *Engine) refuseOffering(ans Answer, a glossary.Analysis, reason string, ev []evidence, emit func(Event)) Answer {
	text, cites := e.extractive(a, ev, false)
	ans.Text = reason + "以下出自未写明地区的材料，请核对是否即为该地：\n" + text
	ans.Citations, ans.Refused, ans.Mode = cites, true, ModeExtractive
	emit(Event{Kind: EventPassages, Passages: cites})
	emit(Event{Kind: EventDelta, Text: ans.Text})
	emit(Event{Kind: EventDone, Answer: &ans})
	return ans
}

func (e *Engine) refuse(ans Answer, reason string, emit func(Event)) Answer {
	return e.refuseWith(ans, reason+e.coverageNote(), emit)
}

// refuseWith refuses with text as it is: a request for more that has had all there is needs
// no list of what the collection covers.
func (e *Engine) refuseWith(ans Answer, text string, emit func(Event)) Answer {
	ans.Text, ans.Refused, ans.Mode = text, true, ModeExtractive
	emit(Event{Kind: EventDelta, Text: ans.Text})
	emit(Event{Kind: EventDone, Answer: &ans})
	return ans
}
