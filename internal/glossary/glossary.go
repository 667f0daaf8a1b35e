// Package glossary reads the domain glossary (terms that stay whole, synonym groups, question
// stopwords) and uses it to analyse a question into what search should look for.
package glossary

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/jingyan/jingyan/index"
	"github.com/jingyan/jingyan/internal/normalize"
)

// Glossary is the parsed glossary file. It is read-only after Parse and safe to share.
type Glossary struct {
	terms  []string   // longest first
	groups [][]string // synonym groups, first member as written in the reports
	words  []string   // every synonym-group member, longest first
	member map[string][]int
	stop   []string // longest first
	// stopFirst is stop by first byte, longest first: a question is scanned byte by byte,
	// and trying every stopword at each byte was a tenth of a search.
	stopFirst [256][]string
	compare   []string
	places    []string // longest first
	figure    []string // question words asking for a figure
	followUp  []string // follow-up fillers, longest first
	aspects   []string
	fold      *normalize.Folder
	// The lists above indexed by first character (see firsts).
	termsAt, wordsAt, compareAt, placesAt firsts
}

// Parse reads the glossary format documented at the top of index/glossary.txt.
func Parse(r io.Reader) (*Glossary, error) {
	fold, err := normalize.NewFolder()
	if err != nil {
		return nil, fmt.Errorf("glossary: traditional-to-simplified tables: %w", err)
	}
	g := &Glossary{member: make(map[string][]int), fold: fold}
	section := ""
	seen := make(map[string]bool)
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = line[1 : len(line)-1]
			if section == "topics" {
				return nil, fmt.Errorf("glossary: line %d: [topics] is no longer read: whether a question can be answered is decided from the indexed collection; delete the section", n)
			}
			if _, words := g.wordSection(section); !words && section != "terms" && section != "synonyms" && section != "stopwords" && section != "comparative" {
				return nil, fmt.Errorf("glossary: line %d: unknown section [%s]", n, section)
			}
			continue
		}
		switch section {
		case "terms":
			if t := g.normalize(line); t != "" && !seen["t"+t] {
				seen["t"+t] = true
				g.terms = append(g.terms, t)
			}
		case "synonyms":
			var group []string
			for _, f := range strings.Fields(line) {
				if w := g.normalize(f); w != "" {
					group = append(group, w)
				}
			}
			if len(group) < 2 {
				return nil, fmt.Errorf("glossary: line %d: a synonym group needs two or more words", n)
			}
			gi := len(g.groups)
			g.groups = append(g.groups, group)
			for _, w := range group {
				if len(g.member[w]) == 0 {
					g.words = append(g.words, w)
				}
				g.member[w] = append(g.member[w], gi)
			}
		case "stopwords":
			if t := g.normalize(line); t != "" && !seen["s"+t] {
				seen["s"+t] = true
				g.stop = append(g.stop, t)
			}
		case "comparative":
			if t := g.normalize(line); t != "" && !seen["c"+t] {
				seen["c"+t] = true
				g.compare = append(g.compare, t)
			}
		case "places", "figure", "followup", "aspects":
			list, _ := g.wordSection(section)
			for _, f := range strings.Fields(line) {
				if t := g.normalize(f); t != "" && !seen[section+t] {
					seen[section+t] = true
					*list = append(*list, t)
				}
			}
		default:
			return nil, fmt.Errorf("glossary: line %d: entry before any [section]", n)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("glossary: %w", err)
	}
	byLen := func(s []string) {
		sort.SliceStable(s, func(i, j int) bool { return len(s[i]) > len(s[j]) })
	}
	byLen(g.terms)
	byLen(g.words)
	byLen(g.stop)
	for _, w := range g.stop {
		g.stopFirst[w[0]] = append(g.stopFirst[w[0]], w)
	}
	byLen(g.places)
	byLen(g.followUp)
	g.termsAt, g.wordsAt, g.compareAt, g.placesAt = indexFirsts(g.terms), indexFirsts(g.words), indexFirsts(g.compare), indexFirsts(g.places)
	return g, nil
}

// wordSection returns the list a section of space-separated words fills, and whether the
// section is one.
func (g *Glossary) wordSection(name string) (*[]string, bool) {
	switch name {
	case "places":
		return &g.places, true
	case "figure":
		return &g.figure, true
	case "followup":
		return &g.followUp, true
	case "aspects":
		return &g.aspects, true
	}
	return nil, false
}

