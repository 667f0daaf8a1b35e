package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/search"
)

type askRequest struct {
	Question string        `json:"question"`
	History  []historyTurn `json:"history"`
	K        int           `json:"k"`
	Stream   bool          `json:"stream"`
}

type historyTurn struct {
	Role    string `json:"role"`
	Text    string `json:"text"`
	Content string `json:"content"` // accepted too, as chat APIs name it
}

// decodeJSON reads a bounded JSON body, answering 400/413 itself on failure.
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if r.ContentLength > s.cfg.MaxBodyBytes {
		// Said up front: answer at once rather than wait for a body that will be refused.
		s.bodyTooLarge(w)
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	dec := json.NewDecoder(r.Body)
	err := dec.Decode(v)
	if err == nil {
		// One JSON value is the body; anything after it is a malformed request, not noise.
		if _, after := dec.Token(); after != io.EOF {
			writeError(w, http.StatusBadRequest, "invalid_request_error", "请求体在 JSON 之后还有多余内容")
			return false
		}
		return true
	}
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &tooBig):
		s.bodyTooLarge(w)
	case errors.As(err, &typeErr) && typeErr.Field == "":
		writeError(w, http.StatusBadRequest, "invalid_request_error", "请求体应是 JSON 对象，例如 {\"question\": \"…\"}")
	case errors.As(err, &typeErr):
		writeParamError(w, http.StatusBadRequest, "invalid_type", typeErr.Field, fmt.Sprintf("字段 %q 的类型不对", typeErr.Field))
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		writeError(w, http.StatusBadRequest, "invalid_request_error", "请求体不是有效的 JSON")
	default:
		writeError(w, http.StatusBadRequest, "invalid_request_error", "无法读取请求体")
	}
	return false
}

func (s *Server) bodyTooLarge(w http.ResponseWriter) {
	// The connection is closed after: the rest of the body is not read.
	w.Header().Set("Connection", "close")
	writeError(w, http.StatusRequestEntityTooLarge, "invalid_request_error",
		fmt.Sprintf("请求体太大（最多 %d 字节）", s.cfg.MaxBodyBytes))
}

// questionError answers 400 for a question that cannot be asked; false if err is not one.
func questionError(w http.ResponseWriter, err error) bool {
	msg, ok := search.QuestionError(err)
	if ok {
		writeError(w, http.StatusBadRequest, "invalid_request_error", msg)
	}
	return ok
}

// hungUp reports whether the client went away mid-question. That is no server or LLM fault:
// nothing is written, the answer (cut short) is not counted, and the request is recorded
// with nginx's 499 rather than as a 500.
func (s *Server) hungUp(w http.ResponseWriter, r *http.Request) bool {
	if r.Context().Err() == nil {
		return false
	}
	s.logger.Info("httpapi: client went away before the answer was complete", "path", r.URL.Path)
	if sw, ok := w.(*statusWriter); ok {
		sw.status = statusClientClosed
	}
	return true
}

// stream runs a streamed answer. Once the stream has started, a comment is sent whenever it
// has been silent for KeepAlive, so proxies and clients do not give up on a slow LLM.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, eng *answer.Engine, q answer.Question, out eventWriter) (answer.Answer, bool, error) {
	var mu sync.Mutex // the keep-alive goroutine and the events share w
	started, finished := false, false
	// ping writes a comment unless the stream has ended: nothing may follow [DONE].
	ping := func() {
		mu.Lock()
		defer mu.Unlock()
		if finished {
			return
		}
		fmt.Fprint(w, ": keep-alive\n\n")
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	wrote := make(chan struct{}, 1)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(stop)
	a, err := eng.AskStream(r.Context(), q, func(ev answer.Event) {
		mu.Lock()
		defer mu.Unlock()
		if !started {
			out.start(w)
			started = true
			wg.Add(1)
			go func() {
				defer wg.Done()
				keepAlive(s.cfg.KeepAlive, wrote, stop, ping)
			}()
		}
		out.event(w, ev)
		finished = finished || ev.Kind == answer.EventDone
		select {
		case wrote <- struct{}{}:
		default:
		}
	})
	return a, started, err // the deferred wait ends the keep-alives before the caller writes
}

// keepAlive pings after every silence of the given length, until stop.
func keepAlive(every time.Duration, wrote, stop <-chan struct{}, ping func()) {
	t := time.NewTimer(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-wrote:
		case <-t.C:
			ping()
		}
		t.Reset(every)
	}
}

// askError answers a question that got no answer: busy, not askable, or an internal fault.
func (s *Server) askError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, errBusy):
		w.Header().Set("Retry-After", "2")
		writeError(w, http.StatusServiceUnavailable, "overloaded_error", "服务繁忙，请稍后再试")
	case questionError(w, err):
	default:
		s.internalError(w, r, err)
	}
}

// statusClientClosed is nginx's code for a request the client closed before the answer.
const statusClientClosed = 499

// internalError answers a fault with a 500 and logs it — unless the client went away, which is
// no fault of ours: that is a debug line and nginx's 499.
func (s *Server) internalError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil && errors.Is(err, context.Canceled) {
		s.logger.Debug("httpapi: client went away", "path", r.URL.Path)
		w.WriteHeader(statusClientClosed)
		return
	}
	s.logger.Error("httpapi: request failed", "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, "server_error", "服务内部出错，请稍后再试")
}

