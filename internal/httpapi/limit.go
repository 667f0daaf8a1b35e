package httpapi

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jingyan/jingyan/internal/answer"
)

// maxStops is how many stop sequences OpenAI takes.
const maxStops = 4

// limit applies a chat client's max_tokens and stop to answer text as it is let through.
//
// Tokens are counted as characters: Chinese models' tokenizers give 0.6–1 token a Han
// character, so an answer within max_tokens characters is within max_tokens tokens. The answer
// is cut between its sentences where it can be (a half claim is worse than none); only a first
// sentence longer than the whole budget is cut inside.
type limit struct {
	max     int // 0: no limit
	stops   []string
	used    int
	pending string          // the last sentence, held until it is known to be whole
	text    strings.Builder // what has been let through
	finish  string          // "" while open; "length" or "stop" once cut
}

// parseStop reads stop as OpenAI takes it: null, one string, or up to four strings.
func parseStop(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return nonEmpty([]string{one}), nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, errors.New("stop 应是字符串或字符串数组")
	}
	if len(many) > maxStops {
		return nil, errors.New("stop 最多 " + strconv.Itoa(maxStops) + " 个")
	}
	return nonEmpty(many), nil
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// pass returns what may be written now that s follows what has gone before. With a limit the
// last sentence is held back: a piece may end inside a sentence, or before its markers.
func (l *limit) pass(s string) string {
	if l.max == 0 && len(l.stops) == 0 {
		return s
	}
	parts := answer.SplitAnswer(l.pending + s)
	if len(parts) == 0 {
		return ""
	}
	l.pending = parts[len(parts)-1]
	var b strings.Builder
	for _, p := range parts[:len(parts)-1] {
		b.WriteString(l.admit(p))
	}
	return b.String()
}

// flush lets through what pass held back, at the end of the answer.
func (l *limit) flush() string {
	p := l.pending
	l.pending = ""
	return l.admit(p)
}

// admit lets through what of one sentence fits.
func (l *limit) admit(s string) string {
	if l.finish != "" {
		return ""
	}
	if cut, ok := l.stopIn(s); ok {
		s, l.finish = cut, "stop"
	}
	if n := utf8.RuneCountInString(s); l.max > 0 && l.used+n > l.max {
		if l.used > 0 {
			s = ""
		} else {
			s = clip(s, l.max)
		}
		l.finish = "length"
	}
	l.used += utf8.RuneCountInString(s)
	l.text.WriteString(s)
	return s
}

// stopIn cuts s before the first stop sequence in the text so far followed by s (a sequence
// may straddle two pieces).
func (l *limit) stopIn(s string) (string, bool) {
	if len(l.stops) == 0 {
		return s, false
	}
	prev := l.text.String()
	whole := prev + s
	first := -1
	for _, stop := range l.stops {
		if i := strings.Index(whole, stop); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	if first < 0 {
		return s, false
	}
	if first < len(prev) {
		return "", true // it began in what was already written, which cannot be taken back
	}
	return s[:first-len(prev)], true
}

// passAll lets a whole answer through.
func (l *limit) passAll(text string) string { return l.pass(text) + l.flush() }

// reason is the finish_reason: "length" when max_tokens cut the answer, else "stop".
func (l *limit) reason() string {
	if l.finish == "length" {
		return "length"
	}
	return "stop"
}

// cited keeps the citations whose marker is in the text let through: a cut answer lists only
// the sources of the sentences it kept.
func (l *limit) cited(cites []answer.Citation) []answer.Citation {
	if l.finish == "" {
		return cites
	}
	text := l.text.String()
	var out []answer.Citation
	for _, c := range cites {
		if strings.Contains(text, "["+strconv.Itoa(c.N)+"]") {
			out = append(out, c)
		}
	}
	return out
}
