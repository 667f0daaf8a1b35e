package answer

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jingyan/jingyan/internal/normalize"
)

// Citation markers as models write them: [1], [1][2], [1,3], [1、2], [1-3], 【1】, ［1］,
// [^1], [材料1], and in brackets with a word that says so: （材料1）, （来源：[1]）, (见材料2、3).
// Models bring forms from the tools they were tuned with too: 【3†source】, [citation:3],
// [^3^], [文档3], （材料三）.
var markerRE = regexp.MustCompile(`[\[【［]\s*(?:\^|` + markerWords + `)?\s*(` + markerList + `)\s*\^?(?:†[^\]】］]{0,20})?\s*[\]】］]` +
	`|[（(]\s*(?:来源|材料|参考|出处|见|据)\s*[:：]?\s*(?:材料)?\s*[\[【［]?\s*(` + markerList + `)\s*[\]】］]?\s*[）)]` +
	`|[\[【［（(]\s*(?:材料|文档|段落|资料)\s*([一二三四五六七八九十]{1,3}(?:\s*[,，、]\s*(?:材料)?[一二三四五六七八九十]{1,3})*)\s*[\]】］）)]`)

const (
	// markerWords name a passage inside a marker's brackets.
	markerWords = `材料|来源|参考|文档|段落|资料|引用|(?i:citation|source|ref)\s*[:：]?`
	// markerList is a marker's numbers: 1, 1,3, 1、2, 2-4.
	markerList = `\d{1,3}(?:\s*[,，、;；\-–~]\s*(?:材料)?\d{1,3})*`
)

// markerDigits is the number list of a markerRE match, whichever form matched, in digits.
func markerDigits(m []string) string {
	switch {
	case m[1] != "":
		return m[1]
	case m[2] != "":
		return m[2]
	}
	return hanNumerals(m[3])
}

// hanNumerals writes the numerals of a marker (材料三, 材料十二, 一、三) in digits.
func hanNumerals(s string) string {
	return hanNumeralRE.ReplaceAllStringFunc(s, func(m string) string {
		if n, ok := normalize.Number(m); ok {
			return strconv.Itoa(n)
		}
		return m
	})
}

var hanNumeralRE = regexp.MustCompile(`[〇一二三四五六七八九十]+`)

// A short quoted name — a programme or slogan such as “四个警务”, “三个第一” — states no
// figure of its own.
var quotedNameRE = regexp.MustCompile(`“[^”]{1,12}”|‘[^’]{1,12}’|「[^」]{1,12}」`)

// Numbers that are not claims: list numbering ("1. ", "（2）", "3、"), and the paragraph
// numbers of the provenance the prompt shows ("第3段").
var notFigures = regexp.MustCompile(`(?m)^\s*(?:[-*]\s*)?(?:\d{1,2}[.、)）]|[（(]\d{1,2}[)）])\s*|第\s*\d+\s*[段条点项]`)

var (
	listSepRE  = regexp.MustCompile(`\s*[,，、;；]\s*`)
	rangeSepRE = regexp.MustCompile(`\s*[\-–~]\s*`)
	thousandRE = regexp.MustCompile(`(\d),(\d{3})`)
)

// verifier checks an answer sentence by sentence against the passages it was given, drops
// what it cannot support and renumbers citations in order of first appearance.
type verifier struct {
	passages []evidence
	fold     func(string) string // the folding passages are matched in
	system   []string            // lines of the system prompt; an answer must never repeat them
	renumber map[int]int         // given number → number in the answer
	order    []int               // given numbers, in order of first citation
	flagged  []string
	leaked   bool
	held     []string // sentences of the open paragraph waiting for a marker
	closed   []string // a paragraph that ended uncited, waiting to see if a sources line follows
	inRefs   bool     // within a model's own list of references, after its heading
	quiet    bool     // judging a sentence addressed to the asker: a failure is not flagged
}

