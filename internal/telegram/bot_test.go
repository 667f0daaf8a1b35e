package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/fakeopenai"
	"github.com/jingyan/jingyan/internal/mock"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type testBot struct {
	*Bot
	tg   *fakeTG
	logs *syncBuffer
}

// startBot runs a bot against the fake Bot API, with the real engine on the embedded corpus
// (and the fake LLM when llmSrv is set).
func startBot(t testing.TB, cfg Config, llmSrv *fakeopenai.Server) *testBot {
	t.Helper()
	tb, stop := startBotOn(t, newFakeTG(t), cfg, llmSrv)
	t.Cleanup(stop)
	return tb
}

// startBotOn runs a bot against a given fake Bot API; stop ends it and waits for Run.
func startBotOn(t testing.TB, tg *fakeTG, cfg Config, llmSrv *fakeopenai.Server) (*testBot, func()) {
	t.Helper()
	ix := mock.Index(t)
	eng := mock.Engine(t, ix, answer.Config{}, llmSrv)

	logs := &syncBuffer{}
	cfg.Token = testToken
	cfg.APIURL = tg.URL
	if cfg.Allow == nil {
		cfg.Allow = []string{"*"}
	}
	if cfg.EditInterval == 0 {
		cfg.EditInterval = 50 * time.Millisecond
	}
	if cfg.DraftInterval == 0 {
		cfg.DraftInterval = 10 * time.Millisecond
	}
	cfg.PollTimeout = 2 * time.Second
	if cfg.UserRate == 0 {
		cfg.UserRate, cfg.UserBurst = 1000, 1000
	}
	if cfg.PaceOverall == 0 { // tests pace only where they say so
		cfg.PaceOverall, cfg.PacePrivate, cfg.PaceGroup = 1e6, 1e6, 1e6
	}
	b, err := New(context.Background(), cfg, eng, ix, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Run(ctx); close(done) }()
	stop := func() {
		cancel()
		<-done
		if strings.Contains(logs.String(), testToken) {
			t.Errorf("the bot token appears in the logs")
		}
	}
	return &testBot{Bot: b, tg: tg, logs: logs}, stop
}

