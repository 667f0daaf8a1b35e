package httpapi

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/fakeopenai"
)

func TestLimit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		l      limit
		pieces []string
		want   string
		reason string
	}{
		{"none", limit{}, []string{"甲。", "乙。"}, "甲。乙。", "stop"},
		{"whole sentences", limit{max: 5}, []string{"甲乙。", "丙丁。", "戊。"}, "甲乙。", "length"},
		{"first sentence longer than the budget", limit{max: 3}, []string{"甲乙丙丁。"}, "甲乙丙", "length"},
		{"stop inside a piece", limit{stops: []string{"丙"}}, []string{"甲乙。", "丙丁。"}, "甲乙。", "stop"},
		{"stop across pieces", limit{stops: []string{"乙。丙"}}, []string{"甲乙。", "丙丁。"}, "甲乙。", "stop"},
		{"nothing after the cut", limit{max: 2}, []string{"甲乙", "丙"}, "甲乙", "length"},
	} {
		l := tc.l
		var got strings.Builder
		for _, p := range tc.pieces {
			got.WriteString(l.pass(p))
		}
		got.WriteString(l.flush())
		if got.String() != tc.want || l.reason() != tc.reason {
			t.Errorf("%s: %q %s, want %q %s", tc.name, got.String(), l.reason(), tc.want, tc.reason)
		}
	}
}

// max_tokens and stop are honoured as OpenAI honours them, through the real client, with and
// without an LLM, whole and streamed.
func TestChatMaxTokensAndStop(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Step{Reply: "吉林电诈发案数同比下降24.7%[1]。损失下降[1]。", ChunkRunes: 2})
	defer fake.Close()
	for _, withLLM := range []bool{false, true} {
		load := memLoader(t, nil)
		if withLLM {
			load = memLoader(t, fake)
		}
		_, ts := newTestServer(t, Config{}, load)
		client := openaiClient(ts.URL, "")
		ctx := context.Background()
		// Offline, a question whose answer quotes two reports: the budget cuts after the first.
		question := "各地社区民警占派出所警力多少"
		if withLLM {
			question = "吉林电诈降了多少"
		}
		msgs := []openai.ChatCompletionMessage{{Role: "user", Content: question}}

		full, err := client.CreateChatCompletion(ctx, openai.ChatCompletionRequest{Model: "jingyan", Messages: msgs})
		if err != nil {
			t.Fatal(err)
		}
		body := strings.Split(full.Choices[0].Message.Content, "\n\n来源：")[0]
		first := answer.SplitAnswer(body)[0]
		budget := utf8.RuneCountInString(first) + 1

		for _, stream := range []bool{false, true} {
			// Most front ends still send max_tokens; newer SDKs send max_completion_tokens.
			req := openai.ChatCompletionRequest{Model: "jingyan", Messages: msgs, MaxCompletionTokens: budget}
			if stream {
				//lint:ignore SA1019 the deprecated field is what LobeChat and Open WebUI send
				req = openai.ChatCompletionRequest{Model: "jingyan", Messages: msgs, MaxTokens: budget}
			}
			content, reason := chat(t, client, req, stream)
			text, sources, _ := strings.Cut(content, "\n\n来源：")
			if text != first || reason != "length" {
				t.Errorf("llm %v stream %v: max_tokens %d gave %q (%s), want %q (length)", withLLM, stream, budget, text, reason, first)
			}
			for _, line := range strings.Split(strings.TrimSpace(sources), "\n") {
				if line != "" && !strings.Contains(text, line[:strings.Index(line, "]")+1]) {
					t.Errorf("source %q listed for a sentence that was cut", line)
				}
			}

			req = openai.ChatCompletionRequest{Model: "jingyan", Messages: msgs, Stop: []string{"24.7%"}}
			content, reason = chat(t, client, req, stream)
			if strings.Contains(content, "24.7%") || reason != "stop" {
				t.Errorf("llm %v stream %v: stop gave %q (%s)", withLLM, stream, content, reason)
			}
		}
		_, err = client.CreateChatCompletion(ctx, openai.ChatCompletionRequest{Model: "jingyan", Messages: msgs, MaxCompletionTokens: -1})
		var apiErr *openai.APIError
		if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 400 || apiErr.Param == nil || *apiErr.Param != "max_completion_tokens" {
			t.Errorf("max_completion_tokens -1: %v", err)
		}
		_, err = client.CreateChatCompletion(ctx, openai.ChatCompletionRequest{Model: "jingyan", Messages: msgs, Stop: []string{"a", "b", "c", "d", "e"}})
		if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 400 || apiErr.Param == nil || *apiErr.Param != "stop" {
			t.Errorf("five stops: %v", err)
		}
	}
}

// chat returns a completion's content and finish_reason, whole or streamed.
func chat(t *testing.T, client *openai.Client, req openai.ChatCompletionRequest, stream bool) (string, string) {
	t.Helper()
	ctx := context.Background()
	if !stream {
		resp, err := client.CreateChatCompletion(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return resp.Choices[0].Message.Content, string(resp.Choices[0].FinishReason)
	}
	req.Stream = true
	s, err := client.CreateChatCompletionStream(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var b strings.Builder
	reason := ""
	for {
		chunk, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return b.String(), reason
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range chunk.Choices {
			b.WriteString(c.Delta.Content)
			if c.FinishReason != "" {
				reason = string(c.FinishReason)
			}
		}
	}
}

// Whatever the answer, what a limit lets through is a beginning of it, byte for byte.
func FuzzLimit(f *testing.F) {
	for _, s := range []string{"甲[1]。乙。", "。[", "[1-", "“。”[12]\n", "\xff。[1]", "00000\x8000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l := limit{max: 7, stops: []string{"。["}}
		out := l.passAll(s)
		if !strings.HasPrefix(s, out) {
			t.Errorf("passAll(%q) = %q, not a prefix", s, out)
		}
	})
}
