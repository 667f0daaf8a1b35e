package httpapi

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"

	"github.com/jingyan/jingyan/internal/answer"
)

// Chat front ends send background requests about a conversation through the same endpoint as
// questions: Open WebUI asks for a title, tags, follow-ups and search queries; LobeChat and
// Cherry Studio for a topic name. Each carries the conversation itself as a transcript in the
// last user message — Open WebUI in a <chat_history> block, LobeChat as "user: …" and
// "assistant: …" lines, Cherry Studio as "User: …" and "Assistant: …" lines. A staff question
// never holds an assistant's turn, so that structure, not the wording of the instructions
// (which every front end lets admins rewrite), tells a task from a question. A task is
// answered from the transcript at once: no retrieval, no LLM slot, and a title that is the
// staff member's own first question rather than the first line of an answer.
type frontTask struct {
	first, last string // the transcript's first and last user turns
	key         string // the JSON key the reply is wanted under; "" for plain text
	list        bool   // the key's value is a list
}

// maxTitleRunes bounds a title made from a question: front ends show a line of about this.
const maxTitleRunes = 20

var (
	chatHistory = regexp.MustCompile(`(?s)<chat_history>(.*?)</chat_history>`)
	// A transcript line: a role label, a colon, the turn's text.
	roleLine = regexp.MustCompile(`^\s*(?i:(user|human|用户)|(assistant|ai|助手))\s*[:：]\s?(.*)$`)
	// The reply shape a task asks for, as in `JSON format: { "title": "…" }`.
	jsonShape = regexp.MustCompile(`\{\s*"([A-Za-z_]+)"\s*:\s*([\["])`)
)

// detectTask reads the last user message (and any system message) of a chat request.
func detectTask(system, last string) (frontTask, bool) {
	transcript, instructions := last, system
	if m := chatHistory.FindStringSubmatchIndex(last); m != nil {
		transcript = last[m[2]:m[3]]
		instructions += "\n" + last[:m[0]] + last[m[1]:]
	}
	users, assistants := turns(transcript)
	if len(users) == 0 || (len(assistants) == 0 && transcript == last) {
		return frontTask{}, false
	}
	t := frontTask{first: users[0], last: users[len(users)-1]}
	if m := jsonShape.FindStringSubmatch(instructions); m != nil {
		t.key, t.list = m[1], m[2] == "["
	}
	return t, true
}

// turns reads a transcript's user and assistant turns; a line without a label continues the
// turn before it.
func turns(transcript string) (users, assistants []string) {
	var cur *[]string
	for _, line := range strings.Split(transcript, "\n") {
		m := roleLine.FindStringSubmatch(line)
		switch {
		case m != nil && m[1] != "":
			users = append(users, m[3])
			cur = &users
		case m != nil:
			assistants = append(assistants, m[3])
			cur = &assistants
		case cur != nil && len(*cur) > 0:
			(*cur)[len(*cur)-1] += "\n" + line
		}
	}
	return users, assistants
}

// reply is the task's answer: a title is the first question; search queries are the last
// question; anything else (tags, follow-ups, autocompletion) is empty rather than invented.
func (t frontTask) reply() string {
	if t.key == "" {
		return title(t.first)
	}
	var v any = ""
	switch {
	case t.key == "queries" && t.list:
		v = []string{strings.TrimSpace(t.last)}
	case t.list:
		v = []string{}
	case t.key == "title":
		v = title(t.first)
	}
	b, _ := json.Marshal(map[string]any{t.key: v})
	return string(b)
}

// title is a question as a chat title: one line, no closing punctuation, clipped.
func title(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	q = strings.TrimRight(q, "?？!！。.，, ")
	if c := clip(q, maxTitleRunes); c != q {
		q = c + "…"
	}
	if q == "" {
		return "经验材料问答"
	}
	return q
}

// answerTask writes a front end's task reply in the shape the request asked for.
func (s *Server) answerTask(w http.ResponseWriter, stream bool, out eventWriter, t frontTask) {
	a := answer.Answer{Text: t.reply()}
	s.logger.Debug("httpapi: front-end task answered from the transcript", "key", t.key)
	if !stream {
		out.final(w, a)
		return
	}
	out.start(w)
	out.event(w, answer.Event{Kind: answer.EventDelta, Text: a.Text})
	out.event(w, answer.Event{Kind: answer.EventDone, Answer: &a})
}