func sentTo(chat int64, contains string) func([]tgCall) bool {
	return func(calls []tgCall) bool {
		for _, c := range calls {
			if (c.method == "sendMessage" || c.method == "editMessageText") && c.f["chat_id"] == itoa(chat) && strings.Contains(c.f["text"], contains) {
				return true
			}
		}
		return false
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

func lastTo(calls []tgCall, chat int64, method string) tgCall {
	var out tgCall
	for _, c := range calls {
		if c.method == method && c.f["chat_id"] == itoa(chat) {
			out = c
		}
	}
	return out
}

func TestPrivateQuestionWithFootnotesAndButtons(t *testing.T) {
	tb := startBot(t, Config{}, nil)
	tb.tg.push(msgUpdate(textMsg(42, models.ChatTypePrivate, 7, "吉林电诈降了多少")))
	calls := tb.tg.waitFor("the answer", sentTo(42, "24.7%"))
	final := lastTo(calls, 42, "sendMessage")
	if !strings.Contains(final.f["text"], "<b>来源</b>") || !strings.Contains(final.f["text"], "[1] 《推行“警地融合”机制 激发基层治理动能》（吉林省公安厅）第 3 段") {
		t.Errorf("final text = %q", final.f["text"])
	}
	if final.f["parse_mode"] != "HTML" {
		t.Errorf("parse mode %q", final.f["parse_mode"])
	}
	var kb models.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(final.f["reply_markup"]), &kb); err != nil || len(kb.InlineKeyboard) == 0 ||
		strings.Contains(final.f["reply_markup"], "copy_text") {
		t.Fatalf("keyboard = %q", final.f["reply_markup"])
	}
	data := kb.InlineKeyboard[0][0].CallbackData
	if !strings.HasPrefix(data, "src:") || len(data) > 64 {
		t.Errorf("callback data %q", data)
	}
	if len(tb.tg.callsOf("sendChatAction")) == 0 {
		t.Error("no typing action")
	}

	// The button shows the passage and answers the callback query. The message carries no
	// date, so it arrives as an "inaccessible" message: its chat still counts.
	tb.tg.push(models.Update{CallbackQuery: &models.CallbackQuery{ID: "cb1", From: models.User{ID: 7}, Data: data,
		Message: models.MaybeInaccessibleMessage{Message: &models.Message{ID: 1, Chat: models.Chat{ID: 42, Type: models.ChatTypePrivate}}}}})
	tb.tg.waitFor("the passage", sentTo(42, "<b>今年以来,全省社会治安主要指标持续向好"))
	tb.tg.waitFor("callback answered", func(calls []tgCall) bool {
		for _, c := range calls {
			if c.method == "answerCallbackQuery" && c.f["callback_query_id"] == "cb1" {
				return true
			}
		}
		return false
	})
}

func TestGroupAddressing(t *testing.T) {
	tb := startBot(t, Config{}, nil)
	const g = -100500
	ignored := textMsg(g, models.ChatTypeSupergroup, 7, "吉林电诈降了多少")
	other := textMsg(g, models.ChatTypeSupergroup, 7, "/ask@other_bot 延安群众满意度多少")
	// A forum topic: the "reply" is to the topic's first message, which is not ours.
	topic := textMsg(g, models.ChatTypeSupergroup, 7, "江苏公安政务服务事项网办率是多少")
	topic.IsTopicMessage, topic.MessageThreadID = true, 77
	topic.ReplyToMessage = &models.Message{ID: 77, From: &models.User{ID: 999, IsBot: true}, ForumTopicCreated: &models.ForumTopicCreated{Name: "讨论"}}
	mention := textMsg(g, models.ChatTypeSupergroup, 7, "@jingyan_bot 浦江涉警投诉下降了多少")
	mention.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeMention, Offset: 0, Length: 12}}
	command := textMsg(g, models.ChatTypeSupergroup, 8, "/ask@jingyan_bot 延安群众对社会治安的满意度是多少")
	reply := textMsg(g, models.ChatTypeSupergroup, 8, "那河南呢?") // a follow-up to its asker's /ask
	reply.ReplyToMessage = &models.Message{ID: 5, From: &models.User{ID: 999, IsBot: true}, Text: "…"}
	tb.tg.push(msgUpdate(ignored), msgUpdate(other), msgUpdate(topic), msgUpdate(mention), msgUpdate(command), msgUpdate(reply))

	tb.tg.waitFor("mention answered", sentTo(g, "17.7%"))
	tb.tg.waitFor("command answered", sentTo(g, "98.35%"))
	calls := tb.tg.waitFor("reply answered", func(calls []tgCall) bool {
		n := 0
		for _, c := range calls {
			if c.method == "sendMessage" && (strings.Contains(c.f["text"], "<b>来源</b>") || strings.Contains(c.f["text"], "目前收录的材料有")) {
				n++
			}
		}
		return n == 3
	})
	for _, c := range calls {
		for _, bad := range []string{"24.7%", "网办率近九成"} {
			if strings.Contains(c.f["text"], bad) {
				t.Errorf("answered a message not addressed to the bot: %q", c.f["text"])
			}
		}
	}
	// In groups a quick answer is one message, a reply to the question: no placeholder first.
	for _, c := range calls {
		switch {
		case c.method == "sendMessage" && c.f["text"] == "正在查找…":
			t.Errorf("a placeholder before a quick answer: %v", c.f)
		case c.method == "sendMessage" && !strings.Contains(c.f["reply_parameters"], `"message_id"`):
			t.Errorf("answer is not a reply: %v", c.f)
		case c.method == "editMessageText":
			t.Errorf("a quick answer was edited: %v", c.f)
		}
	}
}

func TestCommands(t *testing.T) {
	tb := startBot(t, Config{Admins: []int64{1}}, nil)
	const c = 55
	send := func(user int64, text string) { tb.tg.push(msgUpdate(textMsg(c, models.ChatTypePrivate, user, text))) }
	send(2, "/start")
	tb.tg.waitFor("help", sentTo(c, "/search 问题"))
	send(2, "/reports")
	tb.tg.waitFor("reports", sentTo(c, "《深化源头治理 加强公安信访工作》（浙江省浦江县公安局）"))
	send(2, "/search 片警占派出所警力多少")
	calls := tb.tg.waitFor("search", sentTo(c, "<b>检索：</b>"))
	s := lastTo(calls, c, "sendMessage").f["text"]
	// The passage commands are tappable: Telegram links /src_… but not "/src 47aa1c-…".
	if !regexp.MustCompile(`\n/src_47aa1c_r\d+p\d+s\d+\n`).MatchString(s) || !strings.Contains(s, "第 4 段") {
		t.Errorf("search = %q", s)
	}
	send(2, "/src 47aa1c-r1p3s2")
	tb.tg.waitFor("src", sentTo(c, "<b>强化力量统筹"))
	send(2, "/src_47aa1c_r1p4s3")
	tb.tg.waitFor("tapped src", sentTo(c, "<b>目前,省市两级下派机关民警1700余人"))
	send(2, "plain English, please")
	tb.tg.waitFor("hint", sentTo(c, "请用中文提问"))
	send(2, "/src ../../etc/passwd")
	tb.tg.waitFor("bad src", sentTo(c, "没有这个段落编号"))
	send(2, "/frobnicate")
	tb.tg.waitFor("unknown", sentTo(c, "未知命令 /frobnicate"))
	send(2, "/stats")
	tb.tg.waitFor("stats refused", sentTo(c, "只有管理员"))
	send(1, "/stats")
	tb.tg.waitFor("stats", sentTo(c, "<b>运行情况</b>"))
	send(2, "/ask")
	tb.tg.waitFor("ask usage", sentTo(c, "用法：/ask"))
}

