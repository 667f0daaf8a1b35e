package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/search"
)

func (s *Server) handleModels(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": []any{s.model()}})
}

// handleModel answers GET /v1/models/{id}, which clients call to check a model exists.
func (s *Server) handleModel(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("id") != s.cfg.ModelName {
		writeParamError(w, http.StatusNotFound, "model_not_found", "model", "没有这个模型："+r.PathValue("id")+"（可用："+s.cfg.ModelName+"）")
		return
	}
	writeJSON(w, http.StatusOK, s.model())
}

func (s *Server) model() map[string]any {
	return map[string]any{"id": s.cfg.ModelName, "object": "model", "created": 1735689600, "owned_by": "jingyan"}
}

type chatRequest struct {
	Model         string          `json:"model"`
	Messages      []chatMessage   `json:"messages"`
	Stream        bool            `json:"stream"`
	N             *int            `json:"n"`
	MaxTokens     *int            `json:"max_tokens"`
	MaxCompletion *int            `json:"max_completion_tokens"` // the newer name of max_tokens
	Stop          json.RawMessage `json:"stop"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

// check refuses what jingyan cannot do as OpenAI would: another model, or several choices.
func (s *Server) checkChat(w http.ResponseWriter, req chatRequest) bool {
	if req.Model != "" && req.Model != s.cfg.ModelName {
		writeParamError(w, http.StatusNotFound, "model_not_found", "model",
			"没有这个模型："+req.Model+"（可用："+s.cfg.ModelName+"）")
		return false
	}
	if req.N != nil && *req.N != 1 {
		writeParamError(w, http.StatusBadRequest, "invalid_value", "n", "n 只能是 1：每个问题只有一个有出处的回答")
		return false
	}
	for _, m := range []struct {
		name string
		v    *int
	}{{"max_tokens", req.MaxTokens}, {"max_completion_tokens", req.MaxCompletion}} {
		if m.v != nil && *m.v < 1 {
			writeParamError(w, http.StatusBadRequest, "invalid_value", m.name, m.name+" 应是正整数")
			return false
		}
	}
	if _, err := parseStop(req.Stop); err != nil {
		writeParamError(w, http.StatusBadRequest, "invalid_value", "stop", err.Error())
		return false
	}
	return true
}

// limit is the request's max_tokens (or max_completion_tokens) and stop.
func (req chatRequest) limit() *limit {
	l := &limit{}
	l.stops, _ = parseStop(req.Stop) // checked by checkChat
	for _, v := range []*int{req.MaxTokens, req.MaxCompletion} {
		if v != nil && (l.max == 0 || *v < l.max) {
			l.max = *v
		}
	}
	return l
}

type chatMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// text reads content given as a string or as an array of parts ({"type":"text","text":…});
// parts of other types (images) are skipped.
func (m chatMessage) text() (string, error) {
	if len(m.Content) == 0 || string(m.Content) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(m.Content, &s); err == nil {
		return s, nil
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(m.Content, &parts); err != nil {
		return "", fmt.Errorf("content must be a string or an array of parts")
	}
	var b strings.Builder
	for _, p := range parts {
		if p.Type == "text" || p.Type == "" {
			b.WriteString(p.Text)
		}
	}
	return b.String(), nil
}

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	var req chatRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if !s.checkChat(w, req) {
		return
	}
	turns, system, msg := req.conversation()
	if msg != "" {
		writeError(w, http.StatusBadRequest, "invalid_request_error", msg)
		return
	}
	last := turns[len(turns)-1].Text
	id := "chatcmpl-jingyan-" + strconv.FormatUint(s.chatSeq.Add(1), 36) + strconv.FormatInt(time.Now().UnixNano()%1e6, 36)
	out := &chatEvents{id: id, model: s.cfg.ModelName, created: time.Now().Unix(), limit: req.limit()}
	out.includeUsage = req.StreamOptions != nil && req.StreamOptions.IncludeUsage
	if t, ok := detectTask(system, last); ok {
		s.answerTask(w, wantsStream(r, req.Stream), out, t)
		return
	}
	q := answer.Question{Text: last}
	if err := search.Validate(q.Text); err != nil {
		questionError(w, err)
		return
	}
	hist := turns[:len(turns)-1]
	if len(hist) > answer.MaxTurns {
		hist = hist[len(hist)-answer.MaxTurns:]
	}
	for _, t := range hist {
		// Earlier answers carry their footnotes; the rewrite needs only the answer itself.
		text := answer.StripFootnotes(t.Text)
		q.History = append(q.History, answer.Turn{Role: t.Role, Text: clip(text, search.MaxQuestionRunes)})
	}
	s.answer(w, r, q, wantsStream(r, req.Stream), out)
}

// conversation reads the messages up to the last user message, and the system messages; msg
// says what is wrong with them, "" when nothing is.
func (req chatRequest) conversation() (turns []answer.Turn, system, msg string) {
	if len(req.Messages) == 0 {
		return nil, "", "messages 不能为空"
	}
	var sys strings.Builder
	for _, m := range req.Messages {
		text, err := m.text()
		if err != nil {
			return nil, "", "messages 的 content 应是字符串或文本片段数组"
		}
		switch m.Role {
		case "user", "assistant":
			turns = append(turns, answer.Turn{Role: m.Role, Text: text})
		case "system", "developer":
			sys.WriteString(text + "\n")
		}
	}
	for len(turns) > 0 && turns[len(turns)-1].Role != "user" {
		turns = turns[:len(turns)-1]
	}
	if len(turns) == 0 {
		return nil, "", "没有用户消息"
	}
	return turns, sys.String(), ""
}

// footnotes renders citations under the answer, as chat front ends show plain text.
func footnotes(cites []answer.Citation) string { return answer.Footnotes(cites) }

// chatEvents is the OpenAI chat.completion shape, streamed as chat.completion.chunk events
// ending in data: [DONE]; citations ride along in an extra "citations" field.
type chatEvents struct {
	id, model    string
	created      int64
	sentRole     bool
	includeUsage bool // stream_options.include_usage: a last chunk with choices [] and usage
	limit        *limit
}

func (c *chatEvents) chunk(delta map[string]any, finish any, extra map[string]any) map[string]any {
	m := map[string]any{
		"id": c.id, "object": "chat.completion.chunk", "created": c.created, "model": c.model,
		"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}},
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func (c *chatEvents) start(w http.ResponseWriter) { startSSE(w) }

func (c *chatEvents) event(w http.ResponseWriter, ev answer.Event) {
	content := ""
	switch ev.Kind {
	case answer.EventDelta:
		content = c.limit.pass(ev.Text)
	case answer.EventReset:
		content = c.limit.pass("\n（" + ev.Notice + "）\n")
	case answer.EventDone:
		a := ev.Answer
		if rest := c.limit.flush(); rest != "" {
			c.delta(w, rest)
		}
		cites := c.limit.cited(a.Citations)
		if fn := footnotes(cites); fn != "" {
			writeSSE(w, "", c.chunk(map[string]any{"content": fn}, nil, nil))
		}
		writeSSE(w, "", c.chunk(map[string]any{}, c.limit.reason(), map[string]any{"citations": cites}))
		if c.includeUsage {
			writeSSE(w, "", map[string]any{
				"id": c.id, "object": "chat.completion.chunk", "created": c.created, "model": c.model,
				"choices": []any{}, "usage": usage(*a),
			})
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		return
	default:
		return
	}
	if content != "" {
		c.delta(w, content)
	}
}

func (c *chatEvents) delta(w http.ResponseWriter, content string) {
	delta := map[string]any{"content": content}
	if !c.sentRole {
		delta["role"] = "assistant"
		c.sentRole = true
	}
	writeSSE(w, "", c.chunk(delta, nil, nil))
}

func (c *chatEvents) final(w http.ResponseWriter, a answer.Answer) {
	content := a.Text
	if a.Notice != "" && a.Mode == answer.ModeExtractive {
		content = "（" + a.Notice + "）\n" + content
	}
	content = c.limit.passAll(content)
	cites := c.limit.cited(a.Citations)
	writeJSON(w, http.StatusOK, map[string]any{
		"id": c.id, "object": "chat.completion", "created": c.created, "model": c.model,
		"choices": []any{map[string]any{
			"index": 0, "finish_reason": c.limit.reason(),
			"message": map[string]any{"role": "assistant", "content": content + footnotes(cites)},
		}},
		"usage":     usage(a),
		"citations": cites,
	})
}

func usage(a answer.Answer) map[string]int {
	return map[string]int{
		"prompt_tokens": a.Usage.PromptTokens, "completion_tokens": a.Usage.CompletionTokens,
		"total_tokens": a.Usage.PromptTokens + a.Usage.CompletionTokens,
	}
}
