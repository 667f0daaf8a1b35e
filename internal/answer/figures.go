package answer

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// figure is a number an answer or a passage states, read as a value with its measure and how
// exact it is: 1.3万人 is 13000 people, 逾八成 is at least 80%, 约50% is about 50%.
type figure struct {
	text    string   // as written, for messages
	digits  string   // the number as written before its multiplier ("1.3" of 1.3万)
	value   float64  // in units: 1.3万 → 13000
	measure string   // "%", "‰", "百分点", a measure word (名, 个, 起…) or ""
	bound   int      // exact, atLeast (余, 多, 超过, 逾, 以上), atMost (近, 不到, 以下), about (约, 左右)
	bare    bool     // neither multiplier nor measure: "8900" alone
	context []string // character pairs of the clause before it: what it measures
	// items are the measures of a respective list the figure belongs to ("刑事、治安案件分别
	// 下降8.37%、28.30%"), index the one it is the figure of; nil outside such a list.
	items  []string
	index  int
	lead   string // the clause before the figure up to a comma, its 、 lists whole
	listed bool   // follows another figure after only a list separator
}

// leadClause is the text before byte offset i back to a clause mark other than 、.
func leadClause(s string, i int) string {
	r := []rune(s[:i])
	start := len(r)
	for start > 0 && !strings.ContainsRune("，,。；;！？!?：:\n", r[start-1]) {
		start--
	}
	return string(r[start:])
}

const (
	exact = iota
	atLeast
	atMost
	about
)

// figureRE reads a figure in folded text (Chinese numerals are digits there, 成 is %):
// an optional bound word, the number, 余/多, a multiplier, a measure, a trailing bound.
var figureFullRE = regexp.MustCompile(`(约|大约|近|接近|将近|超过|逾|不到|不足|达到|达)?` +
	`(\d+(?:\.\d+)?)(余|多)?(万|亿)?(余|多)?` +
	`(%|‰|个百分点|百分点|` + measureAlternation + `)?(以上|左右|以下|之多)?`)

// Measure words figures are counted in, longest first so 个百分点 wins over 个.
const measureAlternation = `人次|个月|小时|分钟|万元|亿元|个|名|人|位|起|件|次|宗|项|条|家|所|处|支|座|间|天|日|年|月|周|岁|倍|元|户|栋|套|辆|台|部|本|册|张|份|批|类|种|期|届|场|公里|米`

// readFigures returns the figures of a text, after folding it as passages are matched
// (traditional, full-width, Chinese-numeral figures, 成 as %).
func readFigures(fold func(string) string, s string) []figure {
	s = fold(s)
	s = thousandRE.ReplaceAllString(s, "$1$2")
	var out []figure
	prevEnd := -1
	for _, loc := range figureFullRE.FindAllStringSubmatchIndex(s, -1) {
		m := make([]string, len(loc)/2)
		for i := range m {
			if loc[2*i] >= 0 {
				m[i] = s[loc[2*i]:loc[2*i+1]]
			}
		}
		v, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			continue
		}
		fig := figure{text: m[0], digits: m[2], value: v, measure: strings.TrimPrefix(m[6], "个"),
			context: clauseBefore(s, loc[0])}
		if len(out) > 0 && prevEnd >= 0 && listSepRE.MatchString(s[prevEnd:loc[0]]) && strings.TrimSpace(listSepRE.ReplaceAllString(s[prevEnd:loc[0]], "")) == "" {
			// "警情、损失数同比下降24.8%、39.1%": a figure listed after another measures
			// what the list's clause names, not nothing.
			fig.context, fig.lead, fig.listed = out[len(out)-1].context, out[len(out)-1].lead, true
		} else {
			fig.lead = leadClause(s, loc[0])
		}
		prevEnd = loc[1]
		switch m[4] {
		case "万":
			fig.value *= 1e4
		case "亿":
			fig.value *= 1e8
		}
		if m[6] == "个" || m[6] == "个月" {
			fig.measure = m[6] // 个 itself, and months, are measures; only 个百分点 loses its 个
		}
		fig.bare = m[4] == "" && fig.measure == ""
		switch {
		case m[3] != "" || m[5] != "" || m[1] == "超过" || m[1] == "逾" || m[7] == "以上" || m[7] == "之多":
			fig.bound = atLeast
		case m[1] == "近" || m[1] == "将近" || m[1] == "不到" || m[1] == "不足" || m[7] == "以下":
			fig.bound = atMost
		case m[1] == "约" || m[1] == "大约" || m[1] == "接近" || m[7] == "左右":
			fig.bound = about
		case approxBeforeRE.MatchString(clauseText(s, loc[0])):
			fig.bound = about // "约占派出所警力的44%": the 约 qualifies the figure across the verb
		}
		out = append(out, fig)
	}
	return withItems(s, out)
}

