package telegram

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/redistest"
)

// 50 chats ask at once, two questions each: all are answered, each chat's in order.
func TestManyChatsInOrder(t *testing.T) {
	tb := startBot(t, Config{}, nil)
	const chats = 50
	var ups []models.Update
	for i := int64(0); i < chats; i++ {
		ups = append(ups,
			msgUpdate(textMsg(1000+i, models.ChatTypePrivate, 1000+i, "吉林电诈降了多少")),
			msgUpdate(textMsg(1000+i, models.ChatTypePrivate, 1000+i, "延安群众对社会治安的满意度是多少")))
	}
	tb.tg.push(ups...)
	calls := tb.tg.waitFor("all answers", func(calls []tgCall) bool {
		n := 0
		for _, c := range calls {
			if c.method == "sendMessage" && strings.Contains(c.f["text"], "<b>来源</b>") {
				n++
			}
		}
		return n == 2*chats
	})
	order := map[string][]string{}
	for _, c := range calls {
		if c.method != "sendMessage" {
			continue
		}
		switch {
		case strings.Contains(c.f["text"], "24.7%"):
			order[c.f["chat_id"]] = append(order[c.f["chat_id"]], "q1")
		case strings.Contains(c.f["text"], "98.35%"):
			order[c.f["chat_id"]] = append(order[c.f["chat_id"]], "q2")
		}
	}
	for chat, o := range order {
		if strings.Join(o, ",") != "q1,q2" {
			t.Errorf("chat %s answered %v", chat, o)
		}
	}
	if len(order) != chats {
		t.Errorf("%d chats answered", len(order))
	}
}

