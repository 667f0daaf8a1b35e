package answer

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/search"
)

// A place no title or byline names but a passage found writes ("去年,常州市警方…"): that
// report is the place's, and another report's passage (公安部's national figure), ranked above
// it, is no answer for the place.
func TestPlaceWrittenInTheText(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"a.txt": "市公安局工作通报\n去年,常州市警方现行命案全部破案,攻克命案积案3起。\n",
		"b.txt": "公安部新闻发布会\n全国现行命案破案率保持99.94%的历史最高水平。\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, _, err := corpus.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	g := embeddedGlossary(t)
	ix, err := search.Build(context.Background(), c, g, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	e := New(Config{}, ix, g, nil, nil, nil)
	var ev []evidence
	for _, p := range c.Passages(corpus.LevelSentence) {
		ev = append([]evidence{{passage: p, folded: g.Fold(p.Text)}}, ev...) // b's first
	}
	a, err := ix.Analyze("常州的命案破案情况怎么样?")
	if err != nil {
		t.Fatal(err)
	}
	names, own := e.placeReports(a)
	kept, _, v := e.ofPlace(a, names, own, ev)
	if v.refuse || len(kept) != 1 || kept[0].passage.Report.Title != "市公安局工作通报" {
		t.Errorf("kept %d passages (refused %v): want 常州's alone", len(kept), v.refuse)
	}
}