func TestFollowUpAndNew(t *testing.T) {
	tb := startBot(t, Config{}, nil)
	const c = 66
	tb.tg.push(msgUpdate(textMsg(c, models.ChatTypePrivate, 3, "吉林社区民警占派出所警力多少?")))
	tb.tg.waitFor("first", sentTo(c, "49.4%"))
	tb.tg.push(msgUpdate(textMsg(c, models.ChatTypePrivate, 3, "那河南呢?")))
	tb.tg.waitFor("follow-up", sentTo(c, "43.9%"))
	tb.tg.push(msgUpdate(textMsg(c, models.ChatTypePrivate, 3, "/new")))
	tb.tg.waitFor("new", sentTo(c, "已开始新对话"))
	if h := tb.chats.History(c, 3); len(h) != 0 {
		t.Errorf("history after /new: %v", h)
	}
}

// "还有吗?" in a chat asks the asker's previous question again for what was not yet quoted,
// and says when there is no more.
func TestAskForMoreInAChat(t *testing.T) {
	tb := startBot(t, Config{}, nil)
	const c = 67
	tb.tg.push(msgUpdate(textMsg(c, models.ChatTypePrivate, 3, "吉林怎么搞警地融合的?")))
	tb.tg.waitFor("first", sentTo(c, "四个警务"))
	tb.tg.push(msgUpdate(textMsg(c, models.ChatTypePrivate, 3, "还有吗?")))
	// The first answer quotes the report's topic lines; more is its introduction ("…创新推行
	// “警地融合”基层警务运行新机制…"), which the first did not quote.
	tb.tg.waitFor("more", sentTo(c, "创新推行"))
}

func TestHostileTextEscaped(t *testing.T) {
	tb := startBot(t, Config{}, nil)
	const c = 77
	tb.tg.push(msgUpdate(textMsg(c, models.ChatTypePrivate, 3, "/search <b>警地融合</b> & </a> 😀 \xff")))
	calls := tb.tg.waitFor("search reply", sentTo(c, "检索"))
	text := lastTo(calls, c, "sendMessage").f["text"]
	if !strings.Contains(text, "&lt;b&gt;警地融合&lt;/b&gt; &amp; &lt;/a&gt; 😀") || strings.Contains(text, "<b>警地融合") {
		t.Errorf("not escaped: %q", text)
	}
	// An empty question, a control-character question and a huge one get clear replies.
	tb.tg.push(msgUpdate(textMsg(c, models.ChatTypePrivate, 3, "\x00\x01")), msgUpdate(textMsg(c, models.ChatTypePrivate, 3, strings.Repeat("警", 5000))))
	tb.tg.waitFor("too long", sentTo(c, "问题太长"))
}

func TestAllowList(t *testing.T) {
	tb := startBot(t, Config{Allow: []string{"1", "-100900"}}, nil)
	tb.tg.push(msgUpdate(textMsg(31, models.ChatTypePrivate, 31, "吉林电诈降了多少")))
	tb.tg.waitFor("refusal", sentTo(31, "用户 ID：<code>31</code>"))
	tb.tg.push(msgUpdate(textMsg(31, models.ChatTypePrivate, 31, "再问一次")))
	// An allowed group lets its members in.
	tb.tg.push(msgUpdate(textMsg(-100900, models.ChatTypeGroup, 32, "/ask 吉林电诈降了多少")))
	tb.tg.waitFor("group answer", sentTo(-100900, "24.7%"))
	for _, c := range tb.tg.callsOf("sendMessage") {
		if c.f["chat_id"] == "31" && (strings.Contains(c.f["text"], "24.7%") || !strings.Contains(c.f["text"], "用户 ID：<code>31</code>")) {
			t.Errorf("stranger got %q", c.f["text"])
		}
	}
	if n := len(tb.tg.callsOf("sendMessage")); n > 3 {
		t.Errorf("%d messages; the stranger should be told once", n)
	}
}

