package corpus

import (
	"path"
	"regexp"
	"strings"
)

// Editorial trailers and bylines: metadata of the printed page, never passages.
var trailerRE = regexp.MustCompile(`^[(（\[【]?\s*(责任编辑|编辑|初审|复审|终审|审核|校对|来源|作者|记者|通讯员|摄影|供稿)\s*[:：]`)

var dateRE = regexp.MustCompile(`^\d{4}\s*(年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?|[-./]\d{1,2}([-./]\d{1,2})?)(\s*\d{1,2}:\d{2}(:\d{2})?)?$`)

// Issuing units end in one of these; a short line ending so, right after a title, is the unit.
var unitSuffixes = []string{
	"厅", "局", "部", "委", "院", "处", "科", "队", "所", "站", "中心", "办公室", "办", "会",
	"政府", "学校", "学院", "大学", "总队", "支队", "大队", "中队", "分局", "警署", "署", "组", "室",
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
	return runeLen(s) <= 60 && runeLen(s) >= 2 && !endsSentence(s) && !strings.ContainsAny(s, "。！？；")
}

func isUnitLine(s string) bool {
	if runeLen(s) > 32 || runeLen(s) < 3 || strings.ContainsAny(s, "，,。：:；;！？!?“”\"") {
		return false
	}
	for _, suf := range unitSuffixes {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

// clean drops what is not report text — page furniture, editorial trailers — and reads
// bylines into m where m lacks a unit or date.
func clean(d document) ([]block, meta) {
	m := d.meta
	var out []block
	for _, b := range d.blocks {
		b.text = strings.TrimSpace(inlineFurniture.ReplaceAllString(b.text, ""))
		if b.text == "" || isTrailer(b.text) {
			continue
		}
		if isBoilerplate(b.text) {
			if breadcrumbRE.MatchString(b.text) {
				m.context = append(m.context, b.text)
			}
			continue
		}
		if org, date, ok := byline(b.text); ok {
			m.context = append(m.context, b.text)
			if m.org == "" {
				m.org = org
			}
			if m.date == "" {
				m.date = date
			}
			continue
		}
		out = append(out, b)
	}
	return out, m
}

// assemble turns one source into reports. A source is one report unless it is laid out as a
// collection: two or more title lines (or headings) each followed by an issuing-unit line,
// as printed collections of experience reports are.
func assemble(name string, d document) (reports []*Report, warnings []string) {
	blocks, m := clean(d)
	if len(blocks) == 0 {
		return nil, nil
	}
	context := strings.Join(append(m.context, strings.TrimSuffix(path.Base(name), path.Ext(name))), " ")
	if rs := collection(blocks, m); len(rs) >= 2 {
		for _, r := range rs {
			r.Context = context
		}
		return rs, nil
	}
	r, w := single(name, blocks, m)
	if len(r.Paragraphs) == 0 {
		return nil, w
	}
	r.Context = context
	return []*Report{r}, w
}

// collection splits blocks at each title followed by a unit line; nil when there are fewer
// than two such reports. A title-like first block before the first report names the
// collection.
func collection(blocks []block, m meta) []*Report {
	var starts []int
	for i := 0; i+1 < len(blocks); i++ {
		if (blocks[i].level > 0 || isTitleLike(blocks[i].text)) && blocks[i+1].level == 0 && isUnitLine(blocks[i+1].text) {
			starts = append(starts, i)
			i++
		}
	}
	if len(starts) < 2 {
		return nil
	}
	name := m.title
	if starts[0] > 0 && (blocks[0].level > 0 || isTitleLike(blocks[0].text)) {
		name = blocks[0].text
	}
	var reports []*Report
	for k, s := range starts {
		end := len(blocks)
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		r := &Report{Title: blocks[s].text, Collection: name}
		body := blocks[s+1 : end]
		r.Org, body = body[0].text, body[1:]
		if len(body) > 0 && dateRE.MatchString(body[0].text) {
			r.Date, body = body[0].text, body[1:]
		}
		fillParagraphs(r, body)
		if len(r.Paragraphs) > 0 {
			reports = append(reports, r)
		}
	}
	return reports
}

// single makes one report of a whole source: its title from what the file declares or its
// first heading or title line (the file name only as a last resort), its unit from metadata,
// a byline, the line under the title, a signature or the opening text.
func single(name string, blocks []block, m meta) (*Report, []string) {
	var warnings []string
	r := &Report{Title: m.title, Org: m.org, Date: m.date}
	blocks = officialHead(r, blocks)
	if len(blocks) == 0 {
		return r, warnings
	}
	if first := blocks[0]; first.level > 0 || (isTitleLike(first.text) && runeLen(first.text) >= 4 && !isUnitLine(first.text) && !dateRE.MatchString(first.text)) {
		if r.Title == "" || m.weakTitle || sameTitle(r.Title, first.text) {
			r.Title = first.text
			blocks = blocks[1:]
		}
	}
	if r.Title == "" {
		r.Title = strings.TrimSuffix(path.Base(name), path.Ext(name))
		warnings = append(warnings, "no title in the document: the file name stands in")
	}
	blocks = headLines(r, blocks)
	// A signature: the unit, then the date, under the last paragraph.
	for n := len(blocks); n > 1 && blocks[n-1].level == 0 && dateRE.MatchString(blocks[n-1].text); n-- {
		if r.Date == "" {
			r.Date = blocks[n-1].text
		}
		blocks = blocks[:n-1]
	}
	if n := len(blocks); n > 1 && blocks[n-1].level == 0 && isUnitLine(blocks[n-1].text) {
		if r.Org == "" {
			r.Org = blocks[n-1].text
		}
		blocks = blocks[:n-1]
	}
	if r.Org == "" {
		r.Org = unitIn(r.Title, blocks)
	}
	fillParagraphs(r, blocks)
	return r, warnings
}

// Official documents (公文) open with the issuer's masthead ("某某市公安局文件"), a document
// number ("某公发〔2023〕12号") and a title of the form "关于……的通知/意见/报告".
var (
	mastheadRE  = regexp.MustCompile(`^(\p{Han}{2,30}?)\s*(文件|简报|通报|工作动态|情况反映)$`)
	docNumberRE = regexp.MustCompile(`^\p{Han}{1,10}\s*[〔\[［（(【]\s*\d{4}\s*[〕\]］）)】]\s*\d{1,4}\s*号$`)
	ofTitleRE   = regexp.MustCompile(`^关于.{2,60}(通知|意见|报告|办法|方案|规定|决定|通报|批复|函|请示|纪要|细则|规划|要点|总结)$`)
)

// officialHead reads a 公文's masthead and document number into r and drops them, and takes
// a "关于…的通知" line among the first few as the title.
func officialHead(r *Report, blocks []block) []block {
	for len(blocks) > 0 && blocks[0].level == 0 {
		t := blocks[0].text
		if m := mastheadRE.FindStringSubmatch(t); m != nil && isUnitLine(m[1]) {
			if r.Org == "" {
				r.Org = m[1]
			}
		} else if !docNumberRE.MatchString(t) {
			break
		}
		blocks = blocks[1:]
	}
	for i := 0; i < len(blocks) && i < 4; i++ {
		if t := blocks[i].text; ofTitleRE.MatchString(t) && (r.Title == "" || sameTitle(r.Title, t)) {
			r.Title = t
			return append(blocks[:i:i], blocks[i+1:]...)
		}
	}
	return blocks
}

// headLines takes the unit and date lines under the title into r and returns the rest.
func headLines(r *Report, blocks []block) []block {
	for len(blocks) > 0 && blocks[0].level == 0 {
		t := blocks[0].text
		switch {
		case isUnitLine(t) && r.Org == "":
			r.Org = t
		case dateRE.MatchString(t) && r.Date == "":
			r.Date = t
		case isUnitLine(t) && t == r.Org, dateRE.MatchString(t) && t == r.Date:
		default:
			return blocks
		}
		blocks = blocks[1:]
	}
	return blocks
}

// sameTitle: a page's declared title and its headline are the same title when one contains
// the other (the declared one often carries a site name or the headline a kicker).
func sameTitle(a, b string) bool {
	return strings.Contains(a, b) || strings.Contains(b, a)
}

// A unit named at the start of a clause of the headline or opening text: "…前天，嵊州市公安局的
// 民警…", "本溪：金山派出所成功化解…". Only names that open a clause are taken, so a verb
// or preposition in front ("在城南派出所…") is never mistaken for part of the name.
var unitNameRE = regexp.MustCompile(`(?:^|[，,。；;：:、\s（(])((?:\p{Han}{2,3}(?:省|自治区|市|州|盟|县|区|旗)){1,3}(?:公安厅|公安局)(?:\p{Han}{2,4}分局)?|\p{Han}{2,4}(?:派出所|公安分局))`)

func unitIn(title string, blocks []block) string {
	texts := []string{title}
	for i := 0; i < len(blocks) && i < 2; i++ {
		texts = append(texts, blocks[i].text)
	}
	for _, t := range texts {
		for _, m := range unitNameRE.FindAllStringSubmatch(t, -1) {
			if !strings.ContainsAny(m[1], notInNames) {
				return m[1]
			}
		}
	}
	return ""
}

// notInNames are function words and numerals that start clauses but never stand inside a
// place or unit name; a match holding one ran past the name's start ("笔者从市公安局").
const notInNames = "从在的和与向对把被到由经为是了等及将该本其各这那此个個一取者"

// fillParagraphs makes paragraphs of body blocks; a heading becomes the section of the
// paragraphs under it (search context, not a passage of its own).
func fillParagraphs(r *Report, body []block) {
	section := ""
	for _, b := range body {
		if b.level > 0 {
			section = b.text
			continue
		}
		r.Paragraphs = append(r.Paragraphs, &Paragraph{Text: b.text, Section: section})
	}
}
