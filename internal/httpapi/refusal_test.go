package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/fakeopenai"
	openai "github.com/sashabaranov/go-openai"
)

// A model's refusal reaches the user as a refusal in both HTTP front ends — with what the
// collection covers — never as "未通过校验" and an unrelated extract.
func TestModelRefusalFrontEnds(t *testing.T) {
	for _, reply := range []string{
		"所给材料中没有相关内容。",
		"材料中没有关于警犬训练的内容。",
		"抱歉，根据提供的材料，无法回答这个问题。",
		"抱歉，材料未提及警犬训练的具体做法。",
		"文中并未涉及警犬的训练方法。",
		"上述资料中找不到与警犬训练相关的信息。",
		"所给材料没有给出警犬训练方面的介绍。",
		"现有材料不包含警犬训练的内容",
	} {
		fake := fakeopenai.New(fakeopenai.Step{Reply: reply, ChunkRunes: 3})
		_, ts := newTestServer(t, Config{}, memLoader(t, fake))
		q := "派出所的警犬平时是怎么训练的?"
		resp, data := do(t, "POST", ts.URL+"/v1/ask", `{"question":"`+q+`"}`)
		var a answer.Answer
		json.Unmarshal(data, &a)
		if len(fake.Requests()) == 0 {
			t.Fatalf("%s: the model was never asked (refused before it): %s", reply, data)
		}
		if resp.StatusCode != 200 || !a.Refused || !strings.Contains(a.Text, strings.TrimSuffix(reply, "。")) ||
			!strings.Contains(a.Text, "目前收录的材料有") || strings.Contains(a.Text+a.Notice, "未通过校验") {
			t.Errorf("/v1/ask, %s: %d %s", reply, resp.StatusCode, data)
		}
		client := openaiClient(ts.URL, "")
		cc, err := client.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{Model: "jingyan",
			Messages: []openai.ChatCompletionMessage{{Role: "user", Content: q}}})
		if err != nil {
			t.Fatal(err)
		}
		content := cc.Choices[0].Message.Content
		if !strings.Contains(content, strings.TrimSuffix(reply, "。")) || strings.Contains(content, "未通过校验") || strings.Contains(content, "来源：") {
			t.Errorf("chat completions, %s: %q", reply, content)
		}
		fake.Close()
	}
}

// A client that goes away mid-search is no fault of the server's: nginx's 499 and a debug
// line, not "ERROR search: query: context canceled". A real fault stays an error.
func TestHangUpIsNotAnError(t *testing.T) {
	var logs bytes.Buffer
	s, err := New(context.Background(), Config{}, memLoader(t, nil), slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	s.internalError(rec, httptest.NewRequest("GET", "/v1/search?q=x", nil).WithContext(ctx), fmt.Errorf("search: query: %w", context.Canceled))
	if rec.Code != statusClientClosed || strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "client went away") {
		t.Errorf("hang-up: %d, logs %q", rec.Code, logs.String())
	}
	logs.Reset()
	rec = httptest.NewRecorder()
	s.internalError(rec, httptest.NewRequest("GET", "/v1/search?q=x", nil), errors.New("search: index is closed"))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("fault: %d, logs %q", rec.Code, logs.String())
	}
}