func wantsStream(r *http.Request, stream bool) bool {
	return stream || strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

func (s *Server) handleAsk(w http.ResponseWriter, r *http.Request) {
	var req askRequest
	if !s.decodeJSON(w, r, &req) {
		return
	}
	if err := search.Validate(req.Question); err != nil {
		questionError(w, err)
		return
	}
	if req.K < 0 || req.K > search.MaxK {
		writeError(w, http.StatusBadRequest, "invalid_request_error", fmt.Sprintf("k 应在 0 到 %d 之间", search.MaxK))
		return
	}
	q := answer.Question{Text: req.Question, K: req.K}
	hist := req.History
	if len(hist) > answer.MaxTurns {
		hist = hist[len(hist)-answer.MaxTurns:]
	}
	for _, t := range hist {
		text := t.Text
		if text == "" {
			text = t.Content
		}
		role := "user"
		if t.Role == "assistant" {
			role = "assistant"
		}
		q.History = append(q.History, answer.Turn{Role: role, Text: clip(text, search.MaxQuestionRunes)})
	}
	s.answer(w, r, q, wantsStream(r, req.Stream), askEvents{})
}

// eventWriter turns engine events into a response: JSON once, or SSE as they come.
type eventWriter interface {
	start(w http.ResponseWriter)
	event(w http.ResponseWriter, ev answer.Event)
	final(w http.ResponseWriter, a answer.Answer)
}

// answer runs one question through the current backend. With an LLM, the question waits on
// the LLM gate only when it reaches the LLM, so FAQ hits and refusals are never turned away
// by a busy LLM; a question that does need it is turned away with 503 before any output.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, q answer.Question, stream bool, out eventWriter) {
	b, release := s.acquire()
	defer release()
	if b.HasLLM {
		q.Gate = func(ctx context.Context) (func(), error) {
			done, err := s.llmGate(ctx)
			if err != nil {
				s.metrics.rejected.WithLabelValues("busy").Inc()
			}
			return done, err
		}
	} else {
		done, err := s.cpuGate(r.Context())
		if err != nil {
			s.hungUp(w, r)
			return
		}
		defer done()
	}
	if !stream {
		a, err := b.Engine.Ask(r.Context(), q)
		if s.hungUp(w, r) {
			return
		}
		if err != nil {
			s.askError(w, r, err)
			return
		}
		s.metrics.answer(a)
		out.final(w, a)
		return
	}
	a, started, err := s.stream(w, r, b.Engine, q, out)
	if s.hungUp(w, r) {
		return
	}
	if err != nil {
		if !started {
			s.askError(w, r, err)
			return
		}
		s.logger.Error("httpapi: stream failed", "err", err)
		writeSSE(w, "error", newAPIError(http.StatusInternalServerError, "server_error", "服务内部出错，请稍后再试"))
		return
	}
	s.metrics.answer(a)
}

// askEvents is the /v1/ask shape: the ask --json object, or SSE events passages, delta,
// reset, citations, done (and error).
type askEvents struct{}

func (askEvents) start(w http.ResponseWriter) { startSSE(w) }

func (askEvents) event(w http.ResponseWriter, ev answer.Event) {
	switch ev.Kind {
	case answer.EventPassages:
		writeSSE(w, "passages", map[string]any{"passages": ev.Passages})
	case answer.EventDelta:
		writeSSE(w, "delta", map[string]string{"text": ev.Text})
	case answer.EventReset:
		writeSSE(w, "reset", map[string]string{"notice": ev.Notice})
	case answer.EventDone:
		writeSSE(w, "citations", map[string]any{"citations": ev.Answer.Citations})
		writeSSE(w, "done", ev.Answer)
	}
}

func (askEvents) final(w http.ResponseWriter, a answer.Answer) { writeJSON(w, http.StatusOK, a) }

func startSSE(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// Headers now, so the client knows the answer is coming before its first words.
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

func writeSSE(w http.ResponseWriter, event string, v any) {
	data, _ := json.Marshal(v)
	if event != "" {
		fmt.Fprintf(w, "event: %s\n", event)
	}
	fmt.Fprintf(w, "data: %s\n\n", data)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

// clip keeps the first n characters of s, byte for byte (invalid UTF-8 included).
func clip(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

func (s *Server) handleReload(w http.ResponseWriter, r *http.Request) {
	if err := s.Reload(r.Context()); err != nil {
		s.logger.Error("httpapi: reload failed", "err", err)
		writeError(w, http.StatusInternalServerError, "server_error", "重载索引失败，仍在使用原索引；详见服务日志")
		return
	}
	if s.cfg.Reloaded != nil {
		s.cfg.Reloaded(r.Context())
	}
	b, release := s.acquire()
	defer release()
	rep, p, n := b.Index.Corpus().Counts()
	writeJSON(w, http.StatusOK, map[string]any{"status": "reloaded", "reports": rep, "paragraphs": p, "sentences": n})
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	b, release := s.acquire()
	defer release()
	rep, _, _ := b.Index.Corpus().Counts()
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(r.Context()); err != nil {
			s.logger.Warn("httpapi: not ready", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "reason": "共享状态不可用，本副本暂以自身状态应答", "reports": rep, "llm": b.HasLLM})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "reports": rep, "llm": b.HasLLM})
}
