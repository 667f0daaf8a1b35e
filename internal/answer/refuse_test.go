package answer

import (
	"slices"
	"testing"
)

func TestCountQuestions(t *testing.T) {
	tests := []struct {
		q, text string
		want    bool // the text answers the count asked
	}{
		{"浦江县公安局有多少名民警?", "全县民警下访120次。", false},
		{"浦江县公安局有多少名民警?", "全局共有民警320余人。", true},
		{"组建了多少个社区警务团队?", "已组建社区警务团队8900余个。", true},
		{"110主要受理几类事?", "公安110主要受理3个方面的事项。", true},
		{"破了多少起案件?", "破获电信网络诈骗案件1295起。", true},
		{"破了多少起案件?", "破案率达到100%。", false},
		{"辖区常住的有多少人?", "聚集着3700多栋出租屋,常住人口超过6万。", true},
		{"辖区常住的有多少人?", "人员密集,出租屋超过6万栋。", false},
		{"辖区常住的有多少人?", "有人说,投入资金6万。", false},
		// An age: 多大岁数, 多大年纪, 几岁 are answered by N岁, not by another figure.
		{"刘欣走的时候多大岁数?", "经抢救无效不幸去世,年仅36岁。", true},
		{"刘欣走的时候多大岁数?", "2011年被查出再生障碍性贫血。", false},
		{"那位老人多大年纪?", "苏先生今年70多岁了。", true},
		{"孩子几岁了?", "孩子今年6周岁。", true},
		// 个 counts people too in speech; after 个 the word that takes it is the measure.
		{"今年给多少个新生儿上了户口?", "累计办理新生儿落户3732人。", true},
		{"工作组是几个部门组成的?", "由14个省直部门组成。", true},
		{"下班后还要多留几个小时?", "他要多留5小时为大家办事。", true},
		{"下班后还要多留几个小时?", "仅有3名民警。", false},
		{"集中整治了几个月?", "集中整治3个月。", true},
		// 条, 项 and 个 count the same things: 经验, 做法, 热线.
		{"有多少条经验被推广?", "42项创新做法被公安部通报推广。", true},
		{"定了多少条服务热线?", "明确了各政府部门28个公共服务平台热线电话。", true},
		{"破了多少起案件?", "打掉犯罪团伙3个。", false},
		// 逢十 is a period: on the days of the month ending in 十.
		{"民警多久下访一次?", "自今年2月开展“逢十下访”活动以来,共下访100余人次。", true},
		// Events, papers and lengths have measure words of their own.
		{"宣传月办了多少场活动?", "各地开展宣传活动1200余场。", true},
		{"宣传月办了多少场活动?", "破获电信网络诈骗案件43.7万起。", false},
		{"一共接到多少封群众来信?", "受理群众来信2300余封。", true},
		{"巡逻路线有多少公里?", "巡逻路线全长12公里。", true},
		// A date is no length: 9月 is September, 2021年 a year.
		{"当社区民警多少年了?", "今年9月,社区民警徐东峰在走访时了解到纠纷。", false},
		{"当社区民警多少年了?", "2021年,他转岗成了一名社区民警。", false},
		{"当社区民警多少年了?", "他已当了12年社区民警。", true},
		{"集中整治了几个月?", "10月10日开始集中整治。", false},
	}
	for _, tt := range tests {
		m, ok := askedMeasure(tt.q)
		if !ok {
			t.Fatalf("%s: no measure found", tt.q)
		}
		if got := hasCount(tt.text, m); got != tt.want {
			t.Errorf("%s / %s: hasCount = %v, want %v", tt.q, tt.text, got, tt.want)
		}
	}
	// 哪几 asks which ones: the answer names them, with or without a figure.
	for _, q := range []string{"警地融合是怎么运作的?", "宣传月是哪几个部门一起部署的?", "110主要受理哪几类事?"} {
		if m, ok := askedMeasure(q); ok {
			t.Errorf("%s: measure %v, want none", q, m)
		}
	}
}

