package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jingyan/jingyan/internal/corpus"
	"github.com/jingyan/jingyan/internal/glossary"
)

// BuildDir builds an on-disk index at out and only then puts it in place: out is a symlink to
// a versioned sibling directory, switched with one rename, so a reader opening out sees the
// old index or the new one, never half of either. On failure nothing at out changes.
func BuildDir(ctx context.Context, c *corpus.Corpus, g *glossary.Glossary, out string, progress Progress) error {
	return BuildDirWith(ctx, c, g, out, progress, nil)
}

// Extra writes more into a new index directory before it is put in place — the embeddings of
// its passages. previous is the index being replaced ("" when there is none), whose work it
// may reuse.
type Extra func(ctx context.Context, dir, previous string) error

// BuildDirWith is BuildDir with extra run on the new directory before the switch.
func BuildDirWith(ctx context.Context, c *corpus.Corpus, g *glossary.Glossary, out string, progress Progress, extra Extra) error {
	out = filepath.Clean(out)
	parent, base := filepath.Dir(out), filepath.Base(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("search: build: %w", err)
	}
	old, err := existingIndex(out)
	if err != nil {
		return err
	}
	stamp := strconv.FormatInt(time.Now().UnixNano(), 36)
	target := "." + base + "." + stamp
	dir := filepath.Join(parent, target)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return fmt.Errorf("search: build: %w", err)
	}
	ix, err := Build(ctx, c, g, dir, progress)
	if err == nil {
		err = ix.Close()
	}
	if err == nil && extra != nil {
		previous := ""
		if old.target != "" || old.realDir {
			previous = out
		}
		err = extra(ctx, dir, previous)
	}
	if err != nil {
		os.RemoveAll(dir)
		return err
	}
	link := filepath.Join(parent, "."+base+".link-"+stamp)
	if err := os.Symlink(target, link); err != nil {
		os.RemoveAll(dir)
		return fmt.Errorf("search: build: %w", err)
	}
	if old.realDir {
		// An index directory from elsewhere (not our symlink): move it aside first.
		if err := os.Rename(out, out+".old-"+stamp); err != nil {
			os.Remove(link)
			os.RemoveAll(dir)
			return fmt.Errorf("search: build: replace %s: %w", out, err)
		}
		old.target = out + ".old-" + stamp
	}
	if err := os.Rename(link, out); err != nil {
		os.Remove(link)
		os.RemoveAll(dir)
		return fmt.Errorf("search: build: replace %s: %w", out, err)
	}
	if old.target != "" {
		os.RemoveAll(old.target)
	}
	return nil
}

type previous struct {
	target  string // directory to remove once replaced
	realDir bool   // out is a directory, not our symlink
}

// existingIndex checks what stands at out: nothing, or a jingyan index we may replace.
// Anything else is refused, so a typo never deletes someone's directory.
func existingIndex(out string) (previous, error) {
	fi, err := os.Lstat(out)
	if os.IsNotExist(err) {
		return previous{}, nil
	}
	if err != nil {
		return previous{}, fmt.Errorf("search: build: %w", err)
	}
	resolved := out
	if fi.Mode()&os.ModeSymlink != 0 {
		if resolved, err = filepath.EvalSymlinks(out); err != nil {
			// A dangling link from an earlier index: safe to replace.
			return previous{}, nil
		}
	}
	f, err := os.ReadFile(filepath.Join(resolved, formatFile))
	if err != nil || strings.TrimSpace(string(f)) != format {
		return previous{}, fmt.Errorf("search: build: %s exists and is not a jingyan index; refusing to replace it", out)
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return previous{target: resolved}, nil
	}
	return previous{realDir: true}, nil
}