// withItems pairs the figures of a respective list with the items the clause before them
// lists: "刑事、“两抢一盗”案件分别下降16.4%、19.6%" gives 16.4% to 刑事 and 19.6% to 两抢一盗.
func withItems(s string, figs []figure) []figure {
	for start := 0; start < len(figs); {
		end := start + 1
		for end < len(figs) && slices.Equal(figs[end].context, figs[start].context) && figs[end].listed {
			end++
		}
		if n := end - start; n >= 2 {
			items := strings.Split(figs[start].lead, "、")
			if len(items) == n {
				for k := start; k < end; k++ {
					figs[k].items, figs[k].index = items, k-start
				}
			}
		}
		start = end
	}
	return figs
}

// namesOther reports a claim that states a respective list's figure but names another item of
// the list more fully than the figure's own: "刑事案件下降19.6%" where 19.6% is 两抢一盗's.
func namesOther(claim string, p figure) bool {
	if p.items == nil {
		return false
	}
	best, bestScore := -1, 0.0
	for j, it := range p.items {
		if sc := nameScore(claim, it); sc > bestScore {
			best, bestScore = j, sc
		}
	}
	return best >= 0 && best != p.index && bestScore >= 0.5 && nameScore(claim, p.items[p.index]) < bestScore
}

// nameScore is the share of an item's Chinese characters that the claim writes as one run.
func nameScore(claim, item string) float64 {
	r := []rune(strings.Map(func(c rune) rune {
		if unicode.Is(unicode.Han, c) {
			return c
		}
		return -1
	}, item))
	if len(r) == 0 {
		return 0
	}
	longest := 0
	for i := range r {
		for j := i + longest + 1; j <= len(r); j++ {
			if !strings.Contains(claim, string(r[i:j])) {
				break
			}
			longest = j - i
		}
	}
	return float64(longest) / float64(len(r))
}

// contextRunes is how far back from a figure its clause is read for what it measures.
const contextRunes = 16

// clauseBefore returns the character pairs of the clause that leads up to byte offset i: up to
// contextRunes characters, stopping at a clause mark.
func clauseBefore(s string, i int) []string {
	r := []rune(s[:i])
	start := len(r)
	for start > 0 && len(r)-start < contextRunes && !strings.ContainsRune("，,。；;！？!?：:、\n", r[start-1]) {
		start--
	}
	var out []string
	for k := start; k+1 < len(r); k++ {
		out = append(out, string(r[k:k+2]))
	}
	return out
}

// approxBeforeRE finds a word that makes the figure after it in its clause approximate.
var approxBeforeRE = regexp.MustCompile(`约|大约|大概|大致|接近|将近`)

// clauseText is the clause leading up to byte offset i, up to contextRunes characters.
func clauseText(s string, i int) string {
	r := []rune(s[:i])
	start := len(r)
	for start > 0 && len(r)-start < contextRunes && !strings.ContainsRune("，,。；;！？!?：:、\n", r[start-1]) {
		start--
	}
	return string(r[start:])
}

// overlap counts the pairs two contexts share.
func overlap(a, b []string) int {
	n := 0
	for _, x := range a {
		for _, y := range b {
			if x == y {
				n++
				break
			}
		}
	}
	return n
}

