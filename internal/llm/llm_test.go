package llm

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/fakeopenai"
)

const secret = "sk-test-SECRET-do-not-log"

func client(srv *fakeopenai.Server, key string) *Client {
	return New(Config{BaseURL: srv.URL(), APIKey: key, Model: "m", Timeout: 2 * time.Second,
		MaxRetries: 2, BackoffBase: 10 * time.Millisecond}, nil, nil)
}

var msgs = []answer.Message{{Role: "system", Content: "规则"}, {Role: "user", Content: "问题"}}

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{"OPENAI_API_KEY": " k ", "OPENAI_BASE_URL": "http://x/v1", "JINGYAN_MODEL": "qwen"}
	c := ConfigFromEnv(func(k string) string { return env[k] })
	if c.APIKey != "k" || c.BaseURL != "http://x/v1" || c.Model != "qwen" || !c.Enabled() {
		t.Errorf("config = %+v", c)
	}
	if (Config{}).Enabled() {
		t.Error("empty config enabled")
	}
	if !(Config{BaseURL: "http://localhost:11434/v1"}).Enabled() {
		t.Error("a base URL without a key (Ollama) should enable the LLM")
	}
}

func TestCompleteNonStream(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Step{Reply: "吉林全省社区民警占派出所警力49.4%[1]。"})
	defer srv.Close()
	comp, err := client(srv, secret).Complete(context.Background(), msgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if comp.Text != "吉林全省社区民警占派出所警力49.4%[1]。" || comp.PromptTokens != 100 || comp.CompletionTokens == 0 {
		t.Errorf("completion = %+v", comp)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Auth != "Bearer "+secret || reqs[0].Model != "m" || reqs[0].Stream || len(reqs[0].Messages) != 2 {
		t.Errorf("requests = %+v", reqs)
	}
}

func TestNoKeyNoAuthHeader(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Step{Reply: "好。"})
	defer srv.Close()
	if _, err := client(srv, "").Complete(context.Background(), msgs, nil); err != nil {
		t.Fatal(err)
	}
	if auth := srv.Requests()[0].Auth; auth != "" {
		t.Errorf("Authorization sent without a key: %q", auth)
	}
}

func TestStream(t *testing.T) {
	reply := "第一句[1]。第二句[2]。"
	srv := fakeopenai.New(fakeopenai.Step{Reply: reply, ChunkRunes: 3})
	defer srv.Close()
	var got strings.Builder
	deltas := 0
	comp, err := client(srv, secret).Complete(context.Background(), msgs, func(d string) { got.WriteString(d); deltas++ })
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != reply || comp.Text != reply || deltas < 3 {
		t.Errorf("streamed %q in %d deltas, completion %q", got.String(), deltas, comp.Text)
	}
	if comp.PromptTokens != 100 {
		t.Errorf("stream usage not recorded: %+v", comp)
	}
	if !srv.Requests()[0].Stream {
		t.Error("request was not a stream")
	}
}

func TestRetryAfter429(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Step{Status: 429, RetryAfter: "1"}, fakeopenai.Step{Reply: "好。"})
	defer srv.Close()
	start := time.Now()
	comp, err := client(srv, secret).Complete(context.Background(), msgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if comp.Text != "好。" || len(srv.Requests()) != 2 {
		t.Errorf("text %q after %d requests", comp.Text, len(srv.Requests()))
	}
	if el := time.Since(start); el < time.Second {
		t.Errorf("retried after %s, before Retry-After: 1", el)
	}
}

func TestServerErrorsExhaustRetries(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Step{Status: 500})
	defer srv.Close()
	_, err := client(srv, secret).Complete(context.Background(), msgs, nil)
	if err == nil {
		t.Fatal("500s succeeded")
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d requests, want 1 + 2 retries", n)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error leaks the key: %v", err)
	}
}

func TestBadRequestNotRetried(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Step{Status: 400})
	defer srv.Close()
	if _, err := client(srv, secret).Complete(context.Background(), msgs, nil); err == nil {
		t.Fatal("400 succeeded")
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("a 400 was retried: %d requests", n)
	}
}

func TestStreamCutAfterTextIsNotRetried(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Step{Reply: "第一句[1]。第二句[2]。", ChunkRunes: 2, CutAfter: 2})
	defer srv.Close()
	var got strings.Builder
	_, err := client(srv, secret).Complete(context.Background(), msgs, func(d string) { got.WriteString(d) })
	if !errors.Is(err, ErrStreamCut) {
		t.Fatalf("err = %v, want ErrStreamCut", err)
	}
	if got.String() != "第一句[" || len(srv.Requests()) != 1 {
		t.Errorf("delivered %q over %d requests", got.String(), len(srv.Requests()))
	}
}

func TestStreamCutBeforeTextIsRetried(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Step{Reply: "", CutAfter: 1}, fakeopenai.Step{Reply: "好。"})
	defer srv.Close()
	var got strings.Builder
	if _, err := client(srv, secret).Complete(context.Background(), msgs, func(d string) { got.WriteString(d) }); err != nil {
		t.Fatal(err)
	}
	if got.String() != "好。" || len(srv.Requests()) != 2 {
		t.Errorf("delivered %q over %d requests", got.String(), len(srv.Requests()))
	}
}

func TestMidStreamError(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Step{Reply: "第一句。第二句。", MidError: true})
	defer srv.Close()
	_, err := client(srv, secret).Complete(context.Background(), msgs, func(string) {})
	if err == nil {
		t.Fatal("mid-stream error succeeded")
	}
}

func TestHangBoundedByDeadline(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Step{Delay: time.Minute})
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := client(srv, secret).Complete(ctx, msgs, func(string) {})
	if err == nil {
		t.Fatal("hang succeeded")
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("hang returned after %s", el)
	}
}

func TestRetryAfterBeyondDeadlineGivesUp(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Step{Status: 429, RetryAfter: "30"})
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	if _, err := client(srv, secret).Complete(ctx, msgs, nil); err == nil {
		t.Fatal("succeeded")
	}
	if el := time.Since(start); el > 500*time.Millisecond {
		t.Errorf("waited %s for a retry that could not finish in time", el)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{"0.5", 500 * time.Millisecond, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
