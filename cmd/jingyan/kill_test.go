package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// botAPI is a Bot API fake with getUpdates offsets as Telegram keeps them: an update is
// handed out until a later getUpdates confirms it with a higher offset.
type botAPI struct {
	mu      sync.Mutex
	updates []map[string]any
	answers map[int64]int // chat → answer messages received
}

func (a *botAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	r.ParseMultipartForm(1 << 20)
	form := func(k string) string {
		if r.MultipartForm != nil && len(r.MultipartForm.Value[k]) > 0 {
			return r.MultipartForm.Value[k][0]
		}
		return r.FormValue(k)
	}
	switch {
	case strings.HasSuffix(r.URL.Path, "/getMe"):
		io.WriteString(w, `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"经验","username":"jingyan_bot"}}`)
	case strings.HasSuffix(r.URL.Path, "/getUpdates"):
		offset, _ := strconv.Atoi(form("offset"))
		a.mu.Lock()
		var out []map[string]any
		for _, u := range a.updates {
			if int(u["update_id"].(int)) >= offset && len(out) < 100 {
				out = append(out, u)
			}
		}
		a.mu.Unlock()
		if len(out) == 0 {
			time.Sleep(50 * time.Millisecond)
		}
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": out})
	case strings.HasSuffix(r.URL.Path, "/sendMessage"):
		chat, _ := strconv.ParseInt(form("chat_id"), 10, 64)
		if strings.Contains(form("text"), "来源") {
			a.mu.Lock()
			a.answers[chat]++
			a.mu.Unlock()
		}
		fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"date":%d,"chat":{"id":%d,"type":"private"},"text":"x"}}`, time.Now().UnixNano()%1e9, time.Now().Unix(), chat)
	default:
		io.WriteString(w, `{"ok":true,"result":true}`)
	}
}

// BenchmarkKillRestart runs the bot binary through a flood of 200 questions (one a chat) and
// kills it with SIGKILL five times at moments spread over the flood, restarting it on the same
// journal each time; it reports questions never answered and answers given more than once.
// Run with -benchtime 1x.
func BenchmarkKillRestart(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "jingyan")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	for b.Loop() {
		api := &botAPI{answers: map[int64]int{}}
		const chats = 200
		for i := range chats {
			chat := 20000 + i
			api.updates = append(api.updates, map[string]any{"update_id": i + 1, "message": map[string]any{
				"message_id": 1, "date": time.Now().Unix(), "text": "吉林电诈降了多少",
				"chat": map[string]any{"id": chat, "type": "private"}, "from": map[string]any{"id": chat, "is_bot": false, "first_name": "u"}}})
		}
		srv := httptest.NewServer(api)
		journal := filepath.Join(b.TempDir(), "journal.db")
		start := func() *exec.Cmd {
			cmd := exec.Command(bin, "bot", "--journal", journal)
			cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + b.TempDir(), "TELEGRAM_BOT_TOKEN=1:killtest",
				"JINGYAN_TELEGRAM_API_URL=" + srv.URL, "JINGYAN_TELEGRAM_ALLOW=*"}
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			return cmd
		}
		cmd := start()
		for k := range 5 {
			time.Sleep(time.Duration(300+150*k) * time.Millisecond)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			cmd = start()
		}
		deadline := time.Now().Add(2 * time.Minute)
		answered := func() int {
			api.mu.Lock()
			defer api.mu.Unlock()
			return len(api.answers)
		}
		for answered() < chats && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
		}
		time.Sleep(2 * time.Second)
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		srv.Close()
		lost, twice := 0, 0
		for i := range chats {
			switch n := api.answers[int64(20000+i)]; {
			case n == 0:
				lost++
			case n > 1:
				twice += n - 1
			}
		}
		b.ReportMetric(float64(lost), "lost")
		b.ReportMetric(float64(twice), "twice")
		os.Remove(journal)
	}
}
