package main

import (
	"context"
	"flag"
	"fmt"
	"os"
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
	fs.StringVar(&f.path, "index", "", "on-disk index built by `jingyan index build` (default: embedded corpus, in memory)")
	fs.StringVar(&f.glossary, "glossary", "", "glossary file (default: the embedded index/glossary.txt)")
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

// open returns the index the flags name: on disk, or built in memory from the embedded corpus.
func (f *indexFlags) open(ctx context.Context) (*search.Index, error) {
	g, err := loadGlossary(f.glossary)
	if err != nil {
		return nil, err
	}
	if f.path != "" {
		return search.Open(f.path, g)
	}
	c, err := corpus.Embedded()
	if err != nil {
		return nil, err
	}
	return search.Build(ctx, c, g, "", nil)
}

func (e *env) index(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "build" {
		return errUsage
	}
	fs := flag.NewFlagSet("index build", flag.ContinueOnError)
	sources := fs.String("sources", "", "directory of source documents (.txt .md .html .docx .doc .wps .pdf .ofd .rtf .odt .xlsx .pptx, scans and photos)")
	out := fs.String("out", "", "index path to create or replace")
	cacheDir := fs.String("cache", reader.DefaultCacheDir(), "where extracted text (OCR above all) is kept by content hash; \"\" keeps nothing")
	gloss := fs.String("glossary", "", "glossary file (default: embedded)")
	rest, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if *sources == "" || *out == "" || len(rest) > 0 {
		return fmt.Errorf("%w: index build 需要 --sources DIR 和 --out PATH", errUsage)
	}
	g, err := loadGlossary(*gloss)
	if err != nil {
		return err
	}
	if st, err := os.Stat(*sources); err != nil || !st.IsDir() {
		return fmt.Errorf("没有找到材料目录 %s", *sources)
	}
	ocr := newProgress(e.stderr, "OCR 页")
	rd := reader.New(reader.Options{CacheDir: *cacheDir, OnPages: ocr.update})
	c, rep, err := corpus.LoadWith(ctx, os.DirFS(*sources), rd)
	ocr.finish()
	rep.Print(e.stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	bar := newProgress(e.stderr, "indexing")
	if err := search.BuildDir(ctx, c, g, *out, bar.update); err != nil {
		bar.abort()
		return err
	}
	bar.finish()
	r, p, s := c.Counts()
	fmt.Fprintf(e.stdout, "indexed %d reports, %d paragraphs, %d sentences into %s in %s\n",
		r, p, s, *out, time.Since(start).Round(time.Millisecond))
	return nil
}
