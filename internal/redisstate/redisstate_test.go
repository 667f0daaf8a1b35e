package redisstate

import (
	"context"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/ratelimit"
	"github.com/jingyan/jingyan/internal/redistest"
)

func open(t *testing.T, url string) *Store {
	t.Helper()
	s, err := Open(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Two replicas share one rate: a burst of 5 is 5 in all, not 5 each.
func TestLimiterShared(t *testing.T) {
	srv := redistest.Start(t)
	a, b := open(t, srv.URL()), open(t, srv.URL())
	la := a.Limiter("api", rate.Limit(1), 5, ratelimit.New(1, 5, time.Minute))
	lb := b.Limiter("api", rate.Limit(1), 5, ratelimit.New(1, 5, time.Minute))
	allowed := 0
	for i := range 12 {
		l := la
		if i%2 == 1 {
			l = lb
		}
		if wait, ok := l.Allow("203.0.113.7"); ok {
			allowed++
		} else if wait <= 0 || wait > time.Second {
			t.Errorf("wait %v", wait)
		}
	}
	if allowed != 5 {
		t.Errorf("%d of 12 allowed across two replicas, want 5", allowed)
	}
	if _, ok := la.Allow("another client"); !ok {
		t.Error("another key shares the bucket")
	}
}

// With Redis gone each replica limits on its own; when it is back, they share again.
func TestLimiterFallsBackAndRecovers(t *testing.T) {
	srv := redistest.Start(t)
	s := open(t, srv.URL())
	l := s.Limiter("api", rate.Limit(0.001), 2, ratelimit.New(0.001, 2, time.Minute))
	srv.Stop()
	if err := s.Ready(context.Background()); err == nil {
		t.Fatal("Ready with Redis down")
	}
	n := 0
	for range 4 {
		if _, ok := l.Allow("k"); ok {
			n++
		}
	}
	if n != 2 {
		t.Errorf("fallback allowed %d of 4, want its own burst of 2", n)
	}
	srv.Restart(0)
	if err := s.Ready(context.Background()); err != nil {
		t.Fatalf("Ready after restart: %v", err)
	}
	n = 0
	for range 4 {
		if _, ok := l.Allow("k2"); ok {
			n++
		}
	}
	if n != 2 {
		t.Errorf("after Redis returned, %d of 4 allowed", n)
	}
}

type localSeen struct {
	mu  sync.Mutex
	ids map[int64]bool
}

func (l *localSeen) First(id int64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ids == nil {
		l.ids = map[int64]bool{}
	}
	first := !l.ids[id]
	l.ids[id] = true
	return first
}

// An update delivered to two replicas is first on one only, and stays seen across a Redis
// restart.
func TestSeenShared(t *testing.T) {
	srv := redistest.Start(t)
	a := open(t, srv.URL()).Seen("update", time.Hour, &localSeen{})
	b := open(t, srv.URL()).Seen("update", time.Hour, &localSeen{})
	if !a.First(42) || b.First(42) || a.First(42) {
		t.Error("update 42 first more than once")
	}
	srv.Restart(0)
	if b.First(42) {
		t.Error("update 42 first again after a Redis restart")
	}
	if !b.First(43) {
		t.Error("update 43 not first")
	}
}

type localMemory struct {
	mu sync.Mutex
	m  map[[2]int64]*answer.Conversation
}

func (l *localMemory) History(chat, user int64) []answer.Turn {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c := l.m[[2]int64{chat, user}]; c != nil {
		return c.History()
	}
	return nil
}

func (l *localMemory) Remember(chat, user int64, q string, a answer.Answer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[[2]int64]*answer.Conversation{}
	}
	c := l.m[[2]int64{chat, user}]
	if c == nil {
		c = &answer.Conversation{}
		l.m[[2]int64{chat, user}] = c
	}
	c.Add(q, a)
}

func (l *localMemory) Forget(chat, user int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.m, [2]int64{chat, user})
}

// A conversation remembered on one replica is read on another; /new on either forgets it.
func TestMemoryShared(t *testing.T) {
	srv := redistest.Start(t)
	a := open(t, srv.URL()).Memory(time.Hour, &localMemory{})
	b := open(t, srv.URL()).Memory(time.Hour, &localMemory{})
	a.Remember(7, 1, "那河南呢?", answer.Answer{Standalone: "河南社区民警占派出所警力多少?", Text: "49.4%[1]。"})
	h := b.History(7, 1)
	if len(h) != 2 || h[0].Text != "河南社区民警占派出所警力多少?" || h[1].Text != "49.4%[1]。" {
		t.Fatalf("history on the other replica = %+v", h)
	}
	if len(b.History(7, 2)) != 0 {
		t.Error("another user in the chat shares the conversation")
	}
	for i := range 5 {
		b.Remember(7, 1, "问题", answer.Answer{Text: "回答" + string(rune('0'+i))})
	}
	if h := a.History(7, 1); len(h) != answer.MaxTurns || h[len(h)-1].Text != "回答4" {
		t.Errorf("history kept %d turns, last %+v", len(h), h[len(h)-1])
	}
	b.Forget(7, 1)
	if len(a.History(7, 1)) != 0 {
		t.Error("/new on one replica did not forget on the other")
	}
	// Redis down: each replica still follows its own users' conversations.
	a.Remember(8, 1, "吉林社区民警占多少?", answer.Answer{Text: "36.2%[1]。"})
	srv.Stop()
	if h := a.History(8, 1); len(h) != 2 {
		t.Errorf("with Redis down, history = %+v", h)
	}
}

func TestOpenRejectsBadURLWithoutEchoingIt(t *testing.T) {
	_, err := Open("http://user:s3cret@host", nil)
	if err == nil {
		t.Fatal("no error")
	}
	if got := err.Error(); len(got) == 0 || contains(got, "s3cret") {
		t.Errorf("error = %q", got)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// Put says how many questions are ahead of a new one — the one being answered counts until it
// is done — accepts an ID once, and turns one away past the limit.
func TestChatQueuePut(t *testing.T) {
	srv := redistest.Start(t)
	q := open(t, srv.URL()).ChatQueue("q", time.Minute, time.Hour)
	for i, want := range []int{0, 1, 2} {
		ahead, fresh, full, err := q.Put(7, string(rune('a'+i)), []byte("x"), 3)
		if err != nil || !fresh || full || ahead != want {
			t.Fatalf("put %d: ahead %d fresh %v full %v err %v, want ahead %d", i, ahead, fresh, full, err, want)
		}
	}
	if _, fresh, full, _ := q.Put(7, "a", []byte("x"), 3); fresh || full {
		t.Errorf("redelivery: fresh %v full %v", fresh, full)
	}
	if _, fresh, full, _ := q.Put(7, "d", []byte("x"), 3); fresh || !full {
		t.Errorf("past the limit: fresh %v full %v", fresh, full)
	}
	l, ok, err := q.Claim(7)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if err := l.Done(); err != nil {
		t.Fatal(err)
	}
	if ahead, fresh, _, _ := q.Put(7, "e", []byte("x"), 3); !fresh || ahead != 2 {
		t.Errorf("after one answered: ahead %d fresh %v, want 2", ahead, fresh)
	}
}
