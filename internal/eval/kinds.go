package eval

import (
	"fmt"
	"io"
	"sort"
)

// KindScore is one question kind's share of the results (number, how, compare, …), so a
// collection's weak spot shows: comparative questions may fail while figures hold.
type KindScore struct {
	Kind string `json:"kind"`
	N    int    `json:"n"`
	// Retrieval: covered within the top 5.
	SentenceR5  float64 `json:"sentence_recall_at_5,omitempty"`
	ParagraphR5 float64 `json:"paragraph_recall_at_5,omitempty"`
	// Answers: answerable questions with every fact; questions answered right (facts all
	// present, or refused when unanswerable).
	FactsAll float64 `json:"facts_all_rate,omitempty"`
	Right    float64 `json:"right_rate,omitempty"`
}

// kinds tallies, per question kind, how many items and how many of them each flag held for.
type kinds struct {
	order []string
	n     map[string]int
	hits  map[string][]int
}

func newKinds() *kinds {
	return &kinds{n: make(map[string]int), hits: make(map[string][]int)}
}

func (k *kinds) add(kind string, flags ...bool) {
	if kind == "" {
		kind = "(none)"
	}
	if _, ok := k.n[kind]; !ok {
		k.order = append(k.order, kind)
		k.hits[kind] = make([]int, len(flags))
	}
	k.n[kind]++
	for i, f := range flags {
		if f {
			k.hits[kind][i]++
		}
	}
}

// rates returns, per kind in name order, n and each flag's share.
func (k *kinds) rates() []struct {
	kind  string
	n     int
	rates []float64
} {
	sort.Strings(k.order)
	var out []struct {
		kind  string
		n     int
		rates []float64
	}
	for _, kind := range k.order {
		r := make([]float64, len(k.hits[kind]))
		for i, h := range k.hits[kind] {
			r[i] = float64(h) / float64(k.n[kind])
		}
		out = append(out, struct {
			kind  string
			n     int
			rates []float64
		}{kind, k.n[kind], r})
	}
	return out
}

func printKinds(w io.Writer, ks []KindScore, retrieval bool) {
	if len(ks) == 0 {
		return
	}
	if retrieval {
		fmt.Fprintf(w, "%-12s %4s %13s %14s\n", "kind", "n", "sentence R@5", "paragraph R@5")
		for _, k := range ks {
			fmt.Fprintf(w, "%-12s %4d %13.3f %14.3f\n", k.Kind, k.N, k.SentenceR5, k.ParagraphR5)
		}
		return
	}
	fmt.Fprintf(w, "%-12s %4s %10s %8s\n", "kind", "n", "all facts", "right")
	for _, k := range ks {
		fmt.Fprintf(w, "%-12s %4d %10.3f %8.3f\n", k.Kind, k.N, k.FactsAll, k.Right)
	}
}
