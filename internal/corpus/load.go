package corpus

import (
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jingyan/jingyan/index"
)

// MaxSourceBytes bounds one source file; experience reports are a few hundred KB at most.
const MaxSourceBytes = 64 << 20

// Supported reports whether a file name has an extension this package reads.
func Supported(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".txt", ".md", ".markdown", ".html", ".htm":
		return true
	}
	return false
}

// ParseFile reads one source, choosing the format by extension, and returns its reports with
// IDs derived from name and position.
func ParseFile(name string, data []byte) ([]*Report, error) {
	if len(data) > MaxSourceBytes {
		return nil, fmt.Errorf("corpus: %s: %d bytes is larger than %d", name, len(data), MaxSourceBytes)
	}
	var blocks []block
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown":
		blocks = markdownBlocks(data)
	case ".html", ".htm":
		var err error
		if blocks, err = htmlBlocks(data); err != nil {
			return nil, fmt.Errorf("corpus: %s: %w", name, err)
		}
	default:
		blocks = textBlocks(data)
	}
	reports := assemble(name, blocks)
	key := sourceKey(name)
	for i, r := range reports {
		r.Source = name
		r.ID = key + "-r" + strconv.Itoa(i+1)
		for j, p := range r.Paragraphs {
			p.N = j + 1
			p.ID = r.ID + "p" + strconv.Itoa(p.N)
			for k, s := range SplitSentences(p.Text) {
				p.Sentences = append(p.Sentences, Sentence{ID: p.ID + "s" + strconv.Itoa(k+1), N: k + 1, Text: s})
			}
		}
	}
	return reports, nil
}

// sourceKey is a short, stable key for a source path, so IDs fit Telegram's 64-byte callback
// data and stay the same on every rebuild.
func sourceKey(name string) string {
	h := fnv.New32a()
	h.Write([]byte(name))
	return fmt.Sprintf("%06x", h.Sum32()&0xffffff)
}

// Load reads every supported file under fsys, in lexical path order.
func Load(fsys fs.FS) (*Corpus, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && Supported(p) {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("corpus: read sources: %w", err)
	}
	sort.Strings(names)
	var reports []*Report
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("corpus: read %s: %w", name, err)
		}
		rs, err := ParseFile(name, data)
		if err != nil {
			return nil, err
		}
		reports = append(reports, rs...)
	}
	if len(reports) == 0 {
		return nil, fmt.Errorf("corpus: no reports found in %d source files", len(names))
	}
	return New(reports)
}

// Embedded loads the corpus the binary carries (index/sources).
func Embedded() (*Corpus, error) {
	sources, err := fs.Sub(index.FS, "sources")
	if err != nil {
		return nil, fmt.Errorf("corpus: embedded sources: %w", err)
	}
	return Load(sources)
}
