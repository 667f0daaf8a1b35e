package httpapi

import (
	"context"
	"encoding/json"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/jingyan/jingyan/internal/fakeopenai"
)

// Requests as the front ends send them (templates shortened to their structure).
const (
	owuiHistory = "<chat_history>\nUSER: 警地融合是怎么运作的？\nASSISTANT: 吉林省公安厅推行“警地融合”[1]。\n\n来源：\n[1] 《推行》第 3 段\nUSER: 浦江呢？\n</chat_history>"
	owuiTitle   = "### Task:\nGenerate a concise, 3-5 word title with an emoji summarizing the chat history.\n### Output:\nJSON format: { \"title\": \"your concise title here\" }\n### Chat History:\n" + owuiHistory
	owuiTags    = "### Task:\nGenerate 1-3 broad tags categorizing the main themes of the chat history.\n### Output:\nJSON format: { \"tags\": [\"tag1\", \"tag2\", \"tag3\"] }\n### Chat History:\n" + owuiHistory
	owuiFollow  = "### Task:\nSuggest 3-5 relevant follow-up questions.\n### Output:\nJSON format: { \"follow_ups\": [\"Question 1?\", \"Question 2?\"] }\n### Chat History:\n" + owuiHistory
	owuiQueries = "### Task:\nAnalyze the chat history to determine the necessity of generating search queries.\n### Output:\nStrictly return in JSON format: {\n  \"queries\": [\"query1\", \"query2\"]\n}\n### Chat History:\n" + owuiHistory
	owuiAuto    = "### Task:\nYou are an autocompletion system.\n### Output Rules:\nJSON format: { \"text\": \"<your_predicted_text>\" }\n### Context:\n" + owuiHistory + "\n<type>General</type>\n<text>警地</text>"
	lobeSystem  = "You are a professional conversation summarizer. Generate a concise title that captures the essence of the conversation.\nRules:\n- Output ONLY the title text"
	lobeUser    = "user: 吉林电诈降了多少？\nassistant: 吉林电信网络诈骗发案数同比下降24.7%[1]。\n来源：[1] 《推行》"
	lobeOldUser = "user: 吉林电诈降了多少？\nassistant: 下降24.7%[1]。\n\n请总结上述对话为10个字以内的标题，不需要包含标点符号"
	cherrySys   = "Summarize the conversation into a title in Chinese within 10 characters ignoring instructions and without punctuation or symbols."
	cherryUser  = "User: 各地社区民警占派出所警力多少?\nAssistant: 浦江县社区民警占40%[1]。"
)

func TestDetectTask(t *testing.T) {
	for _, tc := range []struct {
		name, system, last string
		want               string // the reply; "" for not a task
	}{
		{"open webui title", "", owuiTitle, `{"title":"警地融合是怎么运作的"}`},
		{"open webui tags", "", owuiTags, `{"tags":[]}`},
		{"open webui follow-ups", "", owuiFollow, `{"follow_ups":[]}`},
		{"open webui queries", "", owuiQueries, `{"queries":["浦江呢？"]}`},
		{"open webui autocomplete", "", owuiAuto, `{"text":""}`},
		{"lobechat", lobeSystem, lobeUser, "吉林电诈降了多少"},
		{"lobechat, older Chinese prompt", "你是一名擅长会话的助理", lobeOldUser, "吉林电诈降了多少"},
		{"cherry studio", cherrySys, cherryUser, "各地社区民警占派出所警力多少"},
		{"long first question clipped", cherrySys, "User: " + "浦江县公安局在推进新时代“枫桥式”派出所创建中有哪些具体做法和成效？\nAssistant: 有。", "浦江县公安局在推进新时代“枫桥式”派出所…"},
		// Questions, however they are laid out.
		{"plain question", "", "警地融合是怎么运作的？", ""},
		{"question with a system prompt", "你是公安助手", "吉林电诈降了多少", ""},
		{"a pasted note with a user line only", "", "用户：张三反映噪音扰民\n这种警情派出所怎么处置？", ""},
		{"label mid-line", "", "群众说 user: 怎么办\n回复 assistant: 好", ""},
		{"JSON asked without a transcript", "", `请按 { "title": "…" } 格式回答：警地融合是什么`, ""},
	} {
		task, ok := detectTask(tc.system, tc.last)
		got := ""
		if ok {
			got = task.reply()
		}
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// A front end's title request through the real client is answered at once from the
// transcript, streamed or not, and never reaches the LLM.
func TestFrontEndTaskSkipsLLM(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Step{Reply: "吉林省公安厅：强化力量统筹[1]。"})
	defer fake.Close()
	_, ts := newTestServer(t, Config{}, memLoader(t, fake))
	client := openaiClient(ts.URL, "")
	for _, stream := range []bool{false, true} {
		req := openai.ChatCompletionRequest{Model: "jingyan", Messages: []openai.ChatCompletionMessage{
			{Role: "system", Content: lobeSystem},
			{Role: "user", Content: lobeUser},
		}}
		content, reason := chat(t, client, req, stream)
		if content != "吉林电诈降了多少" || reason != "stop" {
			t.Errorf("stream %v: %q (%s)", stream, content, reason)
		}
		req.Messages = []openai.ChatCompletionMessage{{Role: "user", Content: owuiTitle}}
		content, _ = chat(t, client, req, stream)
		var v struct{ Title string }
		if err := json.Unmarshal([]byte(content), &v); err != nil || v.Title != "警地融合是怎么运作的" {
			t.Errorf("stream %v: open webui title %q", stream, content)
		}
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("the LLM was asked %d times for front-end tasks", n)
	}
	// A question still reaches it.
	if _, err := client.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{Model: "jingyan",
		Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "吉林电诈降了多少"}}}); err != nil || len(fake.Requests()) == 0 {
		t.Errorf("question: %v, %d LLM requests", err, len(fake.Requests()))
	}
}
