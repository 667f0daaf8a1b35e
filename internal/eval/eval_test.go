package eval

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jingyan/jingyan/internal/search"
)

func TestCoverRank(t *testing.T) {
	texts := []string{"甲乙", "丙丁", "戊己"}
	tests := []struct {
		groups [][]string
		want   int
	}{
		{[][]string{{"甲"}}, 1},
		{[][]string{{"丁"}}, 2},
		{[][]string{{"无", "己"}}, 3},   // any string of a group
		{[][]string{{"甲"}, {"戊"}}, 3}, // every group
		{[][]string{{"甲"}, {"无"}}, 0}, // one group never covered
		{[][]string{{"（乙）"}}, 0},      // strict containment
		{[][]string{{"丙丁"}, {"甲乙"}}, 2},
	}
	for _, tt := range tests {
		if got := CoverRank(texts, tt.groups); got != tt.want {
			t.Errorf("CoverRank(%q) = %d, want %d", tt.groups, got, tt.want)
		}
	}
}

func TestReadQA(t *testing.T) {
	items, err := ReadQA(strings.NewReader(`{"id":"a","question":"问","evidence":[["x"]],"answerable":true}` + "\n\n" + `{"question":"无证据","answerable":false}`))
	if err != nil || len(items) != 2 || items[1].ID != "line3" || !items[0].Answerable {
		t.Fatalf("ReadQA = %+v, %v", items, err)
	}
	if _, err := ReadQA(strings.NewReader("{not json")); err == nil {
		t.Error("ReadQA accepted broken JSON")
	}
}

// The colloquial set is ours: abbreviations, paraphrases and cross-report questions written
// from the reports, not from any evaluation set. It guards retrieval quality against regressions.
func TestRetrievalColloquial(t *testing.T) {
	ix, err := search.Embedded(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	items := readQA(t, "testdata/colloquial.jsonl")
	rep, err := Retrieval(context.Background(), ix, items)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sentence.R5 < 0.95 || rep.Paragraph.R5 < 0.95 {
		var b strings.Builder
		rep.Print(&b)
		t.Errorf("retrieval below goal (sentence and paragraph recall@5 ≥ 0.95):\n%s", b.String())
	}
	if rep.Skipped != 6 {
		t.Errorf("skipped %d unanswerable questions, want 6", rep.Skipped)
	}
}

func TestKindsTally(t *testing.T) {
	k := newKinds()
	k.add("number", true, true)
	k.add("number", false, true)
	k.add("compare", false, false)
	k.add("", true, false)
	got := k.rates()
	if len(got) != 3 || got[0].kind != "(none)" || got[1].kind != "compare" || got[2].kind != "number" {
		t.Fatalf("kinds = %+v", got)
	}
	if n := got[2]; n.n != 2 || n.rates[0] != 0.5 || n.rates[1] != 1 {
		t.Errorf("number = %+v", n)
	}
}

// readQA reads a QA set the tests need; a missing or malformed one fails the test.
func readQA(t testing.TB, path string) []Item {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	items, err := ReadQA(f)
	if err != nil {
		t.Fatal(err)
	}
	return items
}
