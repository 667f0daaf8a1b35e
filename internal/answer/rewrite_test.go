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
		// No subject of its own, only an aspect: the previous question's.
		"具体有哪些措施?": "吉林社区民警占派出所警力多少? 具体有哪些措施",
		"效果怎么样?":   "吉林社区民警占派出所警力多少? 效果",
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

// A question that points back at the places asked about ("它们", "那边") is asked of them.
func TestRewritePointingBack(t *testing.T) {
	g := embeddedGlossary(t)
	hist := []Turn{
		{Role: "user", Text: "吉林社区民警占派出所警力多少?"}, {Role: "assistant", Text: "49.4%[1]"},
		{Role: "user", Text: "那河南呢?"}, {Role: "assistant", Text: "43.9%[1]"},
		{Role: "user", Text: "延安呢"}, {Role: "assistant", Text: "没有写到"},
	}
	for q, want := range map[string]string{
		"它们的做法有什么不同?":  "吉林、河南、延安的做法有什么不同?",
		"那边有多少个警务室?":   "延安有多少个警务室?",
		"浦江有多少个警务室?":   "浦江有多少个警务室?",
		"这几个地方谁的警力最多?": "吉林、河南、延安谁的警力最多?",
	} {
		if got := rewriteOffline(g, hist, q); got != want {
			t.Errorf("rewriteOffline(%q) = %q, want %q", q, got, want)
		}
	}
}

// After a question on several places, "那边" is the last of them.
func TestRewritePointingBackAfterSeveral(t *testing.T) {
	g := embeddedGlossary(t)
	hist := []Turn{{Role: "user", Text: "河南社区民警占派出所警力多少?"}, {Role: "assistant", Text: "43.9%[1]"},
		{Role: "user", Text: "吉林、河南、延安的做法有什么不同?"}, {Role: "assistant", Text: "…"}}
	if got, want := rewriteOffline(g, hist, "那边有多少个警务室?"), "延安有多少个警务室?"; got != want {
		t.Errorf("rewriteOffline = %q, want %q", got, want)
	}
}

func TestAsksMore(t *testing.T) {
	g := embeddedGlossary(t)
	for q, want := range map[string]bool{
		"还有吗?": true, "还有别的做法吗?": true, "能详细说说吗": true, "继续": true, "再多说点": true,
		"效果怎么样?": false, "还有哪些地方搞了警地融合?": false, "那河南呢?": false, "延安有多少个警务室?": false,
	} {
		if got := asksMore(g, q); got != want {
			t.Errorf("asksMore(%s) = %v, want %v", q, got, want)
		}
	}
}

// FuzzFollowUp feeds arbitrary messages, after an arbitrary earlier question, to the offline
// follow-up rules: they never panic, and what they make stays within bounds.
func FuzzFollowUp(f *testing.F) {
	for _, s := range []string{"那河南呢?", "还有吗?", "它们的做法有什么不同?", "那边有多少个警务室?", "滨州18年110接警总数", "\xff还有", "", "99年来"} {
		f.Add("吉林、河南社区民警占派出所警力多少?", s)
	}
	g, err := glossary.Embedded()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, prev, q string) {
		hist := []Turn{{Role: "user", Text: prev}, {Role: "assistant", Text: "答[1]"}}
		out := rewriteOffline(g, hist, q)
		if len(out) > len(prev)+len(q)+len("、")*64+16 {
			t.Errorf("rewriteOffline(%q, %q) grew to %d bytes", prev, q, len(out))
		}
		asksMore(g, q)
		for _, y := range questionYears(q) {
			if y < 1900 || y > 2099 {
				t.Errorf("questionYears(%q) gave %d", q, y)
			}
		}
	})
}
