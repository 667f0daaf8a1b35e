package main

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// BenchmarkKillRestart runs the bot binary through a flood of 200 questions (one a chat) and
// kills it with SIGKILL five times at moments spread over the flood, restarting it on the same
// journal each time; it reports questions never answered and answers given more than once.
// Run with -benchtime 1x.
func BenchmarkKillRestart(b *testing.B) {
	bin := buildBinary(b)
	for b.Loop() {
		api := newBotAPI()
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
			switch n := len(api.answers[int64(20000+i)]); {
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
