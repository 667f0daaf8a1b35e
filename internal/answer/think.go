package answer

import "strings"

// thinkFilter drops <think>…</think> blocks from streamed model output: reasoning models
// served by Ollama or vLLM (Qwen3, DeepSeek-R1) put their reasoning there, and it must not
// reach the user as if it were the answer. Tags may arrive split across deltas.
type thinkFilter struct {
	inThink bool
	pending string // a possible tag prefix held back until the next delta
}

const (
	thinkOpen  = "<think>"
	thinkClose = "</think>"
)

// feed takes the next delta and returns the text outside think blocks that is safe to pass on.
func (f *thinkFilter) feed(delta string) string {
	s := f.pending + delta
	f.pending = ""
	var out strings.Builder
	for s != "" {
		tag := thinkOpen
		if f.inThink {
			tag = thinkClose
		}
		if i := strings.Index(s, tag); i >= 0 {
			if !f.inThink {
				out.WriteString(s[:i])
			}
			s = s[i+len(tag):]
			f.inThink = !f.inThink
			continue
		}
		// Hold back a tail that could be the start of the tag.
		keep := 0
		for n := min(len(tag)-1, len(s)); n > 0; n-- {
			if strings.HasSuffix(s, tag[:n]) {
				keep = n
				break
			}
		}
		if !f.inThink {
			out.WriteString(s[:len(s)-keep])
		}
		f.pending = s[len(s)-keep:]
		break
	}
	return out.String()
}

// flush returns what was held back at the end of the stream (an unfinished tag is text).
func (f *thinkFilter) flush() string {
	p := f.pending
	f.pending = ""
	if f.inThink {
		return ""
	}
	return p
}

// StripThink removes think blocks from a whole reply.
func StripThink(s string) string {
	var f thinkFilter
	return f.feed(s) + f.flush()
}