func TestCanName(t *testing.T) {
	for form, want := range map[string]bool{
		"那曲市": true, "个旧市": true, "全州县": true, "本溪市": true, "什邡市": true, "拉萨市": true,
		"那个市": false, "有个省": false, "一个县": false, "建了全省": false, "这些县": false, "哪个省": false, "那一个县": false, "谁的市": false,
	} {
		if got := canName(form); got != want {
			t.Errorf("canName(%s) = %v, want %v", form, got, want)
		}
	}
}

// 几 after a word that points at a time (这几年, 前几天) asks no count; a later 几 still can.
func TestPointingAtATimeAsksNoCount(t *testing.T) {
	for q, want := range map[string]bool{
		"延安公安队伍这几年违规违纪的情况怎么样?": false,
		"前几天社区民警做了什么?":         false,
		"近几年群众满意度怎么样?":         false,
		"吉林省组建了几个社区警务团队?":      true,
		"这几年建了几个警务室?":          true,
		"民警要多久到现场?":            true,
	} {
		if _, got := askedMeasure(q); got != want {
			t.Errorf("askedMeasure(%s) counts = %v, want %v", q, got, want)
		}
	}
}

func TestGenericUnit(t *testing.T) {
	for u, want := range map[string]bool{
		"派出所": true, "各派出所": true, "基层派出所": true, "这个派出所": true, "公安分局": true, "本所": true,
		"景山派出所": false, "杨浦分局": false, "石桥子派出所": false, "仙童社区警务室": false, "浦江县公安局": false,
	} {
		if got := genericUnit(u); got != want {
			t.Errorf("genericUnit(%s) = %v, want %v", u, got, want)
		}
	}
}

// Staff type years in two digits; a length in years is no year.
func TestQuestionYears(t *testing.T) {
	for q, want := range map[string][]int{
		"滨州18年110接警总数":     {2018},
		"21年运城破了多少电诈案":     {2021},
		"2017年滨州110接了多少警":  {2017},
		"王昆当了18年民警":        nil,
		"近20年来发案降了多少":      nil,
		"18年来,110接了多少警":    nil,
		"他干了整整15年,第16年调走了": nil,
		"增长了3.18年":         nil,
	} {
		if got := questionYears(q); !slices.Equal(got, want) {
			t.Errorf("questionYears(%s) = %v, want %v", q, got, want)
		}
	}
}

// What a typed question asks for, and what holds one: a year is no month and day, and a
// phone number is no year or count.
func TestAskedTypes(t *testing.T) {
	tests := []struct {
		q, text string
		want    bool
	}{
		{"王昆哪年当的民警?", "6月19日下午,王昆在小广场上讲反诈课。", false},
		{"王昆哪年当的民警?", "2011年,王昆从部队转业当了民警。", true},
		{"王昆什么时候讲的反诈课?", "6月19日下午,王昆在小广场上讲反诈课。", true},
		{"反诈专线的号码是多少?", "2023年开通专线21个。", false},
		{"反诈专线的号码是多少?", "专线号码为96110,请接听。", true},
	}
	for _, tt := range tests {
		at, ok := askedFor(tt.q)
		if !ok {
			t.Fatalf("%s: not typed", tt.q)
		}
		if got := at.holds.MatchString(tt.text); got != tt.want {
			t.Errorf("%s / %s: holds = %v, want %v", tt.q, tt.text, got, tt.want)
		}
	}
}

// A sentence that ends by announcing kinds ("…四类养老骗局。") is followed by the one naming
// them; a count of things ("带着两个孩子来了") announces nothing.
func TestAnnouncesList(t *testing.T) {
	for s, want := range map[string]bool{
		"活动中,民警向老年群体剖析了当前高发的四类养老骗局。":         true,
		"县公安局采取了三项措施:":                       true,
		"于是趁着休息天,就带着两个孩子来了。":                 false,
		"剖析了四类养老骗局的识别方法和防范要点,现场老人们纷纷表示受益匪浅。": false,
	} {
		if got := announcesList(s); got != want {
			t.Errorf("announcesList(%s) = %v, want %v", s, got, want)
		}
	}
}
