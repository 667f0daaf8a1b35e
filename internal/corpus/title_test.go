package corpus

import "testing"

func TestDeriveTitle(t *testing.T) {
	tests := []struct {
		name, first, want string
	}{
		{"t18_quanguo.txt", "记者今天(9日)从公安部召开的新闻发布会上获悉,去年,全国公安机关共破获电信网络诈骗案件43.7万起。", "全国公安机关共破获电信网络诈骗案件43.7万起"},
		{"h06.html", "本报讯(通讯员 张春波)10日,笔者从市公安局获悉,1—2月,全市110报警服务台共接处有效警情2.3万余起。", "全市110报警服务台共接处有效警情2.3万余起"},
		{"t03.txt", "東北網6月19日電(宋海英 記者 雷蕾)從5月18日開始,黑龍江省各級公安機關敞開大門,由一把手面對面地接待信訪群眾。", "黑龍江省各級公安機關敞開大門"},
		{"h10.html", "“张大爷,这张卡片您揣兜里,看不清字您就给我们打电话!” 近日,丽景街派出所的民警将一张反诈提醒卡送到辖区独居老人手中。", "丽景街派出所的民警将一张反诈提醒卡送到辖区独居…"},
		{"m04.md", "随着城市化进程高速发展,我国已成为全世界城市轨道交通建设规模最大的国家。", "我国已成为全世界城市轨道交通建设规模最大的国家"},
		{"扫描件001.pdf", "第1页共4页推行一村一警一助理开启农村警务新模式。", "推行一村一警一助理开启农村警务新模式"},
		{"摘要.md", "摘要:非警务类警情是指超出公安机关职责的报警信息。", "非警务类警情是指超出公安机关职责的报警信息"},
		// No clause says anything: a person's file name is the title, a machine's never.
		{"城南派出所经验材料.txt", "2021年以来,", "城南派出所经验材料"},
		{"新建文本文档 (2).txt", "2021年以来,", ""},
		{"m05_feijingwu_fenliu.md", "去年。", ""},
		{"IMG_20240101.jpg", "", ""},
	}
	for _, tt := range tests {
		var ps []*Paragraph
		if tt.first != "" {
			ps = []*Paragraph{{Text: tt.first}}
		}
		if got := deriveTitle(ps, tt.name); got != tt.want {
			t.Errorf("deriveTitle(%q, %q) = %q, want %q", tt.first, tt.name, got, tt.want)
		}
	}
}

// A newspaper page scanned opens with its page furniture and OCR noise: the first paragraph
// that says something gives the title.
func TestDeriveTitleSkipsOpeningNoise(t *testing.T) {
	ps := []*Paragraph{{Text: "。当前版:01版"}, {Text: "玖人 . 66 EE 四"}, {Text: "公安部门乡镇户政窗口打通服务群众“最后一公里”"}}
	if got, want := deriveTitle(ps, "h05.scan.pdf"), "公安部门乡镇户政窗口打通服务群众“最后一公里”"; got != want {
		t.Errorf("deriveTitle = %q, want %q", got, want)
	}
}