func TestTooManyRequestsRetried(t *testing.T) {
	tb := startBot(t, Config{}, nil)
	tb.tg.mu.Lock()
	tb.tg.tooMany["sendMessage"] = 2
	tb.tg.retry = 1
	tb.tg.mu.Unlock()
	start := time.Now()
	tb.tg.push(msgUpdate(textMsg(88, models.ChatTypePrivate, 3, "吉林电诈降了多少")))
	tb.tg.waitFor("answer after 429s", func(calls []tgCall) bool {
		n := 0
		for _, c := range calls {
			if c.method == "sendMessage" && c.f["chat_id"] == "88" {
				n++
			}
		}
		return n == 3 // two refused, the third delivered
	})
	if el := time.Since(start); el < 2*time.Second {
		t.Errorf("retried after %s, before retry_after", el)
	}
}

func TestPollingRecoversFromErrors(t *testing.T) {
	tb := startBot(t, Config{}, nil)
	tb.tg.mu.Lock()
	tb.tg.fail = 2
	tb.tg.mu.Unlock()
	tb.tg.push(msgUpdate(textMsg(89, models.ChatTypePrivate, 3, "吉林电诈降了多少")))
	tb.tg.waitFor("answer after getUpdates errors", sentTo(89, "24.7%"))
}

func TestStreamingDraftsAndEdits(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Step{Reply: "吉林全省电信网络诈骗发案数同比下降24.7%[1]。治安案件发案数同比下降27.4%[1]。", ChunkRunes: 3, Delay: 50 * time.Millisecond})
	defer fake.Close()
	// SlowAfter 1 ms, a model that starts after 50 ms: the answer is slow, shown as it streams.
	tb := startBot(t, Config{EditInterval: 20 * time.Millisecond, SlowAfter: time.Millisecond}, fake)
	tb.tg.push(msgUpdate(textMsg(90, models.ChatTypePrivate, 3, "吉林电诈降了多少")))
	calls := tb.tg.waitFor("private answer", sentTo(90, "<b>来源</b>"))
	drafts := 0
	for _, c := range calls {
		if c.method == "sendMessageDraft" && c.f["chat_id"] == "90" {
			drafts++
		}
	}
	if drafts == 0 {
		t.Error("no drafts streamed in the private chat")
	}

	tb.tg.push(msgUpdate(textMsg(-100901, models.ChatTypeGroup, 3, "/ask 吉林电诈降了多少")))
	calls = tb.tg.waitFor("group answer", func(calls []tgCall) bool {
		c := lastTo(calls, -100901, "editMessageText")
		return strings.Contains(c.f["text"], "<b>来源</b>")
	})
	var edits []tgCall
	for _, c := range calls {
		if c.method == "editMessageText" && c.f["chat_id"] == "-100901" {
			edits = append(edits, c)
		}
	}
	final := edits[len(edits)-1]
	if !strings.Contains(final.f["reply_markup"], "src:") {
		t.Errorf("final edit lacks buttons: %v", final.f)
	}
	for i := 1; i < len(edits)-1; i++ {
		if edits[i].f["text"] == edits[i-1].f["text"] {
			t.Errorf("unchanged text edited again: %q", edits[i].f["text"])
		}
		if d := edits[i].at.Sub(edits[i-1].at); d < 15*time.Millisecond {
			t.Errorf("edits %s apart, interval 20ms", d)
		}
	}
}

func TestWebhook(t *testing.T) {
	tb := startBot(t, Config{WebhookSecret: "s3cret"}, nil)
	h := tb.WebhookHandler()
	body, _ := json.Marshal(models.Update{ID: 1, Message: textMsg(91, models.ChatTypePrivate, 3, "吉林电诈降了多少")})
	for _, secret := range []string{"", "wrong"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/hook", bytes.NewReader(body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("secret %q: %d", secret, rec.Code)
		}
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(tb.tg.callsOf("sendMessage")); n != 0 {
		t.Fatalf("a request with a wrong secret was processed (%d messages)", n)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/hook", bytes.NewReader(body))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret")
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("right secret: %d", rec.Code)
	}
	tb.tg.waitFor("webhook answer", sentTo(91, "24.7%"))
	rec = httptest.NewRecorder()
	req = httptest.NewRequest("POST", "/hook", strings.NewReader("{not json"))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret")
	h.ServeHTTP(rec, req)
	if rec.Code != 400 {
		t.Errorf("broken update: %d", rec.Code)
	}
}

