package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// `jingyan serve` as wired by main: it listens, answers, and shuts down cleanly when told to.
func TestServeCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, &env{stdin: strings.NewReader(""), stdout: io.Discard,
			stderr: stderr, logger: slog.New(slog.NewTextHandler(io.Discard, nil)), getenv: func(string) string { return "" }})
	}()
	addrRE := regexp.MustCompile(`serving on (http://[0-9.:]+)/`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("server did not start: %s", stderr.String())
	}
	resp, err := http.Post(base+"/v1/ask", "application/json", strings.NewReader(`{"question":"吉林电诈降了多少"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "24.7%") {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

// A JINGYAN_REDIS_URL that is not one stops serve and bot at once, saying which setting is
// wrong and never repeating it (it may hold a password).
func TestBadRedisURL(t *testing.T) {
	for _, cmd := range [][]string{{"serve", "--addr", "127.0.0.1:0"}, {"bot"}} {
		vars := map[string]string{"JINGYAN_REDIS_URL": "http://admin:s3cretpw@redis:6379", "TELEGRAM_BOT_TOKEN": "1:abcdefgh",
			"JINGYAN_TELEGRAM_ALLOW": "*"}
		_, err := runEnv(t, vars, "", cmd...)
		if err == nil || !strings.Contains(err.Error(), "JINGYAN_REDIS_URL") || strings.Contains(err.Error(), "s3cretpw") {
			t.Errorf("%s: %v", cmd[0], err)
		}
	}
}
