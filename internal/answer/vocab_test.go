package answer

import "testing"

// A vocabulary finds in a text exactly the words strings.Contains finds, whatever the words:
// repeated, empty, sharing a first character or its low byte, ASCII, and in broken text.
func FuzzVocab(f *testing.F) {
	f.Add("社区民警占派出所警力的49.4%，警地融合", "社区,民警,警力,派出所,社区民警,49,融合,,社区,Ā,đ")
	f.Add("\xff社\xe7区", "社,区,\xe7")
	f.Fuzz(func(t *testing.T, text, list string) {
		var v vocab
		var words []string
		for start, i := 0, 0; i <= len(list); i++ {
			if i == len(list) || list[i] == ',' {
				words = append(words, list[start:i])
				start = i + 1
			}
		}
		for _, w := range words {
			v.add(w)
		}
		held := v.in(text, nil)
		for id, w := range words {
			if want := containsNaive(text, w); held[id] != want {
				t.Fatalf("%q in %q: vocab says %v, strings.Contains %v", w, text, held[id], want)
			}
		}
	})
}

// containsNaive is strings.Contains written out, so the test does not share the code it checks.
func containsNaive(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
