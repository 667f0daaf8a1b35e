package telegram

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/jingyan/jingyan/internal/fakeopenai"
)

// askedTogether are five questions with answers told apart by a figure each.
var askedTogether = [][2]string{
	{"吉林电诈降了多少", "24.7%"},
	{"延安群众对社会治安的满意度是多少", "98.35%"},
	{"河南新增了多少派出所警力", "1350"},
	{"浦江涉警投诉下降了多少", "17.7%"},
	{"吉林社区民警占派出所警力多少", "49.4%"},
}

// Five questions arriving together in a chat all wait their turn and are answered in order —
// none turned away — and those behind the first are acknowledged at once with a reaction.
func TestQueuedNotTurnedAway(t *testing.T) {
	tb := startBot(t, Config{}, nil)
	const private, group = 71, -100710
	var ups []models.Update
	ids := map[string]bool{}
	for _, q := range askedTogether {
		p := textMsg(private, models.ChatTypePrivate, private, q[0])
		g := textMsg(group, models.ChatTypeGroup, 5, "/ask "+q[0])
		ids[strconv.Itoa(p.ID)], ids[strconv.Itoa(g.ID)] = true, true
		ups = append(ups, msgUpdate(p), msgUpdate(g))
	}
	tb.tg.push(ups...)
	for _, chat := range []int64{private, group} {
		calls := tb.tg.waitFor("five answers", func(calls []tgCall) bool { return countTo(calls, chat, "<b>来源</b>") == 5 })
		var order []string
		for _, c := range calls {
			if c.f["chat_id"] != itoa(chat) {
				continue
			}
			if strings.Contains(c.f["text"], "排队") || c.f["text"] == "正在查找…" {
				t.Errorf("chat %d: %q", chat, c.f["text"])
			}
			for _, q := range askedTogether {
				if c.method == "sendMessage" && strings.Contains(c.f["text"], q[1]) && strings.Contains(c.f["text"], "<b>来源</b>") {
					order = append(order, q[1])
				}
			}
		}
		if len(order) != 5 {
			t.Fatalf("chat %d: answers %v", chat, order)
		}
		for i, q := range askedTogether {
			if order[i] != q[1] {
				t.Errorf("chat %d: answers out of order: %v", chat, order)
				break
			}
		}
	}
	// Reactions go out beside the answers, each on its own: wait for one in each chat.
	tb.tg.waitFor("reactions", func(calls []tgCall) bool {
		return lastTo(calls, private, "setMessageReaction").method != "" && lastTo(calls, group, "setMessageReaction").method != ""
	})
	reacted := map[string]int{}
	for _, c := range tb.tg.callsOf("setMessageReaction") {
		reacted[c.f["chat_id"]]++
		if !ids[c.f["message_id"]] || !strings.Contains(c.f["reaction"], queuedReaction) {
			t.Errorf("reaction on %v", c.f)
		}
	}
	if reacted[itoa(private)] == 0 || reacted[itoa(group)] == 0 {
		t.Errorf("waiting questions not acknowledged: %v", reacted)
	}
}

// Beyond the cap a question is turned away saying what happened; where reactions are
// refused, the acknowledgement is a reply the answer then replaces — nothing is left behind.
func TestQueueCapAndAckReply(t *testing.T) {
	slow := fakeopenai.New(fakeopenai.Step{Reply: "吉林全省电信网络诈骗发案数同比下降24.7%[1]。", Delay: 300 * time.Millisecond})
	defer slow.Close()
	tb := startBot(t, Config{QueuePerChat: 2}, slow)
	tb.tg.mu.Lock()
	tb.tg.faults["setMessageReaction"] = []string{"400", "400", "400", "400"}
	tb.tg.mu.Unlock()
	const chat = 72
	for range 5 {
		tb.tg.push(msgUpdate(textMsg(chat, models.ChatTypePrivate, chat, "吉林电诈降了多少")))
	}
	calls := tb.tg.waitFor("two answers and three turned away", func(calls []tgCall) bool {
		return countTo(calls, chat, "<b>来源</b>") == 2 && countTo(calls, chat, "这个会话已有 2 个问题在排队") == 3
	})
	acks := map[string]bool{}
	for _, c := range calls {
		if c.method == "sendMessage" && strings.Contains(c.f["text"], "已收到，前面还有") {
			acks[c.f["chat_id"]+":"+c.f["message_id"]] = true
		}
	}
	if len(acks) == 0 {
		t.Fatal("no acknowledgement replied when reactions were refused")
	}
	replaced := 0
	for _, c := range calls {
		if c.method == "editMessageText" && strings.Contains(c.f["text"], "<b>来源</b>") {
			replaced++
		}
	}
	if replaced == 0 {
		t.Error("the acknowledgement was not replaced by the answer")
	}
	time.Sleep(400 * time.Millisecond)
	if n := countTo(tb.tg.callsOf("sendMessage", "editMessageText"), chat, "<b>来源</b>"); n != 2 {
		t.Errorf("%d answers, want 2", n)
	}
}

