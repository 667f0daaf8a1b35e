package main

import (
	"context"
	"log/slog"
	"sync"
)

// heldLogs holds log records back while an answer is written to the terminal and writes them
// after it: a retry warning from the LLM client would otherwise land in the middle of the
// answer when stdout and stderr share a screen.
type heldLogs struct {
	mu      sync.Mutex
	holding bool
	queue   []heldRecord
}

type heldRecord struct {
	h slog.Handler
	r slog.Record
}

// handler wraps h so its records pass through l.
func (l *heldLogs) handler(h slog.Handler) slog.Handler { return heldHandler{logs: l, next: h} }

// hold starts holding records back.
func (l *heldLogs) hold() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.holding = true
}

// release writes the records held, in order, and stops holding.
func (l *heldLogs) release() {
	l.mu.Lock()
	queue := l.queue
	l.queue, l.holding = nil, false
	l.mu.Unlock()
	for _, q := range queue {
		q.h.Handle(context.Background(), q.r)
	}
}

type heldHandler struct {
	logs *heldLogs
	next slog.Handler
}

func (h heldHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h heldHandler) Handle(ctx context.Context, r slog.Record) error {
	h.logs.mu.Lock()
	if h.logs.holding {
		h.logs.queue = append(h.logs.queue, heldRecord{h.next, r.Clone()})
		h.logs.mu.Unlock()
		return nil
	}
	h.logs.mu.Unlock()
	return h.next.Handle(ctx, r)
}

func (h heldHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return heldHandler{logs: h.logs, next: h.next.WithAttrs(attrs)}
}

func (h heldHandler) WithGroup(name string) slog.Handler {
	return heldHandler{logs: h.logs, next: h.next.WithGroup(name)}
}
