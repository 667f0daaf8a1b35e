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

func TestFold(t *testing.T) {
	f, err := NewFolder()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ in, want string }{
		{"二十四小时接受投诉", "24小时接受投诉"},
		{"案件类警情下降七成", "案件类警情下降70%"},
		{"下降7成", "下降70%"},
		{"一千余个", "1000余个"},
		{"两万名民警", "2万名民警"},
		{"三个方面的事项", "3个方面的事项"},
		{"一百零五起", "105起"},
		{"十二名", "12名"},
		{"一村一警", "一村一警"},
		{"三调联动", "三调联动"},
		{"一二三个", "一二三个"},
		{"社區警務室擴容", "社区警务室扩容"},
		{"ＡＢＣ　１２３", "abc 123"},
	}
	for _, tt := range tests {
		if got := f.Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	var nilFolder *Folder
	if got := nilFolder.Fold("七成"); got != "70%" {
		t.Errorf("nil Folder: %q", got)
	}
}

func FuzzFigures(f *testing.F) {
	f.Add("二十四小时七成一千余个十二名零〇两")
	f.Fuzz(func(t *testing.T, s string) {
		_ = Figures(s)
	})
}
