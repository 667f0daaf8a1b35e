package answer

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/glossary"
)

// A figure asked for a year ("滨州2018年110接了多少警") is answered only from reports that write
// that year: a report of 2017's figures, however close its words, gives the wrong year's. A
// report writes a year as such ("2018年以来") or, as year-end reports do, as 今年, 去年 or 前年
// in a report dated that year, the year after or the one after that. A report with no date
// that writes 今年 (a collection of experience reports printed without one) may be of any
// year after the latest it writes, so for those it is kept.

// yearPattern is a year as text writes it: four digits from 1900 to 2099 before 年.
const yearPattern = `((?:19|20)\d\d)\s*年`

var (
	yearRE       = regexp.MustCompile(yearPattern)
	yearStartRE  = regexp.MustCompile(`^` + yearPattern)
	reportYearRE = regexp.MustCompile(`^\s*((?:19|20)\d\d)`)
)

// relativeYears are the words a report uses for a year, by how many years before its date.
var relativeYears = []string{"今年", "去年", "前年"}

// yearsIn are the years a text writes in four digits (2018年).
func yearsIn(text string) []int {
	var out []int
	for _, m := range yearRE.FindAllStringSubmatch(text, -1) {
		if y, err := strconv.Atoi(m[1]); err == nil && !slices.Contains(out, y) {
			out = append(out, y)
		}
	}
	return out
}

// questionYears are the years a question names, as staff type them too: "滨州18年110接了多少警"
// (2018). Two digits before 年 are a year only where a length cannot be meant: not after a
// word that counts or spends time ("干了18年", "近20年", "第18年") nor before one that
// makes it a span ("18年来", "18年间", "18年多").
func questionYears(q string) []int {
	out := yearsIn(q)
	for _, m := range shortYearRE.FindAllStringSubmatchIndex(q, -1) {
		before, _ := utf8.DecodeLastRuneInString(q[:m[2]])
		after, _ := utf8.DecodeRuneInString(q[m[1]:])
		if strings.ContainsRune("了过近多满干当做任共这那每第约余整足快", before) || strings.ContainsRune("来多间前后内以左半里度的", after) {
			continue
		}
		y, _ := strconv.Atoi(q[m[2]:m[3]])
		if y < 50 {
			y += 2000
		} else {
			y += 1900
		}
		if !slices.Contains(out, y) {
			out = append(out, y)
		}
	}
	return out
}

// shortYearRE is a year in two digits: 18年, not part of a longer figure (2018年, 3.18年).
var shortYearRE = regexp.MustCompile(`(?:^|[^\d.])(\d{2})\s*年`)

// yearReports are the reports that write one of years; names are the years as written.
func (e *Engine) yearReports(years []int) (names []string, own map[string]*corpus.Report) {
	own = make(map[string]*corpus.Report)
	for _, y := range years {
		name := strconv.Itoa(y) + "年"
		names = append(names, name)
		for _, r := range e.reportsWriting(name) {
			own[r.ID] = r
		}
		for back, word := range relativeYears {
			for _, r := range e.reportsWriting(word) {
				// An undated report's 今年 may be any year from the latest it writes on:
				// "今年以来" beside "与2019年同期相比" may be 2023's, beside "2022年…" not 2021's.
				if ry := reportYear(r); ry == y+back || ry == 0 && y+back > e.latestYear[r.ID] {
					own[r.ID] = r
				}
			}
		}
	}
	return names, own
}

// reportYear is the year a report is dated, or 0.
func reportYear(r *corpus.Report) int {
	m := reportYearRE.FindStringSubmatch(r.Date)
	if m == nil {
		return 0
	}
	y, _ := strconv.Atoi(m[1])
	return y
}

// ofYear keeps a figure question's evidence to the reports of the years it names; ok is false
// when none is left, and reason then says so.
func (e *Engine) ofYear(a glossary.Analysis, figure bool, ev []evidence) (kept []evidence, reason string, ok bool) {
	years := questionYears(a.Normalized)
	if !figure || len(years) == 0 {
		return ev, "", true
	}
	names, own := e.yearReports(years)
	kept = slices.DeleteFunc(slices.Clone(ev), func(x evidence) bool {
		return own[x.passage.Report.ID] == nil || ofOtherYear(x, years)
	})
	// What is left must give a figure: the year's reports' other sentences do not
	// ("浦江…2023年涉警投诉数下降了多少" where the report gives 2022's).
	if !slices.ContainsFunc(kept, func(x evidence) bool { return hasFigure(x.folded) }) {
		return kept[:0], fmt.Sprintf("材料中没有%s的这个数字。", names[0]) + e.yearsWritten(ev[:min(3, len(ev))]), false
	}
	return kept, "", true
}

// yearsWritten says which years the best passages found give, so a refusal for another year
// points at what there is: "《正确使用110!…》写的是2017年的。"
func (e *Engine) yearsWritten(best []evidence) string {
	for _, x := range best {
		var ys []string
		for _, y := range yearsIn(e.paragraphText(x)) {
			ys = append(ys, strconv.Itoa(y)+"年")
		}
		if len(ys) > 0 {
			return fmt.Sprintf("%s写的是%s的。", corpus.ReportLabel(x.passage.Report.Title, ""), strings.Join(ys, "、"))
		}
	}
	return ""
}

// otherYear reports whether a sentence gives a year, none of them one of years: a report of
// several years ("截至2022年11月底…" in a roundup that writes 2023年 elsewhere) answers a
// year's figure from the sentences of that year. A sentence that names no year stands in its
// report's ("去年,…攻克命案积案3起"), so it is not set back.
func otherYear(x evidence, years []int) bool {
	written := yearsIn(x.folded)
	if len(written) == 0 {
		return false
	}
	return !slices.ContainsFunc(written, func(y int) bool { return slices.Contains(years, y) })
}

// ofOtherYear reports a passage that gives only other years' figures: in a report that may be
// of the year asked, "2022年涉警投诉数同比下降17.7%" is still 2022's. One that writes 今年 (or
// 去年, 前年) beside another year ("与2019年同期相比,今年以来…下降30.26%") speaks of its own year.
func ofOtherYear(x evidence, years []int) bool {
	return otherYear(x, years) && !slices.ContainsFunc(relativeYears, func(w string) bool { return strings.Contains(x.folded, w) })
}
