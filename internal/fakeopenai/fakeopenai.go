// Package fakeopenai is a scripted OpenAI-compatible chat server for tests: real HTTP, so the
// real go-openai client is exercised, with rate limits, server errors, hangs and cut streams
// on demand.
package fakeopenai

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Step is the server's behaviour for one request.
type Step struct {
	Status     int           // an error status (429, 500…) answered with {"error":…}; 0 means 200
	RetryAfter string        // Retry-After header value with Status
	Delay      time.Duration // wait before answering (a hang, when longer than the client waits)
	Reply      string        // the answer text
	// ReplyFunc builds the answer from the request's last user message; it wins over Reply.
	ReplyFunc  func(user string) string
	ChunkRunes int  // stream: runes per chunk (default 4)
	CutAfter   int  // stream: end the connection after this many chunks, no finish, no [DONE]
	MidError   bool // stream: send an {"error":…} event after the first chunk
	// FailWhen answers 500 to requests whose last user message it matches.
	FailWhen func(user string) bool
}

// Request is what the server received.
type Request struct {
	Auth     string // Authorization header
	Model    string
	Stream   bool
	Messages []Message
}

// Message is one chat message of a request.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Server is the fake. Steps are used in order; the last one repeats.
type Server struct {
	*httptest.Server
	mu    sync.Mutex
	steps []Step
	reqs  []Request
}

// New starts a server; close it with Close.
func New(steps ...Step) *Server {
	s := &Server{steps: steps}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/models", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"object":"list","data":[{"id":"fake-model","object":"model","owned_by":"test"}]}`)
	})
	mux.HandleFunc("POST /v1/chat/completions", s.chat)
	s.Server = httptest.NewServer(mux)
	return s
}

// URL returns the base URL to configure a client with (…/v1).
func (s *Server) URL() string { return s.Server.URL + "/v1" }

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// SetSteps replaces the script.
func (s *Server) SetSteps(steps ...Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.steps = steps
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Model    string    `json:"model"`
		Stream   bool      `json:"stream"`
		Messages []Message `json:"messages"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "bad json: "+err.Error())
		return
	}
	s.mu.Lock()
	n := len(s.reqs)
	s.reqs = append(s.reqs, Request{Auth: r.Header.Get("Authorization"), Model: body.Model, Stream: body.Stream, Messages: body.Messages})
	step := Step{Reply: "好的。"}
	if len(s.steps) > 0 {
		step = s.steps[min(n, len(s.steps)-1)]
	}
	s.mu.Unlock()

	if step.Delay > 0 {
		select {
		case <-time.After(step.Delay):
		case <-r.Context().Done():
			return
		}
	}
	user := ""
	for _, m := range body.Messages {
		if m.Role == "user" {
			user = m.Content
		}
	}
	if step.FailWhen != nil && step.FailWhen(user) {
		step.Status = http.StatusInternalServerError
	}
	if step.Status != 0 && step.Status != http.StatusOK {
		if step.RetryAfter != "" {
			w.Header().Set("Retry-After", step.RetryAfter)
		}
		writeError(w, step.Status, http.StatusText(step.Status))
		return
	}
	reply := step.Reply
	if step.ReplyFunc != nil {
		reply = step.ReplyFunc(user)
	}
	usage := map[string]int{"prompt_tokens": 100, "completion_tokens": len([]rune(reply)), "total_tokens": 100 + len([]rune(reply))}
	if !body.Stream {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-fake", "object": "chat.completion", "created": 1, "model": body.Model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": reply}}},
			"usage": usage,
		})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	flusher, _ := w.(http.Flusher)
	send := func(v any) {
		data, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", data)
		if flusher != nil {
			flusher.Flush()
		}
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1, "model": body.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
	}
	size := step.ChunkRunes
	if size <= 0 {
		size = 4
	}
	runes := []rune(reply)
	sent := 0
	for i := 0; i < len(runes); i += size {
		if step.CutAfter > 0 && sent == step.CutAfter {
			return // connection ends: no finish reason, no [DONE]
		}
		send(chunk(map[string]any{"content": string(runes[i:min(i+size, len(runes))])}, nil))
		sent++
		if step.MidError && sent == 1 {
			send(map[string]any{"error": map[string]any{"message": "overloaded", "type": "server_error"}})
			return
		}
	}
	if step.CutAfter > 0 {
		return
	}
	send(chunk(map[string]any{}, "stop"))
	send(map[string]any{"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1, "model": body.Model,
		"choices": []any{}, "usage": usage})
	fmt.Fprint(w, "data: [DONE]\n\n")
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "fake_error", "code": status}})
}

// Passage is one numbered passage found in an answer prompt.
type Passage struct {
	N    int
	Text string
}

// Passages reads the numbered passages ("[n] 《…》…第k段：text") out of an answer prompt, so a
// scripted reply can quote and cite them.
func Passages(user string) []Passage {
	var out []Passage
	for _, line := range strings.Split(user, "\n") {
		var n int
		if _, err := fmt.Sscanf(line, "[%d]", &n); err != nil {
			continue
		}
		if i := strings.Index(line, "段："); i >= 0 {
			out = append(out, Passage{N: n, Text: line[i+len("段："):]})
		}
	}
	return out
}
