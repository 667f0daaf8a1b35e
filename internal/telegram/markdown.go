package telegram

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// Models write Markdown; Telegram reads a small HTML. telegramHTML parses the answer with
// goldmark and writes what Telegram shows: headings and strong text bold, emphasis italic,
// lists with their bullets or numbers, code, quotes, http(s) links; anything else — raw HTML
// included — as escaped text. Line breaks stay, so plain (extractive) answers read as before.

// deepMarkers is a line opening more than eight containers at once: goldmark's time grows
// with the square of such nesting, and no answer nests that deep.
var deepMarkers = regexp.MustCompile(`(?m)^(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])[ \t])){9,}`)

func telegramHTML(md string) string {
	src := []byte(deepMarkers.ReplaceAllString(md, "> "))
	doc := goldmark.DefaultParser().Parse(text.NewReader(src))
	var b strings.Builder
	w := &mdWriter{src: src, b: &b}
	w.blocks(doc)
	return strings.TrimRight(b.String(), "\n")
}

type mdWriter struct {
	src []byte
	b   *strings.Builder
}

// blocks writes a container's blocks, a blank line between paragraphs as Markdown has them.
func (w *mdWriter) blocks(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		w.block(c)
	}
}

func (w *mdWriter) block(n ast.Node) {
	switch n := n.(type) {
	case *ast.Heading:
		w.b.WriteString("<b>")
		w.inlines(n)
		w.b.WriteString("</b>\n")
	case *ast.Paragraph:
		w.inlines(n)
		w.b.WriteString("\n")
		if _, inList := n.Parent().(*ast.ListItem); !inList {
			w.b.WriteString("\n")
		}
	case *ast.TextBlock:
		w.inlines(n)
		w.b.WriteString("\n")
	case *ast.List:
		w.list(n)
		w.b.WriteString("\n")
	case *ast.Blockquote:
		w.b.WriteString("<blockquote>")
		var inner strings.Builder
		(&mdWriter{src: w.src, b: &inner}).blocks(n)
		w.b.WriteString(strings.TrimRight(inner.String(), "\n"))
		w.b.WriteString("</blockquote>\n")
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		w.b.WriteString("<pre>")
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			w.b.WriteString(esc(string(seg.Value(w.src))))
		}
		w.b.WriteString("</pre>\n")
	case *ast.HTMLBlock:
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			w.b.WriteString(esc(string(seg.Value(w.src))))
		}
		if n.HasClosure() {
			w.b.WriteString(esc(string(n.ClosureLine.Value(w.src))))
		}
	case *ast.ThematicBreak:
		w.b.WriteString("——\n")
	default:
		w.blocks(n)
	}
}

// list writes items with their bullet or number, nested lists indented.
func (w *mdWriter) list(l *ast.List) {
	n := l.Start
	depth := 0
	for p := l.Parent(); p != nil; p = p.Parent() {
		if _, ok := p.(*ast.List); ok {
			depth++
		}
	}
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		w.b.WriteString(strings.Repeat("  ", depth))
		if l.IsOrdered() {
			w.b.WriteString(strconv.Itoa(n) + ". ")
			n++
		} else {
			w.b.WriteString("• ")
		}
		w.blocks(item)
	}
}

// inlines writes a block's inline content.
func (w *mdWriter) inlines(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		w.inline(c)
	}
}

func (w *mdWriter) inline(n ast.Node) {
	switch n := n.(type) {
	case *ast.Text:
		w.b.WriteString(esc(string(n.Segment.Value(w.src))))
		if n.SoftLineBreak() || n.HardLineBreak() {
			w.b.WriteString("\n")
		}
	case *ast.String:
		w.b.WriteString(esc(string(n.Value)))
	case *ast.Emphasis:
		tag := "i"
		if n.Level >= 2 {
			tag = "b"
		}
		w.b.WriteString("<" + tag + ">")
		w.inlines(n)
		w.b.WriteString("</" + tag + ">")
	case *ast.CodeSpan:
		w.b.WriteString("<code>")
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if t, ok := c.(*ast.Text); ok {
				w.b.WriteString(esc(string(t.Segment.Value(w.src))))
			}
		}
		w.b.WriteString("</code>")
	case *ast.Link:
		w.link(string(n.Destination), n)
	case *ast.AutoLink:
		url := string(n.URL(w.src))
		w.link(url, nil)
	case *ast.Image:
		w.inlines(n) // the alt text
	case *ast.RawHTML:
		for i := 0; i < n.Segments.Len(); i++ {
			seg := n.Segments.At(i)
			w.b.WriteString(esc(string(seg.Value(w.src))))
		}
	default:
		w.inlines(n)
	}
}

// link writes an http(s) link; any other scheme is only its text.
func (w *mdWriter) link(dest string, label ast.Node) {
	ok := strings.HasPrefix(dest, "https://") || strings.HasPrefix(dest, "http://")
	if ok {
		w.b.WriteString(`<a href="` + esc(dest) + `">`)
	}
	if label != nil && label.HasChildren() {
		w.inlines(label)
	} else {
		w.b.WriteString(esc(dest))
	}
	if ok {
		w.b.WriteString("</a>")
	}
}
