package answer_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/jingyan/jingyan/index"
	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/fakeopenai"
	"github.com/jingyan/jingyan/internal/mock"
)

// A model's refusal is a refusal, however it is worded: alone, it becomes jingyan's refusal
// with what the collection covers; before cited content, both stay. Never the fallback.
func TestModelRefusalKept(t *testing.T) {
	alone := []string{
		"所给材料中没有相关内容。",
		"材料中没有关于警犬训练的内容。",
		"根据提供的材料，无法回答这个问题。",
		"抱歉，材料未提及警犬训练的具体做法。",
		"文中并未涉及警犬训练。",
		"上述资料中找不到与警犬训练相关的信息。",
		"所给材料没有给出警犬训练方面的介绍。",
		"很抱歉，提供的资料中没有找到关于警犬训练的相关信息，无法作答。",
		"现有材料不包含警犬训练的内容",
	}
	const question = "吉林省电信网络诈骗发案数下降了多少?"
	for _, reply := range alone {
		for _, trailing := range []bool{false, true} {
			text := reply
			if trailing {
				text += "材料主要介绍了吉林省电信网络诈骗发案数同比下降24.7%[1]。"
			}
			srv := fakeopenai.New(fakeopenai.Step{ChunkRunes: 4, ReplyFunc: func(string) string { return text }})
			e, c := newEngine(t, answer.Config{}, srv)
			ans, err := e.Ask(context.Background(), answer.Question{Text: question})
			srv.Close()
			if err != nil {
				t.Fatal(err)
			}
			first := strings.TrimSuffix(strings.TrimSuffix(reply, "。"), "内容")
			switch {
			case ans.Mode != answer.ModeLLM || ans.Notice != "":
				t.Errorf("%q: fell back (%s): %s", text, ans.Notice, ans.Text)
			case !strings.Contains(ans.Text, first):
				t.Errorf("%q: the model's refusal is gone: %s", text, ans.Text)
			case !trailing && (!ans.Refused || !strings.Contains(ans.Text, "目前收录的材料有")):
				t.Errorf("%q: not a refusal with what the collection covers: %+v", text, ans)
			case trailing && (ans.Refused || !strings.Contains(ans.Text, "24.7%") || len(ans.Citations) != 1):
				t.Errorf("%q: the cited part is lost: %+v", text, ans)
			}
			checkCited(t, c, ans)
		}
	}
}