// countTo counts the sent or edited messages to chat holding text.
func countTo(calls []tgCall, chat int64, text string) int {
	n := 0
	for _, c := range calls {
		if (c.method == "sendMessage" || c.method == "editMessageText") && c.f["chat_id"] == itoa(chat) && strings.Contains(c.f["text"], text) {
			n++
		}
	}
	return n
}

// A question under a photo is a question; so is an edited one — answered anew, once.
func TestCaptionAndEditedQuestion(t *testing.T) {
	tb := startBot(t, Config{}, nil)
	const g, p = -100740, 74
	photo := textMsg(g, models.ChatTypeSupergroup, 5, "")
	photo.Caption = "@jingyan_bot 浦江涉警投诉下降了多少"
	photo.CaptionEntities = []models.MessageEntity{{Type: models.MessageEntityTypeMention, Offset: 0, Length: 12}}
	photo.Photo = []models.PhotoSize{{FileID: "x", Width: 10, Height: 10}}
	q := textMsg(p, models.ChatTypePrivate, p, "吉林电诈降了多少")
	tb.tg.push(msgUpdate(photo), msgUpdate(q))
	tb.tg.waitFor("caption answered", sentTo(g, "17.7%"))
	tb.tg.waitFor("first answer", sentTo(p, "24.7%"))
	edited := *q
	edited.Text, edited.EditDate = "延安群众对社会治安的满意度是多少", int(time.Now().Unix())
	tb.tg.push(models.Update{EditedMessage: &edited})
	tb.tg.waitFor("edited answered", sentTo(p, "98.35%"))
	time.Sleep(200 * time.Millisecond)
	if n := countTo(tb.tg.callsOf("sendMessage"), p, "98.35%"); n != 1 {
		t.Errorf("edited question answered %d times", n)
	}
	if n := countTo(tb.tg.callsOf("sendMessage"), p, "24.7%"); n != 1 {
		t.Errorf("the question before its edit answered %d times", n)
	}
}

// A reply to the bot's answer continues that answer's conversation, whoever in the group
// replies: "那河南呢?" after A's question about 吉林 asks about 河南's share, for B too.
func TestReplyContinuesAnswersConversation(t *testing.T) {
	tb := startBot(t, Config{}, nil)
	const g = -100750
	tb.tg.push(msgUpdate(textMsg(g, models.ChatTypeSupergroup, 5, "/ask 吉林社区民警占派出所警力多少")))
	calls := tb.tg.waitFor("A's answer", sentTo(g, "49.4%"))
	answerID := 0
	for _, c := range calls {
		if c.method == "sendMessage" && strings.Contains(c.f["text"], "49.4%") {
			answerID, _ = strconv.Atoi(c.f["_id"])
		}
	}
	reply := textMsg(g, models.ChatTypeSupergroup, 6, "那河南呢?")
	reply.ReplyToMessage = &models.Message{ID: answerID, From: &models.User{ID: 999, IsBot: true}, Text: "…"}
	tb.tg.push(msgUpdate(reply))
	tb.tg.waitFor("B's follow-up answered about 河南", sentTo(g, "43.9%"))
}

// A placeholder shown before a stop is not left saying "正在查找…": the next run writes the
// answer into it.
func TestPlaceholderReplacedAfterRestart(t *testing.T) {
	path := t.TempDir() + "/journal.db"
	tg := newFakeTG(t)
	slow := fakeopenai.New(fakeopenai.Step{Reply: "吉林电信网络诈骗发案数同比下降24.7%[1]。", Delay: 5 * time.Second})
	defer slow.Close()
	first, stop := startBotOn(t, tg, Config{JournalPath: path, DrainTimeout: 100 * time.Millisecond, SlowAfter: 10 * time.Millisecond}, slow)
	const g = -100760
	asked := textMsg(g, models.ChatTypeGroup, 3, "/ask 吉林电诈降了多少")
	first.tg.push(msgUpdate(asked))
	calls := tg.waitFor("the placeholder", sentTo(g, "正在查找…"))
	placeholder := ""
	for _, c := range calls {
		if c.method == "sendMessage" && c.f["text"] == "正在查找…" {
			placeholder = c.f["_id"]
		}
	}
	for deadline := time.Now().Add(10 * time.Second); first.journal.shownFor(asked) == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond) // until the journal records it
	}
	stop()

	second, stop2 := startBotOn(t, tg, Config{JournalPath: path}, nil)
	defer stop2()
	calls = second.tg.waitFor("the answer after the restart", func(calls []tgCall) bool { return countTo(calls, g, "<b>来源</b>") > 0 })
	for _, c := range calls {
		if strings.Contains(c.f["text"], "<b>来源</b>") && (c.method != "editMessageText" || c.f["message_id"] != placeholder) {
			t.Errorf("the answer is not written into the placeholder %s: %s %v", placeholder, c.method, c.f["message_id"])
		}
	}
}
