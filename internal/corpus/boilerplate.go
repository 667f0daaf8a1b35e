package corpus

import (
	"regexp"
	"strings"

	"github.com/jingyan/jingyan/internal/normalize"
	"unicode/utf8"
)

// Page furniture is recognised by what it is for, the same on any site: reading controls,
// counters, share and print buttons, copyright and filing notices, contact and disclaimer
// lines, links out. These phrases mark such lines; a body sentence that merely mentions one
// is longer than furniture ever is, so only short lines are dropped.
var furnitureRE = regexp.MustCompile(`(?i)字号|字体[:：]?\s*[大中小]|放大字体|缩小字体|打印本页|打印此页|关闭窗口|` +
	`分享到|扫一扫|上一篇|下一篇|返回顶部|返回首页|相关链接|相关新闻|相关阅读|相关文章|推荐阅读|` +
	`版权所有|copyright|©|icp备|网安备|浏览次数|阅读次数|点击数|点击量|浏览量|阅读量|访问量|` +
	`【\s*(打印|关闭|收藏)\s*】|查看原文|原文链接|阅读原文|文章图片|图片来源|免责声明|如有侵权|版权归原作者|` +
	`商务合作|广告合作|责任编辑|文章字数|字数[:：]|app\s*下载|下载\s*app|客户端下载`)

// Contact lines: a contact word used as a label ("举报电话:023-…", "邮箱:x@qq.com").
var contactRE = regexp.MustCompile(`(举报|联系|咨询|投诉|服务)?(电话|手机|邮箱|微信|地址|传真|邮编|qq)\s*[:：/]`)

// Breadcrumbs: "当前位置: 首页 » 新闻", "地方网 > 广西 > 桂林市 > 正文".
var breadcrumbRE = regexp.MustCompile(`^\s*(当前位置|您的位置|您现在的位置|所在位置)|([^>»›]{1,12}\s*[>»›]\s*){2,}`)

var urlRE = regexp.MustCompile(`(?i)https?://|www\.[a-z0-9-]+\.`)

// inlineFurniture is furniture run into body text by converters: "第1页共4页".
var inlineFurniture = regexp.MustCompile(`第\s*\d+\s*页\s*[,，/／]?\s*共\s*\d+\s*页`)

// isBoilerplate reports a line that is page furniture, never report text.
func isBoilerplate(s string) bool {
	n := utf8.RuneCountInString(s)
	han := normalize.HanCount(s)
	switch {
	case han == 0 && n < 200:
		return true // separators, bare URLs, dates, counters
	case n <= 120 && furnitureRE.MatchString(s):
		return true
	case n <= 100 && contactRE.MatchString(s):
		return true
	case urlRE.MatchString(s) && han < 30:
		return true // a link out or an advert
	case n <= 6 && strings.Contains(s, "图"):
		return true // a picture placeholder
	case n < 2:
		return true // a stray character from a pager or a list mark
	case n <= 80 && breadcrumbRE.MatchString(s):
		return true
	}
	return false
}

// Bylines and metadata rows carry labelled fields: "发布者:兴庆分局 时间:2025-07-23 来源:兴庆分局",
// "索 引 号: | … | 发布机构: | 市政务服务中心 |", "（记者 张三 通讯员 李四）", and a paper's
// front matter, "关键词:非警务类警情;分流处置;现状;对策", "中图分类号:D631": it names what the
// whole report is about (it joins the report's head) and answers nothing as a passage.
var bylineKeyRE = regexp.MustCompile(`(来\s*源|发\s*布\s*者|发布机构|发布单位|信息来源|作\s*者|记\s*者|通讯员|编\s*辑|` +
	`审\s*核|责任编辑|发布时间|发布日期|公开日期|成文日期|更新时间|时间戳|时\s*间|日\s*期|索\s*引\s*号|主题分类|文\s*号|所属机构|` +
	`点\s*击|浏\s*览|文\s*/\s*图|文|图|摄影|撰文|关\s*键\s*词|关键字|中图分类号|文献标识码|文章编号)\s*[:：|/]`)

// A credit: "四川在线记者 伍力", "记者 胡晨歆", "通讯员 张三 李四", or a paper's authors and
// affiliation with its postcode: "李长安(广州市公安局 指挥中心调研处,广东 广州510000)",
// "蔡 田,陈建中(上海市公安局杨浦分局, 上海 200090)" (a two-character name is often spaced).
var creditRE = regexp.MustCompile(`(记者|通讯员|摄影|编辑)\s*\p{Han}{2,4}(\s+\p{Han}{2,4})*\s*$|` +
	`^(?:\p{Han}(?:\s?\p{Han}){1,3}\s*[,，、]?\s*){1,6}[（(][^）)]{2,60}\d{6}\s*[）)]$`)

// A source and a time, or a time and a name, alone on a line: "中国人民公安大学出版社
// 2024/8/2 10:40:32", "2021-02-28陈浩".
var stampRE = regexp.MustCompile(`\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}`)

var dateInRE = regexp.MustCompile(`\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?`)

// byline reads a metadata row. ok is false for ordinary text. org is the publishing unit
// named in it, when there is one; date the first date.
func byline(s string) (org, date string, ok bool) {
	if utf8.RuneCountInString(s) > 120 || strings.ContainsAny(s, "。！？") {
		return "", "", false
	}
	keys := bylineKeyRE.FindAllStringSubmatchIndex(s, -1)
	if len(keys) == 0 || (len(keys) == 1 && keys[0][0] > 0 && !strings.HasPrefix(s, "（") && !strings.HasPrefix(s, "(")) {
		return stamp(s)
	}
	date = strings.TrimSpace(dateInRE.FindString(s))
	for i, k := range keys {
		key := strings.Join(strings.Fields(s[k[2]:k[3]]), "")
		if !strings.Contains("来源发布者发布机构发布单位信息来源所属机构", key) {
			continue
		}
		end := len(s)
		if i+1 < len(keys) {
			end = keys[i+1][0]
		}
		val := strings.Trim(dateInRE.ReplaceAllString(s[k[1]:end], ""), " |｜:：")
		if isUnitLine(val) {
			org = val
			break
		}
	}
	return org, date, true
}

// stamp reads a credit or a source-and-time line without labels. Its source is a publisher
// more often than the unit that did the work, so it gives no unit.
func stamp(s string) (org, date string, ok bool) {
	n := utf8.RuneCountInString(s)
	if !(n <= 80 && creditRE.MatchString(s)) && !(n <= 40 && stampRE.MatchString(s) && !strings.ContainsAny(s, "，,；;、")) {
		return "", "", false
	}
	return "", strings.TrimSpace(dateInRE.FindString(s)), true
}
