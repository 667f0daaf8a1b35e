// Package corpus assembles what package reader makes of source files — text blocks with
// page and style — into reports, paragraphs and sentences with stable IDs and printable
// provenance: which report a file holds (or a collection of them), its title, unit and
// date, and what is page furniture rather than text.
package corpus

import (
	"fmt"
	"runtime"
	"strconv"
	"sync"
)

// Corpus is the whole set of reports, in source order.
type Corpus struct {
	Reports []*Report `json:"reports"`
	// Folded says every paragraph and sentence carries its folded text (Folded, or Text when
	// folding changes nothing): an index build folds once, and nothing folds it again at start.
	Folded bool `json:"folded,omitempty"`

	byID map[string]Passage
	// order lists every paragraph and sentence ID in reading order, so neighbours can be found.
	order []string
}

// Report is one experience report: a title, the unit that wrote it and its body paragraphs.
type Report struct {
	ID         string `json:"id"`
	Source     string `json:"source"`
	Collection string `json:"collection,omitempty"`
	Title      string `json:"title"`
	// TitleDerived: the document has no title line; Title was drawn from its opening text.
	TitleDerived bool   `json:"title_derived,omitempty"`
	Org          string `json:"org,omitempty"`
	Date         string `json:"date,omitempty"`
	// Context is what the source says around the report — breadcrumbs, bylines, its file
	// name — searched and used to know which places a report covers, never shown as text.
	Context    string       `json:"context,omitempty"`
	Paragraphs []*Paragraph `json:"paragraphs"`
}

// Paragraph is one body paragraph; N counts from 1 within its report, as a reader would.
type Paragraph struct {
	ID      string `json:"id"`
	N       int    `json:"n"`
	Text    string `json:"text"`
	Section string `json:"section,omitempty"` // the heading the paragraph stands under
	// Page is the page a paragraph of a paged source (PDF, OFD, a scan, a slide) starts on,
	// and OnPage its number among the report's paragraphs that start there; 0 elsewhere.
	Page      int        `json:"page,omitempty"`
	OnPage    int        `json:"on_page,omitempty"`
	Sentences []Sentence `json:"sentences"`
	// Folded is Text as questions are matched (traditional → simplified, full width,
	// numerals), where that differs from Text; see Corpus.Folded.
	Folded string `json:"folded,omitempty"`
}

// Sentence is one Chinese sentence of a paragraph; N counts from 1 within its paragraph.
type Sentence struct {
	ID     string `json:"id"`
	N      int    `json:"n"`
	Text   string `json:"text"`
	Folded string `json:"folded,omitempty"` // as Paragraph.Folded
}

// FoldWith stores every paragraph's and sentence's folded text, so it is computed once.
func (c *Corpus) FoldWith(fold func(string) string) {
	// Reports are folded on every core: at 100k sentences folding on one took 1.5 s of a
	// build. fold must be safe for concurrent use (the glossary's is).
	onEveryCore(len(c.Reports), func(i int) { foldReport(c.Reports[i], fold) })
	c.Folded = true
}

