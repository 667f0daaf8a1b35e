package embed

import (
	"fmt"
	"math/rand"
	"slices"
	"sort"
	"testing"
)

// TestQuantizedNearest holds the int8 scan to the exact float cosine: the same nearest
// passages, bar near-ties at the edge of the list.
func TestQuantizedNearest(t *testing.T) {
	const rows, dim, n = 5000, 256, 20
	rng := rand.New(rand.NewSource(7))
	vecs := make([]float32, rows*dim)
	for r := range rows {
		copy(vecs[r*dim:], unit(randomVector(rng, dim)))
	}
	s := &Semantic{dim: dim, ids: make([]string, rows), sentences: rows}
	s.vecs, s.scales = quantize(vecs, dim)
	for i := range s.ids {
		s.ids[i] = fmt.Sprint(i)
	}
	for trial := range 20 {
		q := unit(randomVector(rng, dim))
		exact := make([]int, rows)
		score := make([]float32, rows)
		for r := range rows {
			exact[r] = r
			for i := range dim {
				score[r] += q[i] * vecs[r*dim+i]
			}
		}
		sort.Slice(exact, func(a, b int) bool { return score[exact[a]] > score[exact[b]] })
		got := s.nearest(q, 0, rows, n)
		same := 0
		for _, r := range exact[:n] {
			if slices.Contains(got, fmt.Sprint(r)) {
				same++
			}
		}
		if same < n-2 {
			t.Errorf("trial %d: %d of the exact top %d", trial, same, n)
		}
	}
}

func randomVector(rng *rand.Rand, dim int) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}
