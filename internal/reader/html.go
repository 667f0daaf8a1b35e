package reader

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// readHTML reads a web page: the title from og:title, <title> or the first <h1>; the body as
// headings (h1–h6) and paragraphs (other block elements). Scripts, styles, navigation, forms,
// footers, asides and chrome marked by class or id carry no report text.
func readHTML(in input) (Document, error) {
	src, warning := toUTF8(in.data)
	return parseHTML(src, warning)
}

func parseHTML(src []byte, warning string) (Document, error) {
	root, err := html.Parse(bytes.NewReader(src))
	if err != nil {
		return Document{}, err
	}
	var doc Document
	var out []Block
	var buf strings.Builder
	flush := func(level int) {
		if t := CleanText(buf.String()); t != "" {
			out = append(out, Block{Level: level, Text: t})
		}
		buf.Reset()
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			buf.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Head:
				doc.Meta = headMeta(n)
				return
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Nav,
				atom.Form, atom.Button, atom.Select, atom.Textarea, atom.Svg, atom.Iframe,
				atom.Footer, atom.Aside:
				return
			case atom.Br:
				buf.WriteByte('\n')
				return
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				flush(0)
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
				flush(int(n.Data[1] - '0'))
				return
			}
			if isChrome(n) {
				return
			}
			if isBlockElement(n.DataAtom) {
				flush(0)
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
				flush(0)
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	flush(0)
	doc.Blocks = out
	if warning != "" {
		doc.Warnings = append(doc.Warnings, warning)
	}
	return doc, nil
}

// headMeta reads what a page's <head> says of it: og:title before <title>, whose site-name
// tail ("… - 某某网", "…_某某市人民政府") is cut; the author when it is a unit.
func headMeta(head *html.Node) Meta {
	var m Meta
	var title, og string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Title:
				var b strings.Builder
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.TextNode {
						b.WriteString(c.Data)
					}
				}
				title = CleanText(b.String())
			case atom.Meta:
				key := strings.ToLower(htmlAttr(n, "property") + htmlAttr(n, "name"))
				val := CleanText(htmlAttr(n, "content"))
				switch key {
				case "og:title", "articletitle", "title":
					og = val
				case "author", "contentsource", "source":
					if val != "" {
						m.Authors = append(m.Authors, val)
					}
				case "pubdate", "publishdate", "article:published_time":
					m.Date = val
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(head)
	m.Title = og
	if m.Title == "" {
		m.Title, m.WeakTitle = siteTitle(title), true
	}
	return m
}

var titleSepRE = regexp.MustCompile(`\s*(\s[-–—|]\s|_|｜|——|--)\s*`)

// siteTitle cuts a page title at its first separator when what comes before is a headline.
func siteTitle(t string) string {
	if loc := titleSepRE.FindStringIndex(t); loc != nil && utf8.RuneCountInString(t[:loc[0]]) >= 6 {
		return t[:loc[0]]
	}
	return t
}

func htmlAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// Site chrome around an article — menus, breadcrumbs, share bars, copyright lines — is marked
// by class or id on pages that use divs for everything.
var chromeRE = regexp.MustCompile(`(?i)\b(nav|navbar|menu|footer|breadcrumbs?|crumbs?|share|copyright|sidebar|comments?|related|toolbar|pager|pagination|ads?|advert\w*)\b`)

func isChrome(n *html.Node) bool {
	for _, a := range n.Attr {
		if (a.Key == "class" || a.Key == "id") && chromeRE.MatchString(a.Val) {
			return true
		}
	}
	return false
}

func isBlockElement(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Td, atom.Th, atom.Tr, atom.Blockquote, atom.Pre,
		atom.Section, atom.Article, atom.Header, atom.Footer, atom.Main, atom.Aside,
		atom.Ul, atom.Ol, atom.Dl, atom.Dt, atom.Dd, atom.Table, atom.Figure, atom.Figcaption,
		atom.Address, atom.Center, atom.Body:
		return true
	}
	return false
}
