package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/jingyan/jingyan/internal/fakeopenai"
)

// openaiClient is the real go-openai client pointed at a test server, with token.
func openaiClient(base, token string) *openai.Client {
	cfg := openai.DefaultConfig(token)
	cfg.BaseURL = base + "/v1"
	return openai.NewClientWithConfig(cfg)
}

// The real go-openai client talks to jingyan as it would to any OpenAI-compatible server.
func TestOpenAICompatible(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Step{Reply: "吉林电诈发案数同比下降24.7%[1]。", ChunkRunes: 2})
	defer fake.Close()
	for _, withLLM := range []bool{false, true} {
		var load Loader
		if withLLM {
			load = memLoader(t, fake)
		} else {
			load = memLoader(t, nil)
		}
		_, ts := newTestServer(t, Config{Tokens: []string{"tok"}}, load)
		client := openaiClient(ts.URL, "tok")
		ctx := context.Background()

		models, err := client.ListModels(ctx)
		if err != nil || len(models.Models) != 1 || models.Models[0].ID != "jingyan" {
			t.Fatalf("models = %+v, %v", models, err)
		}

		req := openai.ChatCompletionRequest{Model: "jingyan", Messages: []openai.ChatCompletionMessage{
			{Role: "system", Content: "你是助手"},
			{Role: "user", Content: "吉林电诈降了多少"},
		}}
		resp, err := client.CreateChatCompletion(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		content := resp.Choices[0].Message.Content
		if !strings.Contains(content, "24.7%") || !strings.Contains(content, "来源：\n[1] 《推行“警地融合”机制 激发基层治理动能》（吉林省公安厅）第 3 段") {
			t.Errorf("content = %q", content)
		}
		if resp.Choices[0].FinishReason != "stop" || resp.Object != "chat.completion" {
			t.Errorf("response = %+v", resp)
		}

		// Parts content, streamed.
		req.Messages = []openai.ChatCompletionMessage{{Role: "user", MultiContent: []openai.ChatMessagePart{
			{Type: openai.ChatMessagePartTypeText, Text: "吉林电诈降了多少"},
		}}}
		req.Stream = true
		stream, err := client.CreateChatCompletionStream(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		finish := ""
		for {
			chunk, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range chunk.Choices {
				text.WriteString(c.Delta.Content)
				if c.FinishReason != "" {
					finish = string(c.FinishReason)
				}
			}
		}
		stream.Close()
		if finish != "stop" || !strings.Contains(text.String(), "24.7%") || !strings.Contains(text.String(), "来源：") {
			t.Errorf("streamed %q, finish %q", text.String(), finish)
		}

		// A follow-up: earlier turns are history.
		req.Stream = false
		req.Messages = []openai.ChatCompletionMessage{
			{Role: "user", Content: "吉林社区民警占派出所警力多少?"},
			{Role: "assistant", Content: "49.4%[1]\n\n来源：\n[1] 《…》"},
			{Role: "user", Content: "那河南呢?"},
		}
		if !withLLM {
			resp, err = client.CreateChatCompletion(ctx, req)
			if err != nil || !strings.Contains(resp.Choices[0].Message.Content, "43.9%") {
				t.Errorf("follow-up: %v %+v", err, resp)
			}
		}

		// Errors come back as API errors.
		_, err = openaiClient(ts.URL, "wrong").ListModels(ctx)
		var apiErr *openai.APIError
		if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 401 {
			t.Errorf("wrong token: %v", err)
		}
	}
}

// An LLM stream cut after its first sentence: an OpenAI-compatible stream cannot take text
// back, so what reached the client before the notice is whole verified sentences — never half
// of one — and the extractive answer follows the notice.
func TestChatStreamCutMidway(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Step{Reply: "吉林电信网络诈骗发案数同比下降24.7%[1]。第二句说到一半就断了", ChunkRunes: 3, CutAfter: 12})
	defer fake.Close()
	_, ts := newTestServer(t, Config{}, memLoader(t, fake))
	resp, err := http.Post(ts.URL+"/v1/chat/completions", "application/json",
		strings.NewReader(`{"model":"jingyan","stream":true,"messages":[{"role":"user","content":"吉林电诈降了多少"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var content strings.Builder
	for _, ev := range readSSE(t, resp.Body) {
		var chunk struct {
			Choices []struct {
				Delta struct{ Content string } `json:"delta"`
			} `json:"choices"`
		}
		if json.Unmarshal([]byte(ev.data), &chunk) == nil && len(chunk.Choices) > 0 {
			content.WriteString(chunk.Choices[0].Delta.Content)
		}
	}
	got := content.String()
	before, after, found := strings.Cut(got, "（大模型")
	if !found || strings.Contains(got, "第二句") || !strings.Contains(after, "24.7%") {
		t.Fatalf("content:\n%s", got)
	}
	if b := strings.TrimSpace(before); b != "" && !strings.HasSuffix(b, "。[1]") && !strings.HasSuffix(b, "[1]。") {
		t.Errorf("text before the notice is not whole sentences: %q", b)
	}
}

// As OpenAI answers them, through go-openai: another model is 404 model_not_found, n > 1 is
// 400 naming n, and usage comes as a last chunk with no choices only when include_usage asks.
func TestOpenAIFit(t *testing.T) {
	_, ts := newTestServer(t, Config{}, memLoader(t, nil))
	client := openaiClient(ts.URL, "")
	ctx := context.Background()
	msgs := []openai.ChatCompletionMessage{{Role: "user", Content: "吉林电诈降了多少"}}

	_, err := client.CreateChatCompletion(ctx, openai.ChatCompletionRequest{Model: "gpt-4o", Messages: msgs})
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 404 || apiErr.Code != "model_not_found" || apiErr.Param == nil || *apiErr.Param != "model" {
		t.Errorf("unknown model: %v %+v", err, apiErr)
	}
	_, err = client.CreateChatCompletion(ctx, openai.ChatCompletionRequest{Model: "jingyan", Messages: msgs, N: 2})
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 400 || apiErr.Param == nil || *apiErr.Param != "n" {
		t.Errorf("n = 2: %v %+v", err, apiErr)
	}

	for _, include := range []bool{false, true} {
		req := openai.ChatCompletionRequest{Model: "jingyan", Messages: msgs, Stream: true}
		if include {
			req.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
		}
		stream, err := client.CreateChatCompletionStream(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		usageChunks, last := 0, openai.ChatCompletionStreamResponse{}
		for {
			chunk, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if chunk.Usage != nil {
				usageChunks++
			}
			last = chunk
		}
		stream.Close()
		if include && (usageChunks != 1 || last.Usage == nil || len(last.Choices) != 0) {
			t.Errorf("include_usage: %d usage chunks, last %+v", usageChunks, last)
		}
		if !include && usageChunks != 0 {
			t.Errorf("usage sent without include_usage")
		}
	}
}

// While the LLM is slow, a started stream sends headers at once and SSE comments every
// KeepAlive, which the openai SDKs skip.
func TestStreamKeepAlive(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Step{Reply: "吉林电诈发案数同比下降24.7%[1]。", Delay: 400 * time.Millisecond})
	defer fake.Close()
	_, ts := newTestServer(t, Config{KeepAlive: 50 * time.Millisecond}, memLoader(t, fake))
	start := time.Now()
	resp, err := http.Post(ts.URL+"/v1/chat/completions", "application/json",
		strings.NewReader(`{"model":"jingyan","stream":true,"messages":[{"role":"user","content":"吉林电诈降了多少"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if waited := time.Since(start); waited > 300*time.Millisecond {
		t.Errorf("headers after %v, not before the LLM answered", waited)
	}
	data, _ := io.ReadAll(resp.Body)
	if n := strings.Count(string(data), ": keep-alive\n\n"); n < 3 {
		t.Errorf("%d keep-alive comments in %s", n, data)
	}
	if !strings.Contains(string(data), "24.7%") || !strings.HasSuffix(string(data), "data: [DONE]\n\n") {
		t.Errorf("stream = %s", data)
	}
}
