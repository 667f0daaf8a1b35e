package telegram

import (
	"strings"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// command is a parsed bot command: "/ask@jingyan_bot 警地融合" → name "ask", args "警地融合".
type command struct {
	name string
	args string
}

// parseCommand reads a command at the start of text. It handles "/cmd", "/cmd@bot" (only when
// @bot is us, case-insensitively) and arguments after a space or newline; go-telegram/bot's own
// matching misses "@bot" suffixes, so we parse ourselves. ok is false for text that is not a
// command, or a command for another bot.
func parseCommand(text, username string) (command, bool) {
	if !strings.HasPrefix(text, "/") {
		return command{}, false
	}
	head, args, _ := strings.Cut(text[1:], " ")
	if i := strings.IndexAny(head, "\n\t"); i >= 0 {
		head, args = head[:i], head[i+1:]+" "+args
	}
	name, target, addressed := strings.Cut(head, "@")
	if addressed && !strings.EqualFold(target, username) {
		return command{}, false
	}
	if name == "" || len(name) > 32 || strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_')
	}) >= 0 {
		return command{}, false
	}
	name = strings.ToLower(name)
	if id, ok := strings.CutPrefix(name, "src_"); ok && args == "" {
		// "/src_47aa1c_r1p4s3": the tappable form of "/src 47aa1c-r1p4s3" (a command takes
		// only letters, digits and _).
		return command{name: "src", args: passageIDOf(id)}, true
	}
	return command{name: name, args: strings.TrimSpace(args)}, true
}

// srcCommand is the tappable command that shows passage id: its first - becomes _.
func srcCommand(id string) string { return "/src_" + strings.Replace(id, "-", "_", 1) }

// passageIDOf undoes srcCommand.
func passageIDOf(s string) string { return strings.Replace(s, "_", "-", 1) }

// utf16Span returns the part of s that a Telegram entity covers: offsets and lengths count
// UTF-16 code units, not bytes or runes, so emoji before a mention shift them.
func utf16Span(s string, offset, length int) (before, span, after string, ok bool) {
	u := utf16.Encode([]rune(s))
	if offset < 0 || length < 0 || offset > len(u) || length > len(u)-offset {
		return "", "", "", false
	}
	return string(utf16.Decode(u[:offset])), string(utf16.Decode(u[offset : offset+length])),
		string(utf16.Decode(u[offset+length:])), true
}

// stripMentions removes every @username mention of us from text and reports whether there
// was one. Entities locate mentions exactly; plain "@username" text counts too when Telegram
// sent no entities (it always does for real mentions, but forwarded text may lack them).
func stripMentions(text string, entities []models.MessageEntity, username string) (string, bool) {
	if username == "" {
		return text, false
	}
	at := "@" + username
	found := false
	// Entities from last to first so earlier offsets stay valid.
	for i := len(entities) - 1; i >= 0; i-- {
		e := entities[i]
		if e.Type != models.MessageEntityTypeMention {
			continue
		}
		before, span, after, ok := utf16Span(text, e.Offset, e.Length)
		if ok && strings.EqualFold(span, at) {
			text, found = before+" "+after, true
		}
	}
	if !found {
		// Usernames are ASCII, so compare byte windows; lowercasing the whole text could
		// change its length and misplace the cut.
		for i := 0; i+len(at) <= len(text); i++ {
			if strings.EqualFold(text[i:i+len(at)], at) {
				text, found = text[:i]+" "+text[i+len(at):], true
				break
			}
		}
	}
	return strings.TrimSpace(text), found
}
