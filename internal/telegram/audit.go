package telegram

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"
)

// auditRecord is one line of the audit log. It never holds tokens or keys.
type auditRecord struct {
	Time      time.Time `json:"time"`
	Chat      int64     `json:"chat"`
	User      int64     `json:"user"`
	Kind      string    `json:"kind"` // ask, search, src, denied
	Question  string    `json:"question,omitempty"`
	Passages  []string  `json:"passages,omitempty"`
	Mode      string    `json:"mode,omitempty"`
	Refused   bool      `json:"refused,omitempty"`
	LatencyMS int64     `json:"latency_ms"`
}

// auditLog appends JSON lines to a file; a nil *auditLog writes nothing.
type auditLog struct {
	mu  sync.Mutex
	f   *os.File
	enc *json.Encoder
}

func openAudit(path string) (*auditLog, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("telegram: audit log: %w", err)
	}
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	return &auditLog{f: f, enc: enc}, nil
}

func (a *auditLog) write(r auditRecord) error {
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.enc.Encode(r)
}

func (a *auditLog) close() error {
	if a == nil {
		return nil
	}
	return a.f.Close()
}
