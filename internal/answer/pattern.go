package answer

import (
	"regexp"
	"regexp/syntax"
	"slices"
)

// pattern is a regular expression that knows characters one of which every match holds, so
// a text holding none of them is passed over without running it. A question is read against
// a dozen such forms (哪位…, 多少名…, …派出所) and holds the key characters of few: running
// every expression over every question was a tenth of an extractive answer.
type pattern struct {
	*regexp.Regexp
	keys []rune // sorted; nil when a match need hold none of a few characters
}

func mustPattern(expr string) pattern {
	p := pattern{Regexp: regexp.MustCompile(expr)}
	if re, err := syntax.Parse(expr, syntax.Perl); err == nil {
		if keys, ok := keyRunes(re.Simplify()); ok {
			slices.Sort(keys)
			p.keys = slices.Compact(keys)
		}
	}
	return p
}

// maxKeys bounds a character class read as key characters: a wider one (\p{Han}) says
// little about a text, and one of its characters is in almost every text.
const maxKeys = 32

// keyRunes returns characters one of which every match of re holds, if there are such.
func keyRunes(re *syntax.Regexp) ([]rune, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 || len(re.Rune) == 0 {
			return nil, false
		}
		return []rune{re.Rune[0]}, true
	case syntax.OpCharClass:
		var out []rune
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) == maxKeys {
					return nil, false
				}
				out = append(out, r)
			}
		}
		return out, len(out) > 0
	case syntax.OpCapture, syntax.OpPlus:
		return keyRunes(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return keyRunes(re.Sub[0])
		}
	case syntax.OpConcat:
		// Every match holds a match of each part: any one part's keys will do.
		for _, sub := range re.Sub {
			if keys, ok := keyRunes(sub); ok {
				return keys, true
			}
		}
	case syntax.OpAlternate:
		var out []rune
		for _, sub := range re.Sub {
			keys, ok := keyRunes(sub)
			if !ok {
				return nil, false
			}
			out = append(out, keys...)
		}
		return out, true
	}
	return nil, false
}

// mayMatch reports whether s holds a key character, or whether p has none.
func (p pattern) mayMatch(s string) bool {
	if p.keys == nil {
		return true
	}
	for _, r := range s {
		if _, ok := slices.BinarySearch(p.keys, r); ok {
			return true
		}
	}
	return false
}

func (p pattern) MatchString(s string) bool {
	return p.mayMatch(s) && p.Regexp.MatchString(s)
}

func (p pattern) FindStringSubmatch(s string) []string {
	if !p.mayMatch(s) {
		return nil
	}
	return p.Regexp.FindStringSubmatch(s)
}

func (p pattern) FindAllString(s string, n int) []string {
	if !p.mayMatch(s) {
		return nil
	}
	return p.Regexp.FindAllString(s, n)
}

func (p pattern) FindAllStringSubmatch(s string, n int) [][]string {
	if !p.mayMatch(s) {
		return nil
	}
	return p.Regexp.FindAllStringSubmatch(s, n)
}
