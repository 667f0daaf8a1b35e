package search

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/jingyan/jingyan/internal/corpus"
)

func TestCollapseTwins(t *testing.T) {
	tw := newTwins([]string{"甲", "乙", "甲", "丙", "乙"})
	tests := []struct {
		in, want []ordScore
	}{
		{[]ordScore{{0, 1}, {1, .5}, {2, .8}, {3, .3}}, []ordScore{{0, 1}, {1, .5}, {3, .3}}},
		// A later twin that scores better takes the first's place.
		{[]ordScore{{2, .4}, {3, .9}, {0, .7}, {4, .6}, {1, .2}}, []ordScore{{0, .7}, {3, .9}, {4, .6}}},
		{[]ordScore{{3, .3}}, []ordScore{{3, .3}}},
		{nil, nil},
	}
	for _, tt := range tests {
		if got := tw.collapse(slices.Clone(tt.in)); !slices.Equal(got, tt.want) && (len(got) > 0 || len(tt.want) > 0) {
			t.Errorf("collapse(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// A document that prints a paragraph twice shows its text once: the next sentence takes the
// place the copy held.
func TestTwinsShownOnce(t *testing.T) {
	dir := t.TempDir()
	doc := "云城派出所工作纪实\n\n云城派出所辖区位于白云山脚下，一侧是城市会客厅，坐落着国际会议中心。\n\n" +
		"一侧是大型城中村，聚集着3700多栋出租屋，常住人口超过6万。\n\n" +
		"云城派出所辖区位于白云山脚下，一侧是城市会客厅，坐落着国际会议中心。\n\n" +
		"派出所组建巡逻队，每天在城中村巡逻。\n"
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	c, _, err := corpus.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	_, g := embedded(t)
	ix, err := Build(context.Background(), c, g, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, level := range []corpus.Level{corpus.LevelSentence, corpus.LevelParagraph} {
		hits, err := ix.Search(context.Background(), Request{Question: "白云山脚下的云城派出所辖区", K: 5, Level: level})
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, h := range hits {
			if slices.Contains(texts, h.Passage.Text) {
				t.Errorf("%s: %q shown twice", level, h.Passage.Text)
			}
			texts = append(texts, h.Passage.Text)
		}
		if len(hits) < 2 {
			t.Errorf("%s: %d hits", level, len(hits))
		}
	}
}

// A report among the best lends the sentences of every paragraph of it that holds a term of
// the question, not only of those among the best paragraphs: "全市刑事发案同比下降24.9%"
// stood in a paragraph of the right report that holds only 刑事, below the fifty best
// paragraphs, and was no candidate at all — though a search for fifty hits found it.
func TestEveryMatchingParagraphLends(t *testing.T) {
	ix := memIndex(t)
	a, err := ix.Analyze("警地融合是怎么运作的?")
	if err != nil {
		t.Fatal(err)
	}
	sc := new(scoring)
	ls, err := ix.score(context.Background(), buildTerms(a, ix.analyzer), [3]int{1, 1, 3}, sc)
	if err != nil {
		t.Fatal(err)
	}
	cands := ix.candidates(corpus.LevelSentence, ls.sentences, ls.paragraphs, ls.reports, sc)
	l := ix.layout
	lent := 0
	for _, c := range cands {
		if slices.Contains(ls.sentences.ords, c) {
			continue // a candidate by its own text
		}
		if p := l.paragraphOf[c]; ls.paragraphs.score(p) == 0 {
			if !sc.acc[1].touches(uint64(p)) {
				t.Errorf("sentence %s lent by paragraph %s, which holds no term", l.sentenceIDs[c], l.paragraphIDs[p])
			}
			lent++
		}
	}
	if lent == 0 {
		t.Errorf("no sentence of a matching paragraph below the best one is a candidate (%d candidates)", len(cands))
	}
}
