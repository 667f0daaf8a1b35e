package corpus

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/jingyan/jingyan/internal/reader"
)

// SplitSentences cuts Chinese text into sentences after 。！？；(and their half-width forms)
// plus any closing quotes that follow; text without a final terminator is the last sentence.
func SplitSentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		if !reader.IsTerminal(r) {
			continue
		}
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if !reader.IsTerminal(r) && !reader.IsCloser(r) {
				break
			}
			i += n
		}
		if s := strings.TrimSpace(text[start:i]); s != "" {
			out = append(out, s)
		}
		start = i
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// listItemRE finds an item of a numbered list as official writing numbers them: 一是, 二是,
// 第三，, 其四, （五）, 六、. 第 and 其 need the comma after them: 第一次 and 其中 open no item.
var listItemRE = regexp.MustCompile(`^(?:[一二三四五六七八九十]是|[第其][一二三四五六七八九十][，,、：:]|[（(][一二三四五六七八九十][）)]|[一二三四五六七八九十][、．.])`)

// IsListItem reports whether a sentence opens an item of a numbered list. Reports list what a
// unit did as such items ("一是显要位置“贴”小提示。"), so a short one is an answer to "which
// ways", not a topic line restating the question.
func IsListItem(sentence string) bool {
	return listItemRE.MatchString(sentence)
}
