// Package answer is jingyan's core: from a question to a short Chinese answer in which every
// claim is cited to a passage — written by an LLM and verified, or extracted from the passages
// when no LLM is configured or it fails — or to a helpful refusal when the corpus lacks it.
package answer

import "context"

// Message is one chat message sent to an LLM.
type Message struct {
	Role    string // "system", "user" or "assistant"
	Content string
}

// Completion is what an LLM returned.
type Completion struct {
	Text             string
	PromptTokens     int
	CompletionTokens int
}

// LLM completes a chat. With onDelta set it streams, calling onDelta with each piece of text
// as it arrives; the returned Completion holds the whole text either way.
type LLM interface {
	Complete(ctx context.Context, msgs []Message, onDelta func(string)) (Completion, error)
}

// Modes of an answer.
const (
	ModeLLM        = "llm"
	ModeExtractive = "extractive"
)

// Turn is one earlier message of the conversation a question belongs to.
type Turn struct {
	Role string `json:"role"` // "user" or "assistant"
	Text string `json:"text"`
}

// Question is what a front end asks.
type Question struct {
	Text    string
	History []Turn
	K       int // passages to consider; 0 means the default
	// Gate, when set, admits the question to the LLM: it is waited on once, before the first
	// LLM call, so questions answered without one (FAQ hits, refusals) never queue for it.
	// Its error is the question's error, wrapped: the caller decides what "busy" means.
	Gate func(context.Context) (release func(), err error)
}

// Citation is one passage an answer cites, numbered as in the answer text.
type Citation struct {
	N         int    `json:"n"`
	ID        string `json:"id"`
	Title     string `json:"title"`
	Org       string `json:"org"`
	Paragraph int    `json:"paragraph"`
	// Page and OnPage place a paragraph of a paged source (PDF, OFD, a scan): its page and
	// its number there.
	Page   int    `json:"page,omitempty"`
	OnPage int    `json:"on_page,omitempty"`
	Text   string `json:"text"`
}

// Answer is the result of one question.
type Answer struct {
	Question   string     `json:"question"`
	Standalone string     `json:"standalone,omitempty"` // the question as searched, when rewritten
	Text       string     `json:"answer"`
	Citations  []Citation `json:"citations"`
	Refused    bool       `json:"refused"`
	Mode       string     `json:"mode"`
	Notice     string     `json:"notice,omitempty"`  // e.g. why the LLM was not used
	Flagged    []string   `json:"flagged,omitempty"` // sentences verification removed, each with why: "原句（原因）"
	FromFAQ    bool       `json:"faq,omitempty"`     // answered from a generated FAQ
	Usage      Usage      `json:"usage"`
}

// Usage counts LLM tokens spent on one answer (rewrite and answer calls together).
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

func (u *Usage) add(c Completion) {
	u.PromptTokens += c.PromptTokens
	u.CompletionTokens += c.CompletionTokens
}
