package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jingyan/jingyan/internal/faq"
	"github.com/jingyan/jingyan/internal/llm"
	"github.com/jingyan/jingyan/internal/prompt"
	"github.com/jingyan/jingyan/prompts"
)

func (e *env) faq(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("faq", flag.ContinueOnError)
	questions := fs.String("questions", "", "问题文件：每行一个，或带 \"question\" 的 JSONL")
	auto := fs.Bool("auto", false, "从材料中出题（配置了大模型时由大模型出题）")
	out := fs.String("out", "", "faq.md 和 faq.jsonl 的输出目录")
	jobs := fs.Int("j", 4, "同时回答的问题数")
	fresh := fs.Bool("fresh", false, "不用 --out 里上次保存的回答")
	perReport := fs.Int("per-report", 15, "--auto 时每篇材料让大模型出的题数")
	var ef engineFlags
	ef.register(fs)
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 || *out == "" || (*questions == "") == !*auto || *jobs < 1 || *jobs > 64 {
		return fmt.Errorf("%w: faq 需要 --out DIR，以及 --questions FILE 或 --auto 之一；-j 应在 1..64 之间", errUsage)
	}
	eng, ix, hasLLM, err := e.engineLLM(ctx, &ef)
	if err != nil {
		return err
	}
	defer ix.Close()

	var qs []string
	start := time.Now()
	if *questions != "" {
		f, err := os.Open(*questions)
		if err != nil {
			return fmt.Errorf("faq: %w", err)
		}
		qs, err = faq.ReadQuestions(f)
		f.Close()
		if err != nil {
			return err
		}
	} else if hasLLM {
		ps, err := prompt.Load(prompts.FS, promptOverride(ef.prompts))
		if err != nil {
			return err
		}
		model := llm.New(e.llmConfig(&ef), nil, e.logger)
		qs, _, err = faq.AutoLLM(ctx, ix.Corpus(), model, ps, *perReport)
		if err != nil {
			return err
		}
	} else {
		qs = faq.Auto(ix.Corpus())
	}
	bar := newProgress(e.stderr, "faq")
	sum, err := faq.Run(ctx, faq.Config{Out: *out, Jobs: *jobs, LLM: hasLLM, Fresh: *fresh}, eng, qs, bar.update)
	if err != nil {
		bar.abort()
		if errors.Is(err, faq.ErrInterrupted) {
			fmt.Fprintf(e.stderr, "jingyan: faq interrupted after %d of %d questions; run the same command again to continue\n",
				sum.Resumed+sum.Answered+sum.Refused, sum.Questions)
		}
		return err
	}
	bar.finish()
	fmt.Fprintf(e.stdout, "faq: %d questions (%d near-duplicates merged, %d from an earlier run) in %s\n",
		sum.Questions, sum.Merged, sum.Resumed, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(e.stdout, "answered %d, refused %d, flagged by verification %d, failed %d; LLM tokens %d prompt, %d completion\n",
		sum.Answered, sum.Refused, sum.Flagged, sum.Failed, sum.PromptTokens, sum.CompletionTokens)
	for _, f := range sum.Failures {
		fmt.Fprintf(e.stdout, "failed: %s\n", f)
	}
	fmt.Fprintf(e.stdout, "wrote %s and %s\n", filepath.Join(*out, faq.MarkdownFile), filepath.Join(*out, faq.JSONLFile))
	return nil
}
