package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/search"
)

func (e *env) search(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	k := fs.Int("k", 5, "返回的段落数")
	asJSON := fs.Bool("json", false, "输出 JSON")
	levelName := fs.String("level", "sentence", "段落粒度：sentence（句）或 paragraph（段）")
	var ixf indexFlags
	ixf.register(fs)
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return fmt.Errorf("%w: search 需要一个问题（或用 - 从标准输入逐行读问题）", errUsage)
	}
	level, err := corpus.ParseLevel(*levelName)
	if err != nil {
		return usagef("--level 应是 sentence（句）或 paragraph（段），不是 %s", *levelName)
	}
	if *k < 1 || *k > search.MaxK {
		return fmt.Errorf("%w: --k 应在 1..%d 之间", errUsage, search.MaxK)
	}
	ix, err := ixf.open(ctx, e)
	if err != nil {
		return err
	}
	defer ix.Close()

	if len(rest) == 1 && rest[0] == "-" {
		return searchLines(ctx, ix, e.stdin, e.stdout, *k, level)
	}
	question := strings.Join(rest, " ")
	hits, err := ix.Search(ctx, search.Request{Question: question, K: *k, Level: level})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(search.NewResponse(question, hits))
	}
	printHits(e.stdout, hits)
	return nil
}

// searchLines answers one question per input line with one JSON object per output line; a
// bad or blank line gets an object with "error" and the run goes on.
func searchLines(ctx context.Context, ix *search.Index, in io.Reader, out io.Writer, k int, level corpus.Level) error {
	r := bufio.NewReader(in)
	w := bufio.NewWriter(out)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for {
		line, readErr := r.ReadString('\n')
		if readErr != nil && !errors.Is(readErr, io.EOF) {
			return fmt.Errorf("read questions: %w", readErr)
		}
		q := strings.TrimRight(line, "\r\n")
		// A blank line gets its own error object, keeping one line out per line in; only
		// the empty remainder after the last newline is not a line.
		if line != "" {
			hits, err := ix.Search(ctx, search.Request{Question: q, K: k, Level: level})
			resp := search.NewResponse(strings.ToValidUTF8(q, "\uFFFD"), hits)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				resp.Error = err.Error()
			}
			if err := enc.Encode(resp); err != nil {
				return err
			}
			// A script driving search interactively reads each answer before it writes the
			// next question.
			if err := w.Flush(); err != nil {
				return err
			}
		}
		if readErr != nil {
			return nil
		}
	}
}

func printHits(w io.Writer, hits []search.Hit) {
	if len(hits) == 0 {
		fmt.Fprintln(w, "没有找到相关段落。")
		return
	}
	for i, h := range hits {
		fmt.Fprintf(w, "%d. %s  [%s] (%.2f)\n   %s\n", i+1, h.Passage.Citation(), h.Passage.ID, h.Score, h.Passage.Text)
	}
}
