package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/jingyan/jingyan/internal/eval"
)

func (e *env) eval(ctx context.Context, args []string) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		return helpError{}
	}
	if len(args) == 0 || (args[0] != "retrieval" && args[0] != "answers") {
		return usagef("eval 后面要跟 retrieval 或 answers，例如：jingyan eval answers --qa 问答集.jsonl")
	}
	kind := args[0]
	fs := flag.NewFlagSet("eval "+kind, flag.ContinueOnError)
	qa := fs.String("qa", "", "问答集（JSONL）")
	asJSON := fs.Bool("json", false, "输出 JSON")
	var ef engineFlags
	ef.register(fs)
	rest, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if *qa == "" || len(rest) > 0 {
		return usagef("eval %s 需要 --qa 问答集文件", kind)
	}
	f, err := os.Open(*qa)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	items, err := eval.ReadQA(f)
	f.Close()
	if err != nil {
		return err
	}
	if kind == "answers" && !ef.offline && hasReplies(items) {
		// Scripted replies are served by an in-process OpenAI-compatible server, so the real
		// client, streaming and verification run as with a model.
		srv := eval.ScriptedLLM(items)
		defer srv.Close()
		ef.baseURL = srv.URL()
	}
	eng, ix, err := e.engine(ctx, &ef)
	if err != nil {
		return err
	}
	defer ix.Close()
	var rep interface{ Print(io.Writer) }
	if views := rankingViews(ix); kind == "retrieval" && len(views) > 1 {
		return e.retrievalSideBySide(ctx, views, items, *asJSON)
	}
	if kind == "retrieval" {
		rep, err = eval.Retrieval(ctx, ix, items)
	} else {
		rep, err = eval.Answers(ctx, eng, ix.Corpus(), items)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rep.Print(e.stdout)
	return nil
}

func hasReplies(items []eval.Item) bool {
	for _, it := range items {
		if it.Reply != "" {
			return true
		}
	}
	return false
}

// retrievalSideBySide reports retrieval for each ranking the configuration allows, so a
// bureau measures its own embeddings model and reranker with one command.
func (e *env) retrievalSideBySide(ctx context.Context, views []rankingView, items []eval.Item, asJSON bool) error {
	reports := make(map[string]eval.RetrievalReport)
	for _, v := range views {
		rep, err := eval.Retrieval(ctx, v.ix, items)
		if err != nil {
			return err
		}
		reports[v.name] = rep
		if !asJSON {
			fmt.Fprintf(e.stdout, "== %s\n", v.name)
			rep.Print(e.stdout)
			fmt.Fprintln(e.stdout)
		}
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(reports)
	}
	return nil
}
