package telegram

import (
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/jingyan/jingyan/internal/fakeopenai"
)

// A model's refusal reaches a chat as a refusal with what the collection covers, in a private
// chat and in a group, never as "未通过校验" and an unrelated extract.
func TestModelRefusalInChats(t *testing.T) {
	fake := fakeopenai.New(fakeopenai.Step{Reply: "所给材料中没有关于警犬训练的内容。", ChunkRunes: 3})
	defer fake.Close()
	tb := startBot(t, Config{}, fake)
	tb.tg.push(msgUpdate(textMsg(95, models.ChatTypePrivate, 3, "派出所的警犬平时是怎么训练的?")))
	tb.tg.push(msgUpdate(textMsg(-100950, models.ChatTypeGroup, 3, "/ask 派出所的警犬平时是怎么训练的?")))
	for _, chat := range []int64{95, -100950} {
		calls := tb.tg.waitFor("refusal", sentTo(chat, "目前收录的材料有"))
		for _, c := range calls {
			if c.f["chat_id"] == itoa(chat) && strings.Contains(c.f["text"], "未通过校验") {
				t.Errorf("chat %d: %s", chat, c.f["text"])
			}
		}
		if !sentTo(chat, "没有关于警犬训练的内容")(calls) {
			t.Errorf("chat %d: the model's refusal is not what was sent", chat)
		}
	}
	if len(fake.Requests()) == 0 {
		t.Error("the model was never asked")
	}
}
