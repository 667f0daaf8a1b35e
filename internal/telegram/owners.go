package telegram

import (
	"strconv"
	"sync"

	"github.com/go-telegram/bot/models"
)

// bounded is a map that forgets its oldest keys past max, so what a bot remembers of the
// messages it sent stays bounded however long it runs.
type bounded[V any] struct {
	mu    sync.Mutex
	max   int
	m     map[string]V
	order []string
}

func newBounded[V any](max int) *bounded[V] { return &bounded[V]{max: max, m: make(map[string]V)} }

// put stores v at key; it reports whether key is new.
func (b *bounded[V]) put(key string, v V) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, had := b.m[key]
	if !had {
		b.order = append(b.order, key)
	}
	b.m[key] = v
	for len(b.order) > b.max {
		delete(b.m, b.order[0])
		b.order = b.order[1:]
	}
	return !had
}

func (b *bounded[V]) get(key string) (V, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := b.m[key]
	return v, ok
}

// recent is a bounded set of keys.
type recent struct{ *bounded[struct{}] }

func newRecent(max int) *recent { return &recent{newBounded[struct{}](max)} }

// first reports whether key is new, remembering it, in one step.
func (r *recent) first(key string) bool { return r.put(key, struct{}{}) }

// owners remembers, for each answer message, whose question it answered: a reply to the
// answer — by anyone in the chat — continues that asker's conversation ("那河南呢?"). Each
// replica remembers the answers it sent.
type owners struct{ *bounded[int64] }

func newOwners(max int) *owners { return &owners{newBounded[int64](max)} }

func ownerKey(chat int64, msgID int) string {
	return strconv.FormatInt(chat, 10) + ":" + strconv.Itoa(msgID)
}

// add records that the messages ids in chat answer user.
func (o *owners) add(chat int64, ids []int, user int64) {
	for _, id := range ids {
		o.put(ownerKey(chat, id), user)
	}
}

// of returns whose conversation msg continues: the asker of the answer it replies to, or its
// own sender.
func (o *owners) of(msg *models.Message, me int64) int64 {
	if r := msg.ReplyToMessage; r != nil && r.From != nil && r.From.ID == me {
		if u, ok := o.get(ownerKey(msg.Chat.ID, r.ID)); ok {
			return u
		}
	}
	return msg.From.ID
}
