package search

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jingyan/jingyan/internal/corpus"
)

func TestBuildDirOpenAndReplace(t *testing.T) {
	c, g := embedded(t)
	out := filepath.Join(t.TempDir(), "idx")
	if err := BuildDir(context.Background(), c, g, out, nil); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(out, g)
	if err != nil {
		t.Fatal(err)
	}
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
