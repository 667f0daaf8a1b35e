// Package gazetteer knows China's provinces, prefectures and counties, and which lies within
// which: a report by 本溪市公安局 or 南岸区公安分局 is a report of 辽宁 or 重庆, though it
// never writes the province, and staff ask by the province ("辽宁有个派出所…").
package gazetteer

import (
	_ "embed"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:embed divisions.txt
var divisions string

// Gazetteer finds the divisions a text names and the ones they lie within.
type Gazetteer struct {
	byFirst map[rune][]entry // every name, by its first character
}

// entry is one name of a place; ancestors are the names of the divisions all places of that
// name lie within (a county name two prefectures share gives only the province, if that).
type entry struct {
	name string
	// after lists the characters one of which must follow a short name: 长治 of 长治久安 and
	// 安康 are everyday words, 长治市 and 安康公安 are places. "" for a full name.
	after     string
	ancestors []string
}

// What may follow a short name: a prefecture's 市, a dateline's colon or a police word (本溪:,
// 运城公安, 常州警方); a county's only a police word (兴庆分局), as 和平 and 城关 are words too.
const (
	afterPrefecture = "市:：公警"
	afterCounty     = "公警分"
)

// Default is the gazetteer of the embedded divisions, parsed once.
var Default = sync.OnceValue(func() *Gazetteer { return parse(divisions) })

// Enclosing returns the names of the divisions that the places text names lie within, and
// that text does not name itself: "本溪:石桥子派出所…" → 辽宁省 辽宁.
func (g *Gazetteer) Enclosing(text string) []string {
	var out []string
	g.visit(text, func(e entry) {
		for _, a := range e.ancestors {
			if !slices.Contains(out, a) && !strings.Contains(text, a) {
				out = append(out, a)
			}
		}
	})
	return out
}

// Named returns the places text names and the divisions they lie within: "这是灞桥公安…" →
// 灞桥, 西安市, 西安, 陕西省, 陕西 — for a text other than a report's head, which must say
// where the report is from by itself.
func (g *Gazetteer) Named(text string) []string {
	var out []string
	g.visit(text, func(e entry) {
		for _, n := range append([]string{e.name}, e.ancestors...) {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	})
	return out
}

// visit calls f with each place text names, as it may stand (a short name only before what
// may follow it).
func (g *Gazetteer) visit(text string, f func(entry)) {
	for i, r := range text {
		for _, e := range g.byFirst[r] {
			if !strings.HasPrefix(text[i:], e.name) {
				continue
			}
			if next, _ := utf8.DecodeRuneInString(text[i+len(e.name):]); e.after != "" && !strings.ContainsRune(e.after, next) {
				continue
			}
			f(e)
		}
	}
}

// Suffixes of division names, and the nationalities (the census's 56) an autonomous
// division names before its suffix (蒙古 may go without 族): 楚雄彝族自治州 is 楚雄,
// 黔西南布依族苗族自治州 黔西南, 巴音郭楞蒙古自治州 巴音郭楞.
var (
	prefectureSuffixRE = regexp.MustCompile(`(?:市|地区|盟|自治州|林区)$`)
	countySuffixRE     = regexp.MustCompile(`(?:自治县|自治旗|区|县|市|旗)$`)
	nationalityRE      = regexp.MustCompile(`(?:(?:汉|蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺)族|蒙古)+$`)
)

func parse(data string) *Gazetteer {
	var lines [][]string // province, prefecture, counties
	provinces := make(map[string]bool)
	for _, line := range strings.Split(data, "\n") {
		if f := strings.Split(line, "|"); len(f) == 3 && !strings.HasPrefix(line, "#") {
			lines = append(lines, f)
			provinces[provinceShort(f[0])] = true
		}
	}
	n := namings{provinces: provinces, ups: map[string][]string{}, after: map[string]string{}, full: map[string]bool{}}
	for _, f := range lines {
		n.addLine(f[0], f[1], strings.Fields(f[2]))
	}
	return n.index()
}

// namings collects every name with the divisions each place of that name lies within.
type namings struct {
	provinces map[string]bool     // provinces' short names: a prefecture's (海南) is not taken for one
	ups       map[string][]string // a name → each place's ancestor names, joined by |
	after     map[string]string   // a short name → what may follow it (see entry)
	full      map[string]bool     // a full name: anything may follow it
}

// addLine adds a prefecture's names and its counties'.
func (n namings) addLine(province, prefecture string, counties []string) {
	prov := []string{province, provinceShort(province)}
	var pref []string
	if prefecture != province && prefecture != "省直辖县级行政区划" {
		pref = []string{prefecture, prefectureShort(prefecture)}
		n.add(prefecture, "", prov)
		if short := prefectureShort(prefecture); !n.provinces[short] {
			n.add(short, afterPrefecture, prov)
		}
	}
	for _, c := range counties {
		up := append(slices.Clone(pref), prov...)
		n.add(c, "", up)
		follow := afterCounty
		if strings.HasSuffix(c, "市") { // a county-level city goes by its short name as a city does
			follow = afterPrefecture
		}
		if short := countyShort(c); short != c && !n.provinces[short] {
			n.add(short, follow, up)
		}
	}
}

func (n namings) add(name, follow string, ancestors []string) {
	// A short name that opens as the words it needs after it would be found inside them:
	// 公安 of 公安县 in every "…区公安分局".
	if first, _ := utf8.DecodeRuneInString(name); utf8.RuneCountInString(name) < 2 || strings.ContainsRune(follow, first) {
		return
	}
	n.ups[name] = append(n.ups[name], strings.Join(ancestors, "|"))
	switch {
	case follow == "":
		n.full[name] = true
	case !strings.Contains(n.after[name], follow):
		n.after[name] += follow // 本溪 is a prefecture's short name and a county's
	}
}

// index makes the gazetteer: each name with the ancestors all its places share, by first
// character, longest first.
func (n namings) index() *Gazetteer {
	g := &Gazetteer{byFirst: make(map[rune][]entry)}
	for name, ups := range n.ups {
		e := entry{name: name, after: n.after[name], ancestors: common(ups)}
		if n.full[name] {
			e.after = ""
		}
		if len(e.ancestors) == 0 {
			continue
		}
		r, _ := utf8.DecodeRuneInString(name)
		g.byFirst[r] = append(g.byFirst[r], e)
	}
	for r := range g.byFirst {
		// Longest first, then by name: 南岸区 is tried before 南岸, and the order is fixed.
		slices.SortFunc(g.byFirst[r], func(a, b entry) int {
			if d := len(b.name) - len(a.name); d != 0 {
				return d
			}
			return strings.Compare(a.name, b.name)
		})
	}
	return g
}

// common is the ancestor names every place of one name shares.
func common(ups []string) []string {
	out := strings.Split(ups[0], "|")
	for _, u := range ups[1:] {
		other := strings.Split(u, "|")
		out = slices.DeleteFunc(out, func(s string) bool { return !slices.Contains(other, s) })
	}
	return slices.DeleteFunc(out, func(s string) bool { return s == "" })
}

// provinceShort is the name a province goes by: 辽宁省 → 辽宁, 广西壮族自治区 → 广西.
func provinceShort(full string) string {
	r := []rune(full)
	if strings.HasPrefix(full, "内蒙古") || strings.HasPrefix(full, "黑龙江") {
		return string(r[:3])
	}
	return string(r[:2])
}

// countyShort is the name a county goes by: 兴庆区 → 兴庆, 景宁畲族自治县 → 景宁.
func countyShort(full string) string {
	s := countySuffixRE.ReplaceAllString(full, "")
	if t := nationalityRE.ReplaceAllString(s, ""); utf8.RuneCountInString(t) >= 2 {
		s = t
	}
	if utf8.RuneCountInString(s) < 2 {
		return full // 忠县 goes by its full name
	}
	return s
}

// prefectureShort is the name a prefecture goes by: 本溪市 → 本溪, 楚雄彝族自治州 → 楚雄.
func prefectureShort(full string) string {
	s := prefectureSuffixRE.ReplaceAllString(full, "")
	if t := nationalityRE.ReplaceAllString(s, ""); utf8.RuneCountInString(t) >= 2 {
		s = t
	}
	return s
}
