package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// `jingyan bot` as wired by main, against a minimal Bot API: it starts from the environment,
// polls, and stops cleanly.
func TestBotCommand(t *testing.T) {
	var polls atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/getMe"):
			io.WriteString(w, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"经验","username":"jingyan_bot"}}`)
		case strings.HasSuffix(r.URL.Path, "/getUpdates"):
			polls.Add(1)
			time.Sleep(20 * time.Millisecond)
			io.WriteString(w, `{"ok":true,"result":[]}`)
		default:
			io.WriteString(w, `{"ok":true,"result":true}`)
		}
	}))
	defer api.Close()
	vars := map[string]string{"TELEGRAM_BOT_TOKEN": "1:test", "JINGYAN_TELEGRAM_API_URL": api.URL, "JINGYAN_TELEGRAM_ALLOW": "*",
		"XDG_STATE_HOME": t.TempDir()} // the journal goes there
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	stderr := &lockedBuffer{}
	go func() {
		done <- run(ctx, []string{"bot"}, &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: stderr,
			logger: slog.New(slog.NewTextHandler(io.Discard, nil)), getenv: func(k string) string { return vars[k] }})
	}()
	for deadline := time.Now().Add(10 * time.Second); polls.Load() < 2 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("bot returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("bot did not stop")
	}
	if polls.Load() < 2 || !strings.Contains(stderr.String(), "@jingyan_bot") {
		t.Errorf("polls %d, stderr %q", polls.Load(), stderr.String())
	}
}
