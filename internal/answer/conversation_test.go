package answer

import "testing"

func TestConversation(t *testing.T) {
	var c Conversation
	c.Add("吉林社区民警占派出所警力多少?", Answer{Text: "49.4%[1]。"})
	c.Add("那河南呢?", Answer{Text: "43.9%[1]。", Standalone: "河南社区民警占派出所警力多少?"})
	h := c.History()
	if len(h) != 4 || h[2].Text != "河南社区民警占派出所警力多少?" || h[3].Role != "assistant" {
		t.Fatalf("history = %+v", h)
	}
	for range 5 {
		c.Add("问", Answer{Text: "答"})
	}
	if n := len(c.History()); n != MaxTurns {
		t.Errorf("%d turns kept, want %d", n, MaxTurns)
	}
	c.Reset()
	if len(c.History()) != 0 {
		t.Error("Reset kept turns")
	}
	if n := len(Recent(make([]Turn, 20))); n != MaxTurns {
		t.Errorf("Recent kept %d", n)
	}
}