// onEveryCore calls f(0) … f(n-1), as many at once as there are cores.
func onEveryCore(n int, f func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

func foldReport(r *Report, fold func(string) string) {
	for _, p := range r.Paragraphs {
		p.Folded = differs(fold(p.Text), p.Text)
		for i := range p.Sentences {
			p.Sentences[i].Folded = differs(fold(p.Sentences[i].Text), p.Sentences[i].Text)
		}
	}
}

func differs(folded, text string) string {
	if folded == text {
		return ""
	}
	return folded
}

// FoldText is text folded: its stored fold (stored, or text itself when folding changed
// nothing), or fold(text) when the corpus stores no folds.
func (c *Corpus) FoldText(stored, text string, fold func(string) string) string {
	switch {
	case !c.Folded:
		return fold(text)
	case stored != "":
		return stored
	}
	return text
}

// FoldedOf is a passage's text folded, as FoldText.
func (c *Corpus) FoldedOf(p Passage, fold func(string) string) string {
	stored := p.Paragraph.Folded
	if p.Level == LevelSentence {
		stored = p.Paragraph.Sentences[p.Sentence-1].Folded
	}
	return c.FoldText(stored, p.Text, fold)
}

// Level says whether a passage is a whole paragraph or one sentence.
type Level int

const (
	LevelSentence Level = iota
	LevelParagraph
)

func (l Level) String() string {
	if l == LevelParagraph {
		return "paragraph"
	}
	return "sentence"
}

// ParseLevel reads "sentence" or "paragraph".
func ParseLevel(s string) (Level, error) {
	switch s {
	case "sentence", "s":
		return LevelSentence, nil
	case "paragraph", "p":
		return LevelParagraph, nil
	}
	return 0, fmt.Errorf("corpus: unknown level %q (want sentence or paragraph)", s)
}

// Passage is a paragraph or a sentence together with where it stands.
type Passage struct {
	ID        string
	Level     Level
	Report    *Report
	Paragraph *Paragraph
	Sentence  int // 1-based sentence number; 0 for a whole paragraph
	Text      string
}

// Citation renders the provenance a reader can check in the printed document:
// 《title》（org）第 3 段, or 《title》（org）第 2 页 第 1 段 for a paged source.
func (p Passage) Citation() string {
	return Label(p.Report.Title, p.Report.Org, p.Paragraph.Where())
}

// Where is the paragraph's place as a reader finds it: its page and its number there for a
// paged source, else its number in the report.
func (p *Paragraph) Where() Where {
	if p.Page > 0 && p.OnPage > 0 {
		return Where{Page: p.Page, N: p.OnPage}
	}
	return Where{N: p.N}
}

// Where is a paragraph's place in the printed document: N on Page, or N in the report when
// Page is 0.
type Where struct {
	Page, N int
}

func (w Where) String() string {
	if w.Page > 0 {
		return "第 " + strconv.Itoa(w.Page) + " 页 第 " + strconv.Itoa(w.N) + " 段"
	}
	return "第 " + strconv.Itoa(w.N) + " 段"
}

// Label is the one rendering of a citation every front end shows: 《title》（org）第 n 段,
// or 《title》（org）第 p 页 第 n 段.
func Label(title, org string, at Where) string {
	return ReportLabel(title, org) + at.String()
}

// ReportLabel names a report as citations and report lists do: 《title》（org）, or 《title》
// when the unit is not known.
func ReportLabel(title, org string) string {
	if org == "" {
		return "《" + title + "》"
	}
	return "《" + title + "》（" + org + "）"
}

// Label names the report: 《title》（org）.
func (r *Report) Label() string { return ReportLabel(r.Title, r.Org) }

// New indexes the reports for lookup by ID. IDs must be unique.
func New(reports []*Report) (*Corpus, error) {
	c := &Corpus{Reports: reports}
	if err := c.link(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Corpus) link() error {
	c.byID = make(map[string]Passage)
	c.order = c.order[:0]
	add := func(p Passage) error {
		if _, dup := c.byID[p.ID]; dup {
			return fmt.Errorf("corpus: duplicate passage id %q", p.ID)
		}
		c.byID[p.ID] = p
		c.order = append(c.order, p.ID)
		return nil
	}
	for _, r := range c.Reports {
		for _, para := range r.Paragraphs {
			if err := add(Passage{ID: para.ID, Level: LevelParagraph, Report: r, Paragraph: para, Text: para.Text}); err != nil {
				return err
			}
			for _, s := range para.Sentences {
				if err := add(Passage{ID: s.ID, Level: LevelSentence, Report: r, Paragraph: para, Sentence: s.N, Text: s.Text}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Passage finds a paragraph or sentence by ID.
func (c *Corpus) Passage(id string) (Passage, bool) {
	p, ok := c.byID[id]
	return p, ok
}

// Passages returns every passage of one level in reading order.
func (c *Corpus) Passages(level Level) []Passage {
	var out []Passage
	for _, id := range c.order {
		if p := c.byID[id]; p.Level == level {
			out = append(out, p)
		}
	}
	return out
}

// Counts reports how many reports, paragraphs and sentences the corpus holds.
func (c *Corpus) Counts() (reports, paragraphs, sentences int) {
	for _, r := range c.Reports {
		paragraphs += len(r.Paragraphs)
		for _, p := range r.Paragraphs {
			sentences += len(p.Sentences)
		}
	}
	return len(c.Reports), paragraphs, sentences
}

// Neighbours returns up to n passages of the same level before and after id, in reading
// order: a sentence's neighbours come from its paragraph, a paragraph's from its report, so
// what is shown under "第 3 段" is paragraph 3.
func (c *Corpus) Neighbours(id string, n int) (before, after []Passage) {
	p, ok := c.byID[id]
	if !ok {
		return nil, nil
	}
	same := func(q Passage) bool {
		if p.Level == LevelSentence {
			return q.Level == p.Level && q.Paragraph == p.Paragraph
		}
		return q.Level == p.Level && q.Report == p.Report
	}
	idx := -1
	for i, oid := range c.order {
		if oid == id {
			idx = i
			break
		}
	}
	for i := idx - 1; i >= 0 && len(before) < n; i-- {
		if q := c.byID[c.order[i]]; same(q) {
			before = append([]Passage{q}, before...)
		} else if q.Report != p.Report {
			break
		}
	}
	for i := idx + 1; i < len(c.order) && len(after) < n; i++ {
		if q := c.byID[c.order[i]]; same(q) {
			after = append(after, q)
		} else if q.Report != p.Report {
			break
		}
	}
	return before, after
}
