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
	starts []start // by the low byte of their first character, filed at the first look
	bucket [257]int32
	filed  bool
	odd    []int32 // words that start with no character (empty, or not UTF-8): looked for one by one
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
	r, n := utf8.DecodeRuneInString(w)
	if n == 0 || !utf8.ValidString(w) {
		v.odd = append(v.odd, id)
		return id
	}
	v.starts = append(v.starts, start{r, id})
	v.filed = false
	return id
}

// file sorts the words by the low byte of their first character, so a character of a text
// finds the words it may start in one short run.
func (v *vocab) file() {
	slices.SortStableFunc(v.starts, func(a, b start) int { return cmp.Compare(a.r&0xff, b.r&0xff) })
	clear(v.bucket[:])
	for _, s := range v.starts {
		v.bucket[s.r&0xff+1]++
	}
	for i := 1; i < len(v.bucket); i++ {
		v.bucket[i] += v.bucket[i-1]
	}
	v.filed = true
}

// in marks in held (one slot a word, cleared first) the words text holds — the same as
// strings.Contains for each: a word starts with a character, and every character of text is
// tried (a broken byte of text is passed one at a time, so no character hides behind one).
func (v *vocab) in(text string, held []bool) []bool {
	if !v.filed {
		v.file()
	}
	if cap(held) < len(v.words) {
		held = make([]bool, len(v.words))
	}
	held = held[:len(v.words)]
	clear(held)
	for _, id := range v.odd {
		held[id] = strings.Contains(text, v.words[id])
	}
	for i, r := range text {
		for _, s := range v.starts[v.bucket[r&0xff]:v.bucket[r&0xff+1]] {
			if s.r == r && !held[s.id] && strings.HasPrefix(text[i:], v.words[s.id]) {
				held[s.id] = true
			}
		}
	}
	return held
}
