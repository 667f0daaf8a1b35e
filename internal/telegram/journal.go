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

var journalBucket = []byte("pending")

func openJournal(path string) (*journal, error) {
	if path == "" {
		return nil, nil
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("telegram: journal %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(journalBucket)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("telegram: journal %s: %w", path, err)
	}
	return &journal{db: db}, nil
}

func journalKey(msg *models.Message) []byte {
	return []byte(strconv.FormatInt(msg.Chat.ID, 10) + ":" + strconv.Itoa(msg.ID))
}

// put records a question; its key removes it.
func (j *journal) put(msg *models.Message) []byte {
	key := journalKey(msg)
	if j == nil {
		return key
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return key
	}
	j.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(journalBucket).Put(key, data) })
	return key
}

func (j *journal) done(key []byte) {
	if j == nil {
		return
	}
	j.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(journalBucket).Delete(key) })
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
