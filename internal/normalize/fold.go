package normalize

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/longbridgeapp/opencc"
)

// Folder puts text into the form it is matched in, the same for indexed passages and for
// questions: Text's folding, traditional characters as simplified (警務 → 警务), and figures
// written in Chinese numerals as digits (二十四小时 → 24小时, 七成 → 70%). What readers see
// stays as written; only matching uses the folded form.
type Folder struct {
	t2s  *opencc.OpenCC
	trad map[rune]bool // characters t2s changes (traditional.go)
}

// NewFolder loads the traditional-to-simplified tables (OpenCC's, embedded; ~3 ms).
func NewFolder() (*Folder, error) {
	t2s, err := opencc.New("t2s")
	if err != nil {
		return nil, err
	}
	f := &Folder{t2s: t2s, trad: make(map[rune]bool, len(traditional)/3)}
	for _, r := range traditional {
		f.trad[r] = true
	}
	return f, nil
}

// Fold returns s folded for matching. A nil Folder leaves traditional characters as they are.
func (f *Folder) Fold(s string) string {
	s = Text(s)
	if f != nil && f.t2s != nil && f.hasTraditional(s) {
		if out, err := f.t2s.Convert(s); err == nil {
			s = out
		}
	}
	return Figures(CJKSpaces(s))
}

// CJKSpaces removes spaces that only pad Chinese text: between Chinese characters, next to
// Chinese punctuation ("社区 , 这里"), between a Chinese character and a figure ("14 个").
// Spaces between Latin words stay.
func CJKSpaces(s string) string { return dropSpaces(s, padding) }

// FigureSpaces removes only the spaces between a Chinese character and a figure ("14 个",
// "下降 27.4%"), which PDF layout inserts; a space between two Chinese words is kept.
func FigureSpaces(s string) string {
	return dropSpaces(s, func(a, b rune) bool {
		han := func(r rune) bool { return unicode.Is(unicode.Han, r) }
		digit := func(r rune) bool { return r >= '0' && r <= '9' }
		return (han(a) && digit(b)) || (digit(a) && (han(b) || b == '%'))
	})
}

func dropSpaces(s string, drop func(before, after rune) bool) string {
	if !strings.Contains(s, " ") {
		return s
	}
	r := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, c := range r {
		if c == ' ' && i > 0 && i+1 < len(r) && drop(r[i-1], r[i+1]) {
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

func padding(a, b rune) bool {
	wide := func(r rune) bool {
		return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef) ||
			r == '“' || r == '”' || r == ',' || r == '.' || r == ';' || r == ':' || r == '(' || r == ')'
	}
	digit := func(r rune) bool { return r >= '0' && r <= '9' || r == '%' }
	return (wide(a) && (wide(b) || digit(b))) || (digit(a) && wide(b))
}

func (f *Folder) hasTraditional(s string) bool {
	for _, r := range s {
		if r >= 0x3400 && f.trad[r] {
			return true
		}
	}
	return false
}

// A Chinese numeral followed by a measure word is a figure: 二十四小时, 三个方面, 一千余个,
// 两万名. A numeral before anything else is part of a word (一村一警, 三调联动) and stays.
var cnFigureRE = regexp.MustCompile(`([零〇一二两三四五六七八九十百千]+(?:[万亿][零〇一二两三四五六七八九十百千]+)*)([万亿]?)(余|多)?(小时|分钟|个|名|人|起|件|次|项|条|家|所|处|支|天|年|月|周|岁|万|亿|成|倍|元|公里|米|户|栋|套|辆|台|份|批|类|种|期|届|任|位|场|座|间|张|本|部|级|层|轮|趟|遍|方面|百分点)`)

// cnFigures rewrites the Chinese-numeral figures of s as digits.
func cnFigures(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range cnFigureRE.FindAllStringSubmatchIndex(s, -1) {
		if strings.HasSuffix(s[:m[0]], "哪") {
			continue
		}
		v, ok := cnCompound(s[m[2]:m[3]])
		if !ok {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(strconv.Itoa(v))
		b.WriteString(s[m[3]:m[1]]) // 万/亿, 余/多 and the measure word, as written
		last = m[1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// A figure in tenths: 7成 = 70%.
var tenthsRE = regexp.MustCompile(`(\d+(?:\.\d+)?)成`)

// Figures rewrites Chinese-numeral figures as digits and 成 as percent. A numeral after 哪
// asks which one (哪一年, 哪一位) and is no figure.
func Figures(s string) string {
	if mayHaveCNFigure(s) {
		s = cnFigures(s)
	}
	if strings.Contains(s, "成") {
		s = tenthsRE.ReplaceAllStringFunc(s, func(m string) string {
			f, err := strconv.ParseFloat(strings.TrimSuffix(m, "成"), 64)
			if err != nil {
				return m
			}
			return strconv.FormatFloat(f*10, 'f', -1, 64) + "%"
		})
	}
	return s
}

// mayHaveCNFigure is a quick test before the regexp: a Chinese numeral followed by another
// numeral or by a character that starts a measure word. Most text has 一 in words (一体化,
// 统一) and never a figure.
func mayHaveCNFigure(s string) bool {
	prevNumeral := false
	for _, r := range s {
		if prevNumeral && (strings.ContainsRune(cnNumerals, r) || strings.ContainsRune(measureStarts, r)) {
			return true
		}
		prevNumeral = strings.ContainsRune(cnNumerals, r)
	}
	return false
}

const (
	cnNumerals    = "零〇一二两三四五六七八九十百千"
	measureStarts = "万亿余多小分个名人起件次项条家所处支天年月周岁成倍元公米户栋套辆台份批类种期届任位场座间张本部级层轮趟遍方百"
)

// cnCompound reads a Chinese numeral with 万 and 亿 sections: 一万三千 = 13000.
func cnCompound(s string) (int, bool) {
	total := 0
	for _, unit := range []struct {
		sep string
		mul int
	}{{"亿", 100_000_000}, {"万", 10_000}} {
		if head, tail, ok := strings.Cut(s, unit.sep); ok {
			v, ok := cnNumber(head)
			if !ok {
				return 0, false
			}
			total += v * unit.mul
			s = tail
		}
	}
	if s == "" {
		return total, total > 0
	}
	v, ok := cnNumber(strings.TrimLeft(s, "零〇"))
	if !ok {
		return 0, false
	}
	return total + v, true
}

// Number reads a Chinese numeral below 10,000 (三, 十二, 二十四), as figures are read.
func Number(s string) (int, bool) { return cnNumber(s) }

// cnNumber reads a Chinese numeral below 10,000: 二十四, 一百零五, 两千, 十. A run of digits
// without place words (一二三) is not a number.
func cnNumber(s string) (int, bool) {
	digit := map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	place := map[rune]int{'十': 10, '百': 100, '千': 1000}
	total, cur, digits := 0, -1, 0
	for _, r := range s {
		if d, ok := digit[r]; ok {
			if cur >= 0 && d != 0 {
				return 0, false // two digits in a row: a list, not a number
			}
			if d != 0 {
				cur = d
			}
			digits++
			continue
		}
		p := place[r]
		if cur < 0 {
			if p != 10 || total != 0 {
				return 0, false
			}
			cur = 1 // 十二 = 12
		}
		total += cur * p
		cur = -1
	}
	if cur > 0 {
		total += cur
	}
	if total == 0 {
		return 0, false
	}
	return total, true
}
