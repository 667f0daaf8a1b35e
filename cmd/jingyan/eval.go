package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/jingyan/jingyan/internal/eval"
)

func (e *env) eval(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "retrieval" {
		return fmt.Errorf("%w: eval needs a kind: retrieval", errUsage)
	}
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	qa := fs.String("qa", "", "QA set (JSONL)")
	asJSON := fs.Bool("json", false, "print JSON")
	var ixf indexFlags
	ixf.register(fs)
	rest, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if *qa == "" || len(rest) > 0 {
		return fmt.Errorf("%w: eval retrieval needs --qa FILE", errUsage)
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
	ix, err := ixf.open(ctx)
	if err != nil {
		return err
	}
	defer ix.Close()
	rep, err := eval.Retrieval(ctx, ix, items)
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
