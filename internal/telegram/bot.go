// Package telegram is jingyan's Telegram front end: it answers staff questions in private
// and group chats with cited answers, streams them as they are written, and shows cited
// passages behind inline buttons — over go-telegram/bot, with our own command parsing,
// access control, per-chat ordering, 429 retries and an audit log.
package telegram

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"golang.org/x/time/rate"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/ratelimit"
	"github.com/jingyan/jingyan/internal/search"
)

// Config is the bot's settings; zero durations and sizes take defaults.
type Config struct {
	Token  string   // TELEGRAM_BOT_TOKEN; never logged
	APIURL string   // JINGYAN_TELEGRAM_API_URL: a self-hosted Bot API server
	Allow  []string // JINGYAN_TELEGRAM_ALLOW: user and chat IDs; "*" lets everyone in
	// UsersAnywhere lets an allowed user ask in any group, not only in allowed groups
	// (JINGYAN_TELEGRAM_USERS_ANYWHERE=1): every member of that group reads the answers.
	UsersAnywhere bool
	Admins        []int64 // JINGYAN_TELEGRAM_ADMINS: may use /stats

	WebhookURL    string // public URL Telegram posts updates to; empty means long polling
	WebhookAddr   string // where the webhook server listens
	WebhookSecret string // checked on every webhook request

	AuditPath string // JSONL audit log; empty: none

	SlowAfter      time.Duration // an answer not ready by then is shown while it streams (1 s)
	EditInterval   time.Duration // group streaming: edits at least this far apart (3 s)
	DraftInterval  time.Duration // private streaming: drafts at least this far apart (1 s)
	TypingInterval time.Duration // typing action refresh (4 s)
	MemoryTTL      time.Duration // conversation memory per chat (30 min)
	MaxChats       int           // chats remembered (10,000)
	QueuePerChat   int           // questions a chat may have waiting or being answered (50); one more is turned away, saying so
	MaxConcurrent  int           // questions answered at once across chats (16)
	UserRate       float64       // questions per second per user (0.2)
	UserBurst      int           // (5)
	TapRate        float64       // source-button taps per second per user, apart from questions (2)
	TapBurst       int           // (20)
	MaxRetries     int           // retries of a failed send, within the answer's deadline (20)
	RetryBase      time.Duration // first pause after a failed send; doubles up to 8 s (500 ms)
	JournalPath    string        // questions accepted but not answered, kept across restarts ("": none)
	PaceOverall    float64       // messages a second to all chats (25: Telegram allows about 30)
	PacePrivate    float64       // messages a second to one private chat (0.9: about 1)
	PaceGroup      float64       // messages a second to one group, kept over any minute (19 a minute: 20)
	DrainTimeout   time.Duration // how long a stop waits for answers under way (8 s)
	PollTimeout    time.Duration // long-polling timeout (30 s)

	// Share, when set, is handed the settings (defaults filled in) and the replica's own
	// update dedupe, conversation memory and per-user rate, and returns ones every replica
	// shares (JINGYAN_REDIS_URL), which fall back on these while the shared store is down.
	Share func(cfg Config, own Shared) Shared
	// Ready, when set, is asked by the webhook server's /readyz whether what the replica
	// depends on (Redis) is up, so a load balancer can prefer replicas that are.
	Ready func(ctx context.Context) error
}

// Shared is the state a bot keeps that several replicas must agree on.
type Shared struct {
	Seen   Firster
	Memory Memory
	Users  Limiter
	Queue  Queue   // nil: the replica's own journal and queue
	Pace   Limiter // sends to Telegram overall (key "all"), the bot's limit across replicas
}

// Firster says whether an update ID is new, remembering it.
type Firster interface{ First(id int64) bool }

// Memory keeps each user's conversation in each chat for follow-ups.
type Memory interface {
	History(chat, user int64) []answer.Turn
	Remember(chat, user int64, question string, a answer.Answer)
	Forget(chat, user int64)
}

