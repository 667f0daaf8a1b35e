package telegram

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"golang.org/x/time/rate"

	"github.com/jingyan/jingyan/internal/redisstate"
	"github.com/jingyan/jingyan/internal/redistest"
)

// sharedConfig is a webhook bot whose dedupe, memory and user rate live in the Redis at url.
func sharedConfig(t testing.TB, url string) Config {
	st, err := redisstate.Open(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return Config{WebhookSecret: "s3cret", Share: func(c Config, own Shared) Shared {
		return Shared{
			Seen:   st.Seen("telegram:update", time.Hour, own.Seen),
			Memory: st.Memory(c.MemoryTTL, own.Memory),
			Users:  st.Limiter("telegram:user", rate.Limit(c.UserRate), c.UserBurst, own.Users),
			Queue:  NewQueue[*redisstate.Lease](st.ChatQueue("telegram:chat", SharedLease, time.Hour)),
			Pace:   st.Limiter("telegram:pace", rate.Limit(c.PaceOverall), PaceBurst(c), own.Pace),
		}
	}}
}

func deliver(t *testing.T, h http.Handler, upd models.Update) {
	t.Helper()
	body, _ := json.Marshal(upd)
	req := httptest.NewRequest("POST", "/hook", bytes.NewReader(body))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("webhook: %d %s", rec.Code, rec.Body)
	}
}

// Two replicas behind one webhook URL, sharing Redis: a follow-up delivered to the other
// replica keeps its context, and an update delivered to both is answered once.
func TestReplicasShareState(t *testing.T) {
	srv := redistest.Start(t)
	tg := newFakeTG(t)
	a, stopA := startBotOn(t, tg, sharedConfig(t, srv.URL()), nil)
	defer stopA()
	b, stopB := startBotOn(t, tg, sharedConfig(t, srv.URL()), nil)
	defer stopB()

	deliver(t, a.WebhookHandler(), models.Update{ID: 1001, Message: textMsg(501, models.ChatTypePrivate, 9, "吉林社区民警占派出所警力多少?")})
	tg.waitFor("first answer", sentTo(501, "49.4%"))
	deliver(t, b.WebhookHandler(), models.Update{ID: 1002, Message: textMsg(501, models.ChatTypePrivate, 9, "那河南呢?")})
	tg.waitFor("follow-up on the other replica", sentTo(501, "43.9%"))

	dup := models.Update{ID: 1003, Message: textMsg(502, models.ChatTypePrivate, 10, "吉林电诈降了多少")}
	deliver(t, a.WebhookHandler(), dup)
	deliver(t, b.WebhookHandler(), dup)
	tg.waitFor("the duplicate's answer", sentTo(502, "24.7%"))
	time.Sleep(300 * time.Millisecond)
	if n := tg.sentCount(502, "24.7%"); n != 1 {
		t.Errorf("an update delivered to both replicas was answered %d times", n)
	}
}

func TestWebhookHealth(t *testing.T) {
	srv := redistest.Start(t)
	st, err := redisstate.Open(srv.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := sharedConfig(t, srv.URL())
	cfg.Ready = st.Ready
	tb, stop := startBotOn(t, newFakeTG(t), cfg, nil)
	defer stop()
	h := tb.webhookMux()
	get := func(path string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code
	}
	if get("/healthz") != 200 || get("/readyz") != 200 {
		t.Errorf("healthz %d readyz %d with Redis up", get("/healthz"), get("/readyz"))
	}
	srv.Stop()
	if get("/healthz") != 200 || get("/readyz") != 503 {
		t.Errorf("healthz %d readyz %d with Redis down", get("/healthz"), get("/readyz"))
	}
	// Updates are still taken on any path.
	deliver(t, h, models.Update{ID: 2001, Message: textMsg(503, models.ChatTypePrivate, 11, "吉林电诈降了多少")})
	tb.tg.waitFor("answer with Redis down", sentTo(503, "24.7%"))
}

// Two replicas keep the bot's overall pace between them: 20 answers at 5 a second take about
// four seconds whichever replicas send them.
func TestReplicasSharePace(t *testing.T) {
	srv := redistest.Start(t)
	tg := newFakeTG(t)
	cfg := func() Config {
		c := sharedConfig(t, srv.URL())
		c.PaceOverall, c.PacePrivate, c.PaceGroup = 5, 1e6, 1e6
		return c
	}
	a, stopA := startBotOn(t, tg, cfg(), nil)
	defer stopA()
	b, stopB := startBotOn(t, tg, cfg(), nil)
	defer stopB()
	start := time.Now()
	for i := range 20 {
		h := a.WebhookHandler()
		if i%2 == 1 {
			h = b.WebhookHandler()
		}
		deliver(t, h, models.Update{ID: int64(3000 + i), Message: textMsg(int64(600+i), models.ChatTypePrivate, int64(600+i), "吉林电诈降了多少")})
	}
	calls := tg.waitFor("20 answers", func(calls []tgCall) bool {
		n := 0
		for _, c := range calls {
			if c.method == "sendMessage" && strings.Contains(c.f["text"], "24.7%") {
				n++
			}
		}
		return n == 20
	})
	var first, last time.Time
	for _, c := range calls {
		if c.method == "sendMessage" {
			if first.IsZero() {
				first = c.at
			}
			last = c.at
		}
	}
	// 20 sends at 5/s after a burst of 1: at least 19 intervals of 200 ms.
	if span := last.Sub(first); span < 3500*time.Millisecond {
		t.Errorf("20 sends from two replicas took %v: the overall pace (5/s) is not shared", span)
	}
	t.Logf("20 answers from two replicas at a shared 5/s: %v", time.Since(start).Round(100*time.Millisecond))
}