func TestAuditLog(t *testing.T) {
	path := t.TempDir() + "/audit.jsonl"
	tb := startBot(t, Config{AuditPath: path, Allow: []string{"3"}}, nil)
	tb.tg.push(msgUpdate(textMsg(92, models.ChatTypePrivate, 3, "吉林电诈降了多少")), msgUpdate(textMsg(93, models.ChatTypePrivate, 4, "你好")))
	tb.tg.waitFor("answer", sentTo(92, "24.7%"))
	tb.tg.waitFor("refusal", sentTo(93, "没有使用权限"))
	time.Sleep(50 * time.Millisecond)
	data, _ := os.ReadFile(path)
	var recs []auditRecord
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r auditRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	var ask *auditRecord
	for i := range recs {
		if recs[i].Kind == "ask" {
			ask = &recs[i]
		}
	}
	if ask == nil || ask.Chat != 92 || ask.User != 3 || ask.Question != "吉林电诈降了多少" || len(ask.Passages) == 0 || ask.Mode != "extractive" {
		t.Errorf("audit = %+v", recs)
	}
	if strings.Contains(string(data), testToken) {
		t.Error("token in the audit log")
	}
}

// An LLM stream cut after its first sentence: the final message is the notice and the
// extractive answer, not the LLM's sentence in front of them.
func TestStreamCutReplaced(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Step{Reply: "吉林电信网络诈骗发案数同比下降24.7%[1]。第二句说到一半就断了", ChunkRunes: 3, CutAfter: 12})
	defer fake.Close()
	// SlowAfter 1 ms: the scripted model is quick, the answer is shown as it streams all the same.
	tb := startBot(t, Config{EditInterval: 20 * time.Millisecond, SlowAfter: time.Millisecond}, fake)
	tb.tg.push(msgUpdate(textMsg(91, models.ChatTypePrivate, 3, "吉林电诈降了多少")))
	calls := tb.tg.waitFor("private answer", sentTo(91, "<b>来源</b>"))
	final := lastTo(calls, 91, "sendMessage")
	text := final.f["text"]
	if !strings.HasPrefix(text, "<i>大模型") || strings.Contains(text, "第二句") || strings.Count(text, "24.7%") != 1 {
		t.Errorf("final message:\n%s", text)
	}
}

func TestCommandMenuSet(t *testing.T) {
	tb := startBot(t, Config{}, nil)
	calls := tb.tg.callsOf("setMyCommands")
	if len(calls) != 1 || !strings.Contains(calls[0].f["commands"], "警地融合") || strings.Contains(calls[0].f["commands"], "stats") {
		t.Fatalf("setMyCommands calls: %+v", calls)
	}
}

// An allowed user in a group that is not allowed gets no answer every member could read,
// unless UsersAnywhere says so.
func TestGroupMustBeAllowed(t *testing.T) {
	tb := startBot(t, Config{Allow: []string{"3"}, Admins: []int64{1}}, nil)
	asked := textMsg(-100950, models.ChatTypeGroup, 3, "/ask 吉林电诈降了多少")
	asked.Chat.Title = "城南派出所工作群"
	tb.tg.push(msgUpdate(asked), msgUpdate(textMsg(-100950, models.ChatTypeGroup, 4, "/ask 延安群众满意度多少")))
	// The group is what is not enabled: it hears so once, with its ID, and the admin is told.
	tb.tg.waitFor("refusal in the group", sentTo(-100950, "这个群还没有开通"))
	tb.tg.waitFor("the admin told", sentTo(1, "城南派出所工作群"))
	time.Sleep(100 * time.Millisecond)
	if n := tb.tg.sentCount(-100950, "没有开通"); n != 1 {
		t.Errorf("the group told %d times", n)
	}
	added := textMsg(-100952, models.ChatTypeGroup, 4, "")
	added.NewChatMembers = []models.User{{ID: 999, IsBot: true, Username: "jingyan_bot"}}
	tb.tg.push(msgUpdate(added))
	tb.tg.waitFor("told when added", sentTo(-100952, "<code>-100952</code>"))
	tb.tg.push(msgUpdate(textMsg(3, models.ChatTypePrivate, 3, "吉林电诈降了多少")))
	tb.tg.waitFor("answer in private", sentTo(3, "24.7%"))

	anywhere := startBot(t, Config{Allow: []string{"3"}, UsersAnywhere: true}, nil)
	anywhere.tg.push(msgUpdate(textMsg(-100951, models.ChatTypeGroup, 3, "/ask 吉林电诈降了多少")))
	anywhere.tg.waitFor("answer in the group", sentTo(-100951, "24.7%"))
}

