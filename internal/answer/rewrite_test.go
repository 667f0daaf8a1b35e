package answer

import (
	"testing"

	"github.com/jingyan/jingyan/internal/glossary"
)

func embeddedGlossary(t *testing.T) *glossary.Glossary {
	t.Helper()
	g, err := glossary.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestRewriteOffline(t *testing.T) {
	g := embeddedGlossary(t)
	prev := []Turn{{Role: "user", Text: "吉林社区民警占派出所警力多少?"}}
	tests := map[string]string{
		"那河南呢?":      "河南社区民警占派出所警力多少?",
		"河南和延安呢？":    "河南和延安社区民警占派出所警力多少?",
		"那比例呢":       "吉林社区民警占派出所警力多少? 比例",
		"那电诈呢?":      "吉林 电诈",
		"河南如何?":      "河南社区民警占派出所警力多少?",
		"换成河南":       "河南社区民警占派出所警力多少?",
		"那河南怎么做?":    "河南社区民警占派出所警力多少? 怎么做",
		"还有哪些做法?":    "吉林社区民警占派出所警力多少? 哪些做法",
		"警地融合怎么运作的？": "警地融合怎么运作的？",
	}
	for q, want := range tests {
		if got := rewriteOffline(g, prev, q); got != want {
			t.Errorf("rewriteOffline(%q) = %q, want %q", q, got, want)
		}
	}
	if got := rewriteOffline(g, nil, "那河南呢?"); got != "那河南呢?" {
		t.Errorf("without history = %q", got)
	}
}
