package gazetteer

import (
	"slices"
	"strings"
	"testing"
)

func TestEnclosing(t *testing.T) {
	g := Default()
	tests := []struct {
		text string
		want []string
	}{
		{"本溪:石桥子派出所为老年人撑起防诈“保护伞” 石桥子派出所", []string{"辽宁省", "辽宁"}},
		{"进一步提高辖区老年人识骗防骗能力 南岸区公安分局", []string{"重庆市", "重庆"}},
		{"丽景街派出所 兴庆区公安分局", []string{"银川市", "银川", "宁夏回族自治区", "宁夏"}},
		{"嵊州市公安局", []string{"绍兴市", "绍兴", "浙江省", "浙江"}},
		{"楚雄彝族自治州公安局", []string{"云南省", "云南"}},
		{"黔西南警方开展专项行动", []string{"贵州省", "贵州"}},
		{"浙江省浦江县公安局", []string{"金华市", "金华"}}, // the province is written already
		{"全力维护社会长治久安", nil},                  // 长治 only before a unit word
		{"平安安康是群众的期盼", nil},
		{"朝阳区公安分局", nil}, // 北京's and 长春's: no division both lie within
		{"丽景街派出所 兴庆分局", []string{"银川市", "银川", "宁夏回族自治区", "宁夏"}},
		{"景宁警方", []string{"丽水市", "丽水", "浙江省", "浙江"}},
		{"维护和平稳定,城关街道", nil}, // county short names only before a police word
		{"", nil},
	}
	for _, tt := range tests {
		got := g.Enclosing(tt.text)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Enclosing(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestShortNames(t *testing.T) {
	for full, want := range map[string]string{
		"辽宁省": "辽宁", "广西壮族自治区": "广西", "内蒙古自治区": "内蒙古", "黑龙江省": "黑龙江",
		"新疆维吾尔自治区": "新疆", "香港特别行政区": "香港",
	} {
		if got := provinceShort(full); got != want {
			t.Errorf("provinceShort(%s) = %s, want %s", full, got, want)
		}
	}
	for full, want := range map[string]string{
		"本溪市": "本溪", "楚雄彝族自治州": "楚雄", "黔西南布依族苗族自治州": "黔西南", "延边朝鲜族自治州": "延边",
		"大兴安岭地区": "大兴安岭", "锡林郭勒盟": "锡林郭勒", "巴音郭楞蒙古自治州": "巴音郭楞",
	} {
		if got := prefectureShort(full); got != want {
			t.Errorf("prefectureShort(%s) = %s, want %s", full, got, want)
		}
	}
}

func BenchmarkEnclosing(b *testing.B) {
	g := Default()
	text := "本溪:石桥子派出所为老年人撑起防诈“保护伞” 石桥子派出所 发布时间:2024-03-01 来源:本溪市公安局"
	for b.Loop() {
		g.Enclosing(text)
	}
}

// Enclosing reads any text — a title from a scan, a byline from a broken page — and returns
// only divisions' names, none the text already holds.
func FuzzEnclosing(f *testing.F) {
	f.Add("本溪:石桥子派出所")
	f.Add("南岸区公安分局\xff\xfe")
	f.Add("朝阳区 兴庆分局 长治久安")
	g := Default()
	f.Fuzz(func(t *testing.T, text string) {
		for _, n := range g.Enclosing(text) {
			if strings.Contains(text, n) {
				t.Fatalf("Enclosing(%q) gave %q, which the text holds", text, n)
			}
			if !strings.Contains(divisions, n) {
				t.Fatalf("Enclosing(%q) gave %q, no division's name", text, n)
			}
		}
	})
}

func TestNamed(t *testing.T) {
	g := Default()
	for text, want := range map[string][]string{
		"这是灞桥公安落实“暖心警务”工作的一个缩影": {"灞桥", "西安市", "西安", "陕西省", "陕西"},
		"大连公安在全市范围内":            {"大连", "辽宁省", "辽宁"},
		"坚持和发展新时代“枫桥经验”":        nil,
	} {
		got := g.Named(text)
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("Named(%s) = %v, want %s among them", text, got, w)
			}
		}
		if want == nil && len(got) > 0 {
			t.Errorf("Named(%s) = %v, want none", text, got)
		}
	}
}