// Every outcome leaves an audit line — answered, invalid, rate-limited, denied — and control
// characters in a question are escaped, not written raw.
func TestAuditOutcomes(t *testing.T) {
	path := t.TempDir() + "/audit.jsonl"
	tb := startBot(t, Config{AuditPath: path, Allow: []string{"3"}, UserRate: 0.001, UserBurst: 2}, nil)
	tb.tg.push(msgUpdate(textMsg(3, models.ChatTypePrivate, 3, "吉林电诈降了多少\u202e")))
	tb.tg.waitFor("answer", sentTo(3, "24.7%"))
	tb.tg.push(msgUpdate(textMsg(3, models.ChatTypePrivate, 3, strings.Repeat("警", 3000))))
	tb.tg.waitFor("too long", sentTo(3, "问题太长"))
	tb.tg.push(msgUpdate(textMsg(3, models.ChatTypePrivate, 3, "再问一次")))
	tb.tg.waitFor("rate limited", sentTo(3, "提问太频繁"))
	tb.tg.push(msgUpdate(textMsg(4, models.ChatTypePrivate, 4, "你好")))
	tb.tg.waitFor("denied", sentTo(4, "没有使用权限"))
	time.Sleep(50 * time.Millisecond)
	data, _ := os.ReadFile(path)
	for _, want := range []string{`"outcome":"answered"`, `"outcome":"invalid"`, `"outcome":"rate_limited"`, `"outcome":"denied"`, `\\u202e`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("audit lacks %s:\n%s", want, data)
		}
	}
	if strings.ContainsRune(string(data), '\u202e') {
		t.Error("a raw U+202E in the audit log")
	}
}

func callback(id string, user int64, data string, chat int64) models.Update {
	cq := &models.CallbackQuery{ID: id, From: models.User{ID: user}, Data: data}
	if chat != 0 {
		cq.Message = models.MaybeInaccessibleMessage{Message: &models.Message{ID: 1, Chat: models.Chat{ID: chat, Type: models.ChatTypePrivate}}}
	} else {
		cq.InlineMessageID = "inline-" + id
	}
	return models.Update{CallbackQuery: cq}
}

func answeredCallbacks(calls []tgCall) map[string]string {
	out := make(map[string]string)
	for _, c := range calls {
		if c.method == "answerCallbackQuery" {
			out[c.f["callback_query_id"]] = c.f["text"]
		}
	}
	return out
}

// Source buttons are answered at once, never queued behind questions nor told to wait; a
// button on an inline message gets the passage in its alert; pressing too fast is said so.
func TestCallbacksAnsweredAtOnce(t *testing.T) {
	tb := startBot(t, Config{TapBurst: 6, TapRate: 0.001, UserBurst: 1, UserRate: 0.001}, nil)
	id := tb.index.Corpus().Passages(corpus.LevelSentence)[0].ID
	for i := range 5 {
		tb.tg.push(callback(fmt.Sprintf("cb%d", i), 7, "src:"+id, 42))
	}
	tb.tg.push(callback("inline", 7, "src:"+id, 0))
	tb.tg.push(callback("fast", 7, "src:"+id, 42))
	// The passage is posted after its callback is answered: wait for both.
	calls := tb.tg.waitFor("all callbacks answered and the passage posted", func(calls []tgCall) bool {
		return len(answeredCallbacks(calls)) == 7 && lastTo(calls, 42, "sendMessage").method != ""
	})
	got := answeredCallbacks(calls)
	// The passage goes under the answer once; tapping again points to it. Taps have their own
	// limit: this user's one question a while does not hold them back.
	for i := range 5 {
		want := "原文已在回答下方"
		if i == 0 {
			want = "原文见下方"
		}
		if got[fmt.Sprintf("cb%d", i)] != want {
			t.Errorf("cb%d answered %q, want %q", i, got[fmt.Sprintf("cb%d", i)], want)
		}
	}
	posted := 0
	for _, c := range calls {
		if c.method == "sendMessage" && c.f["chat_id"] == "42" {
			posted++
			if !strings.Contains(c.f["reply_parameters"], `"message_id":1`) {
				t.Errorf("the passage is not a reply to the answer: %v", c.f)
			}
		}
	}
	if posted != 1 {
		t.Errorf("the passage posted %d times", posted)
	}
	if !strings.Contains(got["inline"], "第 1 段") {
		t.Errorf("inline callback answered %q", got["inline"])
	}
	if !strings.Contains(got["fast"], "太频繁") {
		t.Errorf("the seventh press in a row answered %q", got["fast"])
	}
	for _, c := range calls {
		if c.method == "sendMessage" && strings.Contains(c.f["text"], "稍等") {
			t.Errorf("a button press was told to wait: %q", c.f["text"])
		}
	}
}

