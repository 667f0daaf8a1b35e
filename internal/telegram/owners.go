package telegram

import (
	"strconv"
	"sync"

	"github.com/go-telegram/bot/models"
)

// recent is a bounded set of keys: past max, the oldest are forgotten first.
type recent struct {
	mu    sync.Mutex
	max   int
	set   map[string]bool
	order []string
}

func newRecent(max int) *recent { return &recent{max: max, set: make(map[string]bool)} }

// first reports whether key is new, remembering it.
func (r *recent) first(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.set[key] {
		return false
	}
	r.set[key] = true
	r.order = append(r.order, key)
	if len(r.order) > r.max {
		delete(r.set, r.order[0])
		r.order = r.order[1:]
	}
	return true
}

// owners remembers, for each answer message, whose question it answered: a reply to the
// answer — by anyone in the chat — continues that asker's conversation ("那河南呢?"). Bounded;
// each replica remembers the answers it sent.
type owners struct {
	mu    sync.Mutex
	max   int
	m     map[string]int64
	order []string
}

func newOwners(max int) *owners { return &owners{max: max, m: make(map[string]int64)} }

func ownerKey(chat int64, msgID int) string {
	return strconv.FormatInt(chat, 10) + ":" + strconv.Itoa(msgID)
}

// add records that the messages ids in chat answer user.
func (o *owners) add(chat int64, ids []int, user int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, id := range ids {
		k := ownerKey(chat, id)
		if _, ok := o.m[k]; !ok {
			o.order = append(o.order, k)
		}
		o.m[k] = user
	}
	for len(o.order) > o.max {
		delete(o.m, o.order[0])
		o.order = o.order[1:]
	}
}

// of returns whose conversation msg continues: the asker of the answer it replies to, or its
// own sender.
func (o *owners) of(msg *models.Message, me int64) int64 {
	if r := msg.ReplyToMessage; r != nil && r.From != nil && r.From.ID == me {
		o.mu.Lock()
		u, ok := o.m[ownerKey(msg.Chat.ID, r.ID)]
		o.mu.Unlock()
		if ok {
			return u
		}
	}
	return msg.From.ID
}
