package telegram

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
	"unicode"
)

// auditRecord is one line of the audit log. It never holds tokens or keys.
type auditRecord struct {
	Time time.Time `json:"time"`
	Chat int64     `json:"chat"`
	User int64     `json:"user"`
	Kind string    `json:"kind"` // ask, search, src, denied
	// Outcome is what became of it: answered, refused, failed, invalid (a question that
	// cannot be asked: empty, too long), rate_limited, denied.
	Outcome   string   `json:"outcome,omitempty"`
	Question  string   `json:"question,omitempty"`
	Passages  []string `json:"passages,omitempty"`
	Mode      string   `json:"mode,omitempty"`
	Refused   bool     `json:"refused,omitempty"`
	LatencyMS int64    `json:"latency_ms"`
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
	r.Question = escapeControls(r.Question)
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.enc.Encode(r)
}

// escapeControls writes control and formatting characters — a right-to-left override
// (U+202E) would make an audit line read differently from what was sent — as \uXXXX.
func escapeControls(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isControl(r) {
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isControl(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }

func (a *auditLog) close() error {
	if a == nil {
		return nil
	}
	return a.f.Close()
}
