package answer

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// vocab finds many words in a text in one pass: the words relevance looks for (a question's
// character pairs, phrases, glossary terms and their synonyms). Looking for each with
// strings.Contains, clause by clause of every candidate sentence, was a fifth of a
// comparative answer.
type vocab struct {
	words  []string
	starts []start   // by first character, sorted at the first look
	sorted bool      //
	bloom  [4]uint64 // first characters by their low 8 bits: most characters start none
	always []int32   // empty words, which every text holds
}

type start struct {
	r  rune
	id int32
}

// add puts w in the vocabulary and returns its number. A word added twice is two words that
// are held together.
func (v *vocab) add(w string) int32 {
	id := int32(len(v.words))
	v.words = append(v.words, w)
	if w == "" {
		v.always = append(v.always, id)
		return id
	}
	r, _ := utf8.DecodeRuneInString(w)
	v.starts = append(v.starts, start{r, id})
	v.sorted = false
	v.bloom[(r>>6)&3] |= 1 << (r & 63)
	return id
}

// in marks in held (one slot a word, cleared first) the words text holds — the same as
// strings.Contains for each: every word starts at a character, and every character of text
// is tried.
func (v *vocab) in(text string, held []bool) []bool {
	if !v.sorted {
		slices.SortStableFunc(v.starts, func(a, b start) int { return cmp.Compare(a.r, b.r) })
		v.sorted = true
	}
	if cap(held) < len(v.words) {
		held = make([]bool, len(v.words))
	}
	held = held[:len(v.words)]
	clear(held)
	for _, id := range v.always {
		held[id] = true
	}
	for i, r := range text {
		if v.bloom[(r>>6)&3]&(1<<(r&63)) == 0 {
			continue
		}
		k, _ := slices.BinarySearchFunc(v.starts, r, func(s start, r rune) int { return cmp.Compare(s.r, r) })
		for ; k < len(v.starts) && v.starts[k].r == r; k++ {
			if id := v.starts[k].id; !held[id] && strings.HasPrefix(text[i:], v.words[id]) {
				held[id] = true
			}
		}
	}
	return held
}
