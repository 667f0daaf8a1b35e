package telegram

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/search"
)

// Telegram takes at most 4,096 characters a message (counted in UTF-16 units); we stay
// below to leave room for what entity parsing adds.
const maxMessage = 4000

// Callback data is at most 64 bytes; passage IDs are short enough by design.
const (
	callbackPrefix = "src:"
	maxCallback    = 64
)

func esc(s string) string { return html.EscapeString(s) }

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// Answer text splits after a sentence end and the citation markers that follow it.
var sentenceBreak = regexp.MustCompile(`[。！？；!?;\n](?:\[\d+\])*`)

func sentences(text string) []string {
	var out []string
	for len(text) > 0 {
		loc := sentenceBreak.FindStringIndex(text)
		if loc == nil {
			out = append(out, text)
			break
		}
		out = append(out, text[:loc[1]])
		text = text[loc[1]:]
	}
	return out
}

// pack joins already-escaped segments into messages under maxMessage. Segments are whole
// sentences or footnote lines, each escaped on its own, so a cut never falls inside a tag or
// an entity; a segment too long alone is cut at rune boundaries of its plain text.
func pack(segments []string) []string {
	var out []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
		curLen = 0
	}
	for _, seg := range segments {
		n := utf16Len(seg)
		if curLen+n > maxMessage-maxReopen {
			flush()
		}
		for n > maxMessage {
			head, rest := cutEscaped(seg, maxMessage-maxReopen)
			out = append(out, head)
			seg, n = rest, utf16Len(rest)
		}
		cur.WriteString(seg)
		curLen += n
	}
	flush()
	return balanceTags(out)
}

// htmlTagRE matches the tags we write: <b>, <i>, <code>, <pre>, <blockquote>, <a href="…">
// and their ends.
var htmlTagRE = regexp.MustCompile(`<(/?)(b|i|code|pre|blockquote|a)(?:\s[^>]*)?>`)

// maxReopen is the room kept for tags closed at the end of one message and reopened at the
// start of the next.
const maxReopen = 64

// balanceTags makes every message parse on its own: tags left open at a message's end are
// closed there and opened again at the start of the next, since Telegram rejects a message
// whose entities do not close.
func balanceTags(msgs []string) []string {
	var open []string // opening tags, outermost first
	for i, m := range msgs {
		reopen := strings.Join(open, "")
		for _, t := range htmlTagRE.FindAllStringSubmatch(m, -1) {
			if t[1] == "/" {
				if len(open) > 0 {
					open = open[:len(open)-1]
				}
				continue
			}
			open = append(open, t[0])
		}
		var closing strings.Builder
		for k := len(open) - 1; k >= 0; k-- {
			closing.WriteString("</" + htmlTagRE.FindStringSubmatch(open[k])[2] + ">")
		}
		msgs[i] = reopen + m + closing.String()
	}
	return msgs
}

// cutEscaped cuts escaped text at about limit UTF-16 units — after the last punctuation
// within the last cutWindow characters before it, when there is one — never inside an
// &entity; or a <tag>; tags it leaves open are closed and reopened by balanceTags.
func cutEscaped(s string, limit int) (string, string) {
	units := 0
	for i, r := range s {
		u := 1
		if r >= 0x10000 {
			u = 2
		}
		if units+u > limit {
			i = atPunctuation(s, i)
			if j := strings.LastIndexByte(s[:i], '&'); j >= 0 && !strings.Contains(s[j:i], ";") {
				i = j
			}
			if j := strings.LastIndexByte(s[:i], '<'); j >= 0 && !strings.Contains(s[j:i], ">") {
				i = j
			}
			return s[:i], s[i:]
		}
		units += u
	}
	return s, ""
}

// cutWindow is how far back a cut looks for punctuation to fall after.
const cutWindow = 300

// atPunctuation moves a cut at byte i back to just after the nearest clause punctuation
// (、，；：, and their ASCII forms, or a space) within cutWindow characters, so a long sentence
// splits between its clauses rather than inside a word.
func atPunctuation(s string, i int) int {
	start := i
	for k := 0; k < cutWindow && start > 0; k++ {
		_, n := utf8.DecodeLastRuneInString(s[:start])
		start -= n
	}
	best := -1
	for j, r := range s[start:i] {
		if strings.ContainsRune("、，,；;：:。！？ \n", r) {
			best = start + j + utf8.RuneLen(r)
		}
	}
	if best <= 0 {
		return i
	}
	return best
}

