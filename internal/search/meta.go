package search

import (
	"strings"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/glossary"
)

// places finds the reports a question's named places point to: those whose own metadata —
// title, unit, collection, bylines, breadcrumbs — names the place. "吉林电诈降了多少" asks
// about the 吉林省公安厅 report even where another report says 电诈 more often. A soft
// preference, not a filter: a collection whose files carry no unit still answers from any
// report that writes the place in its text.
type places struct {
	meta map[string]string // report ID → folded metadata
}

func newPlaces(c *corpus.Corpus, g *glossary.Glossary) places {
	p := places{meta: make(map[string]string, len(c.Reports))}
	for _, r := range c.Reports {
		p.meta[r.ID] = g.Fold(r.Title + " " + r.Org + " " + r.Collection + " " + r.Context)
	}
	return p
}

// named returns 1 for each report whose metadata names one of the places.
func (p places) named(names []string) map[string]float64 {
	out := make(map[string]float64)
	for _, n := range names {
		for id, meta := range p.meta {
			if strings.Contains(meta, n) {
				out[id] = 1
			}
		}
	}
	return out
}
