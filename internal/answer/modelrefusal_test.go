package answer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/fakeopenai"
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
