package search

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// bleveQuery is q as bleve's own query types: the search scores what bleve would.
func bleveQuery(q termQuery) query.Query {
	var parts []query.Query
	for _, p := range q.parts {
		var tqs []query.Query
		for _, t := range p.terms {
			tq := bleve.NewTermQuery(t)
			tq.SetField(fieldText)
			tq.SetBoost(p.boost)
			tqs = append(tqs, tq)
		}
		parts = append(parts, bleve.NewDisjunctionQuery(tqs...))
	}
	return bleve.NewDisjunctionQuery(parts...)
}

// wholeLevels indexes the corpus as three bleve indexes — sentences, paragraphs and reports
// each as one document — the way jingyan indexed before it scored all three from the
// sentences' postings.
func wholeLevels(t testing.TB, ix *Index) [3]bleve.Index {
	c, g := ix.corpus, ix.glossary
	var docs [3][]passageDoc
	for _, r := range c.Reports {
		var whole strings.Builder
		// The head as headSource writes it, then the text: a full stop between them, as
		// between sentences, so that no bigram joins the head's last word to the text's first.
		whole.WriteString(r.Title + "\n" + r.Org + "\n" + r.Collection + "\n" + r.Context + "\n")
		var body strings.Builder
		section := ""
		for _, p := range r.Paragraphs {
			if p.Section != section {
				section = p.Section
				whole.WriteString(section + "\n")
			}
			body.WriteString(p.Text + "\n")
			docs[1] = append(docs[1], passageDoc{id: p.ID, doc: doc{Text: c.FoldText(p.Folded, p.Text, g.Fold)}})
			for _, s := range p.Sentences {
				docs[0] = append(docs[0], passageDoc{id: s.ID, doc: doc{Text: c.FoldText(s.Folded, s.Text, g.Fold)}})
			}
		}
		whole.WriteString("。\n" + body.String())
		docs[2] = append(docs[2], passageDoc{id: r.ID, doc: doc{Text: g.Fold(whole.String())}})
	}
	var out [3]bleve.Index
	for lv := range out {
		idx, err := newBleve("")
		if err != nil {
			t.Fatal(err)
		}
		if err := indexDocs(context.Background(), idx, sliceSource(docs[lv]), nil); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { idx.Close() })
		out[lv] = idx
	}
	return out
}

// TestScoresAsBleve holds the one-pass scorer to bleve's own BM25 search of each level indexed
// whole: the same documents in the same order, scores equal up to bleve's query norm (a
// constant a query) — a paragraph scored from its sentences' postings is the paragraph.
func TestScoresAsBleve(t *testing.T) {
	ix := memIndex(t)
	whole := wholeLevels(t, ix)
	ctx := context.Background()
	questions := append(append([]string{}, benchQuestions...),
		"公安", "派出所警务室建设", "有哪些？", "110接处警", "电信诈骗网络诈骗的防范宣传", "没有这个词的问题呵呵",
		"浦江县公安局", "第一部分")
	n := [3]int{40, 50, contextReports}
	l := ix.layout
	names := [][]string{l.sentenceIDs, l.paragraphIDs, l.reportIDs}
	ords := make([]map[string]uint32, 3)
	for lv, ids := range names {
		ords[lv] = make(map[string]uint32)
		for i, id := range ids {
			ords[lv][id] = uint32(i)
		}
	}
	sc := new(scoring)
	for _, question := range questions {
		a, err := ix.Analyze(question)
		if err != nil {
			t.Fatal(err)
		}
		q := buildTerms(a, ix.analyzer)
		ls, err := ix.score(ctx, q, n, sc)
		if err != nil {
			t.Fatal(err)
		}
		for lv, got := range []scored{ls.sentences, ls.paragraphs, ls.reports} {
			res, err := whole[lv].SearchInContext(ctx, bleve.NewSearchRequestOptions(bleveQuery(q), n[lv], 0, false))
			if err != nil {
				t.Fatal(err)
			}
			if len(got.ords) != len(res.Hits) {
				t.Fatalf("%s level %d: %d hits, bleve %d", question, lv, len(got.ords), len(res.Hits))
			}
			for i, h := range res.Hits {
				want := h.Score / res.MaxScore
				// bleve keeps a length as a float32 norm; the layout keeps it whole.
				o, ok := ords[lv][h.ID]
				if g := got.norm(o); !ok || math.Abs(g-want) > 1e-6 {
					t.Errorf("%s level %d: %s scores %.9f, bleve %.9f", question, lv, h.ID, g, want)
				}
				if id := names[lv][got.ords[i]]; id != h.ID && math.Abs(got.norm(got.ords[i])-want) > 1e-6 {
					t.Errorf("%s level %d rank %d: %s, bleve %s", question, lv, i, id, h.ID)
				}
			}
		}
	}
}

