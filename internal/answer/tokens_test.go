package answer

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

// tokensBuilt is tokens as it was written first, building each token from its characters:
// the oracle the cut-out tokens are held to.
func tokensBuilt(s string) []string {
	var out []string
	var run []rune
	flush := func() {
		if len(run) == 1 {
			out = append(out, string(run))
		}
		for i := 0; i+1 < len(run); i++ {
			out = append(out, string(run[i:i+2]))
		}
		run = run[:0]
	}
	var word strings.Builder
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			if word.Len() > 0 {
				out = append(out, word.String())
				word.Reset()
			}
			run = append(run, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flush()
			word.WriteRune(r)
		default:
			flush()
			if word.Len() > 0 {
				out = append(out, word.String())
				word.Reset()
			}
		}
	}
	flush()
	if word.Len() > 0 {
		out = append(out, word.String())
	}
	return out
}

func FuzzTokens(f *testing.F) {
	for _, s := range []string{"社区民警占派出所警力的49.4%", "", "警", "a社b", "GPS定位app", "社\xff区", "５Ｇ基站", "一 二  三四"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := tokens(s), tokensBuilt(s); !slices.Equal(got, want) {
			t.Fatalf("tokens(%q) = %q, built %q", s, got, want)
		}
	})
}
