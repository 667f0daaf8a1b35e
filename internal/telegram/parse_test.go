package telegram

import (
	"testing"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		in   string
		name string
		args string
		ok   bool
	}{
		{"/ask 警地融合是怎么运作的?", "ask", "警地融合是怎么运作的?", true},
		{"/ask@jingyan_bot 警地融合", "ask", "警地融合", true},
		{"/ASK@Jingyan_Bot 警地融合", "ask", "警地融合", true},
		{"/ask@other_bot 警地融合", "", "", false},
		{"/help", "help", "", true},
		{"/search\n片警", "search", "片警", true},
		{"/src  47aa1c-r1p3s2 ", "src", "47aa1c-r1p3s2", true},
		{"警地融合 /ask", "", "", false},
		{"/", "", "", false},
		{"/问题", "", "", false},
		{"/../etc", "", "", false},
		{"//ask", "", "", false},
	}
	for _, tt := range tests {
		c, ok := parseCommand(tt.in, "jingyan_bot")
		if ok != tt.ok || c.name != tt.name || c.args != tt.args {
			t.Errorf("parseCommand(%q) = %+v, %v; want %q %q %v", tt.in, c, ok, tt.name, tt.args, tt.ok)
		}
	}
}

func TestStripMentions(t *testing.T) {
	// "👮 " is 3 UTF-16 units (surrogate pair + space) but 5 bytes and 2 runes.
	text := "👮 @jingyan_bot 片警占多少"
	ents := []models.MessageEntity{{Type: models.MessageEntityTypeMention, Offset: 3, Length: 12}}
	got, ok := stripMentions(text, ents, "jingyan_bot")
	if !ok || got != "👮   片警占多少" {
		t.Errorf("stripMentions = %q, %v", got, ok)
	}
	if _, ok := stripMentions("@other_bot 你好", []models.MessageEntity{{Type: models.MessageEntityTypeMention, Offset: 0, Length: 10}}, "jingyan_bot"); ok {
		t.Error("a mention of another bot counted")
	}
	if got, ok := stripMentions("问一下 @Jingyan_Bot", nil, "jingyan_bot"); !ok || got != "问一下" {
		t.Errorf("plain-text mention = %q, %v", got, ok)
	}
	// Entities pointing past the text are ignored, not a panic.
	if _, ok := stripMentions("短", []models.MessageEntity{{Type: models.MessageEntityTypeMention, Offset: 5, Length: 9}}, "jingyan_bot"); ok {
		t.Error("out-of-range entity matched")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"/ask@jingyan_bot 问题", "👮 @jingyan_bot x", "/\xff", "/a@", "@@@"} {
		f.Add(s, 0, 5)
	}
	f.Fuzz(func(t *testing.T, text string, off, n int) {
		if c, ok := parseCommand(text, "jingyan_bot"); ok && (c.name == "" || !utf8.ValidString(c.name)) {
			t.Fatalf("bad command %+v from %q", c, text)
		}
		stripMentions(text, []models.MessageEntity{{Type: models.MessageEntityTypeMention, Offset: off, Length: n}}, "jingyan_bot")
	})
}
