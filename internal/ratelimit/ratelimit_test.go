package ratelimit

import (
	"testing"
	"time"
)

func TestAllow(t *testing.T) {
	k := New(1, 2, time.Minute)
	var got []bool
	for i := 0; i < 3; i++ {
		_, ok := k.Allow("a")
		got = append(got, ok)
	}
	if !got[0] || !got[1] || got[2] {
		t.Errorf("allows = %v, want burst of 2 then refusal", got)
	}
	if wait, ok := k.Allow("a"); ok || wait <= 0 || wait > time.Second {
		t.Errorf("wait = %s, %v", wait, ok)
	}
	if _, ok := k.Allow("b"); !ok {
		t.Error("another key shares the bucket")
	}
}

func TestForgetsIdleKeys(t *testing.T) {
	k := New(1, 1, 30*time.Millisecond)
	for i := 0; i < 100; i++ {
		k.Allow(string(rune('a' + i)))
	}
	time.Sleep(40 * time.Millisecond)
	k.Allow("new")
	if n := k.Len(); n != 1 {
		t.Errorf("%d keys remembered after they went idle", n)
	}
}

// A window lets the first events of a minute through at once (gap apart), then holds the next
// until the oldest leaves the window; other keys are not held.
func TestWindow(t *testing.T) {
	w := NewWindow(3, 200*time.Millisecond, 10*time.Millisecond)
	for i := 0; i < 3; i++ {
		if wait, ok := w.Allow("g"); !ok {
			t.Fatalf("event %d held %s", i, wait)
		}
		if _, ok := w.Allow("g"); ok {
			t.Fatalf("event %d+1 allowed within the gap", i)
		}
		time.Sleep(12 * time.Millisecond)
	}
	wait, ok := w.Allow("g")
	if ok || wait < 150*time.Millisecond || wait > 200*time.Millisecond {
		t.Errorf("fourth in the window: ok %v, wait %s (want about 165 ms)", ok, wait)
	}
	if _, ok := w.Allow("other"); !ok {
		t.Error("another key held")
	}
	time.Sleep(wait)
	if _, ok := w.Allow("g"); !ok {
		t.Error("held after the oldest left the window")
	}
}