// Any single failed call of the final send — 500, 502, a dropped connection, a reply that is
// not JSON — is retried: the answer still arrives, once.
func TestFinalSendSurvivesOneFault(t *testing.T) {
	for i, fault := range []string{"500", "502", "reset", "badjson"} {
		t.Run(fault, func(t *testing.T) {
			tb := startBot(t, Config{RetryBase: 20 * time.Millisecond}, nil)
			tb.tg.mu.Lock()
			tb.tg.faults["sendMessage"] = []string{fault}
			tb.tg.mu.Unlock()
			chat := int64(700 + i)
			tb.tg.push(msgUpdate(textMsg(chat, models.ChatTypePrivate, 3, "吉林电诈降了多少")))
			answers := func(calls []tgCall) int {
				n := 0
				for _, c := range calls {
					if c.method == "sendMessage" && c.f["chat_id"] == strconv.FormatInt(chat, 10) && strings.Contains(c.f["text"], "<b>来源</b>") {
						n++
					}
				}
				return n
			}
			// The failed attempt is recorded too: the answer is there once it was tried again.
			tb.tg.waitFor("the answer retried after a "+fault, func(calls []tgCall) bool { return answers(calls) >= 2 })
			time.Sleep(100 * time.Millisecond)
			if delivered := answers(tb.tg.callsOf("sendMessage")); delivered != 2 {
				t.Errorf("%d sendMessage calls with the answer, want the failed one and its retry", delivered)
			}
		})
	}
}

// In a group each member has a conversation of their own: A's follow-up "那河南呢?" follows
// A's question, not B's that came in between.
func TestGroupFollowUpPerUser(t *testing.T) {
	tb := startBot(t, Config{}, nil)
	const g = -100960
	tb.tg.push(msgUpdate(textMsg(g, models.ChatTypeGroup, 11, "/ask 吉林社区民警占派出所警力多少?")))
	tb.tg.waitFor("A's question", sentTo(g, "49.4%"))
	tb.tg.push(msgUpdate(textMsg(g, models.ChatTypeGroup, 12, "/ask 浦江信访工作有什么做法?")))
	tb.tg.waitFor("B's question", sentTo(g, "浦江"))
	tb.tg.push(msgUpdate(textMsg(g, models.ChatTypeGroup, 11, "/ask 那河南呢?")))
	tb.tg.waitFor("A's follow-up about 河南's share", sentTo(g, "43.9%"))
}

