package corpus

import (
	"strings"
	"testing"
)

// Hostile nesting — a line opening a million quotes or list items — reads quickly (goldmark
// alone took minutes) and keeps the text.
func TestDeepMarkdownNesting(t *testing.T) {
	for _, src := range []string{
		strings.Repeat(">", 1_000_000) + " 正文内容。",
		strings.Repeat("> ", 500_000) + "正文内容。",
		strings.Repeat("- ", 200_000) + "正文内容。",
		strings.Repeat("1. ", 100_000) + "正文内容。",
	} {
		reports, err := ParseFile("deep.md", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if len(reports) != 1 || !strings.Contains(render(reports), "正文内容。") {
			t.Errorf("%.10q…: got %s", src, render(reports))
		}
	}
}
