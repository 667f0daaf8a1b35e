package answer_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/mock"
)

// refused asks each question offline and checks whether it was refused.
func refused(t *testing.T, e *answer.Engine, tests []struct {
	q       string
	refused bool
}) {
	t.Helper()
	for _, tt := range tests {
		ans, err := e.Ask(context.Background(), answer.Question{Text: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Refused != tt.refused {
			t.Errorf("%s: refused = %v, want %v: %.80s", tt.q, ans.Refused, tt.refused, ans.Text)
		}
	}
}

// A place counts as covered when any title, unit, byline or passage writes it, not only a
// unit line: 沈阳 here appears only in the body of a report whose unit is a 派出所.
func TestPlacesFromWholeCollection(t *testing.T) {
	ix := mock.IndexFiles(t, map[string]string{
		"a.txt": "北站派出所推行“警格”管理\n北站派出所\n沈阳市北站派出所将辖区划为12个警格，每格配一名社区民警，群众求助10分钟内到场。\n",
		"b.txt": "夜间巡逻有了新办法\n湖南某县组织平安志愿者夜间巡逻，今年以来发案同比下降30%。\n",
	})
	refused(t, mock.Engine(t, ix, answer.Config{}, nil), []struct {
		q       string
		refused bool
	}{
		{"沈阳的派出所怎么划分警格?", false},
		{"湖南的志愿者巡逻效果怎么样?", false},
		{"北站派出所群众求助多久到场?", false},
		{"上海市公安局怎么做社区警务?", true},
		{"广东的社区民警怎么管警格?", true},
	})
}

// In a collection varied enough for absence to mean something — here the reader fixtures,
// real public texts on 跨省通办, 反诈, 非警务警情 and a news programme — a question whose
// distinctive words it never writes is refused, while one it covers in other words is not.
func TestGapsRefuse(t *testing.T) {
	files := make(map[string]string)
	for _, name := range []string{"h08_shengzhou_kuasheng.html", "h10_yinchuan_xingqing.html", "m05_feijingwu_fenliu.md",
		"m_xwlb_20230107.md", "t05_haerbin_2024.txt", "t18_quanguo_fanzha_2023.txt"} {
		data, err := os.ReadFile("../corpus/testdata/fixtures/" + name)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(data)
	}
	refused(t, mock.Engine(t, mock.IndexFiles(t, files), answer.Config{}, nil), []struct {
		q       string
		refused bool
	}{
		{"警犬队平时怎么训练?", true},
		{"交警查酒驾有什么经验?", true},
		{"海关缉私部门怎么打击走私?", true},
		{"派出所怎么给老人做反诈宣传?", false},
		{"非警务警情是怎么分流的?", false},
		{"外地户口的孩子在嵊州能办身份证吗?", false},
	})
}

// A field term of the question that no passage writes in any of its forms is a gap, however
// long the question and however common its characters are apart: the seed writes 交通 and
// 事项 but never 交通事故, 交警 but never 禁毒. A term written in another of its forms
// (片儿警 for 社区民警) is no gap.
func TestMissingFieldTerms(t *testing.T) {
	refused(t, mock.Engine(t, mock.Index(t), answer.Config{}, nil), []struct {
		q       string
		refused bool
	}{
		{"交警怎么处理交通事故?", true},
		{"公安部对派出所工作有什么要求?", true},
		{"社区民警平时是怎么开展禁毒宣传工作的?", true},
		{"派出所接到家暴报警以后一般怎么处理?", true},
		{"吉林的片儿警占派出所警力多少?", false},
		{"吉林交警和巡警怎么协作?", false},
	})
}

// Offline, a count question needs a figure of the measure it asks: no report states how many
// officers 浦江 has, so the question is refused rather than answered with 下访 figures.
func TestCountQuestionRefused(t *testing.T) {
	ix := mock.IndexFiles(t, map[string]string{"pj.txt": "深化源头治理 加强公安信访工作\n浙江省浦江县公安局\n" +
		"浦江县公安局坚持领导干部带头下访，全县民警每月下访接访，今年以来化解信访积案120件。\n"})
	refused(t, mock.Engine(t, ix, answer.Config{}, nil), []struct {
		q       string
		refused bool
	}{
		{"浦江县公安局有多少名民警?", true},
		{"浦江化解了多少件信访积案?", false},
	})
}

// Words that point at a place ("那个市") or run across a verb into 全省 are no place names:
// such a question is answered from the report it describes, and a place the collection does
// not write is still refused.
func TestPointingIsNoPlace(t *testing.T) {
	ix := mock.IndexFiles(t, map[string]string{
		"a.txt": "处于全国同级城市最低水平\n1月7日,市公安局召开新闻发布会,向人民报告过去一年取得的成果。\n全年8类严重暴力案件破案率实现100%。建成全省首个出入境“敬老一站式”服务区,集中清理涉企“挂案”29起。\n",
	})
	refused(t, mock.Engine(t, ix, answer.Config{}, nil), []struct {
		q       string
		refused bool
	}{
		{"那个市8类严重暴力案子的破案率是多少?", false},
		{"建了全省首个敬老一站式服务区的那个市,清理了多少起涉企挂案?", false},
		{"拉萨市8类严重暴力案件破案率是多少?", true},
	})
}

// A report in traditional characters answers a question for a person: 局長 is the 局长 a
// name follows once folded.
func TestTraditionalPersonAnswers(t *testing.T) {
	ix := mock.IndexFiles(t, map[string]string{
		"a.txt": "黑龍江省各級公安機關敞開大門\n5月30日上午,20多名農民工來到了牡丹江市陽明公安分局信訪接待室,正在進行信訪接待的分局副局長朱俊峰熱情接待了來訪的民工。\n",
	})
	refused(t, mock.Engine(t, ix, answer.Config{}, nil), []struct {
		q       string
		refused bool
	}{
		{"在阳明分局接待来访农民工的是哪位副局长?", false},
	})
}

// A paper's own footnote references ("…“枫桥经验”[2]。") are quoted as 〔2〕: as [2] they read
// as a citation of the answer's that does not exist, and a renderer would link them.
func TestQuotedFootnotesAreNoCitations(t *testing.T) {
	ix := mock.IndexFiles(t, map[string]string{
		"a.txt": "“枫桥式公安派出所”建设路径探讨\n2019年初,公安部发文、部署全国各级公安机关坚持和发展“枫桥经验”[2]。各地派出所开展创建活动[3]。\n",
	})
	e := mock.Engine(t, ix, answer.Config{}, nil)
	ans, err := e.Ask(context.Background(), answer.Question{Text: "公安部是哪年发文要求坚持和发展枫桥经验的?"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ans.Text, "〔2〕") {
		t.Errorf("the footnote is not quoted as 〔2〕: %s", ans.Text)
	}
	for _, m := range regexp.MustCompile(`\[(\d+)\]`).FindAllStringSubmatch(ans.Text, -1) {
		if n, _ := strconv.Atoi(m[1]); n < 1 || n > len(ans.Citations) {
			t.Errorf("marker %s points to no citation (%d citations): %s", m[0], len(ans.Citations), ans.Text)
		}
	}
}

// The answer leads with the sentence that holds what the question asks beyond its subject,
// not with the topic lines search put first because they repeat the subject, rare in the
// collection, while what is asked (考察, 学习) is common.
func TestAnswerLeadsWithWhatIsAsked(t *testing.T) {
	files := map[string]string{
		"a.txt": "推行一村一警一助理开启农村警务新模式\nXX县公安局积极探索,在全县范围内推行一村一警一助理农村警务机制,取得了良好的效果。" +
			"全县推行一村一警一助理,县公安局高度重视。县公安局推行一村一警一助理,推行工作有序开展。推行一村一警一助理以来,全县推行成效明显。" +
			"5月16日至18日,XX县公安局派出考察组,前往黔西南州考察学习。\n",
	}
	e := withFiller(t, files, "各地派出所组织民警考察学习,考察组到外地学习经验。")
	ans, err := e.Ask(context.Background(), answer.Question{Text: "推行一村一警一助理的那个县,派考察组去哪儿学习了?"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ans.Text, "黔西南州") {
		t.Errorf("the answer does not say where the group went: %s", ans.Text)
	}
}

// A unit named only in its story's text answers for itself: another unit's figure is no
// answer about it, and its own passages still answer.
func TestUnitAnswersForItself(t *testing.T) {
	ix := mock.IndexFiles(t, map[string]string{
		"a.txt": "胡同里的社区民警\n成为北京景山派出所社区民警后,刘士琦每天走街串巷。接到案件后,民警到达现场的时间不能超过10分钟。\n",
		"b.txt": "大明宫派出所警务改革\n大明宫派出所原有16名社区民警,改革后抽出10名刑警改当社区民警。\n",
	})
	e := mock.Engine(t, ix, answer.Config{}, nil)
	refused(t, e, []struct {
		q       string
		refused bool
	}{
		{"北京景山派出所一共有多少名社区民警?", true},
		{"景山派出所的民警接到案件后多久要到现场?", false},
		{"大明宫派出所原来有多少名社区民警?", false},
	})
	ans, err := e.Ask(context.Background(), answer.Question{Text: "北京景山派出所一共有多少名社区民警?"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(ans.Text, "16名") {
		t.Errorf("answered with another unit's figure: %s", ans.Text)
	}
}

// How often something is done is answered by a period (每季度), not by another sentence's
// number (每月…2次).
func TestHowOftenIsAPeriod(t *testing.T) {
	ix := mock.IndexFiles(t, map[string]string{
		"a.txt": "浦江县公安局加强信访工作\n领导干部常态下访,每月下访接访不少于2次。\n严格队伍管理,每季度开展红蓝对抗演练,依托公安院校培训民警。\n",
	})
	e := mock.Engine(t, ix, answer.Config{}, nil)
	ans, err := e.Ask(context.Background(), answer.Question{Text: "浦江公安多久搞一次红蓝对抗演练?"})
	if err != nil {
		t.Fatal(err)
	}
	if ans.Refused || !strings.Contains(ans.Text, "每季度") {
		t.Errorf("answer = %s", ans.Text)
	}
}

// A question for a time is quoted around the clause that gives it: a long sentence is not cut
// down to the clause that best matches the question's other words.
func TestQuoteKeepsTheAskedTime(t *testing.T) {
	files := map[string]string{
		"a.txt": "广阳派出所开展防范养老诈骗宣传\n2022年5月以来,为切实维护老年人合法权益,进一步提高辖区老年人识骗防骗能力,南岸区公安分局广阳派出所" +
			"针对本地老年人居多的实际情况,结合“我为群众办实事”活动,开展以“防范养老诈骗”为主题的集中宣传月活动,组织民警深入社区、广场、集市等老年人聚集场所,发放宣传资料,讲解常见养老诈骗手法," +
			"提醒老年人不轻信、不转账、不汇款,全力守护老年人的“养老钱”。\n",
	}
	e := withFiller(t, files, "各地派出所组织民警走访群众,开展治安宣传。")
	ans, err := e.Ask(context.Background(), answer.Question{Text: "广阳派出所防养老诈骗的宣传月是从哪年哪月开始搞的?"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ans.Text, "2022年5月") {
		t.Errorf("the answer leaves out when it began: %s", ans.Text)
	}
}

// A question for a person leads with a sentence that names one: the best match for its
// other words ("…蔡女士心里的疙瘩也解开了,她跟楼上刘大爷的邻里纠纷也和解了") names nobody.
func TestPersonQuestionLeadsWithAName(t *testing.T) {
	files := map[string]string{
		"a.txt": "金山派出所成功化解邻里纠纷\n家住五楼的蔡女士发现自家的棚顶渗水,她找到楼上的刘大爷家,多次要求刘大爷配合处理漏水问题。\n" +
			"金山派出所辅警马景川了解情况后,敲开六楼刘大爷的家门。“她家漏水跟我有什么关系。”刘大爷情绪激动拒绝沟通。" +
			"小马说:“房屋漏水拖的时间越长给双方造成的损失越大,问题总得要解决”,经过反复沟通,刘大爷总算同意共同查找漏水点。" +
			"经过仔细排查,原来是蔡女士家的下水管道老化。漏水点找到,蔡女士心里的疙瘩也解开了,她跟楼上刘大爷的邻里纠纷也和解了。\n",
	}
	e := withFiller(t, files, "各地派出所组织民警走访群众,化解邻里纠纷。")
	ans, err := e.Ask(context.Background(), answer.Question{Text: "帮蔡女士跟楼上刘大爷说和邻里纠纷的是哪位辅警?"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ans.Text, "马景川") {
		t.Errorf("the answer names no one: %s", ans.Text)
	}
}

// A figure asked for a year comes from a report of that year: one that writes it, or writes
// 去年 and is dated the year after. Another year's figure, however close, is no answer.
func TestFigureOfTheYearAsked(t *testing.T) {
	files := map[string]string{
		"a.txt": "正确使用110\n发布时间:2018-01-11\n据统计,2017年,全市110共接报各类警情418683起,其中有效警情149929起。\n",
		"b.txt": "全市公安工作通报\n发布时间:2020-01-09\n去年,全市110共接报各类警情390211起,有效警情120377起。\n",
		// No date: its 今年 may be any year from 2019, the latest it writes, on.
		"c.txt": "全省公安机关经验交流\n与2019年同期相比,今年以来全省刑事警情下降30.26%,治安警情下降19.88%。\n",
	}
	e := withFiller(t, files, "各地派出所组织民警走访群众,开展治安宣传。")
	for q, want := range map[string]string{
		"2017年全市110一共接了多少警情?": "418683",
		"2019年全市110一共接了多少警情?": "390211",
		"2018年全市110一共接了多少警情?": "", // neither report gives 2018's
		"2023年全省刑事警情下降了多少?":   "30.26%",
		"2018年全省刑事警情下降了多少?":   "",
	} {
		ans, err := e.Ask(context.Background(), answer.Question{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case want == "" && !ans.Refused:
			t.Errorf("%s: answered with another year's figure: %s", q, ans.Text)
		case q == "2018年全市110一共接了多少警情?" && !strings.Contains(ans.Text, "写的是2017年的"):
			t.Errorf("%s: the refusal does not say which year the material gives: %s", q, ans.Text)
		case want != "" && !strings.Contains(ans.Text, want):
			t.Errorf("%s: want %s in %s", q, want, ans.Text)
		}
	}
}

// An undated report that writes 今年 may be of the year asked, but a figure it gives for
// another year is that year's: "2022年涉警投诉数同比下降17.7%" is no answer for 2023.
func TestFigureOfAnotherYearInTheReport(t *testing.T) {
	files := map[string]string{
		"a.txt": "县公安局加强信访工作\n县公安局深化信访问题源头治理,今年以来常态化开展干部下访。\n建立不满意警情跟踪盯办机制,2022年涉警投诉数同比下降17.7%。\n",
	}
	e := withFiller(t, files, "各地派出所组织民警走访群众,开展治安宣传。")
	for q, want := range map[string]string{
		"县公安局2023年涉警投诉数下降了多少?": "写的是2022年的",
		"县公安局2022年涉警投诉数下降了多少?": "17.7%",
	} {
		ans, err := e.Ask(context.Background(), answer.Question{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ans.Text, want) {
			t.Errorf("%s: want %s in %s", q, want, ans.Text)
		}
	}
}

// Staff ask by province of reports that name only their city or district: 本溪's report is
// 辽宁's. And a report that writes the place in one passage found is about the place with all
// its passages: its other sentence answers for 银川 too.
func TestPlacesWithinAPlace(t *testing.T) {
	files := map[string]string{
		"a.txt": "本溪:石桥子派出所为老年人撑起防诈保护伞\n石桥子派出所在显要位置贴小提示,提醒老年人谨防养老诈骗。\n",
		"b.txt": "塞上枫桥新警务\n节假日期间,交警在重点路段投入无人机开展多频次交通巡逻,通过实时画面回传、高空喊话开展巡查。\n\n" +
			"据介绍,这一做法由银川市公安局交警支队在全市推广,缓解了节假日巡逻警力不足的问题。\n",
		"c.txt": "老年人防诈宣传\n兴庆区公安分局\n民警走进社区为老年人讲解防诈知识。\n",
		"d.txt": "新闻联播摘要\n各地春耕备耕有序推进,甘肃等地抢抓农时开展春播。\n",
	}
	e := withFiller(t, files, "各地派出所组织民警走访群众,开展治安宣传。")
	for q, want := range map[string]string{
		"辽宁有个派出所给老年人防诈贴了什么?": "小提示",
		"银川交警节假日用什么手段巡逻?":    "无人机开展多频次交通巡逻",
	} {
		ans, err := e.Ask(context.Background(), answer.Question{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Refused || !strings.Contains(ans.Text, want) {
			t.Errorf("%s: want %s in %s", q, want, ans.Text)
		}
	}
	// 甘肃 is written, but no report is of it: 本溪's practice is not 甘肃's.
	ans, err := e.Ask(context.Background(), answer.Question{Text: "甘肃有个派出所给老年人防诈贴了什么?"})
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Refused {
		t.Errorf("answered for 甘肃 from another province's report: %s", ans.Text)
	}
}

// A report of several years answers a year's figure from the sentences of that year: a
// sentence giving another year's figure does not lead.
func TestFigureSentenceOfTheYearLeads(t *testing.T) {
	files := map[string]string{
		"a.txt": "新闻联播摘要\n2023年1月7日,新闻联播播出。过去一年,公安机关严打电诈犯罪,截至2022年11月底,全国共破获电信网络诈骗案件39.1万起。\n",
		"b.txt": "公安部新闻发布会\n发布时间:2024-01-09\n去年,全国公安机关共破获电信网络诈骗案件43.7万起,电信网络诈骗发案数自2023年8月以来连续下降。\n",
	}
	e := withFiller(t, files, "各地派出所组织民警走访群众,开展治安宣传。")
	ans, err := e.Ask(context.Background(), answer.Question{Text: "2023年全国公安机关破获了多少起电信网络诈骗案件?"})
	if err != nil {
		t.Fatal(err)
	}
	right, wrong := strings.Index(ans.Text, "43.7万起"), strings.Index(ans.Text, "39.1万起")
	if right < 0 || wrong >= 0 && wrong < right {
		t.Errorf("2022's figure leads or 2023's is missing: %s", ans.Text)
	}
}

// A question asking why is quoted around the clause that gives the reason.
func TestWhyIsQuotedAroundItsReason(t *testing.T) {
	e := withFiller(t, map[string]string{
		"a.txt": "推行警地融合机制\n吉林省公安机关牢固树立大抓基层、大抓基础的鲜明导向,持续推动人往基层走、钱往基层用、政策向基层倾斜," +
			"推动机关警力向派出所下沉、派出所警力向社区前置,省市公安机关每年下派20%警力担任社区(包村)民警," +
			"县(市区)公安机关根据实际确定下派比例,最大限度把警力沉到一线、摆上街面,真正让民警由“下社区”变成“驻社区”。\n",
	}, "各地派出所组织民警走访群众,开展治安宣传。")
	ans, err := e.Ask(context.Background(), answer.Question{Text: "吉林为啥要把警力往社区压?"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ans.Text, "驻社区") {
		t.Errorf("the reason is cut off: %s", ans.Text)
	}
}

// withFiller is an offline engine over files and a dozen short bulletins of one line, filler,
// that give the files' words the idf a larger collection would.
func withFiller(t *testing.T, files map[string]string, filler string) *answer.Engine {
	t.Helper()
	for i := range 12 {
		files[fmt.Sprintf("f%02d.txt", i)] = fmt.Sprintf("工作通报%d\n%s\n", i, filler)
	}
	return mock.Engine(t, mock.IndexFiles(t, files), answer.Config{}, nil)
}

// A count question is answered by a count among the passages an answer quotes from, not by
// one far down the list on another subject: "刘欣当了多少年社区民警" is not answered because a
// border station's officer "已经驻守21年".
func TestCountFromTheTopPassages(t *testing.T) {
	files := map[string]string{
		"a.txt": "公安楷模刘欣\n刘欣同志生前系七台河市公安局桃南派出所社区民警,2011年被查出再生障碍性贫血,她始终扎根基层一线。\n刘欣突发脑溢血,经抢救无效不幸去世,年仅36岁。\n",
		"z.txt": "边境派出所\n边境派出所的社区民警平均年龄30岁,最长的已经驻守21年。\n",
	}
	for i, unit := range []string{"桃山", "新兴", "茄子河", "勃利", "金沙"} {
		files[fmt.Sprintf("b%d.txt", i)] = fmt.Sprintf("%s分局学习刘欣事迹\n%s分局社区民警学习公安楷模刘欣的先进事迹,社区民警纷纷表示要以刘欣为榜样。\n", unit, unit)
	}
	e := withFiller(t, files, "各地派出所组织民警走访群众,开展治安宣传。")
	ans, err := e.Ask(context.Background(), answer.Question{Text: "刘欣当了多少年社区民警?"})
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Refused {
		t.Errorf("answered with another subject's count: %s", ans.Text)
	}
}

// A colloquial question about a named unit is answered from the unit's own report, though
// most of its words ("干得好不好主要看什么") are the asker's, not the report's.
func TestColloquialQuestionOfANamedUnit(t *testing.T) {
	files := map[string]string{
		"a.txt": "以民意为导向 深化社区警务建设\n上海市公安局杨浦分局\n社区警务建设是公安机关一项基础性、战略性、长远性的工作,是公安派出所工作的核心内容。" +
			"公安机关推动和深化社区警务建设,必须坚持社区警务活动与民生、民意紧密结合,坚持把“群众满意”作为评判社区警务工作的重要标准。\n",
		"b.txt": "全省社区警务工作推进会召开\n省公安厅\n会议要求,各地要持续深化社区警务建设,推动警力下沉。\n",
	}
	e := withFiller(t, files, "各地派出所组织民警走访群众,开展治安宣传。")
	ans, err := e.Ask(context.Background(), answer.Question{Text: "杨浦分局觉得社区警务干得好不好主要看什么?"})
	if err != nil {
		t.Fatal(err)
	}
	if ans.Refused || !strings.Contains(ans.Text, "群众满意") {
		t.Errorf("answer = %s", ans.Text)
	}
}

// A question for a phone number is answered by a number, and not by the one it names itself
// (110 in "不归110管"); a report that gives none is no answer.
func TestPhoneNumberAsked(t *testing.T) {
	files := map[string]string{
		"a.txt": "正确使用110\n不少群众遇事就打110电话,110管的事越来越多,影响了110接处警的正常运行。\n" +
			"水电气暖维修、市场监管等非紧急求助,都不属于110报警服务台的受理范围,可拨打12345政务服务热线或其他热线平台电话。\n",
		"b.txt": "四川开通反诈劝阻专线\n6月14日,四川省公安厅统一开通反诈劝阻专线,监测到疑似诈骗时第一时间向用户预警劝阻。\n",
	}
	e := withFiller(t, files, "各地派出所组织民警走访群众,开展治安宣传。")
	for q, want := range map[string]string{
		"哪些事不归110管,该打什么电话?": "12345",
		"四川反诈劝阻专线的号码是多少?":   "没有写具体号码",
	} {
		ans, err := e.Ask(context.Background(), answer.Question{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ans.Text, want) {
			t.Errorf("%s: want %s in %s", q, want, ans.Text)
		}
		if i := strings.Index(ans.Text, "影响了110"); i >= 0 && i < strings.Index(ans.Text, "12345") {
			t.Errorf("%s: led by the 110 the question names: %s", q, ans.Text)
		}
	}
}

// When the answers given hold all there is, a request for more says so, without the list of
// what the collection covers.
func TestNoMoreToSay(t *testing.T) {
	files := map[string]string{"a.txt": "县公安局推行社区民警驻村\n社区民警每周4天驻村走访,与村两委一起化解矛盾纠纷。\n"}
	e := withFiller(t, files, "各地派出所组织民警走访群众,开展治安宣传。")
	ctx := context.Background()
	first, err := e.Ask(ctx, answer.Question{Text: "社区民警每周几天驻村走访?"})
	if err != nil {
		t.Fatal(err)
	}
	var conv answer.Conversation
	conv.Add("社区民警每周几天驻村走访?", first)
	ans, err := e.Ask(ctx, answer.Question{Text: "还有吗?", History: conv.History()})
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Refused || !strings.Contains(ans.Text, "没有更多") || strings.Contains(ans.Text, "目前收录") {
		t.Errorf("first = %s\nmore = %s", first.Text, ans.Text)
	}
	// After a refusal nothing was shown: asking for more gets the refusal again, not "no more".
	refused, err := e.Ask(ctx, answer.Question{Text: "县公安局一共有多少名辅警?"})
	if err != nil || !refused.Refused {
		t.Fatalf("not refused: %s (%v)", refused.Text, err)
	}
	conv.Reset()
	conv.Add("县公安局一共有多少名辅警?", refused)
	again, err := e.Ask(ctx, answer.Question{Text: "还有吗?", History: conv.History()})
	if err != nil {
		t.Fatal(err)
	}
	if !again.Refused || strings.Contains(again.Text, "没有更多") {
		t.Errorf("more after a refusal = %s", again.Text)
	}
}

// A how-question on a report's own topic is answered by its topic lines only when the report
// is laid out in them, as experience reports are; a story's paragraphs open with what
// happened, and it is answered from what search found.
func TestTopicLinesOnlyOfExperienceReports(t *testing.T) {
	files := map[string]string{
		"a.txt": "县公安局推进警地融合\n县公安局\n今年以来,县公安局创新推行警地融合机制,构建基层警务新模式。\n\n" +
			"县公安局坚持理念创新,实施四个警务。打造主动警务,主动向党委政府报告。打造预防警务,让派出所回归主防主业。\n\n" +
			"县公安局坚持共建共享,完善制度机制。成立警地融合专项工作组。出台警地融合实施意见。\n",
		"b.txt": "金山派出所成功化解邻里纠纷\n金山派出所\n近日,金山派出所成功化解一起邻里纠纷。\n\n" +
			"“因为这个漏水问题,我们都闹僵了。”家住五楼的蔡女士说。她多次找楼上的刘大爷,刘大爷拒绝开门。民警接到求助后上门了解情况。\n\n" +
			"“问题找到了,心里的疙瘩也解开了。”蔡女士说。民警联系维修人员查明漏水点。邻里纠纷通过民警耐心调解得到化解。\n",
	}
	e := withFiller(t, files, "各地派出所组织民警走访群众,开展治安宣传。")
	for q, want := range map[string]string{
		"县公安局怎么推进警地融合的?":  "实施四个警务",
		"金山派出所怎么化解邻里纠纷的?": "",
	} {
		ans, err := e.Ask(context.Background(), answer.Question{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if want != "" && !strings.Contains(ans.Text, want) {
			t.Errorf("%s: want %s in %s", q, want, ans.Text)
		}
		if want == "" && strings.Contains(ans.Text, "：“因为") {
			t.Errorf("%s: led by a story's opening: %s", q, ans.Text)
		}
	}
}