// renderAnswer is the answer as Telegram HTML messages (footnotes at the end) and the inline
// keyboard with one button per citation, for the last message.
func renderAnswer(a answer.Answer) ([]string, *keyboard) {
	var segs []string
	if a.Notice != "" {
		segs = append(segs, "<i>"+esc(a.Notice)+"</i>\n")
	}
	// Models write Markdown; cut into sentences after rendering, tags left open at a cut are
	// closed and reopened by balanceTags.
	segs = append(segs, sentences(telegramHTML(a.Text))...)
	if len(a.Citations) > 0 {
		// The sources travel as one block, so their heading never ends a message alone.
		var fn strings.Builder
		fn.WriteString("\n\n<b>来源</b>")
		for _, c := range a.Citations {
			fn.WriteString("\n" + esc(c.Footnote()))
		}
		segs = append(segs, fn.String())
	}
	return pack(segs), citationKeyboard(a.Citations)
}

// keyboard is an inline keyboard with only the fields we use: go-telegram/bot's
// InlineKeyboardButton always sends an empty copy_text object, which the Bot API may refuse.
type keyboard struct {
	InlineKeyboard [][]button `json:"inline_keyboard"`
}

type button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

func citationKeyboard(cites []answer.Citation) *keyboard {
	var rows [][]button
	for _, c := range cites {
		data := callbackPrefix + c.ID
		if len(data) > maxCallback {
			continue
		}
		label := fmt.Sprintf("[%d] %s %s", c.N, c.Org, c.Where())
		if c.Org == "" {
			label = fmt.Sprintf("[%d] %s", c.N, c.Where())
		}
		rows = append(rows, []button{{Text: label, CallbackData: data}})
	}
	if len(rows) == 0 {
		return nil
	}
	return &keyboard{InlineKeyboard: rows}
}

// renderDraft is the partial answer shown while it streams, rendered as the final one is,
// clipped, its tags closed.
func renderDraft(text string) string {
	if text == "" {
		return "…"
	}
	out, _ := cutEscaped(telegramHTML(text), maxMessage-maxReopen-10)
	return balanceTags([]string{out + " …"})[0]
}

// renderPassage shows a passage with its neighbours and provenance (/src and buttons).
func renderPassage(c *corpus.Corpus, id string) (string, bool) {
	p, ok := c.Passage(id)
	if !ok {
		return "", false
	}
	before, after := c.Neighbours(id, 1)
	var segs []string
	segs = append(segs, "<b>"+esc(p.Citation())+"</b>\n")
	for _, q := range before {
		segs = append(segs, esc(q.Text))
	}
	segs = append(segs, "<b>"+esc(p.Text)+"</b>")
	for _, q := range after {
		segs = append(segs, esc(q.Text))
	}
	segs = append(segs, "\n<code>"+esc(p.ID)+"</code>")
	return pack(segs)[0], true
}

func renderHits(q string, hits []search.Hit) []string {
	if len(hits) == 0 {
		return []string{"没有找到与“" + esc(q) + "”相关的段落。"}
	}
	segs := []string{"<b>检索：</b>" + esc(q) + "\n"}
	for i, h := range hits {
		text := []rune(h.Passage.Text)
		if len(text) > 150 {
			text = append(text[:150], '…')
		}
		segs = append(segs, "\n"+strconv.Itoa(i+1)+". <b>"+esc(h.Passage.Citation())+"</b>\n"+esc(string(text))+
			"\n"+srcCommand(h.Passage.ID)+"\n")
	}
	return pack(segs)
}

func renderReports(c *corpus.Corpus) []string {
	segs := []string{"<b>目前收录的材料</b>\n"}
	for i, r := range c.Reports {
		segs = append(segs, fmt.Sprintf("\n%d. %s", i+1, esc(r.Label())))
	}
	return pack(segs)
}

const helpText = `<b>经验 · 公安工作经验材料问答</b>
直接发送问题即可（群里请 @我、回复我，或用 /ask）。每句回答都注明出自哪篇材料的第几段，点按钮可看原文。

/ask 问题 — 提问，例如 /ask 警地融合是怎么运作的？
/search 问题 — 只检索相关段落，不生成回答
/src 编号 — 查看某段原文及上下文
/reports — 收录了哪些材料
/new — 开始新对话（忘掉之前的问题）
/help — 本说明

可以追问，例如先问“吉林社区民警占派出所警力多少？”，再问“那河南呢？”。`