// A question about a place the collection has is answered from that place's report, or told
// what that report covers — never with another province's text — asked outright or as a
// follow-up, offline and with an LLM.
func TestPlaceScope(t *testing.T) {
	history := []answer.Turn{{Role: "user", Text: "吉林警地融合是怎么运作的?"}, {Role: "assistant", Text: "吉林省公安厅：强化力量统筹……[1]"}}
	tests := []struct {
		q       answer.Question
		refused bool
		want    string
	}{
		{answer.Question{Text: "河南警地融合是怎么运作的?"}, true, "（河南省公安厅）没有写到“警地融合”"},
		{answer.Question{Text: "那河南呢?", History: history}, true, "（河南省公安厅）没有写到"},
		{answer.Question{Text: "河南社区民警占派出所警力多少"}, false, "43.9%"},
	}
	for _, withLLM := range []bool{false, true} {
		var srv *fakeopenai.Server
		if withLLM {
			srv = fakeopenai.New(fakeopenai.Step{ReplyFunc: func(user string) string {
				if strings.Contains(user, "那河南呢") { // the rewrite of the follow-up
					return "河南警地融合是怎么运作的?"
				}
				return citeFirst(user)
			}})
		}
		e, c := newEngine(t, answer.Config{}, srv)
		for _, tt := range tests {
			ans, err := e.Ask(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if ans.Refused != tt.refused || (!withLLM || tt.refused) && !strings.Contains(ans.Text, tt.want) {
				t.Errorf("llm %v, %s: refused %v, want %v with %q:\n%s", withLLM, tt.q.Text, ans.Refused, tt.refused, tt.want, ans.Text)
			}
			for _, ct := range ans.Citations {
				if ct.Org != "河南省公安厅" {
					t.Errorf("llm %v, %s: cites %s", withLLM, tt.q.Text, ct.Org)
				}
			}
			checkCited(t, c, ans)
		}
		if srv != nil {
			srv.Close()
		}
	}
}

// A question asking for a kind of item — a person, a unit, a time, money — that the passages
// on its topic do not hold is refused naming the gap; one whose passages hold it is answered.
func TestTypedAnswerability(t *testing.T) {
	e, _ := newEngine(t, answer.Config{}, nil)
	tests := []struct {
		q       string
		refused bool
		gap     string
	}{
		{"延安公安花了多少钱建警务室?", true, "具体金额"},
		{"江苏公安是什么时候开通外国人工作许可一窗通办的?", true, "具体时间"},
		{"吉林警地融合专项工作组的组长姓名是什么?", true, "具体人员"},
		{"吉林省公安厅投入多少钱给派出所配装备?", false, "7000余万元"},
		{"吉林警地融合专项工作组是谁牵头的?", false, "省公安厅牵头"},
	}
	for _, tt := range tests {
		ans, err := e.Ask(context.Background(), answer.Question{Text: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Refused != tt.refused || !strings.Contains(ans.Text, tt.gap) {
			t.Errorf("%s: refused %v, want %v with %q:\n%s", tt.q, ans.Refused, tt.refused, tt.gap, ans.Text)
		}
	}
}

// TestNamelessPlace: a place no report names is refused, but a report that names no place at
// all (a city bureau's release saying only "市公安局") may be its own, so the refusal quotes
// what it says on the question for the asker to judge — never a report naming another place.
func TestNamelessPlace(t *testing.T) {
	seed, err := fs.ReadFile(index.FS, "sources/000_ccab301167ee6906.txt")
	if err != nil {
		t.Fatal(err)
	}
	ix := mock.IndexFiles(t, map[string]string{
		"seed.txt": string(seed),
		"新建文本文档.txt": "1月7日,市公安局召开新闻发布会,通报过去一年的工作成果。\n\n" +
			"2024年,全市公安机关破获传统侵财案件1787起、电信网络诈骗案件1295起,全市刑事发案同比下降24.9%。\n\n" +
			"全市建成社区警务室42个,民警每周走访群众不少于3次。\n",
	})
	tests := []struct {
		q, place string
		offer    bool
	}{
		{"哈尔滨电信网络诈骗案件破了多少起?", "哈尔滨", true},
		{"拉萨警犬是怎么训练的?", "拉萨", false},
		{"拉萨的派出所是怎么开展双语教学的?", "拉萨", false},
	}
	for _, withLLM := range []bool{false, true} {
		var srv *fakeopenai.Server
		if withLLM {
			srv = fakeopenai.New(fakeopenai.Step{ReplyFunc: citeFirst})
		}
		e := mock.Engine(t, ix, answer.Config{}, srv)
		for _, tt := range tests {
			ans, err := e.Ask(context.Background(), answer.Question{Text: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if !ans.Refused || !strings.HasPrefix(ans.Text, "材料中没有关于“"+tt.place+"”的内容。") {
				t.Errorf("llm %v, %s: not refused for the place:\n%s", withLLM, tt.q, ans.Text)
			}
			offered := strings.Contains(ans.Text, "以下出自未写明地区的材料")
			if offered != tt.offer || tt.offer && !strings.Contains(ans.Text, "1295起") {
				t.Errorf("llm %v, %s: offer %v, want %v:\n%s", withLLM, tt.q, offered, tt.offer, ans.Text)
			}
			for _, ct := range ans.Citations {
				if ct.Org != "" {
					t.Errorf("llm %v, %s: cites %s, a report naming its place", withLLM, tt.q, ct.Org)
				}
			}
		}
		if srv != nil {
			srv.Close()
		}
	}
}

// A word that asks for a figure (比例) is not a topic the place's report must write: 延安's
// report gives its satisfaction as 98.35% without the word 比例.
func TestFigureWordIsNoTopic(t *testing.T) {
	e, c := newEngine(t, answer.Config{}, nil)
	ans, err := e.Ask(context.Background(), answer.Question{Text: "延安群众满意的比例有多高"})
	if err != nil {
		t.Fatal(err)
	}
	if ans.Refused || len(ans.Citations) == 0 || ans.Citations[0].Org != "陕西省延安市公安局" {
		t.Errorf("refused %v:\n%s", ans.Refused, ans.Text)
	}
	checkCited(t, c, ans)
}
