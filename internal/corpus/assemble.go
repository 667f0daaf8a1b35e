package corpus

import (
	"path"
	"regexp"
	"strings"
)

// Editorial trailers and bylines: metadata of the printed page, never passages.
var trailerRE = regexp.MustCompile(`^[(（\[【]?\s*(责任编辑|编辑|初审|复审|终审|审核|校对|来源|作者|记者|通讯员)\s*[:：]`)

var dateRE = regexp.MustCompile(`^\d{4}\s*(年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?|[-./]\d{1,2}([-./]\d{1,2})?)$`)

// Issuing units end in one of these; a short line ending so, right after a title, is the unit.
var unitSuffixes = []string{
	"厅", "局", "部", "委", "院", "处", "科", "队", "所", "站", "中心", "办公室", "办", "会",
	"政府", "学校", "学院", "大学", "总队", "支队", "大队", "中队", "分局", "警署", "署", "组",
}

func isTrailer(s string) bool { return trailerRE.MatchString(s) }

func endsSentence(s string) bool {
	r := []rune(s)
	for i := len(r) - 1; i >= 0; i-- {
		if isCloser(r[i]) {
			continue
		}
		return isTerminal(r[i])
	}
	return false
}

// isTitleLike: a short line with no sentence end and no sentence-internal stop.
func isTitleLike(s string) bool {
	return runeLen(s) <= 60 && !endsSentence(s) && !strings.ContainsAny(s, "。！？；")
}

func isUnitLine(s string) bool {
	if runeLen(s) > 32 || strings.ContainsAny(s, "，,。：:；;！？!?“”\"") {
		return false
	}
	for _, suf := range unitSuffixes {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

// assemble turns the blocks of one source into reports. Sources with headings (Markdown,
// HTML) use them; plain text is read as the printed collections are laid out: an optional
// collection title, then per report a title line, an issuing-unit line and body paragraphs.
func assemble(name string, blocks []block) []*Report {
	kept := blocks[:0:0]
	for _, b := range blocks {
		if !isTrailer(b.text) {
			kept = append(kept, b)
		}
	}
	blocks = kept
	if len(blocks) == 0 {
		return nil
	}
	var reports []*Report
	collection := ""
	hasHeadings := false
	for _, b := range blocks {
		if b.level > 0 {
			hasHeadings = true
			break
		}
	}
	if hasHeadings {
		reports, collection = byHeadings(blocks)
	} else {
		reports, collection = byLayout(blocks)
	}
	if len(reports) == 0 {
		stem := strings.TrimSuffix(path.Base(name), path.Ext(name))
		r := &Report{Title: stem}
		fillBody(r, blocks)
		reports = []*Report{r}
	}
	out := reports[:0]
	for _, r := range reports {
		r.Collection = collection
		if len(r.Paragraphs) > 0 {
			out = append(out, r)
		}
	}
	return out
}

func byHeadings(blocks []block) ([]*Report, string) {
	top, count := 7, 0
	for _, b := range blocks {
		if b.level > 0 && b.level < top {
			top, count = b.level, 0
		}
		if b.level == top {
			count++
		}
	}
	reportLevel, collection := top, ""
	if count == 1 && blocks[0].level == top {
		next, n := 7, 0
		for _, b := range blocks[1:] {
			if b.level > top && b.level < next {
				next, n = b.level, 0
			}
			if b.level == next {
				n++
			}
		}
		if n >= 2 {
			reportLevel, collection = next, blocks[0].text
		}
	}
	var reports []*Report
	for i := 0; i < len(blocks); i++ {
		if blocks[i].level != reportLevel {
			continue
		}
		j := i + 1
		for j < len(blocks) && (blocks[j].level == 0 || blocks[j].level > reportLevel) {
			j++
		}
		r := &Report{Title: blocks[i].text}
		var body []block
		for _, b := range blocks[i+1 : j] {
			if b.level == 0 {
				body = append(body, b)
			}
		}
		fillBody(r, body)
		reports = append(reports, r)
		i = j - 1
	}
	return reports, collection
}

func byLayout(blocks []block) ([]*Report, string) {
	var starts []int
	for i := 0; i+1 < len(blocks); i++ {
		if isTitleLike(blocks[i].text) && isUnitLine(blocks[i+1].text) {
			starts = append(starts, i)
			i++
		}
	}
	if len(starts) == 0 {
		if len(blocks) > 1 && isTitleLike(blocks[0].text) {
			r := &Report{Title: blocks[0].text}
			fillBody(r, blocks[1:])
			return []*Report{r}, ""
		}
		return nil, ""
	}
	collection := ""
	if starts[0] > 0 && isTitleLike(blocks[0].text) {
		collection = blocks[0].text
	}
	var reports []*Report
	for k, s := range starts {
		end := len(blocks)
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		r := &Report{Title: blocks[s].text}
		fillBody(r, blocks[s+1:end])
		reports = append(reports, r)
	}
	return reports, collection
}

// fillBody takes the unit and date lines at the head of a report's blocks as metadata and the
// rest as paragraphs.
func fillBody(r *Report, body []block) {
	if len(body) > 0 && isUnitLine(body[0].text) {
		r.Org, body = body[0].text, body[1:]
	}
	if len(body) > 0 && dateRE.MatchString(body[0].text) {
		r.Date, body = body[0].text, body[1:]
	}
	for _, b := range body {
		r.Paragraphs = append(r.Paragraphs, &Paragraph{Text: b.text})
	}
}