// Limiter is a keyed rate: whether key may go now, and if not how long to wait.
type Limiter interface {
	Allow(key string) (time.Duration, bool)
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	defi := func(d *int, v int) {
		if *d <= 0 {
			*d = v
		}
	}
	deff := func(d *float64, v float64) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.SlowAfter, time.Second)
	def(&c.EditInterval, 3*time.Second)
	def(&c.DraftInterval, time.Second)
	def(&c.TypingInterval, 4*time.Second)
	def(&c.MemoryTTL, 30*time.Minute)
	def(&c.PollTimeout, 30*time.Second)
	defi(&c.MaxChats, 10000)
	defi(&c.QueuePerChat, 50)
	defi(&c.MaxConcurrent, 16)
	defi(&c.UserBurst, 5)
	defi(&c.TapBurst, 20)
	deff(&c.TapRate, 2)
	defi(&c.MaxRetries, 20)
	def(&c.RetryBase, 500*time.Millisecond)
	def(&c.DrainTimeout, 8*time.Second)
	deff(&c.PaceOverall, 25)
	deff(&c.PacePrivate, 0.9)
	deff(&c.PaceGroup, 19.0/60)
	if c.UserRate <= 0 {
		c.UserRate = 0.2
	}
	return c
}

// Bot answers Telegram updates. Create it with New, run it with Run.
type Bot struct {
	cfg    Config
	engine *answer.Engine
	index  *search.Index
	logger *slog.Logger
	audit  *auditLog

	api      *bot.Bot
	me       *models.User
	allowAll bool
	allowed  map[int64]bool
	admins   map[int64]bool

	chats  *chats  // per-chat order of answers; also the replica's own memory
	memory Memory  // conversations, for follow-ups
	users  Limiter // questions per user
	taps   Limiter // source-button taps per user
	shown  *recent // passages already shown under an answer, "chat:message:passage"
	owners *owners // whose conversation each answer message continues
	seen   Firster // update IDs already handled
	queue  Queue   // shared per-chat question lists; nil: journal and chats
	// sharedDown is when the shared queue started failing (unix ns; 0: it answers).
	sharedDown atomic.Int64
	journal    *journal        // questions accepted and not yet answered
	acks       *acks           // waiting questions' acknowledgements
	pace       *pacer          // sends kept under Telegram's limits
	life       context.Context // the jobs' parent, ended after the drain deadline
	end        context.CancelFunc
	slots      chan struct{}
	refusedMu  sync.Mutex
	refused    map[string]time.Time // "user:chat" → when they were told; bounded
	draftID    atomic.Int64
	started    time.Time
	stats      stats
	jobs       sync.WaitGroup
}

type stats struct {
	questions, llm, extractive, refusals, failures, denied atomic.Int64
	latencyMS                                              atomic.Int64
}

