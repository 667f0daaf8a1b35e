package answer

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

func TestKeyRunes(t *testing.T) {
	tests := []struct {
		expr string
		want string // "" when there are none
	}{
		{`哪位|哪个人|姓名`, "哪姓"},
		{`\p{Han}{2,6}?(派出所|分局|所)`, "分所派"},
		{`(?:^|[\s,，])(\p{Han}{2,3}?(?:省|市))`, "市省"},
		{`(?:多长时间|多久)()|(?:多少|几)(名|人)`, "几多"},
		{`a?b*`, ""},     // may match nothing
		{`\p{Han}+`, ""}, // too wide to say anything
		{`(?i)abc`, ""},  // case folded
		{`x*[0-9]y`, "0123456789"},
		{`(?:ab)+|c{2,}`, "ac"},
		{`^$`, ""},
	}
	for _, tt := range tests {
		p := mustPattern(tt.expr)
		if got := string(p.keys); got != tt.want {
			t.Errorf("%s: keys %q, want %q", tt.expr, got, tt.want)
		}
	}
}

// Passing texts over by their characters never changes what an expression finds: every
// pattern of the package, on every question of the repository's sets and on texts made to
// hold key characters in odd places.
func TestPatternsFindAsTheirExpressions(t *testing.T) {
	texts := []string{"", "谁", "多", "几个", "市", "省市县", "中国人民大学", "哪位民警", "多少钱", "xyz", "所",
		"在河北省石家庄市,", "城关派出所所长是谁", "一共多长时间?", "\xff\xfe哪"}
	files, _ := filepath.Glob("../eval/testdata/*.jsonl")
	for _, f := range files {
		texts = append(texts, questionsIn(t, f)...)
	}
	if len(texts) < 100 {
		t.Fatalf("only %d texts: the eval sets were not read", len(texts))
	}
	patterns := []pattern{unitRE, placeFormRE, askedCountRE}
	for _, at := range askedTypes {
		patterns = append(patterns, at.asks)
	}
	for _, p := range patterns {
		plain := regexp.MustCompile(p.String())
		for _, s := range texts {
			if p.MatchString(s) != plain.MatchString(s) ||
				!slices.Equal(p.FindAllString(s, -1), plain.FindAllString(s, -1)) ||
				!slices.Equal(p.FindStringSubmatch(s), plain.FindStringSubmatch(s)) ||
				len(p.FindAllStringSubmatch(s, -1)) != len(plain.FindAllStringSubmatch(s, -1)) {
				t.Errorf("%s on %q: differs from the plain expression", p, s)
			}
		}
	}
}

func questionsIn(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var q struct{ Question string }
		if json.Unmarshal(sc.Bytes(), &q) == nil && q.Question != "" {
			out = append(out, q.Question)
		}
	}
	return out
}