// Searches at once share the kept scoring space and the remembered glossary terms: each must
// get what it would alone (run with -race in CI's spirit: go test -race ./internal/search).
func TestSearchesAtOnce(t *testing.T) {
	ix := memIndex(t)
	ctx := context.Background()
	questions := append(append([]string{}, benchQuestions...), "公安", "派出所警务室建设", "110接处警")
	want := make(map[string][]string)
	ids := func(hits []Hit) []string {
		var out []string
		for _, h := range hits {
			out = append(out, h.Passage.ID)
		}
		return out
	}
	for _, q := range questions {
		hits, err := ix.Search(ctx, Request{Question: q, K: 8})
		if err != nil {
			t.Fatal(err)
		}
		want[q] = ids(hits)
	}
	errs := make(chan error, 16)
	for w := range 16 {
		go func() {
			for i := range 40 {
				q := questions[(w+i)%len(questions)]
				hits, err := ix.Search(ctx, Request{Question: q, K: 8})
				if err == nil && strings.Join(ids(hits), " ") != strings.Join(want[q], " ") {
					err = fmt.Errorf("%s: %v, alone %v", q, ids(hits), want[q])
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// An index built twice from the same corpus ranks alike. A build indexes batches at once, so
// document numbers differ between builds; ties at a level's cut-off once followed them, and
// the embedded corpus's ranking changed from one start to the next.
func TestEveryBuildRanksAlike(t *testing.T) {
	c, g := embedded(t)
	questions := append(append([]string{}, benchQuestions...), "民警去学校当法治副校长吗", "公安", "派出所警务室建设", "群众满意度怎么样")
	var first []string
	for build := range 8 {
		ix, err := Build(context.Background(), c, g, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, q := range questions {
			hits, err := ix.Search(context.Background(), Request{Question: q, K: 20})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hits {
				got = append(got, fmt.Sprintf("%s %s %.9f", q, h.Passage.ID, h.Score))
			}
		}
		ix.Close()
		if build == 0 {
			first = got
			continue
		}
		if d := firstDifference(first, got); d != "" {
			t.Fatalf("build %d ranks otherwise than build 0: %s", build, d)
		}
	}
}

func firstDifference(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("%q against %q", b[i], a[i])
		}
	}
	if len(a) != len(b) {
		return fmt.Sprintf("%d hits against %d", len(b), len(a))
	}
	return ""
}

// Postings kept from earlier searches score as postings read afresh, and a cache that fills
// starts again within its bound.
func TestCachedPostingsScoreAlike(t *testing.T) {
	fresh, kept := memIndex(t), memIndex(t)
	fresh.cache = newPostingCache(0) // keeps nothing
	kept.cache = newPostingCache(4 << 10)
	ctx := context.Background()
	questions := append(append([]string{}, benchQuestions...), "公安", "派出所警务室建设", "110接处警", "群众满意度")
	for round := range 3 {
		for _, q := range questions {
			want, err := fresh.Search(ctx, Request{Question: q, K: 10})
			if err != nil {
				t.Fatal(err)
			}
			got, err := kept.Search(ctx, Request{Question: q, K: 10})
			if err != nil {
				t.Fatal(err)
			}
			if g, w := idScores(got), idScores(want); !slices.Equal(g, w) {
				t.Fatalf("round %d, %s: kept postings rank %v, fresh %v", round, q, g, w)
			}
		}
		if n := kept.cache.size.Load(); n > kept.cache.max || n == 0 {
			t.Fatalf("round %d: the cache holds %d bytes, bound %d", round, n, kept.cache.max)
		}
		// What is kept is counted by length: it must hold no more than that.
		kept.cache.terms.Load().Range(func(term, v any) bool {
			for _, d := range []decoded{v.(*termPostings).text, v.(*termPostings).heads} {
				if cap(d.docs) != len(d.docs) || cap(d.freqs) != len(d.freqs) {
					t.Errorf("%s: %d postings kept in room for %d", term, len(d.docs), cap(d.docs))
				}
			}
			return true
		})
	}
	if n := fresh.cache.size.Load(); n != 0 {
		t.Errorf("a cache bound at 0 holds %d bytes", n)
	}
}

func idScores(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, fmt.Sprintf("%s %.12f", h.Passage.ID, h.Score))
	}
	return out
}
