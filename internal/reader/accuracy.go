package reader

import "unicode"

// Accuracy is the character accuracy of got against the part of want it covers, whitespace
// removed: 1 − edits/len(got's match), where the match is the substring of want that got
// aligns with best (a photo shows part of a page). It measures readers and OCR; nothing
// in reading depends on it.
func Accuracy(got, want string) float64 {
	g, w := noSpace(got), noSpace(want)
	if len(g) == 0 {
		return 0
	}
	// Semi-global edit distance: want's prefix and suffix are free.
	prev := make([]int, len(w)+1)
	cur := make([]int, len(w)+1)
	for i := 1; i <= len(g); i++ {
		cur[0] = i
		for j := 1; j <= len(w); j++ {
			cost := 1
			if g[i-1] == w[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j-1]+cost, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	best := prev[0]
	for _, v := range prev {
		best = min(best, v)
	}
	return max(0, 1-float64(best)/float64(len(g)))
}

func noSpace(s string) []rune {
	var out []rune
	for _, r := range s {
		if !unicode.IsSpace(r) {
			out = append(out, r)
		}
	}
	return out
}
