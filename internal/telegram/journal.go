package telegram

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"
	bolt "go.etcd.io/bbolt"
)

// journal keeps the questions accepted but not yet answered, on disk, so a restart — even a
// kill -9 — answers them instead of losing them. A question is written before Telegram is
// told it was received (handlers run before the next getUpdates confirms the offset) and
// removed once answered. A nil *journal keeps nothing.
type journal struct {
	db *bolt.DB
}

var (
	journalBucket = []byte("pending")
	doneBucket    = []byte("done") // answered keys with when, so a redelivery is not answered again
	// shownBucket holds, for a pending question, the message shown for it before its answer
	// (a placeholder, an acknowledgement): after a restart the answer replaces it, so none is
	// left saying "正在查找…".
	shownBucket = []byte("shown")
)

// doneKept is how long an answered question's key is kept: Telegram redelivers updates whose
// offset was not confirmed, which is minutes, not days.
const doneKept = 48 * time.Hour

func openJournal(path string) (*journal, error) {
	if path == "" {
		return nil, nil
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("telegram: journal %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{journalBucket, shownBucket} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		done, err := tx.CreateBucketIfNotExists(doneBucket)
		if err != nil {
			return err
		}
		old := time.Now().Add(-doneKept).Unix()
		var stale [][]byte
		done.ForEach(func(k, v []byte) error {
			if at, _ := strconv.ParseInt(string(v), 10, 64); at < old {
				stale = append(stale, k)
			}
			return nil
		})
		for _, k := range stale {
			done.Delete(k)
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("telegram: journal %s: %w", path, err)
	}
	return &journal{db: db}, nil
}

func journalKey(msg *models.Message) []byte {
	k := strconv.FormatInt(msg.Chat.ID, 10) + ":" + strconv.Itoa(msg.ID)
	if msg.EditDate != 0 {
		k += ":" + strconv.Itoa(msg.EditDate) // each edit is a question of its own
	}
	return []byte(k)
}

// put records a question; its key removes it. fresh is false when the question is already
// journaled or was answered: Telegram delivered it again (its offset was not confirmed before
// a restart), and it must not be answered twice.
func (j *journal) put(msg *models.Message) (key []byte, fresh bool) {
	key = journalKey(msg)
	if j == nil {
		return key, true
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return key, true
	}
	fresh = true
	j.db.Update(func(tx *bolt.Tx) error {
		pending := tx.Bucket(journalBucket)
		if pending.Get(key) != nil || tx.Bucket(doneBucket).Get(key) != nil {
			fresh = false
			return nil
		}
		return pending.Put(key, data)
	})
	return key, fresh
}

// done moves an answered question from the pending list to the answered keys.
func (j *journal) done(key []byte) {
	if j == nil {
		return
	}
	j.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(journalBucket).Delete(key); err != nil {
			return err
		}
		if err := tx.Bucket(shownBucket).Delete(key); err != nil {
			return err
		}
		return tx.Bucket(doneBucket).Put(key, []byte(strconv.FormatInt(time.Now().Unix(), 10)))
	})
}

// shown records the message shown for a pending question before its answer.
func (j *journal) shown(msg *models.Message, id int) {
	if j == nil || id == 0 {
		return
	}
	key := journalKey(msg)
	j.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(journalBucket).Get(key) == nil {
			return nil // answered already, or never journaled
		}
		return tx.Bucket(shownBucket).Put(key, []byte(strconv.Itoa(id)))
	})
}

// shownFor returns the message a previous run showed for a pending question, or 0.
func (j *journal) shownFor(msg *models.Message) int {
	if j == nil {
		return 0
	}
	var id int
	j.db.View(func(tx *bolt.Tx) error {
		id, _ = strconv.Atoi(string(tx.Bucket(shownBucket).Get(journalKey(msg))))
		return nil
	})
	return id
}

// pending returns the questions a previous run accepted and did not answer, oldest first.
func (j *journal) pending() []*models.Message {
	if j == nil {
		return nil
	}
	var out []*models.Message
	j.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(journalBucket).ForEach(func(_, v []byte) error {
			var m models.Message
			if json.Unmarshal(v, &m) == nil {
				out = append(out, &m)
			}
			return nil
		})
	})
	// Keys sort by chat, then message: order within a chat is kept; across chats, by date.
	return out
}

func (j *journal) close() error {
	if j == nil {
		return nil
	}
	return j.db.Close()
}