func newVerifier(passages []evidence, systemPrompt string, fold func(string) string) *verifier {
	v := &verifier{passages: passages, renumber: make(map[int]int), fold: fold}
	for _, line := range strings.Split(systemPrompt, "\n") {
		line = normalize.Text(line)
		if utf8.RuneCountInString(line) >= 10 {
			v.system = append(v.system, line)
		}
	}
	return v
}

// feed takes the next sentence of the answer and returns what can be shown now. A sentence
// with no marker of its own waits: a marker later in the same paragraph, list or ；-chain
// covers it ("…下降24.7%。满意度98.35%[1][2]。"), and so does a sources line right after the
// paragraph ("以上数据见[1]。"); otherwise its sentences stand alone.
func (v *verifier) feed(s string) string {
	if footnoteDefRE.MatchString(s) {
		return "" // a model's own source list ("[^1]: …"): the answer has its footnotes
	}
	// A model's own list of references ("参考资料：" then "[1] 《…》第2段" a line) says nothing
	// to verify, and the answer has its footnotes: it goes, heading and entries, unflagged.
	if v.inRefs && (refEntryRE.MatchString(s) || strings.TrimSpace(s) == "") {
		return ""
	}
	v.inRefs = false
	if refsHeadingRE.MatchString(s) {
		v.inRefs = true
		return ""
	}
	cited := v.cited(s)
	var b strings.Builder
	if len(v.closed) > 0 {
		if len(cited) > 0 && sourcesOnly(s) {
			v.held = append(v.closed, v.held...)
		} else {
			b.WriteString(v.resolve(v.closed, nil))
		}
		v.closed = nil
	}
	if len(cited) == 0 {
		v.held = append(v.held, s)
		if endsBlock(s) && !leadsIn(s) {
			v.closed, v.held = v.held, nil
		}
		return b.String()
	}
	b.WriteString(v.resolve(v.held, cited))
	v.held = nil
	b.WriteString(v.check(s, cited))
	return b.String()
}

// leadsIn: the sentence introduces what follows ("主要做法如下：", "110主要受理三个方面的事项："),
// so the list after it, in its own block, cites for it.
func leadsIn(s string) bool {
	t := strings.TrimSpace(markerRE.ReplaceAllString(s, ""))
	return strings.HasSuffix(t, "：") || strings.HasSuffix(t, ":")
}

// finish returns what the last paragraphs still hold.
func (v *verifier) finish() string {
	out := v.resolve(v.closed, nil) + v.resolve(v.held, nil)
	v.closed, v.held = nil, nil
	return out
}

// resolve checks waiting sentences against the passages cited for them. A sentence no marker
// covers — a summary after a cited list ("以上七个方面…"), a line whose marker names a passage
// never given — is judged against the passages the answer has cited so far.
func (v *verifier) resolve(held []string, cited []int) string {
	if len(cited) == 0 {
		cited = v.order
	}
	var b strings.Builder
	for _, h := range held {
		b.WriteString(v.check(h, cited))
	}
	return b.String()
}

// A footnote definition line: "[^1]: 材料1", "[2]：《…》".
var footnoteDefRE = regexp.MustCompile(`^\s*[\[【［]\^?\d{1,3}[\]】］]\s*[:：]`)

// A heading of references on a line of its own ("参考资料：", "**参考来源**", "### 来源"), and an
// entry of such a list: a marker, a title in 《》 or "材料N" first, after any list number.
var (
	refsHeadingRE = regexp.MustCompile(`^\s*(?:#+\s*)?(?:\*\*)?\s*(?:参考资料|参考来源|参考文献|资料来源|引用来源|引用|来源|出处|(?i:references|sources))\s*(?:\*\*)?\s*[:：]?\s*(?:\*\*)?\s*$`)
	refEntryRE    = regexp.MustCompile(`^\s*(?:[-*•]\s*|\d{1,2}[.、)）]\s*)?(?:[\[【［]\^?\d{1,3}|《|材料\s*[\[【［(（]?\s*\d|材料[一二三四五六七八九十])`)
)

