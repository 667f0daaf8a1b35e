package answer

// MaxTurns is how much of a conversation follow-ups are read against: three questions and
// their answers. Every front end keeps, and accepts, this much; the engine reads no more.
const MaxTurns = 6

// Conversation is what a front end remembers of one user's exchange for follow-ups: each
// question as it was understood (the standalone rewrite, so "那河南呢?" is remembered as the
// question about 河南) and its answer, the last MaxTurns turns.
type Conversation struct {
	turns []Turn
}

// Add records an answered question.
func (c *Conversation) Add(question string, a Answer) {
	asked := question
	if a.Standalone != "" {
		asked = a.Standalone
	}
	c.turns = Recent(append(c.turns, Turn{Role: "user", Text: asked}, Turn{Role: "assistant", Text: a.Text}))
}

// Resume continues a conversation from turns a store kept (its History).
func Resume(turns []Turn) *Conversation { return &Conversation{turns: Recent(turns)} }

// History returns the turns to send with the next question.
func (c *Conversation) History() []Turn { return append([]Turn(nil), c.turns...) }

// Reset forgets the conversation (/new).
func (c *Conversation) Reset() { c.turns = nil }

// Recent keeps the last MaxTurns turns of a history a client sent along.
func Recent(turns []Turn) []Turn {
	if len(turns) > MaxTurns {
		return append([]Turn(nil), turns[len(turns)-MaxTurns:]...)
	}
	return turns
}
