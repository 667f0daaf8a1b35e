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
