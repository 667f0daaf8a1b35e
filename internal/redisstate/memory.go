package redisstate

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jingyan/jingyan/internal/answer"
)

// Rememberer keeps one user's conversation in one chat for follow-ups; the Telegram bot's
// in-process chat memory is one.
type Rememberer interface {
	History(chat, user int64) []answer.Turn
	Remember(chat, user int64, question string, a answer.Answer)
	Forget(chat, user int64)
}

// Memory is conversation memory every replica shares: a follow-up answered on another replica
// than the question before it still reads against that question. Each conversation expires
// ttl after its last turn.
type Memory struct {
	store    *Store
	ttl      time.Duration
	fallback Rememberer
}

// Memory returns the shared conversation memory; fallback is written too and answers while
// Redis is down.
func (s *Store) Memory(ttl time.Duration, fallback Rememberer) *Memory {
	return &Memory{store: s, ttl: ttl, fallback: fallback}
}

func convKey(chat, user int64) string {
	return prefix + "conv:" + strconv.FormatInt(chat, 10) + ":" + strconv.FormatInt(user, 10)
}

// History returns the user's recent turns in the chat.
func (m *Memory) History(chat, user int64) []answer.Turn {
	if !m.store.up() {
		return m.fallback.History(chat, user)
	}
	ctx, cancel := opContext()
	defer cancel()
	data, err := m.store.client.Get(ctx, convKey(chat, user)).Bytes()
	if err != nil {
		if !errors.Is(err, redis.Nil) {
			m.store.fellBack("conversation memory", err)
			return m.fallback.History(chat, user)
		}
		return nil
	}
	var turns []answer.Turn
	if json.Unmarshal(data, &turns) != nil {
		return nil
	}
	return turns
}

// Remember adds an answered question to the user's conversation.
func (m *Memory) Remember(chat, user int64, question string, a answer.Answer) {
	m.fallback.Remember(chat, user, question, a)
	if !m.store.up() {
		return
	}
	conv := answer.Resume(m.History(chat, user))
	conv.Add(question, a)
	data, err := json.Marshal(conv.History())
	if err != nil {
		return
	}
	ctx, cancel := opContext()
	defer cancel()
	if err := m.store.client.Set(ctx, convKey(chat, user), data, m.ttl).Err(); err != nil {
		m.store.fellBack("conversation memory", err)
	}
}

// Forget drops the user's conversation (/new).
func (m *Memory) Forget(chat, user int64) {
	m.fallback.Forget(chat, user)
	if !m.store.up() {
		return
	}
	ctx, cancel := opContext()
	defer cancel()
	if err := m.store.client.Del(ctx, convKey(chat, user)).Err(); err != nil {
		m.store.fellBack("conversation memory", err)
	}
}
