package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/jingyan/jingyan/internal/httpapi"
	"github.com/jingyan/jingyan/internal/redisstate"
	"github.com/jingyan/jingyan/internal/telegram"
)

// updateKept is how long a Telegram update ID is remembered across replicas: Telegram
// redelivers an update for at most a day.
const updateKept = 48 * time.Hour

// openShared opens the Redis JINGYAN_REDIS_URL names; nil, nil when it is not set (each
// replica keeps its own state, as a single one does).
func (e *env) openShared() (*redisstate.Store, error) {
	url := e.getenv("JINGYAN_REDIS_URL")
	if url == "" {
		return nil, nil
	}
	// go-redis logs through a package-wide logger; route it into ours, below warnings,
	// since every failure it reports is also reported (once) by redisstate.
	redis.SetLogger(redisLog{e.logger})
	st, err := redisstate.Open(url, e.logger)
	if err != nil {
		return nil, err
	}
	if err := st.Ready(context.Background()); err != nil {
		e.logger.Warn("JINGYAN_REDIS_URL: Redis does not answer yet; this replica answers from its own state until it does", "err", err)
	}
	return st, nil
}

// shareHTTP makes the per-client rate one every replica shares, and /readyz ask Redis.
func shareHTTP(cfg *httpapi.Config, st *redisstate.Store, logger *slog.Logger) {
	if st == nil {
		return
	}
	cfg.ShareLimit = func(own httpapi.Limiter, perSec float64, burst int) httpapi.Limiter {
		return st.Limiter("http", rate.Limit(perSec), burst, own)
	}
	cfg.Ready = st.Ready
	cfg.Reloaded = func(ctx context.Context) {
		if err := st.Notify(ctx, "reload"); err != nil {
			logger.Warn("serve: could not tell the other replicas to reload; reload them one by one", "err", err)
		}
	}
}

// shareTelegram makes update dedupe, conversation memory and the per-user rate shared.
func shareTelegram(cfg *telegram.Config, st *redisstate.Store) {
	if st == nil {
		return
	}
	cfg.Ready = st.Ready
	cfg.Share = func(c telegram.Config, own telegram.Shared) telegram.Shared {
		return telegram.Shared{
			Seen:   st.Seen("telegram:update", updateKept, own.Seen),
			Memory: st.Memory(c.MemoryTTL, own.Memory),
			Users:  st.Limiter("telegram:user", rate.Limit(c.UserRate), c.UserBurst, own.Users),
			Queue:  telegram.NewQueue[*redisstate.Lease](st.ChatQueue("telegram:chat", telegram.SharedLease, updateKept)),
			Pace:   st.Limiter("telegram:pace", rate.Limit(c.PaceOverall), telegram.PaceBurst(c), own.Pace),
		}
	}
}

// redisLog is go-redis's logger interface over slog.
type redisLog struct{ l *slog.Logger }

func (r redisLog) Printf(ctx context.Context, format string, v ...any) {
	r.l.Debug("redis: " + fmt.Sprintf(format, v...))
}