// 10,000 updates from 1,000 chats: conversation memory stays within MaxChats and expires,
// and no goroutine is left behind.
func TestMemoryBounded(t *testing.T) {
	tb := startBot(t, Config{MaxChats: 200, MemoryTTL: 200 * time.Millisecond, QueuePerChat: 20}, nil)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	goroutines := runtime.NumGoroutine()
	questions := []string{"吉林电诈降了多少", "/new", "/help", "延安群众满意度多少", "/search 片警"}
	for round := 0; round < 10; round++ {
		var ups []models.Update
		for c := int64(0); c < 1000; c++ {
			ups = append(ups, msgUpdate(textMsg(5000+c, models.ChatTypePrivate, 5000+c, questions[(round+int(c))%len(questions)])))
		}
		tb.tg.push(ups...)
	}
	tb.tg.waitFor("10,000 replies", func(calls []tgCall) bool {
		n := 0
		for _, c := range calls {
			if c.method == "sendMessage" {
				n++
			}
		}
		return n >= 10000
	})
	tb.tg.mu.Lock()
	tb.tg.calls = nil // the fake's own record of 10,000 messages is not the bot's memory
	tb.tg.mu.Unlock()
	if n := tb.chats.len(); n > 200 {
		t.Errorf("%d chats remembered, max 200", n)
	}
	time.Sleep(300 * time.Millisecond)
	if h := tb.chats.History(5001, 5001); len(h) != 0 {
		t.Errorf("memory did not expire: %v", h)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	t.Logf("heap %d → %d KiB, goroutines %d → %d, chats %d", before.HeapInuse>>10, after.HeapInuse>>10,
		goroutines, runtime.NumGoroutine(), tb.chats.len())
	if after.HeapInuse > before.HeapInuse+32<<20 {
		t.Errorf("heap grew %d → %d KiB", before.HeapInuse>>10, after.HeapInuse>>10)
	}
	if g := runtime.NumGoroutine(); g > goroutines+20 {
		t.Errorf("goroutines %d → %d", goroutines, g)
	}
}

// BenchmarkPrivateAnswer is the time from an update arriving to the final answer message
// reaching the Bot API (extractive mode, fake Bot API on loopback). Goal: ≤ 300 ms.
func BenchmarkPrivateAnswer(b *testing.B) {
	for _, mode := range []string{"own", "redis"} {
		b.Run(mode, func(b *testing.B) {
			cfg := Config{}
			if mode == "redis" {
				// Issue 13's goal: shared state adds ≤ 2 ms p50 to an answered message.
				cfg = sharedConfig(b, redistest.Start(b).URL())
			}
			tb := startBot(b, cfg, nil)
			var lat []time.Duration
			for i := 0; i < b.N; i++ {
				chat := int64(20000 + i)
				start := time.Now()
				tb.onUpdate(context.Background(), nil, &models.Update{ID: int64(i + 1), Message: textMsg(chat, models.ChatTypePrivate, chat, "吉林电诈降了多少")})
				tb.tg.waitFor("answer", sentTo(chat, "<b>来源</b>"))
				lat = append(lat, time.Since(start))
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// BenchmarkFloodAtTelegramLimits is issue 11's flood: 1,000 questions over 200 private chats,
// five each, against a fake Bot API that refuses (429) more than one message a second in a
// chat or thirty a second overall, with the bot's default pacing. It reports answers lost,
// answers given twice, chats answered out of order, and the share of sends refused. Run with
// -benchtime 1x; it takes about a minute.
func BenchmarkFloodAtTelegramLimits(b *testing.B) {
	questions := []string{"吉林电诈降了多少", "延安群众对社会治安的满意度是多少", "河南新增了多少派出所警力", "浦江涉警投诉下降了多少", "江苏帮企业挽回了多少损失"}
	facts := []string{"24.7%", "98.35%", "1350", "17.7%", "70余亿元"}
	for b.Loop() {
		tg := newFakeTG(b)
		tg.limitChat, tg.limitAll = 1, 30
		_, stop := startBotOn(b, tg, Config{PaceOverall: -1, QueuePerChat: 10, UserRate: 100, UserBurst: 100}, nil)
		const chats, each = 200, 5
		start := time.Now()
		for i := range each {
			var ups []models.Update
			for c := range chats {
				ups = append(ups, msgUpdate(textMsg(int64(10000+c), models.ChatTypePrivate, int64(10000+c), questions[i])))
			}
			tg.push(ups...)
		}
		finals := func(calls []tgCall) []tgCall {
			var out []tgCall
			for _, c := range calls {
				if c.method == "sendMessage" && strings.Contains(c.f["text"], "<b>来源</b>") {
					out = append(out, c)
				}
			}
			return out
		}
		deadline := time.Now().Add(5 * time.Minute)
		for len(finals(tg.callsOf("sendMessage"))) < chats*each && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
		}
		elapsed := time.Since(start)
		time.Sleep(2 * time.Second) // anything sent twice shows now
		stop()
		lost, twice, disordered := floodOutcome(finals(tg.callsOf("sendMessage")), facts, chats, func(c int) int64 { return int64(10000 + c) })
		sends := len(tg.callsOf("sendMessage", "editMessageText", "sendMessageDraft"))
		b.ReportMetric(float64(lost), "lost")
		b.ReportMetric(float64(twice), "twice")
		b.ReportMetric(float64(disordered), "chats-out-of-order")
		b.ReportMetric(100*float64(tg.refusedByLimit())/float64(max(1, sends)), "%429")
		b.ReportMetric(elapsed.Seconds(), "s")
	}
}

// BenchmarkFloodFiveAtOnce is issue 21's flood: 1,000 questions over 200 chats (100 private,
// 100 groups), five arriving together in each, against a fake Bot API that refuses (429) more
// than one message a second in a chat, thirty a second overall, or twenty a minute in a group,
// with the bot's defaults. It reports questions turned away, answers lost or given twice,
// chats answered out of order and the share of sends refused. Run with -benchtime 1x.
func BenchmarkFloodFiveAtOnce(b *testing.B) {
	for b.Loop() {
		tg := newFakeTG(b)
		tg.limitChat, tg.limitAll, tg.limitGroup = 1, 30, 20
		_, stop := startBotOn(b, tg, Config{PaceOverall: -1}, nil) // -1: the defaults, Telegram's pace
		const chats, each = 200, 5
		start := time.Now()
		var ups []models.Update
		for c := range chats {
			id, typ, prefix := int64(30000+c), models.ChatTypePrivate, ""
			if c%2 == 1 {
				id, typ, prefix = -int64(30000+c), models.ChatTypeGroup, "/ask "
			}
			for _, q := range askedTogether {
				ups = append(ups, msgUpdate(textMsg(id, typ, int64(30000+c), prefix+q[0])))
			}
		}
		tg.push(ups...)
		answers := func() []tgCall {
			var out []tgCall
			for _, c := range tg.callsOf("sendMessage", "editMessageText") {
				if strings.Contains(c.f["text"], "<b>来源</b>") {
					out = append(out, c)
				}
			}
			return out
		}
		deadline := time.Now().Add(6 * time.Minute)
		for len(answers()) < chats*each && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
		}
		elapsed := time.Since(start)
		time.Sleep(2 * time.Second) // anything sent twice shows now
		stop()
		lost, twice, disordered := floodOutcome(answers(), askedFacts(), chats, func(c int) int64 {
			if c%2 == 1 {
				return -int64(30000 + c)
			}
			return int64(30000 + c)
		})
		turnedAway := 0
		for _, c := range tg.callsOf("sendMessage") {
			if strings.Contains(c.f["text"], "没有收下") || strings.Contains(c.f["text"], "稍等") {
				turnedAway++
			}
		}
		sends := len(tg.callsOf("sendMessage", "editMessageText", "sendMessageDraft"))
		b.ReportMetric(float64(turnedAway), "turned-away")
		b.ReportMetric(float64(lost), "lost")
		b.ReportMetric(float64(twice), "twice")
		b.ReportMetric(float64(disordered), "chats-out-of-order")
		b.ReportMetric(100*float64(tg.refusedByLimit())/float64(max(1, sends+tg.refusedByLimit())), "%429")
		b.ReportMetric(elapsed.Seconds(), "s")
	}
}

// askedFacts are the figures telling askedTogether's answers apart, in order.
func askedFacts() []string {
	var out []string
	for _, q := range askedTogether {
		out = append(out, q[1])
	}
	return out
}

// floodOutcome counts, over chats asked questions in order whose answers facts tell apart, the
// answers lost, those given twice, and the chats whose answers came out of order.
func floodOutcome(answers []tgCall, facts []string, chats int, chatID func(int) int64) (lost, twice, disordered int) {
	perChat := map[string][]int{}
	for _, c := range answers {
		for k, f := range facts {
			if strings.Contains(c.f["text"], f) {
				perChat[c.f["chat_id"]] = append(perChat[c.f["chat_id"]], k)
				break
			}
		}
	}
	for c := range chats {
		seq := perChat[itoa(chatID(c))]
		seen := map[int]int{}
		for _, k := range seq {
			seen[k]++
		}
		for k := range facts {
			switch {
			case seen[k] == 0:
				lost++
			case seen[k] > 1:
				twice += seen[k] - 1
			}
		}
		if !sort.IntsAreSorted(seq) {
			disordered++
		}
	}
	return lost, twice, disordered
}

// BenchmarkAnswerVisible measures, at Telegram's limits, how long an asker waits to see the
// answer: 50 questions over 10 groups and 50 over 10 private chats, each chat asking every few
// seconds as people do, and a source button tapped 1.5 s after each group answer (p95 of each),
// plus five questions asked at once in one group (the last answer's wait). Run with
// -benchtime 1x; it takes about three minutes.
func BenchmarkAnswerVisible(b *testing.B) {
	for b.Loop() {
		tg := newFakeTG(b)
		tg.limitChat, tg.limitAll, tg.limitGroup = 1, 30, 20
		tb, stop := startBotOn(b, tg, Config{PaceOverall: -1}, nil) // -1: the defaults, Telegram's pace
		var group, private, button []time.Duration
		for round, q := range askedTogether {
			for c := range 10 {
				g := textMsg(-int64(40000+c), models.ChatTypeGroup, int64(40000+c), "/ask "+q[0])
				p := textMsg(int64(41000+c), models.ChatTypePrivate, int64(41000+c), q[0])
				start := time.Now()
				tg.push(msgUpdate(g), msgUpdate(p))
				for _, w := range []struct {
					chat int64
					into *[]time.Duration
				}{{g.Chat.ID, &group}, {p.Chat.ID, &private}} {
					calls := tg.waitFor("answer", func(calls []tgCall) bool { return countTo(calls, w.chat, "<b>来源</b>") > round })
					*w.into = append(*w.into, lastTo(calls, w.chat, "sendMessage").at.Sub(start))
				}
				// The asker reads before tapping; a tap within a second of the answer waits for
				// the chat's next second, Telegram's limit.
				time.Sleep(1500 * time.Millisecond)
				id := tb.index.Corpus().Passages(corpus.LevelSentence)[round].ID
				start = time.Now()
				tg.push(models.Update{CallbackQuery: &models.CallbackQuery{ID: fmt.Sprintf("b%d-%d", round, c), From: models.User{ID: int64(40000 + c)},
					Data: "src:" + id, Message: models.MaybeInaccessibleMessage{Message: &models.Message{ID: 100 + round, Chat: g.Chat}}}})
				calls := tg.waitFor("passage", func(calls []tgCall) bool {
					m := lastTo(calls, g.Chat.ID, "sendMessage")
					return strings.Contains(m.f["reply_parameters"], fmt.Sprintf(`"message_id":%d`, 100+round))
				})
				button = append(button, lastTo(calls, g.Chat.ID, "sendMessage").at.Sub(start))
			}
			time.Sleep(3 * time.Second)
		}
		const burst = -int64(42000)
		start := time.Now()
		var ups []models.Update
		for _, q := range askedTogether {
			ups = append(ups, msgUpdate(textMsg(burst, models.ChatTypeGroup, 42000, "/ask "+q[0])))
		}
		tg.push(ups...)
		calls := tg.waitFor("five answers", func(calls []tgCall) bool { return countTo(calls, burst, "<b>来源</b>") == 5 })
		last := lastTo(calls, burst, "sendMessage").at.Sub(start)
		stop()
		p95 := func(d []time.Duration) float64 {
			sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
			return float64(d[len(d)*95/100].Microseconds()) / 1000
		}
		b.ReportMetric(p95(group), "group-p95-ms")
		b.ReportMetric(p95(private), "private-p95-ms")
		b.ReportMetric(p95(button), "button-p95-ms")
		b.ReportMetric(float64(last.Milliseconds()), "fifth-of-five-ms")
		b.ReportMetric(100*float64(tg.refusedByLimit())/float64(max(1, len(tg.callsOf("sendMessage", "editMessageText")))), "%429")
	}
}
