package corpus

import (
	"bytes"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlBlocks reads the body of an HTML page: h1–h6 become headings, other block elements
// paragraphs; scripts, styles, navigation and forms carry no report text.
func htmlBlocks(src []byte) ([]block, error) {
	root, err := html.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	var out []block
	var buf strings.Builder
	flush := func(level int) {
		if t := cleanText(buf.String()); t != "" {
			out = append(out, block{level: level, text: t})
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
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head, atom.Nav,
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
	return out, nil
}

// Site chrome around an article — menus, breadcrumbs, share bars, copyright lines — is marked
// by class or id on pages that use divs for everything.
var chromeRE = regexp.MustCompile(`(?i)\b(nav|navbar|menu|footer|breadcrumbs?|share|copyright|sidebar|comments?)\b`)

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
