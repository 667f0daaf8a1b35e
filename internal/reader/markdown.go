package reader

import (
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// readMarkdown reads Markdown with goldmark: headings keep their level, paragraphs (also in
// lists and quotes) become paragraph blocks, HTML blocks (<p>…</p> pasted from web pages)
// are read as HTML, code is dropped. Front matter gives title, unit and date.
func readMarkdown(in input) (Document, error) {
	src, warning := toUTF8(in.data)
	var out []Block
	fm, src := frontMatter(src)
	var m Meta
	m.Title = CleanText(fm["title"])
	for _, k := range []string{"org", "unit", "单位", "author", "source", "来源"} {
		if u := CleanText(fm[k]); u != "" {
			m.Org = u
			break
		}
	}
	m.Date = CleanText(fm["date"])
	src = flattenQuotes(src) // segments below index into this buffer
	doc := goldmark.DefaultParser().Parse(text.NewReader(src))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if t := CleanText(inlineText(n, src)); t != "" {
				out = append(out, Block{Level: n.Level, Text: t})
			}
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.TextBlock:
			if t := CleanText(inlineText(n, src)); t != "" {
				out = append(out, Block{Text: t})
			}
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			var raw strings.Builder
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				raw.Write(seg.Value(src))
			}
			if n.HasClosure() {
				raw.Write(n.ClosureLine.Value(src))
			}
			if d, err := parseHTML([]byte(raw.String()), ""); err == nil {
				out = append(out, d.Blocks...)
			}
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.ThematicBreak:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	d := Document{Meta: m, Blocks: out}
	if warning != "" {
		d.Warnings = append(d.Warnings, warning)
	}
	return d, nil
}

// A line opening more than eight containers at once — quotes, list items — is hostile or
// broken: goldmark's time grows with the square of the nesting (200,000 "- " took minutes),
// and no report nests that deep.
var deepContainersRE = regexp.MustCompile(`(?m)^(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])[ \t]))(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])[ \t])){8,}`)

// flattenQuotes reduces such a run of container markers to one blockquote.
func flattenQuotes(src []byte) []byte {
	return deepContainersRE.ReplaceAll(src, []byte("> "))
}

// frontMatter splits a leading "---" block of "key: value" lines (title, org, date) from the
// Markdown; without one, meta is empty and src unchanged. goldmark would otherwise read the
// block's closing "---" as a heading underline.
func frontMatter(src []byte) (map[string]string, []byte) {
	meta := map[string]string{}
	s := strings.ReplaceAll(string(src), "\r\n", "\n")
	if !strings.HasPrefix(s, "---\n") {
		return meta, src
	}
	end := strings.Index(s[4:], "\n---")
	if end < 0 {
		return meta, src
	}
	for _, line := range strings.Split(s[4:4+end], "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok {
			meta[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	rest := s[4+end+4:]
	return meta, []byte(strings.TrimPrefix(rest, "\n"))
}

func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Segment.Value(src))
				if c.SoftLineBreak() || c.HardLineBreak() {
					b.WriteByte('\n')
				}
			case *ast.String:
				b.Write(c.Value)
			case *ast.RawHTML, *ast.AutoLink:
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}
