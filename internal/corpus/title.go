package corpus

import (
	"path"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A report without a title line still needs a name staff can read in a citation. Files are
// named by machines and hurried people ("m05_feijingwu_fenliu", "扫描件001",
// "新建文本文档 (2)"), so the name comes from the text first: the opening sentence's subject,
// with what only frames it (a newspaper's "本报讯（通讯员…）", "记者…获悉", a date, "摘要：",
// page furniture) taken off. The file name is used only when it reads as a title itself.

// maxDerivedTitle is how long a derived title may be, in characters; longer ones are clipped.
const maxDerivedTitle = 24

var (
	// framingRE matches a clause that only frames the news: who reported it, when.
	framingRE = regexp.MustCompile(`本[报報][讯訊]|通[讯訊][员員]|[记記]者|[获獲]悉|据悉|據悉|据了解|據了解|[讯訊电電]$|消息$|^[据據].{0,12}(消息|报道|報道)|^摘\s*要|^[（(]?上接|^编者按|^編者按`)
	// datelineRE matches a news agency's dateline: "東北網6月19日電(宋海英 記者 雷蕾)".
	datelineRE = regexp.MustCompile(`^\p{Han}{1,8}?\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[电電讯訊]\s*([（(][^）)]{0,30}[）)])?`)
	// leadQuoteRE matches a quotation the text opens with, a scene-setter rather than a subject.
	leadQuoteRE = regexp.MustCompile(`^[“"「][^”"」]{0,200}[”"」][。！？!?…]*`)
	// adverbialRE matches a clause that sets the scene for the subject that follows: "随着…",
	// "为切实…", "每当…时", "在…下".
	adverbialRE = regexp.MustCompile(`^(随着|隨著|为了|為了|为|為|每当|每當|针对|針對|面对|面對|围绕|圍繞|按照|根据|根據|近年来|近年來)|^在.{0,40}[上下中时時]$|^(从|從).{0,12}(开始|開始|以来|以來|起)$|时$|時$`)
	// timePrefixRE matches a time a clause opens with, without a comma after it.
	timePrefixRE = regexp.MustCompile(`^(今年以来|近年来|近年來|近日|日前|去年以来|\d{4}\s*年(以来|以來)?)`)
	// timeClauseRE matches a clause that is only a time: "2021年以来", "去年", "10日", "1—2月".
	timeClauseRE = regexp.MustCompile(`^(近年来|近期|目前|截至目前|今年以来|去年|今年|前天|昨天|今天|日前|近日|[\d一二三四五六七八九十〇零]+\s*[年月日号]\s*(以来|上旬|中旬|下旬|底|初)?|[\d—\-－~～至]+\s*[年月日]\s*(以来)?|\d{4}\s*年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?(以来)?)$`)
	// pageMarkRE matches page furniture a converter left at the start of the text: "第1页共4页".
	pageMarkRE    = regexp.MustCompile(`^第\s*\d+\s*页\s*[，,/]?\s*共\s*\d+\s*页`)
	leadBracketRE = regexp.MustCompile(`^[（(【\[][^）)】\]]{0,20}[）)】\]]`)
	clauseSepRE   = regexp.MustCompile(`[，,：:；;。！？!?]`)
	// genericNameRE matches file names that say nothing of the content.
	genericNameRE = regexp.MustCompile(`(?i)^(新建|未命名|扫描|scan|img|image|dsc|微信图片|屏幕截图|screenshot|文档|document|doc|page|未标题|无标题)`)
)

// deriveTitle names a report from the first of its opening paragraphs that says something, or
// from its file name when that reads as a title; "" when neither gives one.
func deriveTitle(paragraphs []*Paragraph, name string) string {
	// The first paragraphs may say nothing (a newspaper page's "当前版:01版", OCR noise):
	// the first that does gives the title.
	for _, p := range paragraphs[:min(len(paragraphs), 5)] {
		if t := subjectOf(p.Text); t != "" {
			return t
		}
	}
	if stem := strings.TrimSuffix(path.Base(name), path.Ext(name)); readableName(stem) {
		return stem
	}
	return ""
}

// subjectOf returns the opening sentence's first clause that says something, clipped.
func subjectOf(text string) string {
	text = pageMarkRE.ReplaceAllString(strings.TrimSpace(text), "")
	for {
		t := leadBracketRE.ReplaceAllString(text, "")
		t = strings.TrimSpace(datelineRE.ReplaceAllString(t, ""))
		if q := leadQuoteRE.FindString(t); q != "" && hanCount(t[len(q):]) >= 8 {
			t = t[len(q):]
		}
		if t == text {
			break
		}
		text = strings.TrimSpace(t)
	}
	var kept []string
	n := 0
	for _, c := range clauseSepRE.Split(text, 8) {
		c = strings.TrimSpace(leadBracketRE.ReplaceAllString(strings.TrimSpace(c), ""))
		if len(kept) == 0 {
			c = strings.TrimSpace(timePrefixRE.ReplaceAllString(c, ""))
		}
		if c == "" || framingRE.MatchString(c) || timeClauseRE.MatchString(c) || len(kept) == 0 && (adverbialRE.MatchString(c) || hanCount(c) < 4) {
			if len(kept) > 0 {
				break
			}
			continue
		}
		kept = append(kept, c)
		n += utf8.RuneCountInString(c)
		if n >= 8 {
			break
		}
	}
	t := strings.Join(kept, "，")
	if hanCount(t) < 4 {
		return ""
	}
	return clip(t, maxDerivedTitle)
}

// readableName reports a file name a person gave as a title: mostly Chinese, not a
// scanner's or an editor's default.
func readableName(stem string) bool {
	stem = strings.TrimSpace(stem)
	return hanCount(stem) >= 4 && !genericNameRE.MatchString(stem)
}

func hanCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n
}

// clip cuts s to at most n characters, marking the cut with "…".
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
