package answer

import (
	"strings"
	"testing"
)

func TestThinkFilter(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"<think>先想一想。</think>答案[1]。", "答案[1]。"},
		{"答案[1]。", "答案[1]。"},
		{"前<think>a</think>中<think>b</think>后", "前中后"},
		{"<think>没有结束", ""},
		{"小于号 < 和 <thin 不是标签", "小于号 < 和 <thin 不是标签"},
	}
	for _, tt := range tests {
		if got := StripThink(tt.in); got != tt.want {
			t.Errorf("StripThink(%q) = %q, want %q", tt.in, got, tt.want)
		}
		// The same, fed in every chunk size.
		for size := 1; size < 9; size++ {
			var f thinkFilter
			var b strings.Builder
			for i := 0; i < len(tt.in); i += size {
				b.WriteString(f.feed(tt.in[i:min(i+size, len(tt.in))]))
			}
			b.WriteString(f.flush())
			if b.String() != tt.want {
				t.Errorf("chunks of %d: %q → %q, want %q", size, tt.in, b.String(), tt.want)
			}
		}
	}
}