// The same update delivered twice (a webhook retried) is answered once.
func TestWebhookDuplicateOnce(t *testing.T) {
	tb := startBot(t, Config{WebhookSecret: "s3cret"}, nil)
	h := tb.WebhookHandler()
	body, _ := json.Marshal(models.Update{ID: 4242, Message: textMsg(95, models.ChatTypePrivate, 3, "吉林电诈降了多少")})
	for range 3 {
		req := httptest.NewRequest("POST", "/hook", bytes.NewReader(body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret")
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	tb.tg.waitFor("answer", sentTo(95, "<b>来源</b>"))
	time.Sleep(200 * time.Millisecond)
	if n := tb.tg.sentCount(95, "<b>来源</b>"); n != 1 {
		t.Errorf("answered %d times", n)
	}
}

func TestSeenUpdatesBounded(t *testing.T) {
	s := newSeenUpdates(3)
	for _, id := range []int64{1, 2, 3, 4} {
		if !s.First(id) {
			t.Fatalf("%d seen before", id)
		}
	}
	if s.First(4) || s.First(3) {
		t.Error("a recent update handled twice")
	}
	if !s.First(1) {
		t.Error("the oldest update was not forgotten")
	}
	if len(s.ids) > 3 {
		t.Errorf("%d IDs kept", len(s.ids))
	}
}

// A question accepted before a stop that outlasts the drain deadline stays journaled and is
// answered, once, by the next run.
func TestJournalAnswersAfterRestart(t *testing.T) {
	path := t.TempDir() + "/journal.db"
	tg := newFakeTG(t)
	slow := fakeopenai.New(fakeopenai.Step{Reply: "吉林电信网络诈骗发案数同比下降24.7%[1]。", Delay: 5 * time.Second})
	defer slow.Close()
	first, stop := startBotOn(t, tg, Config{JournalPath: path, DrainTimeout: 100 * time.Millisecond}, slow)
	first.tg.push(msgUpdate(textMsg(97, models.ChatTypePrivate, 3, "吉林电诈降了多少")))
	tg.waitFor("the question accepted", func(calls []tgCall) bool {
		for _, c := range calls {
			if c.method == "sendChatAction" && c.f["chat_id"] == "97" {
				return true
			}
		}
		return false
	})
	stop() // SIGTERM: the answer is still being written when the drain deadline passes

	second, stop2 := startBotOn(t, tg, Config{JournalPath: path}, nil)
	defer stop2()
	second.tg.waitFor("the answer after the restart", sentTo(97, "<b>来源</b>"))
	time.Sleep(200 * time.Millisecond)
	if answers := tg.sentCount(97, "<b>来源</b>"); answers != 1 {
		t.Errorf("answered %d times", answers)
	}
	if n := len(second.journal.pending()); n != 0 {
		t.Errorf("%d questions still journaled after they were answered", n)
	}
}

// An answer Telegram will not take is not silently lost: in a group the placeholder goes when
// the answer had to be sent anew; when nothing got through, the user is told so.
func TestUndeliveredAnswer(t *testing.T) {
	// A model slower than SlowAfter, so the answer surely starts as a placeholder: an
	// extractive answer can be ready before even a nanosecond's timer fires.
	slow := fakeopenai.New(fakeopenai.Step{Reply: "吉林电信网络诈骗发案数同比下降24.7%[1]。", Delay: 100 * time.Millisecond})
	defer slow.Close()
	tb := startBot(t, Config{RetryBase: 10 * time.Millisecond, SlowAfter: time.Millisecond}, slow)
	tb.tg.mu.Lock()
	for range 50 {
		tb.tg.faults["editMessageText"] = append(tb.tg.faults["editMessageText"], "400")
	}
	tb.tg.mu.Unlock()
	const g = -100970
	tb.tg.push(msgUpdate(textMsg(g, models.ChatTypeGroup, 3, "/ask 吉林电诈降了多少")))
	tb.tg.waitFor("answer sent anew", sentTo(g, "<b>来源</b>"))
	tb.tg.waitFor("placeholder deleted", func(calls []tgCall) bool { return lastTo(calls, g, "deleteMessage").method != "" })

	tb.tg.mu.Lock()
	tb.tg.faults["editMessageText"] = nil
	tb.tg.faults["sendMessage"] = []string{"400"}
	tb.tg.mu.Unlock()
	tb.tg.push(msgUpdate(textMsg(98, models.ChatTypePrivate, 3, "吉林电诈降了多少")))
	tb.tg.waitFor("failure told", sentTo(98, "没能完整送达"))
}

// A flood under emulated limits (scaled down: 10 messages a second a chat, 40 overall) is
// paced, not refused: every question answered, almost no 429s.
func TestPacedFlood(t *testing.T) {
	tg := newFakeTG(t)
	tg.limitChat, tg.limitAll = 10, 40
	tb, stop := startBotOn(t, tg, Config{PaceOverall: 35, PacePrivate: 8, PaceGroup: 8, QueuePerChat: 20}, nil)
	defer stop()
	const chats, each = 8, 6
	for i := range each {
		for c := range chats {
			tb.tg.push(msgUpdate(textMsg(int64(800+c), models.ChatTypePrivate, int64(800+c), []string{"吉林电诈降了多少", "延安群众对社会治安的满意度是多少", "河南新增了多少派出所警力"}[(i+c)%3])))
		}
	}
	calls := tb.tg.waitFor("every answer", func(calls []tgCall) bool {
		n := 0
		for _, c := range calls {
			if c.method == "sendMessage" && strings.Contains(c.f["text"], "<b>来源</b>") {
				n++
			}
		}
		return n >= chats*each
	})
	sends, refused := 0, tb.tg.refusedByLimit()
	for _, c := range calls {
		if c.method == "sendMessage" || c.method == "editMessageText" || c.method == "sendMessageDraft" {
			sends++
		}
	}
	if refused*100 > sends {
		t.Errorf("%d of %d sends answered 429", refused, sends)
	}
}

// A question Telegram delivers again after a restart — journaled, or already answered — is
// not queued a second time.
func TestJournalRedelivery(t *testing.T) {
	j, err := openJournal(t.TempDir() + "/j.db")
	if err != nil {
		t.Fatal(err)
	}
	defer j.close()
	msg := textMsg(99, models.ChatTypePrivate, 3, "吉林电诈降了多少")
	key, fresh := j.put(msg)
	if !fresh {
		t.Fatal("first delivery not fresh")
	}
	if _, fresh := j.put(msg); fresh {
		t.Error("a journaled question taken again")
	}
	j.done(key)
	if _, fresh := j.put(msg); fresh {
		t.Error("an answered question taken again")
	}
	if n := len(j.pending()); n != 0 {
		t.Errorf("%d pending after done", n)
	}
}
