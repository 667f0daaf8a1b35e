package answer

import (
	"regexp"
	"strings"
)

// A person is a name after a post ("所长杨叶峰", "民警余郅峰") or before a word only people
// take ("刘士琦形容", "庞昊协调"), a name being a common surname and one or two characters.

// What a question asks for, from its form — a person, a unit, a time, an amount of money —
// and what a passage must hold to answer it. Only the form of the question is read, never its
// topic, so it holds on any collection; a question of a form not listed here is not typed and
// goes through the other checks as before.

// askedType is one kind of item a question can ask for.
type askedType struct {
	name  string         // what is missing, as the refusal says it: "具体人员", "具体时间"
	asks  pattern        // the question's form
	holds *regexp.Regexp // an item of the kind in a passage
	// exact: holds finds the item itself, so a long sentence is quoted around it. A unit is
	// found by the character it ends in (局, 部, 所), which 部署 and 所有 end in too.
	exact bool
}

var (
	unitWordRE = `(?:公司|集团|银行|医院|学校|大学|学院|协会|委员会|中心|政府|法院|检察院|局|厅|部|委|办|所|队|站|室|处|科)`
	personRE   = `(?:民警|辅警|所长|局长|厅长|政委|书记|队长|警官|主任|教导员|警长|组长|负责人|通讯员|记者)\s*[张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向汤庞]\p{Han}{1,2}|[张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向汤庞]\p{Han}{1,2}(?:同志|警官|说|介绍|表示|告诉|形容|协调|带领)`
)

// askedTypes, most specific first: "哪位民警" asks for a person, "哪个单位" for a unit.
var askedTypes = []askedType{
	{"具体人员", mustPattern(`哪位|哪个人|哪些人员|姓名|叫什么名字|名字是`), regexp.MustCompile(personRE), true},
	{"具体人员或单位", mustPattern(`谁`), regexp.MustCompile(personRE + `|\p{Han}{2,12}` + unitWordRE + `|由\p{Han}{2,12}(?:牵头|负责|组织|承担)`), false},
	{"具体单位", mustPattern(`哪家|哪个单位|什么单位|哪些单位|哪个部门|哪些部门|什么部门|什么公司|哪个公司|哪个机构|什么机构`), regexp.MustCompile(`\p{Han}{2,12}` + unitWordRE), false},
	{"具体年份", mustPattern(`哪年|哪一年|哪个年份|什么年份|几几年`), regexp.MustCompile(`(?:19|20)\d{2}\s*年|去年|今年|前年`), true},
	{"具体时间", mustPattern(`什么时候|何时|哪天|哪一天|几月|几号|什么时间|哪个月|起始时间|从何`), regexp.MustCompile(`\d{4}\s*年|\d{1,2}\s*月|\d{1,2}\s*[日号]|[一二三四五六七八九十]+月|去年|今年|前年|年初|年底|年末|上半年|下半年|春节|国庆|以来|期间`), true},
	{"具体号码", mustPattern(`电话号码|号码是多少|号码是什么|什么号码|哪个号码|电话是多少|热线是多少|打什么电话|拨打什么电话|拨什么电话|打哪个电话|电话是什么`), regexp.MustCompile(`(?:^|[^\d.])\d{3,}(?:[-－]\d{3,})?(?:[^\d.%％年月日号万亿个名人起件次元条项]|$)`), true},
	{"具体金额", mustPattern(`多少钱|工资|薪资|薪酬|花了多少|投入了?多少|经费.{0,4}多少|资金.{0,4}多少|费用.{0,4}多少|多少(?:万|亿)?元|罚款多少|奖金`), regexp.MustCompile(`\d+(?:\.\d+)?\s*(?:余|多)?\s*(?:万|亿)?\s*(?:余|多)?\s*元|[¥￥]\s*\d|[一二三四五六七八九十百千万亿]+元`), true},
}

// askedFor returns the kind of item a question asks for, if it is of a typed form.
func askedFor(q string) (askedType, bool) {
	for _, t := range askedTypes {
		if t.asks.MatchString(q) {
			return t, true
		}
	}
	return askedType{}, false
}

// item finds the kind of item a question asks for in a text, other than one the question
// names itself: "哪些事不归110管,该打什么电话?" is not answered by a sentence about 110.
type item struct {
	re       *regexp.Regexp
	question string // normalized
}

// digitRunRE is the figure of an item with one (a number, a date), which is what the
// question may already name.
var digitRunRE = regexp.MustCompile(`\d[\d\-－]*\d|\d`)

// in reports whether text holds an item the question does not name.
func (k *item) in(text string) bool {
	if k == nil {
		return false
	}
	for _, m := range k.re.FindAllString(text, -1) {
		core := m
		if d := digitRunRE.FindString(m); d != "" {
			core = d
		}
		if !strings.Contains(k.question, core) {
			return true
		}
	}
	return false
}