// swapped reports an answer figure whose value a passage states, but for another measure:
// the passage figure whose clause reads most like the answer's has a different value, and
// reads clearly more like it (by swapMargin pairs) than any figure with the answer's value.
// "社区民警占派出所总警力的49.5%" when the passage gives 49.4% for that and 49.5% for
// 派出所警力占县级公安机关总警力.
func swapped(a figure, support []figure, matching []figure) bool {
	const swapMargin = 3
	best, bestOverlap := -1, -1
	for i, p := range support {
		if !compatible(a.measure, p.measure) {
			continue
		}
		if o := overlap(a.context, p.context); o > bestOverlap {
			best, bestOverlap = i, o
		}
	}
	if best < 0 || within(a, support[best]) {
		return false
	}
	for _, p := range matching {
		if overlap(a.context, p.context)+swapMargin > bestOverlap {
			return false
		}
	}
	return true
}

// compatible: the two measures count the same thing. A percentage difference may be given in
// 百分点; a figure without a measure is compatible with any.
func compatible(a, b string) bool {
	if a == "" || b == "" || a == b {
		return true
	}
	pct := func(m string) bool { return m == "%" || m == "百分点" }
	if pct(a) && pct(b) {
		return true
	}
	people := func(m string) bool { return m == "名" || m == "人" || m == "位" || m == "人次" }
	return people(a) && people(b)
}

// within: the answer's value is what the passage's states, allowing for the bounds each gives.
// 约50% is within 10% of 50%; 超过80% needs a passage figure of at least 80%; "7000万" stands
// for the passage's "7000余万".
func within(a, p figure) bool {
	if a.value == p.value {
		return true
	}
	rel := math.Abs(a.value-p.value) / math.Max(math.Abs(p.value), 1e-9)
	switch a.bound {
	case about:
		return rel <= 0.1
	case atLeast:
		return p.value >= a.value && rel <= 0.5
	case atMost:
		return p.value <= a.value && rel <= 0.2
	}
	return false
}

// supportedBy reports whether an answer figure is stated, or follows, from the cited passages'
// figures: the same value (within its bound) in a compatible measure; a bare number by the
// same digits; or the difference or sum of two cited figures of one measure (相差5.5个百分点).
func supportedBy(a figure, support []figure) bool {
	var matching []figure
	for _, p := range support {
		if (a.bare && a.digits == p.digits) || (compatible(a.measure, p.measure) && within(a, p)) {
			matching = append(matching, p)
		}
	}
	if len(matching) > 0 {
		return !swapped(a, support, matching)
	}
	return derived(a, support)
}

// derived reports an answer figure that is the difference or sum of two cited figures of one
// measure (相差5.5个百分点, 两地合计…): a comparison the model worked out, in words of its own.
func derived(a figure, support []figure) bool {
	for i, p := range support {
		for _, q := range support[i+1:] {
			if !compatible(p.measure, q.measure) || !compatible(a.measure, p.measure) {
				continue
			}
			for _, v := range []float64{math.Abs(p.value - q.value), p.value + q.value} {
				if math.Abs(a.value-v) < 1e-6*math.Max(1, math.Abs(v)) {
					return true
				}
			}
		}
	}
	return false
}

// States reports whether text states fact: as written, once both are folded, or — for a fact
// that is one figure — as the same value in a compatible measure however it is written
// (13000名 states 1.3万, 一千三百五十名 states 1350). Evaluation uses it to judge answers that
// reformat figures, as models do.
func States(fold func(string) string, text, fact string) bool {
	ft, tt := fold(fact), fold(text)
	if strings.Contains(strings.Join(strings.Fields(tt), ""), strings.Join(strings.Fields(ft), "")) {
		return true
	}
	want := readFigures(fold, fact)
	if len(want) != 1 {
		return false
	}
	for _, f := range readFigures(fold, text) {
		if f.value == want[0].value && compatible(f.measure, want[0].measure) {
			return true
		}
	}
	return false
}
