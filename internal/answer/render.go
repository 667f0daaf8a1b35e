package answer

import (
	"strconv"
	"strings"

	"github.com/jingyan/jingyan/internal/corpus"
)

// SourcesHeading opens the footnotes under an answer in plain-text front ends; readers that
// take an answer back (chat history) cut it there.
const SourcesHeading = "来源："

// Label is the citation as every front end shows it: 《title》（unit）第 n 段, or
// 《title》（unit）第 p 页 第 n 段 for a paged source.
func (c Citation) Label() string { return corpus.Label(c.Title, c.Org, c.Where()) }

// Where is the cited paragraph's place in the printed document.
func (c Citation) Where() corpus.Where {
	if c.Page > 0 && c.OnPage > 0 {
		return corpus.Where{Page: c.Page, N: c.OnPage}
	}
	return corpus.Where{N: c.Paragraph}
}

// Footnote is one numbered source line: [n] 《title》（unit）第 n 段.
func (c Citation) Footnote() string { return "[" + strconv.Itoa(c.N) + "] " + c.Label() }

// Footnotes is the plain-text source list under an answer, "" when it cites nothing.
func Footnotes(cites []Citation) string {
	if len(cites) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n\n" + SourcesHeading)
	for _, c := range cites {
		b.WriteString("\n" + c.Footnote())
	}
	return b.String()
}

// StripFootnotes returns an answer's text without the source list Footnotes appended.
func StripFootnotes(text string) string {
	body, _, _ := strings.Cut(text, "\n\n"+SourcesHeading)
	return body
}
