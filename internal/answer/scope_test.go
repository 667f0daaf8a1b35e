package answer

import "testing"

// Claims that restate a figure another way stay; claims that widen the scope or invent a
// proportion, with no figure to check, go.
func TestVerifierScopeAndRestatedFigures(t *testing.T) {
	ev := testEvidence(
		"河南全省社区民警占派出所警力的比例达43.9%,1.3万余名村(居)法律顾问入所。",
		"吉林全省社区民警占到派出所总警力的49.4%。",
		"部分县区试点推行警务助理制度。",
		"市县两级公安机关建立联席会议制度。",
	)
	tests := []struct {
		s    string
		kept bool
	}{
		{"河南有超过13000名法律顾问入所[1]。", true},
		{"河南社区民警约占派出所警力的44%[1]。", true},
		{"河南社区民警占派出所警力四成多[1]。", true},
		{"河南社区民警占派出所警力的44%[1]。", false},
		{"部分县区试点推行警务助理制度[3]。", true},
		{"全省推行警务助理制度[3]。", false},
		{"一半以上的县区推行警务助理制度[3]。", false},
		{"河南全省社区民警占比较高[1]。", true},
	}
	for _, tt := range tests {
		v := newVerifier(ev, "", func(s string) string { return s })
		if kept := v.sentence(tt.s) != ""; kept != tt.kept {
			t.Errorf("%s: kept %v, want %v (%v)", tt.s, kept, tt.kept, v.flagged)
		}
	}
}
