package search

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/glossary"
)

// buildAndOpen builds c on disk as index build does and opens it, as serve and search do.
func buildAndOpen(t *testing.T, c *corpus.Corpus, g *glossary.Glossary) (*Index, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "idx")
	if err := BuildDir(context.Background(), c, g, out, nil); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(out, g)
	if err != nil {
		t.Fatal(err)
	}
	return ix, out
}

func TestBuildDirOpenAndReplace(t *testing.T) {
	c, g := embedded(t)
	ix, out := buildAndOpen(t, c, g)
	hits, err := ix.Search(context.Background(), Request{Question: "警地融合", K: 3})
	if err != nil || len(hits) != 3 {
		t.Fatalf("search on disk index: %d hits, %v", len(hits), err)
	}
	mem := memIndex(t)
	memHits, _ := mem.Search(context.Background(), Request{Question: "警地融合", K: 3})
	for i := range hits {
		if hits[i].Passage.ID != memHits[i].Passage.ID {
			t.Errorf("disk and memory rankings differ at %d: %s vs %s", i, hits[i].Passage.ID, memHits[i].Passage.ID)
		}
	}
	ix.Close()
	first, _ := filepath.EvalSymlinks(out)

	// A smaller corpus replaces it; the old directory is gone.
	small, err := corpus.New(c.Reports[:1])
	if err != nil {
		t.Fatal(err)
	}
	var calls int
	if err := BuildDir(context.Background(), small, g, out, func(done, total int) { calls++ }); err != nil {
		t.Fatal(err)
	}
	if calls == 0 {
		t.Error("progress never called")
	}
	if _, err := os.Stat(first); !os.IsNotExist(err) {
		t.Errorf("old index directory %s still there: %v", first, err)
	}
	ix, err = Open(out, g)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n := len(ix.Corpus().Reports); n != 1 {
		t.Errorf("replaced index has %d reports, want 1", n)
	}
}

func TestBuildDirFailureLeavesOldIndex(t *testing.T) {
	c, g := embedded(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "idx")
	if err := BuildDir(context.Background(), c, g, out, nil); err != nil {
		t.Fatal(err)
	}
	before, _ := filepath.EvalSymlinks(out)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := BuildDir(ctx, c, g, out, nil); err == nil {
		t.Fatal("cancelled build succeeded")
	}
	after, _ := filepath.EvalSymlinks(out)
	if before != after {
		t.Errorf("failed build moved the index from %s to %s", before, after)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 { // the link and its target, nothing half-written
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v after a failed build", names)
	}
	if ix, err := Open(out, g); err != nil {
		t.Errorf("old index no longer opens: %v", err)
	} else {
		ix.Close()
	}
}

func TestBuildDirRefusesForeignDirectory(t *testing.T) {
	c, g := embedded(t)
	out := t.TempDir() // exists, holds no index
	os.WriteFile(filepath.Join(out, "precious.txt"), []byte("x"), 0o644)
	if err := BuildDir(context.Background(), c, g, out, nil); err == nil {
		t.Fatal("BuildDir replaced a directory that is not an index")
	}
	if _, err := os.Stat(filepath.Join(out, "precious.txt")); err != nil {
		t.Errorf("foreign file gone: %v", err)
	}
}

func TestOpenRejectsNonIndex(t *testing.T) {
	_, g := embedded(t)
	if _, err := Open(t.TempDir(), g); err == nil {
		t.Error("Open of an empty directory succeeded")
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing"), g); err == nil {
		t.Error("Open of a missing path succeeded")
	}
}

// An index stores its passages folded (traditional → simplified, numerals → digits) where
// that changes them, so opening it folds nothing; a simplified question finds a traditional
// passage by the stored fold.
func TestFoldsStoredWithIndex(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("大明宮派出所\n\n社區警務室一下增加到了四十五個。\n\n民警每周走访群众。\n"), 0o644)
	c, _, err := corpus.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	_, g := embedded(t)
	ix, _ := buildAndOpen(t, c, g)
	defer ix.Close()
	oc := ix.Corpus()
	if !oc.Folded {
		t.Fatal("the opened corpus does not say its folds are stored")
	}
	stored := map[string]string{}
	for _, p := range oc.Passages(corpus.LevelSentence) {
		stored[p.Text] = oc.FoldedOf(p, func(string) string { return "folded at start" })
	}
	if got := stored["社區警務室一下增加到了四十五個。"]; got != "社区警务室一下增加到了45个。" {
		t.Errorf("stored fold %q", got)
	}
	if got := stored["民警每周走访群众。"]; got != "民警每周走访群众。" {
		t.Errorf("unchanged text's fold %q", got)
	}
	hits, err := ix.Search(context.Background(), Request{Question: "社区警务室增加到了多少个", K: 1})
	if err != nil || len(hits) == 0 || hits[0].Passage.Text != "社區警務室一下增加到了四十五個。" {
		t.Errorf("simplified question: %v %v", hits, err)
	}
}

// FuzzParseLayout: whatever a layout file holds, reading it returns a layout that fits the
// corpus or an error, never a panic or a huge allocation.
func FuzzParseLayout(f *testing.F) {
	ix := memIndex(f)
	c := ix.Corpus()
	var good bytes.Buffer
	path := filepath.Join(f.TempDir(), "layout")
	if err := ix.layout.write(path); err != nil {
		f.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	good.Write(data)
	f.Add(good.Bytes())
	f.Add(good.Bytes()[:20])
	f.Add([]byte{1, 0, 0, 0, 9, 0, 0, 0, 9, 0, 0, 0, 255, 255, 255, 255})
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := parseLayout(data, c)
		if err == nil && len(l.sentence) != len(l.sentenceNorm) {
			t.Fatalf("a layout without its norms")
		}
	})
}

// A damaged index is refused as damaged, so the user is told to rebuild it.
func TestDamagedIndex(t *testing.T) {
	c, g := embedded(t)
	for _, file := range []string{layoutFile, corpusFile} {
		out := filepath.Join(t.TempDir(), "idx")
		if err := BuildDir(context.Background(), c, g, out, nil); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, file), []byte{1, 0, 0, 0, 7}, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(out, g); !errors.Is(err, ErrDamagedIndex) {
			t.Errorf("%s truncated: err = %v", file, err)
		}
	}
}