// AsksFigure reports whether a question asks for a figure (多少, 几, 比例, 多久, 哪年…).
func (g *Glossary) AsksFigure(q string) bool {
	if g == nil {
		return false
	}
	return g.asksFigure(g.normalize(q))
}

// asksFigure is AsksFigure of a question already folded. 哪几 asks which ("哪几个部门"), not how
// many: its 几 is no figure, though a figure word beside it still asks one ("哪几个地方…规模多大",
// "哪几年").
func (g *Glossary) asksFigure(q string) bool {
	q = strings.ReplaceAll(q, "哪几", "哪")
	return slices.ContainsFunc(g.figure, func(w string) bool { return strings.Contains(q, w) })
}

// FollowUpWords are the words that make a short message a follow-up ("那…呢") and carry no
// content of their own, longest first.
func (g *Glossary) FollowUpWords() []string {
	if g == nil {
		return nil
	}
	return g.followUp
}

// AspectWords are the words that ask about another aspect of what was just asked ("那比例呢?")
// rather than a new subject.
func (g *Glossary) AspectWords() []string {
	if g == nil {
		return nil
	}
	return g.aspects
}

// Embedded parses the glossary the binary carries (index/glossary.txt).
func Embedded() (*Glossary, error) {
	f, err := index.FS.Open("glossary.txt")
	if err != nil {
		return nil, fmt.Errorf("glossary: %w", err)
	}
	defer f.Close()
	return Parse(f)
}

// Terms returns the whole terms, longest first.
func (g *Glossary) Terms() []string { return g.terms }

// Places returns the place names a question names, longest match first, none inside another
// ("陕西延安" → 陕西, 延安; "吉林省" → 吉林).
func (g *Glossary) Places(question string) []string {
	if g == nil {
		return nil
	}
	return longestMatches(g.places, g.placesAt, g.normalize(question))
}

func (g *Glossary) normalize(s string) string { return g.Fold(s) }

// Fold puts text into the one form questions, glossary entries and indexed passages are all
// matched in (normalize.Folder): 警務 is 警务 and 二十四小时 is 24小时 on both sides.
func (g *Glossary) Fold(s string) string {
	if g == nil {
		return (*normalize.Folder)(nil).Fold(s)
	}
	return g.fold.Fold(s)
}

// longestMatches finds the words of list, which is sorted longest first and indexed by at, in q
// without overlaps.
func longestMatches(list []string, at firsts, q string) []string {
	taken := make([]bool, len(q))
	var out []string
	var buf [64]int32
	for _, w := range at.candidates(q, buf[:0]) {
		p := list[w]
		for off := 0; off < len(q); {
			i := strings.Index(q[off:], p)
			if i < 0 {
				break
			}
			i += off
			free := true
			for k := i; k < i+len(p); k++ {
				free = free && !taken[k]
				taken[k] = true
			}
			if free && !slices.Contains(out, p) {
				out = append(out, p)
			}
			off = i + len(p)
		}
	}
	return out
}

// Related returns every word that shares a synonym group with w, w excluded.
func (g *Glossary) Related(w string) []string {
	if g == nil {
		return nil
	}
	var out []string
	for _, gi := range g.member[w] {
		for _, m := range g.groups[gi] {
			if m != w && !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

// Groups returns the synonym groups.
func (g *Glossary) Groups() [][]string { return g.groups }

// firsts indexes a word list by each word's first character. A question is matched against
// the few words that can start in it rather than the whole list: hundreds of strings.Contains
// a question were a tenth of a search.
type firsts map[rune][]int32

func indexFirsts(list []string) firsts {
	f := make(firsts)
	for i, w := range list {
		r, _ := utf8.DecodeRuneInString(w)
		f[r] = append(f[r], int32(i))
	}
	return f
}

// candidates appends to buf the positions, in list order, of the words whose first character
// q holds: every word q contains is among them.
func (f firsts) candidates(q string, buf []int32) []int32 {
	for _, r := range q {
		buf = append(buf, f[r]...)
	}
	slices.Sort(buf)
	return slices.Compact(buf) // a character q holds twice brought its words twice
}
