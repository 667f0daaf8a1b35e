package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"

	"github.com/jingyan/jingyan/internal/answer"
	"github.com/jingyan/jingyan/internal/faq"
	"github.com/jingyan/jingyan/internal/llm"
	"github.com/jingyan/jingyan/internal/prompt"
	"github.com/jingyan/jingyan/internal/search"
	"github.com/jingyan/jingyan/prompts"
)

// engineFlags are the flags of every command that answers.
type engineFlags struct {
	indexFlags
	prompts string
	model   string
	baseURL string
	timeout time.Duration
	offline bool
	faq     string
}

func (f *engineFlags) register(fs *flag.FlagSet) {
	f.indexFlags.register(fs)
	fs.StringVar(&f.prompts, "prompts", "", "提示词模板目录，覆盖内置模板")
	fs.StringVar(&f.model, "model", "", "大模型名称（默认 $JINGYAN_MODEL，否则 "+llm.DefaultModel+"）")
	fs.StringVar(&f.baseURL, "base-url", "", "OpenAI 兼容服务地址（默认 $OPENAI_BASE_URL）")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "一个回答（含大模型）的时限")
	fs.BoolVar(&f.offline, "offline", false, "不调用大模型，只摘录材料原文")
	fs.StringVar(&f.faq, "faq", "", "jingyan faq 生成的 faq.jsonl：其中的问题直接作答")
}

func promptOverride(dir string) fs.FS {
	if dir == "" {
		return nil
	}
	return os.DirFS(dir)
}

// llmConfig is the LLM configuration: environment, then flags.
func (e *env) llmConfig(f *engineFlags) llm.Config {
	cfg := llm.ConfigFromEnv(e.getenv)
	if f.model != "" {
		cfg.Model = f.model
	}
	if f.baseURL != "" {
		cfg.BaseURL = f.baseURL
	}
	return cfg
}

// engine wires index, prompts and (when configured) the LLM into an answer engine.
func (e *env) engine(ctx context.Context, f *engineFlags) (*answer.Engine, *search.Index, error) {
	eng, ix, _, err := e.engineLLM(ctx, f)
	return eng, ix, err
}

// engineLLM is engine that also says whether an LLM is configured.
func (e *env) engineLLM(ctx context.Context, f *engineFlags) (*answer.Engine, *search.Index, bool, error) {
	if f.timeout <= 0 {
		return nil, nil, false, fmt.Errorf("%w: --timeout 应大于 0", errUsage)
	}
	ix, err := f.open(ctx, e)
	if err != nil {
		return nil, nil, false, err
	}
	ps, err := prompt.Load(prompts.FS, promptOverride(f.prompts))
	if err != nil {
		ix.Close()
		return nil, nil, false, err
	}
	cfg := e.llmConfig(f)
	var model answer.LLM
	if cfg.Enabled() && !f.offline {
		model = llm.New(cfg, nil, e.logger)
	}
	acfg := answer.Config{Timeout: f.timeout}
	if f.faq != "" {
		cache, err := faq.Load(f.faq, ix.Corpus(), e.logger)
		if err != nil {
			ix.Close()
			return nil, nil, false, err
		}
		acfg.FAQ = cache
	}
	eng := answer.New(acfg, ix, ix.Glossary(), ps, model, e.logger)
	return eng, ix, model != nil, nil
}

// gcHeadroom is how much garbage a serving process lets build up beyond the heap it holds
// before collecting, within [100%, 400%] of that heap (Go's default is 100%).
const (
	gcHeadroom      = 32 << 20
	maxServingGCPct = 400
)

// collectLess lets a long-running server collect garbage less often once its index is loaded,
// unless GOGC says otherwise. What the index holds stays for the life of the process and an
// answer's garbage is short-lived, so with a small index the collector at Go's default marked
// the same index over again every few hundred answers (wrk /v1/ask on the embedded corpus
// +20%, RSS under load 43 → 60 MB). The garbage allowed is a fixed headroom rather than a
// multiple of the heap: a 115k-sentence index holds ~200 MB, and 400% of it let RSS under load
// reach 900 MB for no gain in throughput, so a large index keeps the default; 64 MiB gained
// nothing over 32 on the embedded corpus. GOMEMLIMIT, read by the runtime itself, still
// bounds the heap. The percent is set once: a reload keeps it.
func (e *env) collectLess() {
	if e.getenv("GOGC") != "" {
		return
	}
	pct := gcPercentFor(liveHeap())
	debug.SetGCPercent(pct)
	e.logger.Debug("garbage collection", "percent", pct)
}

// gcPercentFor is the GC percent that lets gcHeadroom of garbage build up over a live heap.
func gcPercentFor(live uint64) int {
	if live == 0 {
		return 100
	}
	return int(min(max(100*gcHeadroom/live, 100), maxServingGCPct))
}

// liveHeap is the heap the last collection found in use, or 0 if none has run.
func liveHeap() uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}