// sourceWordsRE are the words of a line that only names sources: "以上数据均来源于[1][2]".
var sourceWordsRE = regexp.MustCompile(`以上|上述|数据|内容|信息|均|来源于|来源|来自|出处|参见|参考|引自|见|材料|资料|据此|据`)

// sourcesOnly: once markers and source words are gone, hardly anything is left.
func sourcesOnly(s string) bool {
	rest := sourceWordsRE.ReplaceAllString(markerRE.ReplaceAllString(s, ""), "")
	return normalize.HanCount(rest) <= 2
}

// sentence verifies one sentence on its own markers (tests and single-sentence callers).
func (v *verifier) sentence(s string) string { return v.check(s, v.cited(s)) }

// endsBlock: the sentence closes its paragraph (a blank line after it) or is a heading.
func endsBlock(s string) bool {
	t := strings.TrimRight(s, " \t　")
	return strings.HasSuffix(t, "\n\n") || strings.HasPrefix(strings.TrimSpace(s), "#")
}

// cited returns the valid passage numbers a sentence's markers name, in order.
func (v *verifier) cited(s string) []int {
	var out []int
	for _, m := range markerRE.FindAllStringSubmatch(s, -1) {
		for _, n := range markerNumbers(markerDigits(m)) {
			if n >= 1 && n <= len(v.passages) && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// check verifies one sentence against the passages cited for it and returns it with its
// markers renumbered — or, when it is dropped, only the line breaks it ended with, so the
// answer's layout (paragraphs, headings, lists) stays as it was. A sentence of clauses that
// each close with their own markers ("下放36项审批权限[1]，增设15个窗口[2]。") is judged clause
// by clause: only the clause that fails goes.
func (v *verifier) check(s string, cited []int) string {
	if strings.TrimSpace(s) == "" {
		return s
	}
	norm := normalize.Text(s)
	for _, line := range v.system {
		if strings.Contains(norm, line) {
			v.leaked = true
			return ""
		}
	}
	if saysNotCovered(s) && len(readFigures(v.fold, markerRE.ReplaceAllString(s, ""))) == 0 {
		return markerRE.ReplaceAllString(s, "") // "材料未提及…" claims nothing of the passages
	}
	if len(v.cited(s)) == 0 && addressesAsker(s) && len(readFigures(v.fold, s)) == 0 {
		// "希望对您有帮助！" claims nothing of the material: kept only if the passages hold its
		// words, and never flagged.
		v.quiet = true
		ok := v.supports(s, cited)
		v.quiet = false
		if !ok {
			return trailingBreaks(s)
		}
		return v.renumbered(s)
	}
	clauses := citedClauses(s)
	if len(clauses) < 2 {
		if !v.supports(s, cited) {
			return trailingBreaks(s)
		}
		return v.renumbered(s)
	}
	var b strings.Builder
	dropped := false
	for _, c := range clauses {
		own := v.cited(c)
		if len(own) == 0 {
			own = cited
		}
		if v.supports(c, own) {
			b.WriteString(v.renumbered(c))
		} else {
			dropped = true
		}
	}
	out := b.String()
	if out == "" {
		return trailingBreaks(s)
	}
	if dropped {
		out = closeSentence(out, s)
	}
	return out
}

// askerRE finds a sentence addressed to the asker rather than about the material: models
// close with "如需了解更多信息，欢迎继续提问。", "希望对您有帮助！".
var askerRE = regexp.MustCompile(`您|如需|如有.{0,8}(?:问题|需要|疑问)|希望.{0,12}(?:帮助|有用|参考)|欢迎.{0,6}(?:提问|咨询|追问)|随时.{0,4}(?:提问|告诉)`)

// addressesAsker reports a sentence addressed to the asker.
func addressesAsker(s string) bool { return askerRE.MatchString(s) }

// supports reports whether the cited passages support a sentence or clause: every figure it
// states, and its words when it is a claim; a failure is flagged.
func (v *verifier) supports(s string, cited []int) bool {
	bare := markerRE.ReplaceAllString(s, "")
	// Words are judged unless the sentence only introduces what follows, names sources, or
	// compares cited figures in words of its own (相差14.3个百分点).
	judgeWords := !leadsIn(s) && !sourcesOnly(s)
	if figs := readFigures(v.fold, quotedNameRE.ReplaceAllString(notFigures.ReplaceAllString(bare, ""), "")); len(figs) > 0 {
		var support []figure
		for _, n := range cited {
			support = append(support, readFigures(v.fold, v.passages[n-1].passage.Text)...)
		}
		for _, f := range figs {
			if !slices.ContainsFunc(support, func(p figure) bool { return within(f, p) }) && derived(f, support) {
				judgeWords = false
			}
			if !f.listed && f.items == nil && slices.ContainsFunc(support, func(p figure) bool { return within(f, p) && namesOther(v.fold(bare), p) }) &&
				!slices.ContainsFunc(support, func(p figure) bool { return within(f, p) && !namesOther(v.fold(bare), p) }) {
				v.flag(bare, "所引材料中这个数字说的是另一项："+f.text)
				return false
			}
			if !supportedBy(f, support) && !v.reportYear(f, cited) {
				why := "所引材料没有这个数字：" + f.text
				if len(cited) == 0 {
					why = "数字没有注明出处：" + f.text
				}
				v.flag(bare, why)
				return false
			}
		}
	}
	if len(cited) > 0 && judgeWords && !v.grounded(bare, cited) {
		v.flag(bare, "所引材料中找不到这个说法")
		return false
	}
	if why := v.scope(bare, cited); why != "" {
		v.flag(bare, why)
		return false
	}
	return true
}

// reportYear reports a year ("2021年") that the cited passages' reports state: models date a
// claim from the report's opening ("2021年以来，全市…"), which the passage itself may not repeat.
func (v *verifier) reportYear(f figure, cited []int) bool {
	if f.measure != "年" || len(f.digits) != 4 || f.value < 1900 || f.value > 2100 {
		return false
	}
	for _, n := range cited {
		r := v.passages[n-1].passage.Report
		if strings.Contains(r.Title, f.digits) {
			return true
		}
		for _, p := range r.Paragraphs {
			if strings.Contains(p.Text, f.digits+"年") {
				return true
			}
		}
	}
	return false
}

// source is the text a claim is checked against: the cited passages, each with its report's
// title and unit, which name what the passage leaves implicit (四川, 渔薪派出所).
func (v *verifier) source(cited []int) string {
	var text strings.Builder
	for _, n := range cited {
		p := v.passages[n-1].passage
		text.WriteString(v.fold(p.Report.Title + " " + p.Report.Org + "\n" + p.Text))
		text.WriteByte('\n')
	}
	return text.String()
}

// Scope and proportion words change a claim without a figure: the passage says 部分县区 or
// 试点, the reply says 全省; the reply says 大多数 where the passage gives no proportion.
var (
	wholeScopeRE   = regexp.MustCompile(`全省|全市|全县|全区|全国|全部|所有|一律|全面|全覆盖|各地|各级`)
	partScopeRE    = regexp.MustCompile(`部分|试点|个别|少数|一些|有的|局部|某些`)
	levelRE        = regexp.MustCompile(`全国|全省|全市|全县|全区`) // one whole in place of another: 全省第一 is not 全国第一
	proportionRE   = regexp.MustCompile(`一半以上|半数以上|过半|大多数|绝大多数|大部分|绝大部分|多数`)
	proportionInRE = regexp.MustCompile(`[一二三四五六七八九十\d]成|半|多数|大部分|%|‰|分之`) // a proportion given, not only counts
)

// scope returns why a sentence claims a wider scope or a proportion its passages do not
// give, or "".
func (v *verifier) scope(bare string, cited []int) string {
	if len(cited) == 0 {
		return ""
	}
	// The passages alone: a title's words ("处于全国同级城市最低水平") are no scope of the claim.
	var text strings.Builder
	for _, n := range cited {
		text.WriteString(v.fold(v.passages[n-1].passage.Text))
	}
	src, s := text.String(), v.fold(bare)
	if w := wholeScopeRE.FindString(s); w != "" && !strings.Contains(src, w) && partScopeRE.MatchString(src) && !partScopeRE.MatchString(s) {
		return "所引材料说的是部分范围，不是“" + w + "”"
	}
	if w := levelRE.FindString(s); w != "" && !strings.Contains(src, w) {
		if other := levelRE.FindString(src); other != "" {
			return "所引材料说的是“" + other + "”，不是“" + w + "”"
		}
	}
	if w := proportionRE.FindString(s); w != "" && !strings.Contains(src, w) && !proportionInRE.MatchString(src) {
		return "所引材料没有给出“" + w + "”这样的比例"
	}
	return ""
}

// flag records a removed sentence and why, as the answer's "flagged" lists them:
// "原句（原因）".
func (v *verifier) flag(sentence, why string) {
	if v.quiet {
		return
	}
	v.flagged = append(v.flagged, strings.TrimSpace(sentence)+"（"+why+"）")
}

// renumbered records the passages s cites and rewrites its markers in answer numbering.
func (v *verifier) renumbered(s string) string {
	for _, n := range v.cited(s) {
		if _, ok := v.renumber[n]; !ok {
			v.order = append(v.order, n)
			v.renumber[n] = len(v.order)
		}
	}
	return markerRE.ReplaceAllStringFunc(s, func(m string) string {
		var b strings.Builder
		for _, n := range markerNumbers(markerDigits(markerRE.FindStringSubmatch(m))) {
			if k, ok := v.renumber[n]; ok && n <= len(v.passages) && n >= 1 {
				mark := "[" + strconv.Itoa(k) + "]"
				if !strings.Contains(b.String(), mark) {
					b.WriteString(mark)
				}
			}
		}
		return b.String()
	})
}

// clauseEndRE is a marker run followed by a clause separator: where a cited clause ends.
var clauseEndRE = regexp.MustCompile(`(?:` + markerRE.String() + `)+[，,、]`)

// citedClauses cuts a sentence after each marker run that a comma follows; one piece when
// there is none.
func citedClauses(s string) []string {
	var out []string
	for {
		loc := clauseEndRE.FindStringIndex(s)
		if loc == nil || loc[1] >= len(s) {
			break
		}
		out = append(out, s[:loc[1]])
		s = s[loc[1]:]
	}
	return append(out, s)
}

// closeSentence ends what is left of a sentence whose last clause was dropped the way the
// sentence ended: "…窗口[1]，" becomes "…窗口[1]。" plus the line breaks that followed.
func closeSentence(kept, orig string) string {
	body := strings.TrimRight(kept, " \t\n")
	if last, _ := utf8.DecodeLastRuneInString(body); strings.ContainsRune("，,、", last) {
		body = strings.TrimRight(body, "，,、") + "。"
	}
	if !endsSentence(body) {
		body += "。"
	}
	return body + trailingBreaks(orig)
}

// endsSentence: the text ends with a sentence terminator, markers and closers aside.
func endsSentence(s string) bool {
	s = strings.TrimRight(markerRE.ReplaceAllString(s, ""), " ”’」』）)")
	last, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune("。！？；!?;…", last)
}

// A claim is grounded when enough of its character pairs occur in the passages it cites:
// models paraphrase, but keep the subject's words; an invented claim ("还建立了无人机巡逻队[1]")
// shares little beyond its subject. Short sentences ("其一[3]。") are not judged.
const (
	minClaimPairs = 5
	minClaimShare = 0.3
)

// grounded reports whether a sentence without unsupported figures is also supported in words
// by the passages it cites.
func (v *verifier) grounded(bare string, cited []int) bool {
	pairs := hanPairs(v.fold(bare))
	if len(pairs) < minClaimPairs {
		return true
	}
	src := v.source(cited)
	found := 0
	for _, p := range pairs {
		if strings.Contains(src, p) {
			found++
		}
	}
	return float64(found) >= minClaimShare*float64(len(pairs))
}

// hanPairs returns the distinct pairs of adjacent Chinese characters of s.
func hanPairs(s string) []string {
	seen := make(map[string]bool)
	var out []string
	var prev rune
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			if prev != 0 {
				if p := string([]rune{prev, r}); !seen[p] {
					seen[p] = true
					out = append(out, p)
				}
			}
			prev = r
		} else {
			prev = 0
		}
	}
	return out
}

// trailingBreaks is the run of line breaks a sentence ends with.
func trailingBreaks(s string) string {
	t := strings.TrimRight(s, " \t　")
	return t[len(strings.TrimRight(t, "\n")):]
}

// citations lists the cited passages in their new numbering.
func (v *verifier) citations() []Citation {
	out := make([]Citation, 0, len(v.order))
	for i, n := range v.order {
		out = append(out, citationOf(i+1, v.passages[n-1]))
	}
	return out
}

func markerNumbers(s string) []int {
	s = strings.ReplaceAll(s, "材料", "")
	if s == "" {
		return nil
	}
	var out []int
	for _, part := range listSepRE.Split(s, -1) {
		bounds := rangeSepRE.Split(part, 2)
		lo, err := strconv.Atoi(bounds[0])
		if err != nil {
			continue
		}
		hi := lo
		if len(bounds) == 2 {
			if h, err := strconv.Atoi(bounds[1]); err == nil && h >= lo && h-lo < 20 {
				hi = h
			}
		}
		for n := lo; n <= hi; n++ {
			out = append(out, n)
		}
	}
	return out
}

// SplitAnswer cuts an answer into sentences, each keeping the citation markers and closing
// quotes that follow its end ("…24.7%。[1]"); joined, they are the text again.
func SplitAnswer(text string) []string {
	var out []string
	for len(text) > 0 {
		end := sentenceEnd(text, true)
		out = append(out, text[:end])
		text = text[end:]
	}
	return out
}

// sentenceEnd returns the byte offset just past the first complete sentence of text: after a
// terminator or newline and whatever markers, closers and spaces follow it. When the text may
// still grow (final false) and nothing but such trailers follows the terminator, it returns -1:
// a marker may yet arrive.
func sentenceEnd(text string, final bool) int {
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		if !strings.ContainsRune("。！？；!?;\n", r) {
			continue
		}
		newline := r == '\n'
		for {
			rest := text[i:]
			// Markers right after the end belong to it; after a line break they open the
			// next line ("[^1]: …").
			if loc := markerRE.FindStringIndex(rest); !newline && loc != nil && loc[0] == 0 {
				i += loc[1]
				continue
			}
			r, n := utf8.DecodeRuneInString(rest)
			if n > 0 && (strings.ContainsRune("。！？；!?;”’」』）)\n 　", r)) {
				newline = newline || r == '\n'
				i += n
				continue
			}
			if !final && (i == len(text) || couldBeMarker(rest)) {
				return -1
			}
			return i
		}
	}
	if final {
		return len(text)
	}
	return -1
}

// couldBeMarker: rest is the start of a citation marker that has not fully arrived yet.
func couldBeMarker(rest string) bool {
	if rest == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	switch {
	case strings.ContainsRune("[【［", r):
		return !strings.ContainsAny(rest, "]】］") && len(rest) < 24
	case strings.ContainsRune("（(", r):
		return !strings.ContainsAny(rest, "）)") && len(rest) < 30
	}
	return false
}
