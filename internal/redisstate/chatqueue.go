package redisstate

import (
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// ChatQueue is a work queue per chat that every replica shares: questions accepted on any
// replica wait in their chat's list, in arrival order, and one replica at a time — the one
// holding the chat's lease — answers them, oldest first, removing each once answered. It is
// also the journal: a replica killed mid-answer leaves its chat's questions in the list, its
// lease runs out, and another replica's sweep (Pending, Claim) takes them over.
type ChatQueue struct {
	store *Store
	name  string
	lease time.Duration
	kept  time.Duration // how long an accepted message ID is remembered against redelivery
}

// ChatQueue returns the shared queue called name; a lease not renewed for lease ends.
func (s *Store) ChatQueue(name string, lease, kept time.Duration) *ChatQueue {
	return &ChatQueue{store: s, name: name, lease: lease, kept: kept}
}

func (q *ChatQueue) key(parts ...string) string {
	k := prefix + q.name
	for _, p := range parts {
		k += ":" + p
	}
	return k
}

// putScript accepts a message once: a known ID is a redelivery (0), a full list turns it away
// (-1); otherwise it joins its chat's list, the chat is marked as having work, and the list's
// length is returned (1 or more).
var putScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
redis.call('SET', KEYS[3], 1, 'PX', ARGV[3])
local n = redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[4])
return n
`)

// Put adds payload (message id) to chat's list and says how many questions are ahead of it
// (the one being answered stays listed until done). fresh is false for an ID accepted before;
// full when limit are already listed.
func (q *ChatQueue) Put(chat int64, id string, payload []byte, limit int) (ahead int, fresh, full bool, err error) {
	ctx, cancel := opContext()
	defer cancel()
	c := strconv.FormatInt(chat, 10)
	n, err := putScript.Run(ctx, q.store.client, []string{q.key("list", c), q.key("chats"), q.key("msg", c, id)},
		payload, limit, q.kept.Milliseconds(), c).Int()
	if err != nil {
		q.store.fellBack("chat queue", err)
		return 0, false, false, err
	}
	if n < 1 {
		return 0, false, n == -1, nil
	}
	return n - 1, true, false, nil
}

// Pending lists the chats with questions waiting.
func (q *ChatQueue) Pending() ([]int64, error) {
	ctx, cancel := opContext()
	defer cancel()
	ids, err := q.store.client.SMembers(ctx, q.key("chats")).Result()
	if err != nil {
		return nil, err
	}
	out := make([]int64, 0, len(ids))
	for _, s := range ids {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out, nil
}

// Lease is one replica's turn at a chat's list.
type Lease struct {
	q     *ChatQueue
	chat  string
	token string
}

// Claim takes chat's lease if nobody holds it.
func (q *ChatQueue) Claim(chat int64) (*Lease, bool, error) {
	ctx, cancel := opContext()
	defer cancel()
	l := &Lease{q: q, chat: strconv.FormatInt(chat, 10), token: q.store.id() + ":" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	ok, err := q.store.client.SetNX(ctx, q.key("lease", l.chat), l.token, q.lease).Result()
	if err != nil {
		return nil, false, err
	}
	return l, ok, nil
}

// ErrLeaseLost is returned when the lease ran out and another replica may hold the chat.
var ErrLeaseLost = errors.New("redisstate: chat lease lost")

// Head returns the oldest waiting payload.
func (l *Lease) Head() ([]byte, bool, error) {
	ctx, cancel := opContext()
	defer cancel()
	b, err := l.q.store.client.LIndex(ctx, l.q.key("list", l.chat), 0).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	return b, err == nil, err
}

// doneScript removes the head, only while the lease is still ours.
var doneScript = redis.NewScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('LPOP', KEYS[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
`)

// Done removes the head once it is answered, and renews the lease.
func (l *Lease) Done() error {
	ctx, cancel := opContext()
	defer cancel()
	n, err := doneScript.Run(ctx, l.q.store.client, []string{l.q.key("list", l.chat), l.q.key("lease", l.chat)}, l.token, l.q.lease.Milliseconds()).Int()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrLeaseLost
	}
	return nil
}

var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`)

// Renew extends the lease while a long answer is written.
func (l *Lease) Renew() error {
	ctx, cancel := opContext()
	defer cancel()
	n, err := renewScript.Run(ctx, l.q.store.client, []string{l.q.key("lease", l.chat)}, l.token, l.q.lease.Milliseconds()).Int()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrLeaseLost
	}
	return nil
}

// releaseScript gives the lease back only when the list is empty, in one step, so a question
// put just before is never left with nobody to answer it: its replica's Claim failed while
// the lease was held, and the holder sees it here.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return -1 end
if redis.call('LLEN', KEYS[1]) > 0 then return 0 end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[2])
return 1
`)

// Release ends the turn if nothing is waiting: true when released, false when more came in
// (keep going).
func (l *Lease) Release() (bool, error) {
	ctx, cancel := opContext()
	defer cancel()
	n, err := releaseScript.Run(ctx, l.q.store.client, []string{l.q.key("list", l.chat), l.q.key("lease", l.chat), l.q.key("chats")}, l.token, l.chat).Int()
	if err != nil {
		return false, err
	}
	if n == -1 {
		return false, ErrLeaseLost
	}
	return n == 1, nil
}

// Abandon gives the lease back at once (the replica is stopping): another replica's sweep
// takes the chat without waiting for the lease to run out.
func (l *Lease) Abandon() {
	ctx, cancel := opContext()
	defer cancel()
	renewScript.Run(ctx, l.q.store.client, []string{l.q.key("lease", l.chat)}, l.token, 1)
}
