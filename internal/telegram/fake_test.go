package telegram

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

const testToken = "123456:TEST-token-do-not-log"

// tgCall is one Bot API request the fake received: its method and form fields.
type tgCall struct {
	method string
	f      map[string]string
	at     time.Time
}

// fakeTG is an httptest Bot API server: the real go-telegram/bot client talks to it over
// HTTP (multipart POSTs to /bot<TOKEN>/<method>). It hands out queued updates on getUpdates,
// records every call, and can answer 429 for a while.
type fakeTG struct {
	*httptest.Server
	t       testing.TB
	mu      sync.Mutex
	calls   []tgCall
	updates []models.Update
	nextUpd int64
	nextMsg int
	tooMany map[string]int // method → 429 answers still to give
	retry   int
	notify  chan struct{}
	fail    int // getUpdates answers to fail with 502
	// faults lists, per method, failures to give its next calls: "500", "502", "reset" (the
	// connection dropped), "badjson" (a reply that is not JSON).
	faults map[string][]string
	// limitChat and limitAll, when set, emulate Telegram's limits: more messages than that in
	// one second to one chat, or to all, are answered 429; limitGroup, more than that in a
	// minute to one group.
	limitChat, limitAll, limitGroup int
	recent                          []tgCall               // message sends of the last second
	groupSends                      map[string][]time.Time // a group's sends of the last minute
	limited                         int
}

// refusedByLimit counts the sends the emulated limits refused.
func (f *fakeTG) refusedByLimit() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.limited
}

// overLimit reports whether a message send breaks the emulated limits. Called with mu held.
func (f *fakeTG) overLimit(c tgCall) bool {
	if f.limitChat == 0 || (c.method != "sendMessage" && c.method != "editMessageText" && c.method != "sendMessageDraft") {
		return false
	}
	cut := c.at.Add(-time.Second)
	keep := f.recent[:0]
	for _, r := range f.recent {
		if r.at.After(cut) {
			keep = append(keep, r)
		}
	}
	f.recent = keep
	inChat := 0
	for _, r := range f.recent {
		if r.f["chat_id"] == c.f["chat_id"] {
			inChat++
		}
	}
	if inChat >= f.limitChat || len(f.recent) >= f.limitAll || f.overGroupLimit(c) {
		f.limited++
		return true
	}
	f.recent = append(f.recent, c)
	if strings.HasPrefix(c.f["chat_id"], "-") && f.limitGroup > 0 {
		f.groupSends[c.f["chat_id"]] = append(f.groupSends[c.f["chat_id"]], c.at)
	}
	return false
}

// overGroupLimit reports a send to a group that already had limitGroup in the last minute.
// Called with mu held.
func (f *fakeTG) overGroupLimit(c tgCall) bool {
	if f.limitGroup == 0 || !strings.HasPrefix(c.f["chat_id"], "-") {
		return false
	}
	if f.groupSends == nil {
		f.groupSends = map[string][]time.Time{}
	}
	ts := f.groupSends[c.f["chat_id"]]
	for len(ts) > 0 && c.at.Sub(ts[0]) >= time.Minute {
		ts = ts[1:]
	}
	f.groupSends[c.f["chat_id"]] = ts
	return len(ts) >= f.limitGroup
}

