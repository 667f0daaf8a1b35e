package glossary

import (
	"regexp"
	"slices"
	"strings"

	"github.com/jingyan/jingyan/internal/normalize"
)

// Analysis is what a question asks for, in search terms.
type Analysis struct {
	// Normalized is the question after normalize.Text.
	Normalized string
	// Content is the question with stopwords replaced by spaces; glossary terms stay whole.
	Content string
	// Terms are the glossary terms (and synonym words) the question contains, longest first,
	// none contained in another.
	Terms []string
	// Expansions are synonyms of words in the question that the question does not contain.
	Expansions []string
	// Comparative is set when the question asks across units ("各地…", "哪些地方…").
	Comparative bool
	// AsksFigure is set when the question asks for a figure (Glossary.AsksFigure).
	AsksFigure bool
	// Places are the places the glossary knows that Normalized names (Glossary.Places):
	// found once, as a question's answer asks for them again and again.
	Places []string
}

// Analyze normalizes a question, finds the glossary terms and synonyms in it, and removes
// question words around them. A nil Glossary only normalizes.
func (g *Glossary) Analyze(question string) Analysis {
	if g == nil {
		a := Analysis{Normalized: normalize.Text(question)}
		a.Content = a.Normalized
		return a
	}
	a := Analysis{Normalized: g.normalize(question)}
	a.Content = a.Normalized
	if a.Normalized == "" {
		return a
	}
	q := a.Normalized
	a.Places = longestMatches(g.places, g.placesAt, q)
	a.AsksFigure = g.asksFigure(q)
	var buf [64]int32
	for _, c := range g.compareAt.candidates(q, buf[:0]) {
		if w := g.compare[c]; strings.Contains(q, w) && (w != "比较" || comparesVerb(q)) {
			a.Comparative = true
		}
	}
	protected := make([]bool, len(q))
	mark := func(w string) bool {
		found := false
		for off := 0; ; {
			i := strings.Index(q[off:], w)
			if i < 0 {
				return found
			}
			i += off
			covered := true
			for k := i; k < i+len(w); k++ {
				if !protected[k] {
					covered = false
				}
				protected[k] = true
			}
			found = found || !covered
			off = i + len(w)
		}
	}
	for _, i := range g.termsAt.candidates(q, buf[:0]) {
		if t := g.terms[i]; mark(t) {
			a.Terms = append(a.Terms, t)
		}
	}
	var groups []int
	for _, i := range g.wordsAt.candidates(q, buf[:0]) {
		if w := g.words[i]; strings.Contains(q, w) {
			groups = append(groups, g.member[w]...)
			if mark(w) && len([]rune(w)) > 1 {
				a.Terms = append(a.Terms, w)
			}
		}
	}
	slices.Sort(groups)
	for _, gi := range slices.Compact(groups) {
		for _, w := range g.groups[gi] {
			if !strings.Contains(q, w) && !contains(a.Expansions, w) {
				a.Expansions = append(a.Expansions, w)
			}
		}
	}
	a.Content = g.removeStopwords(q, protected)
	return a
}

func (g *Glossary) removeStopwords(q string, protected []bool) string {
	var b strings.Builder
	for i := 0; i < len(q); {
		if !protected[i] {
			if n := g.stopAt(q, i, protected); n > 0 {
				b.WriteByte(' ')
				i += n
				continue
			}
		}
		b.WriteByte(q[i])
		i++
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// stopAt returns the length of the longest stopword at q[i:] that overlaps no protected byte.
func (g *Glossary) stopAt(q string, i int, protected []bool) int {
	for _, s := range g.stopFirst[q[i]] {
		if !strings.HasPrefix(q[i:], s) {
			continue
		}
		ok := true
		for k := i; k < i+len(s); k++ {
			if protected[k] {
				ok = false
				break
			}
		}
		if ok {
			return len(s)
		}
	}
	return 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// comparesVerbRE finds 比较 as the verb "compare" ("比较一下", "做个比较", "和吉林比较"), not the
// adverb "rather" ("矛盾纠纷为什么比较多", "哪种办法比较管用").
var comparesVerbRE = regexp.MustCompile(`比较(?:一下|下|起来|看看|看)|(?:做|作|进行|来|相)(?:个|一个|一下)?比较|(?:和|与|跟|同)\p{Han}{1,12}比较|比较\s*[?？]?$`)

func comparesVerb(q string) bool { return comparesVerbRE.MatchString(q) }