// ParseAllow reads JINGYAN_TELEGRAM_ALLOW: IDs separated by commas, or "*".
func ParseAllow(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if f != "*" {
			if _, err := strconv.ParseInt(f, 10, 64); err != nil {
				return nil, fmt.Errorf("telegram: allow list entry %q is not an ID or *", f)
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// ParseIDs reads a comma-separated list of numeric IDs.
func ParseIDs(s string) ([]int64, error) {
	var out []int64
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("telegram: %q is not an ID", f)
		}
		out = append(out, id)
	}
	return out, nil
}

// New connects to the Bot API (getMe) and returns a bot ready to Run.
func New(ctx context.Context, cfg Config, eng *answer.Engine, ix *search.Index, logger *slog.Logger) (*Bot, error) {
	cfg = cfg.withDefaults()
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	b := &Bot{
		cfg: cfg, engine: eng, index: ix, logger: logger,
		allowed: make(map[int64]bool), admins: make(map[int64]bool),
		chats:   newChats(cfg.MemoryTTL, cfg.MaxChats, cfg.QueuePerChat),
		users:   ratelimit.New(rate.Limit(cfg.UserRate), cfg.UserBurst, 10*time.Minute),
		taps:    ratelimit.New(rate.Limit(cfg.TapRate), cfg.TapBurst, 10*time.Minute),
		shown:   newRecent(20000),
		owners:  newOwners(20000),
		slots:   make(chan struct{}, cfg.MaxConcurrent),
		refused: make(map[string]time.Time),
		seen:    newSeenUpdates(10000),
		pace:    newPacer(cfg),
		acks:    newAcks(),
		started: time.Now(),
	}
	b.memory = b.chats
	if cfg.Share != nil {
		sh := cfg.Share(cfg, Shared{Seen: b.seen, Memory: b.chats, Users: b.users, Pace: b.pace.all})
		b.seen, b.memory, b.users, b.queue = sh.Seen, sh.Memory, sh.Users, sh.Queue
		if sh.Pace != nil {
			b.pace.all = sh.Pace
		}
	}
	for _, a := range cfg.Allow {
		if a == "*" {
			b.allowAll = true
			continue
		}
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("telegram: allow list entry %q is not an ID or *", a)
		}
		b.allowed[id] = true
	}
	for _, id := range cfg.Admins {
		b.admins[id] = true
	}
	if !b.allowAll && len(b.allowed) == 0 {
		logger.Warn("telegram: JINGYAN_TELEGRAM_ALLOW is empty: nobody may ask (set IDs, or * for everyone)")
	}
	opts := []bot.Option{
		bot.WithSkipGetMe(),
		bot.WithDefaultHandler(b.onUpdate),
		bot.WithNotAsyncHandlers(), // updates reach us in order; we queue them per chat
		bot.WithWorkers(1),
		bot.WithErrorsHandler(func(err error) { logger.Warn("telegram: bot API", "err", b.redact(err)) }),
		bot.WithHTTPClient(cfg.PollTimeout, &http.Client{Timeout: cfg.PollTimeout + 15*time.Second}),
	}
	if cfg.APIURL != "" {
		opts = append(opts, bot.WithServerURL(strings.TrimRight(cfg.APIURL, "/")))
	}
	api, err := bot.New(cfg.Token, opts...)
	if err != nil {
		return nil, fmt.Errorf("telegram: %s", b.redact(err))
	}
	b.api = api
	if b.me, err = api.GetMe(ctx); err != nil {
		return nil, fmt.Errorf("telegram: getMe: %s", b.redact(err))
	}
	if b.audit, err = openAudit(cfg.AuditPath); err != nil {
		return nil, err
	}
	if b.journal, err = openJournal(cfg.JournalPath); err != nil {
		return nil, err
	}
	b.life, b.end = context.WithCancel(context.Background())
	b.setCommands(ctx)
	return b, nil
}

// redact removes the token, in any form, from text that may embed it (request URLs in
// errors).
func (b *Bot) redact(err error) string { return redactToken(err.Error(), b.cfg.Token) }

// drain waits for the answers under way, up to DrainTimeout; what is left stays in the
// journal and is answered after the restart.
func (b *Bot) drain() {
	done := make(chan struct{})
	go func() { b.jobs.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(b.cfg.DrainTimeout):
		b.logger.Warn("telegram: stopping with answers under way; they stay journaled", "after", b.cfg.DrainTimeout)
	}
	b.end() // what is still under way stops here, as it would when the process exits
}

// Username is the bot's @name as Telegram knows it.
func (b *Bot) Username() string { return b.me.Username }

// Run serves updates until ctx is done: long polling, or a webhook when WebhookURL is set.
// It waits for questions being answered to finish.
func (b *Bot) Run(ctx context.Context) error {
	defer b.audit.close()
	defer b.journal.close()
	defer b.drain()
	for _, msg := range b.journal.pending() {
		b.logger.Info("telegram: answering a question accepted before the restart", "chat", msg.Chat.ID)
		b.handleMessage(msg, true)
	}
	if b.queue != nil {
		go b.sweep(ctx)
	}
	if b.cfg.WebhookURL != "" {
		return b.runWebhook(ctx)
	}
	if _, err := b.api.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil {
		b.logger.Warn("telegram: deleteWebhook", "err", b.redact(err))
	}
	b.logger.Info("telegram: polling", "bot", b.me.Username)
	b.api.Start(ctx)
	return nil
}
