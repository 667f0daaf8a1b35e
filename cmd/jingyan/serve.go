package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/jingyan/jingyan/internal/httpapi"
)

func (e *env) serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "监听地址（非本机地址需要设置 JINGYAN_API_TOKENS）")
	maxLLM := fs.Int("max-llm", 4, "同时进行的大模型回答数")
	queue := fs.Int("queue", 16, "可排队等大模型的回答数")
	rps := fs.Float64("rate", 20, "每个客户端每秒请求数")
	var ef engineFlags
	ef.register(fs)
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("%w: serve 不接受参数", errUsage)
	}
	cfg := httpapi.Config{
		Addr:        *addr,
		Tokens:      httpapi.SplitList(e.getenv("JINGYAN_API_TOKENS")),
		AdminTokens: httpapi.SplitList(e.getenv("JINGYAN_ADMIN_TOKENS")),
		CORSOrigins: httpapi.SplitList(e.getenv("JINGYAN_CORS_ORIGINS")),
		MaxLLM:      *maxLLM, QueueLen: *queue, RatePerSec: *rps,
	}
	proxies, err := httpapi.ParsePrefixes(e.getenv("JINGYAN_TRUSTED_PROXIES"))
	if err != nil {
		return fmt.Errorf("JINGYAN_TRUSTED_PROXIES: %w", err)
	}
	cfg.TrustedProxies = proxies
	if err := httpapi.CheckExposure(cfg.Addr, cfg.Tokens); err != nil {
		return err
	}
	shared, err := e.openShared()
	if err != nil {
		return err
	}
	if shared != nil {
		defer shared.Close()
	}
	shareHTTP(&cfg, shared, e.logger)
	load := func(ctx context.Context) (*httpapi.Backend, error) {
		eng, ix, hasLLM, err := e.engineLLM(ctx, &ef)
		if err != nil {
			return nil, err
		}
		return &httpapi.Backend{Index: ix, Engine: eng, HasLLM: hasLLM}, nil
	}
	srv, err := httpapi.New(ctx, cfg, load, e.logger)
	if err != nil {
		return err
	}
	defer srv.Close()
	e.collectLess()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if shared != nil {
		// An admin reload reaches one replica through the load balancer; the others follow.
		go shared.Listen(ctx, "reload", func() {
			if err := srv.Reload(ctx); err != nil {
				e.logger.Error("serve: reload on another replica's notice failed; still serving the old index", "err", err)
			}
		})
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-hup:
				if err := srv.Reload(ctx); err != nil {
					e.logger.Error("serve: reload on SIGHUP failed; still serving the old index", "err", err)
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	e.logger.Info("serve: listening", "addr", ln.Addr().String(), "auth", len(cfg.Tokens) > 0)
	fmt.Fprintf(e.stderr, "jingyan: serving on http://%s/\n", ln.Addr())
	return srv.Serve(ctx, ln)
}
