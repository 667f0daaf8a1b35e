package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/glossary"
	"github.com/jingyan/jingyan/internal/reader"
	"github.com/jingyan/jingyan/internal/search"
)

// indexFlags are the flags every command that searches shares.
type indexFlags struct {
	path     string
	glossary string
}

func (f *indexFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.path, "index", "", "jingyan index build 建的索引目录（默认：内置材料，在内存中建索引）")
	fs.StringVar(&f.glossary, "glossary", "", "词表文件（默认用内置的 index/glossary.txt）")
}

func loadGlossary(path string) (*glossary.Glossary, error) {
	if path == "" {
		return glossary.Embedded()
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("glossary: %w", err)
	}
	defer f.Close()
	return glossary.Parse(f)
}

// open returns the index the flags name: on disk, or built in memory from the embedded corpus;
// either is searched with the embeddings model the environment configures.
func (f *indexFlags) open(ctx context.Context, e *env) (*search.Index, error) {
	g, err := loadGlossary(f.glossary)
	if err != nil {
		return nil, err
	}
	if f.path != "" {
		ix, err := search.Open(f.path, g)
		if err != nil {
			return nil, indexError(f.path, err)
		}
		return e.hybrid(ctx, ix, f.path)
	}
	c, err := corpus.Embedded()
	if err != nil {
		return nil, err
	}
	ix, err := search.Build(ctx, c, g, "", nil)
	if err != nil {
		return nil, err
	}
	return e.hybrid(ctx, ix, "")
}

// hybrid is ix with the embeddings the environment configures, closed on failure.
func (e *env) hybrid(ctx context.Context, ix *search.Index, dir string) (*search.Index, error) {
	h, err := e.withEmbeddings(ctx, ix, dir)
	if err != nil {
		ix.Close()
		return nil, err
	}
	return h, nil
}

func (e *env) index(ctx context.Context, args []string) error {
	switch {
	case len(args) == 0:
		return usagef("index 后面要跟子命令 build，例如：jingyan index build --sources 材料目录 --out 索引目录")
	case args[0] == "-h" || args[0] == "--help" || args[0] == "help":
		return helpError{}
	case args[0] != "build":
		return usagef("未知的 index 子命令 %s（只有 index build）", args[0])
	}
	fs := flag.NewFlagSet("index build", flag.ContinueOnError)
	sources := fs.String("sources", "", "材料目录（.txt .md .html .docx .doc .wps .pdf .ofd .rtf .odt .xlsx .pptx、扫描件、照片）")
	out := fs.String("out", "", "要建立或替换的索引目录")
	cacheDir := fs.String("cache", reader.DefaultCacheDir(), "提取结果（尤其 OCR）按内容缓存的目录；\"\" 表示不缓存")
	gloss := fs.String("glossary", "", "词表文件（默认用内置的）")
	memMiB := fs.Int("memory", 768, "建索引时的内存上限（MiB，软上限：超过时更勤地回收内存，变慢但不爆内存；0 表示不设）")
	rest, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if *sources == "" || *out == "" || len(rest) > 0 {
		return usagef("index build 需要 --sources 材料目录 和 --out 索引目录")
	}
	g, err := loadGlossary(*gloss)
	if err != nil {
		return err
	}
	if *memMiB > 0 && e.getenv("GOMEMLIMIT") == "" {
		// A soft limit, and under it the collector runs a quarter as often: a build makes
		// much short-lived garbage. At 115k sentences 8.7 s and 382 MB became 7.4 s and
		// 823 MB; a collection that reaches the limit is collected harder, not refused.
		debug.SetMemoryLimit(int64(*memMiB) << 20)
		if e.getenv("GOGC") == "" {
			debug.SetGCPercent(400)
		}
	}
	if st, err := os.Stat(*sources); err != nil || !st.IsDir() {
		return &userError{"找不到材料目录 " + *sources + "（--sources 应是放材料文件的文件夹）", err}
	}
	ocr := newProgress(e.stderr, "OCR 页")
	rd := reader.New(reader.Options{CacheDir: *cacheDir, OnPages: ocr.update})
	c, rep, err := corpus.LoadWith(ctx, os.DirFS(*sources), rd)
	ocr.finish()
	rep.Print(e.stderr)
	for _, f := range rep.Files {
		if f.Cause != "" {
			e.logger.Debug("index build: file skipped", "file", f.Name, "err", f.Cause)
		}
	}
	if errors.Is(err, corpus.ErrNoReports) {
		return &userError{"在 " + *sources + " 里没有读到任何材料（每个文件跳过的原因见上）；索引没有建立", err}
	}
	if err != nil {
		return err
	}
	start := time.Now()
	bar := newProgress(e.stderr, "indexing")
	if err := search.BuildDirWith(ctx, c, g, *out, bar.update, e.embedExtra(c)); err != nil {
		bar.abort()
		return err
	}
	bar.finish()
	r, p, s := c.Counts()
	fmt.Fprintf(e.stdout, "indexed %d reports, %d paragraphs, %d sentences into %s in %s\n",
		r, p, s, *out, time.Since(start).Round(time.Millisecond))
	return nil
}
