package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Webhook mode: Telegram posts updates to us instead of our polling for them.

// WebhookHandler receives updates posted by Telegram. A request without the right secret
// gets 401 and is not processed (go-telegram/bot's own handler answers such requests 200).
func (b *Bot) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if b.cfg.WebhookSecret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(b.cfg.WebhookSecret)) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var upd models.Update
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&upd); err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		b.onUpdate(r.Context(), nil, &upd)
		w.WriteHeader(http.StatusOK)
	})
}

// webhookMux serves updates on every path but the health checks a load balancer in front of
// several replicas asks: GET /healthz (the process runs) and GET /readyz (and its shared
// state answers).
func (b *Bot) webhookMux() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok"}`)
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if b.cfg.Ready != nil {
			if err := b.cfg.Ready(r.Context()); err != nil {
				b.logger.Warn("telegram: not ready", "err", err)
				w.WriteHeader(http.StatusServiceUnavailable)
				io.WriteString(w, `{"status":"unavailable"}`)
				return
			}
		}
		io.WriteString(w, `{"status":"ready"}`)
	})
	mux.Handle("/", b.WebhookHandler())
	return mux
}

func (b *Bot) runWebhook(ctx context.Context) error {
	if b.cfg.WebhookSecret == "" {
		return errors.New("telegram: webhook mode needs a secret token (JINGYAN_TELEGRAM_WEBHOOK_SECRET)")
	}
	ln, err := net.Listen("tcp", b.cfg.WebhookAddr)
	if err != nil {
		return fmt.Errorf("telegram: webhook listen: %w", err)
	}
	if _, err := b.api.SetWebhook(ctx, &bot.SetWebhookParams{URL: b.cfg.WebhookURL, SecretToken: b.cfg.WebhookSecret,
		AllowedUpdates: []string{"message", "callback_query"}}); err != nil {
		ln.Close()
		return fmt.Errorf("telegram: setWebhook: %s", b.redact(err))
	}
	srv := &http.Server{Handler: b.webhookMux(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second}
	b.logger.Info("telegram: webhook", "bot", b.me.Username, "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
