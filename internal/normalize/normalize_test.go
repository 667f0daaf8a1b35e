package normalize

import "testing"

func TestText(t *testing.T) {
	tests := map[string]string{
		"":                 "",
		"  警地融合  ":         "警地融合",
		"一村（格）一警":          "一村(格)一警",
		"ＡＢＣ１２３，。":         "abc123,。",
		"警地\x00融合\x1b":     "警地 融合",
		"无效\xff字节":         "无效 字节",
		"多个\t\n　空白":        "多个 空白",
		"“警地融合”":           "“警地融合”",
		"\ufeff零宽\u200b空格": "零宽 空格",
	}
	for in, want := range tests {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}
