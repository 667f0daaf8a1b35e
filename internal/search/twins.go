package search

import (
	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/glossary"
)

// twins are the passages of a level that read the same once folded: a document that repeats
// a paragraph (a web page's lead printed twice), or one text posted by two units. Shown twice,
// they took two of a question's five places with one text (second corpus: "常住人口超过6万"
// stood sixth behind two copies each of the report's opening sentences).
type twins struct {
	first []uint32 // by ordinal: the first ordinal that reads the same (itself if none)
	twin  []bool   // by ordinal: another passage of the level reads the same
}

// newTwins finds the twins among texts, by ordinal.
func newTwins(texts []string) twins {
	t := twins{first: make([]uint32, len(texts)), twin: make([]bool, len(texts))}
	seen := make(map[string]uint32, len(texts))
	for i, s := range texts {
		f, ok := seen[s]
		if !ok {
			f = uint32(i)
			seen[s] = f
		}
		t.first[i] = f
		if ok {
			t.twin[i], t.twin[f] = true, true
		}
	}
	return t
}

// levelTexts are c's sentences and paragraphs, folded, in reading order (their ordinals).
func levelTexts(c *corpus.Corpus, g *glossary.Glossary) (sentences, paragraphs []string) {
	for _, r := range c.Reports {
		for _, p := range r.Paragraphs {
			paragraphs = append(paragraphs, c.FoldText(p.Folded, p.Text, g.Fold))
			for _, s := range p.Sentences {
				sentences = append(sentences, c.FoldText(s.Folded, s.Text, g.Fold))
			}
		}
	}
	return sentences, paragraphs
}

// collapse keeps, of each set of twins among the ranked candidates, the one that scores best,
// in the place of the first of them.
func (t twins) collapse(ranked []ordScore) []ordScore {
	var at map[uint32]int // a set of twins (its first ordinal) → its place in out
	out := ranked[:0]
	for _, c := range ranked {
		if !t.twin[c.ord] {
			out = append(out, c)
			continue
		}
		f := t.first[c.ord]
		if i, ok := at[f]; ok {
			if c.score > out[i].score {
				out[i] = c
			}
			continue
		}
		if at == nil {
			at = make(map[uint32]int)
		}
		at[f] = len(out)
		out = append(out, c)
	}
	return out
}