func newFakeTG(t testing.TB) *fakeTG {
	f := &fakeTG{t: t, tooMany: map[string]int{}, faults: map[string][]string{}, retry: 1, notify: make(chan struct{}, 1024), nextMsg: 1000}
	f.Server = httptest.NewServer(http.HandlerFunc(f.handle))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeTG) handle(w http.ResponseWriter, r *http.Request) {
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+testToken+"/")
	if !ok {
		http.Error(w, `{"ok":false,"error_code":404,"description":"Not Found"}`, 404)
		return
	}
	fields := map[string]string{}
	if err := r.ParseMultipartForm(1 << 20); err == nil {
		for k, v := range r.MultipartForm.Value {
			fields[k] = v[0]
		}
	}
	ok200 := func(result any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
	}
	if method == "getUpdates" {
		f.mu.Lock()
		if f.fail > 0 {
			f.fail--
			f.mu.Unlock()
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, `{"ok":false,"error_code":502,"description":"Bad Gateway"}`)
			return
		}
		f.mu.Unlock()
		deadline := time.Now().Add(100 * time.Millisecond)
		for {
			f.mu.Lock()
			if len(f.updates) > 0 || time.Now().After(deadline) {
				ups := f.updates
				f.updates = nil
				f.mu.Unlock()
				if ups == nil {
					ups = []models.Update{}
				}
				ok200(ups)
				return
			}
			f.mu.Unlock()
			time.Sleep(5 * time.Millisecond)
		}
	}
	f.mu.Lock()
	f.nextMsg++
	id := f.nextMsg
	fields["_id"] = strconv.Itoa(id) // the message ID a send returns, for tests to reply to
	call := tgCall{method: method, f: fields, at: time.Now()}
	if f.overLimit(call) {
		call.method += " (429)" // refused: not a message the chat received
		f.calls = append(f.calls, call)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}`)
		f.signal()
		return
	}
	f.calls = append(f.calls, call)
	if fs := f.faults[method]; len(fs) > 0 {
		f.faults[method] = fs[1:]
		f.mu.Unlock()
		defer f.signal()
		switch fs[0] {
		case "reset":
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
		case "badjson":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `<html>upstream error</html>`)
			return
		}
		code, _ := strconv.Atoi(fs[0])
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"ok":false,"error_code":%d,"description":"fault"}`, code)
		return
	}
	if n := f.tooMany[method]; n > 0 {
		f.tooMany[method] = n - 1
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprintf(w, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after %d","parameters":{"retry_after":%d}}`, f.retry, f.retry)
		f.signal()
		return
	}
	f.mu.Unlock()
	defer f.signal()
	switch method {
	case "getMe":
		ok200(models.User{ID: 999, IsBot: true, FirstName: "经验", Username: "jingyan_bot"})
	case "sendMessage", "editMessageText":
		chat, _ := strconv.ParseInt(fields["chat_id"], 10, 64)
		if mid, err := strconv.Atoi(fields["message_id"]); err == nil {
			id = mid
		}
		ok200(models.Message{ID: id, Chat: models.Chat{ID: chat}, Text: fields["text"], Date: int(time.Now().Unix())})
	default:
		ok200(true)
	}
}

func (f *fakeTG) signal() {
	select {
	case f.notify <- struct{}{}:
	default:
	}
}

// push queues updates for the next getUpdates.
func (f *fakeTG) push(ups ...models.Update) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range ups {
		f.nextUpd++
		u.ID = f.nextUpd
		f.updates = append(f.updates, u)
	}
}

func (f *fakeTG) callsOf(methods ...string) []tgCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []tgCall
	for _, c := range f.calls {
		for _, m := range methods {
			if c.method == m {
				out = append(out, c)
			}
		}
	}
	return out
}

// waitFor waits until cond holds over the calls so far, or fails the test. The deadline is
// generous: CI runs packages in parallel on two cores.
func (f *fakeTG) waitFor(what string, cond func([]tgCall) bool) []tgCall {
	f.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		f.mu.Lock()
		calls := append([]tgCall(nil), f.calls...)
		f.mu.Unlock()
		if cond(calls) {
			return calls
		}
		select {
		case <-f.notify:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			var b strings.Builder
			for _, c := range calls[max(0, len(calls)-15):] {
				text := []rune(c.f["text"])
				fmt.Fprintf(&b, "\n  %s chat=%s %q", c.method, c.f["chat_id"], string(text[:min(len(text), 60)]))
			}
			f.t.Fatalf("timed out waiting for %s; %d calls, the last:%s", what, len(calls), b.String())
		}
	}
}

var nextMsgID = 1

// sentCount is how many messages chat was sent that contain text.
func (f *fakeTG) sentCount(chat int64, text string) int {
	n := 0
	for _, c := range f.callsOf("sendMessage") {
		if c.f["chat_id"] == strconv.FormatInt(chat, 10) && strings.Contains(c.f["text"], text) {
			n++
		}
	}
	return n
}

func textMsg(chat int64, chatType models.ChatType, user int64, text string) *models.Message {
	nextMsgID++
	return &models.Message{ID: nextMsgID, Chat: models.Chat{ID: chat, Type: chatType}, From: &models.User{ID: user, FirstName: "民警"},
		Text: text, Date: int(time.Now().Unix())}
}

func msgUpdate(m *models.Message) models.Update { return models.Update{Message: m} }
