package corpus

import (
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/jingyan/jingyan/internal/gazetteer"
	"github.com/jingyan/jingyan/internal/reader"
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

// isTitleLike: a short line with no sentence end and no sentence-internal stop.
func isTitleLike(s string) bool {
	return utf8.RuneCountInString(s) <= 60 && utf8.RuneCountInString(s) >= 2 && !reader.EndsSentence(s) && !strings.ContainsAny(s, "。！？；")
}

func isUnitLine(s string) bool {
	if utf8.RuneCountInString(s) > 32 || utf8.RuneCountInString(s) < 3 || strings.ContainsAny(s, "，,。：:；;！？!?“”\"") {
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
func clean(d reader.Document) ([]reader.Block, reader.Meta) {
	m := d.Meta
	// Author fields name people and programs as often as units: only a unit is kept.
	for _, a := range m.Authors {
		if m.Org == "" && isUnitLine(a) {
			m.Org = a
		}
	}
	var out []reader.Block
	for _, b := range d.Blocks {
		b.Text = strings.TrimSpace(inlineFurniture.ReplaceAllString(b.Text, ""))
		if b.Text == "" || isTrailer(b.Text) {
			continue
		}
		if isBoilerplate(b.Text) {
			if breadcrumbRE.MatchString(b.Text) {
				m.Context = append(m.Context, b.Text)
			}
			continue
		}
		if org, date, ok := byline(b.Text); ok {
			m.Context = append(m.Context, b.Text)
			if m.Org == "" {
				m.Org = org
			}
			if m.Date == "" {
				m.Date = date
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
func assemble(name string, d reader.Document) (reports []*Report, warnings []string) {
	blocks, m := clean(d)
	if len(blocks) == 0 {
		return nil, nil
	}
	context := strings.Join(append(m.Context, strings.TrimSuffix(path.Base(name), path.Ext(name))), " ")
	if rs := collection(blocks, m); len(rs) >= 2 {
		for _, r := range rs {
			r.Context = withRegion(r, context)
		}
		return rs, nil
	}
	r, w := single(name, blocks, m)
	if len(r.Paragraphs) == 0 {
		return nil, w
	}
	r.Context = withRegion(r, context)
	return []*Report{r}, w
}

// withRegion is a report's context with the divisions its title, unit and bylines lie within:
// staff ask by province ("辽宁有个派出所…") of reports that name only their city or district
// ("本溪:石桥子派出所…", "南岸区公安分局"). Search and answers read places in the context.
func withRegion(r *Report, context string) string {
	region := gazetteer.Default().Enclosing(r.Title + " " + r.Org + " " + r.Collection + " " + context)
	if len(region) == 0 && len(r.Paragraphs) > 0 {
		// A story whose head names no place often names its unit in the lead ("这是灞桥公安
		// 落实…的一个缩影"): that is where it is from.
		region = gazetteer.Default().Named(r.Paragraphs[0].Text)
	}
	if len(region) == 0 {
		return context
	}
	return context + " " + strings.Join(region, " ")
}

// collection splits blocks at each title followed by a unit line; nil when there are fewer
// than two such reports. A title-like first block before the first report names the
// collection.
func collection(blocks []reader.Block, m reader.Meta) []*Report {
	var starts []int
	for i := 0; i+1 < len(blocks); i++ {
		if (blocks[i].Level > 0 || isTitleLike(blocks[i].Text)) && blocks[i+1].Level == 0 && isUnitLine(blocks[i+1].Text) {
			starts = append(starts, i)
			i++
		}
	}
	if len(starts) < 2 {
		return nil
	}
	name := m.Title
	if starts[0] > 0 && (blocks[0].Level > 0 || isTitleLike(blocks[0].Text)) {
		name = blocks[0].Text
	}
	var reports []*Report
	for k, s := range starts {
		end := len(blocks)
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		r := &Report{Title: blocks[s].Text, Collection: name}
		body := blocks[s+1 : end]
		r.Org, body = body[0].Text, body[1:]
		if len(body) > 0 && dateRE.MatchString(body[0].Text) {
			r.Date, body = body[0].Text, body[1:]
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
func single(name string, blocks []reader.Block, m reader.Meta) (*Report, []string) {
	var warnings []string
	r := &Report{Title: m.Title, Org: m.Org, Date: m.Date}
	blocks = officialHead(r, blocks)
	if len(blocks) == 0 {
		return r, warnings
	}
	if first := blocks[0]; first.Level > 0 || (isTitleLike(first.Text) && utf8.RuneCountInString(first.Text) >= 4 && !isUnitLine(first.Text) && !dateRE.MatchString(first.Text)) {
		if r.Title == "" || m.WeakTitle || sameTitle(r.Title, first.Text) {
			r.Title = first.Text
			blocks = blocks[1:]
		}
	}
	blocks = headLines(r, blocks)
	// A signature: the unit, then the date, under the last paragraph.
	for n := len(blocks); n > 1 && blocks[n-1].Level == 0 && dateRE.MatchString(blocks[n-1].Text); n-- {
		if r.Date == "" {
			r.Date = blocks[n-1].Text
		}
		blocks = blocks[:n-1]
	}
	if n := len(blocks); n > 1 && blocks[n-1].Level == 0 && isUnitLine(blocks[n-1].Text) {
		if r.Org == "" {
			r.Org = blocks[n-1].Text
		}
		blocks = blocks[:n-1]
	}
	if r.Org == "" {
		r.Org = unitIn(r.Title, blocks)
	}
	fillParagraphs(r, blocks)
	if r.Title == "" {
		r.Title, r.TitleDerived = deriveTitle(r.Paragraphs, name), true
		if r.Title == "" {
			r.Title = "无标题材料"
		}
		warnings = append(warnings, "文档里没有标题，据正文拟作《"+r.Title+"》")
	}
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
func officialHead(r *Report, blocks []reader.Block) []reader.Block {
	for len(blocks) > 0 && blocks[0].Level == 0 {
		t := blocks[0].Text
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
		if t := blocks[i].Text; ofTitleRE.MatchString(t) && (r.Title == "" || sameTitle(r.Title, t)) {
			r.Title = t
			return append(blocks[:i:i], blocks[i+1:]...)
		}
	}
	return blocks
}

// headLines takes the unit and date lines under the title into r and returns the rest.
func headLines(r *Report, blocks []reader.Block) []reader.Block {
	for len(blocks) > 0 && blocks[0].Level == 0 {
		t := blocks[0].Text
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

func unitIn(title string, blocks []reader.Block) string {
	texts := []string{title}
	for i := 0; i < len(blocks) && i < 2; i++ {
		texts = append(texts, blocks[i].Text)
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
func fillParagraphs(r *Report, body []reader.Block) {
	section := ""
	for _, b := range body {
		if b.Level > 0 {
			section = b.Text
			continue
		}
		r.Paragraphs = append(r.Paragraphs, &Paragraph{Text: b.Text, Section: section, Page: b.Page})
	}
}
