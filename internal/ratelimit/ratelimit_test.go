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
