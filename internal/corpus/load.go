package corpus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/jingyan/jingyan/index"
	"github.com/jingyan/jingyan/internal/reader"
)

// ParseFile reads one source and returns its reports with IDs derived from name and position.
func ParseFile(name string, data []byte) ([]*Report, error) {
	d, err := reader.New(reader.Options{}).Read(context.Background(), name, data)
	if err != nil {
		return nil, err
	}
	reports, _ := assemble(name, d)
	number(name, reports)
	return reports, nil
}

// number gives reports, paragraphs and sentences their IDs and numbers.
func number(name string, reports []*Report) {
	key := sourceKey(name)
	for i, r := range reports {
		r.Source = name
		r.ID = key + "-r" + strconv.Itoa(i+1)
		onPage := make(map[int]int)
		for j, p := range r.Paragraphs {
			p.N = j + 1
			p.OnPage = 0
			if p.Page > 0 {
				onPage[p.Page]++
				p.OnPage = onPage[p.Page]
			}
			p.ID = r.ID + "p" + strconv.Itoa(p.N)
			p.Sentences = nil
			for k, s := range SplitSentences(p.Text) {
				p.Sentences = append(p.Sentences, Sentence{ID: p.ID + "s" + strconv.Itoa(k+1), N: k + 1, Text: s})
			}
		}
	}
}

// sourceKey is a short, stable key for a source path, so IDs fit Telegram's 64-byte callback
// data and stay the same on every rebuild.
func sourceKey(name string) string {
	h := fnv.New32a()
	h.Write([]byte(name))
	return fmt.Sprintf("%06x", h.Sum32()&0xffffff)
}

// FileResult is what reading one source gave: its reports and paragraphs, pages and OCR
// pages, or why it was skipped, and anything read with a warning.
type FileResult struct {
	Name       string   `json:"name"`
	Format     string   `json:"format"`
	Reports    int      `json:"reports"`
	Paragraphs int      `json:"paragraphs"`
	Pages      int      `json:"pages,omitempty"`
	OCRPages   int      `json:"ocr_pages,omitempty"`
	Cached     bool     `json:"cached,omitempty"`
	Skipped    string   `json:"skipped,omitempty"` // why, in Chinese, and what to do
	Cause      string   `json:"cause,omitempty"`   // the reader's own error, for the log
	Warnings   []string `json:"warnings,omitempty"`
}

// LoadReport lists every file a load looked at.
type LoadReport struct {
	Files []FileResult `json:"files"`
}

// Print writes per format the files read, their pages, OCR pages, files taken from the
// cache and paragraphs, then every file skipped (with why and what to do) or read with a
// warning.
func (lr LoadReport) Print(w io.Writer) {
	type tally struct{ files, skipped, paragraphs, pages, ocr, cached int }
	by := make(map[string]*tally)
	var formats []string
	for _, f := range lr.Files {
		t := by[f.Format]
		if t == nil {
			t = &tally{}
			by[f.Format] = t
			formats = append(formats, f.Format)
		}
		if f.Skipped != "" {
			t.skipped++
			continue
		}
		t.files++
		t.paragraphs += f.Paragraphs
		t.pages += f.Pages
		t.ocr += f.OCRPages
		if f.Cached {
			t.cached++
		}
	}
	sort.Strings(formats)
	for _, f := range formats {
		t := by[f]
		fmt.Fprintf(w, "%-6s %4d 个文件已读，%5d 段", f, t.files, t.paragraphs)
		if t.pages > 0 {
			fmt.Fprintf(w, "，%d 页", t.pages)
		}
		if t.ocr > 0 {
			fmt.Fprintf(w, "（OCR %d 页）", t.ocr)
		}
		if t.cached > 0 {
			fmt.Fprintf(w, "，%d 个取自缓存", t.cached)
		}
		if t.skipped > 0 {
			fmt.Fprintf(w, "，%d 个跳过", t.skipped)
		}
		fmt.Fprintln(w)
	}
	for _, f := range lr.Files {
		if f.Skipped != "" {
			fmt.Fprintf(w, "跳过 %s：%s\n", f.Name, f.Skipped)
		}
		for _, warn := range f.Warnings {
			fmt.Fprintf(w, "注意 %s：%s\n", f.Name, warn)
		}
	}
}

// FileReader reads one file into text blocks; *reader.Reader is the one jingyan uses.
type FileReader interface {
	Read(ctx context.Context, name string, data []byte) (reader.Document, error)
}

// Load reads every file under fsys with a Reader of default options (no cache).
func Load(fsys fs.FS) (*Corpus, LoadReport, error) {
	return LoadWith(context.Background(), fsys, reader.New(reader.Options{}))
}

// LoadWith reads every file under fsys, in lexical path order, deciding each one's format
// from its bytes. Files nothing can read are listed in the report as skipped, with why;
// only when nothing at all can be read is that an error. Files are read several at once:
// OCR and converters take seconds a file.
func LoadWith(ctx context.Context, fsys fs.FS, rd FileReader) (*Corpus, LoadReport, error) {
	var rep LoadReport
	names, err := sourceNames(fsys)
	if err != nil {
		return nil, rep, fmt.Errorf("corpus: read sources: %w", err)
	}
	docs := make([]reader.Document, len(names))
	results := make([]FileResult, len(names))
	if err := readAll(ctx, fsys, rd, names, docs, results); err != nil {
		return nil, rep, err
	}
	dropRepeated(docs)
	assembled := assembleAll(names, docs, results)
	var reports []*Report
	for i := range names {
		if results[i].Skipped != "" {
			continue
		}
		rs := assembled[i]
		if len(rs) == 0 {
			results[i].Skipped = "没有找到正文"
			continue
		}
		results[i].Reports = len(rs)
		for _, r := range rs {
			results[i].Paragraphs += len(r.Paragraphs)
		}
		reports = append(reports, rs...)
	}
	rep.Files = results
	if len(reports) == 0 {
		return nil, rep, fmt.Errorf("corpus: %w (%d source files)", ErrNoReports, len(names))
	}
	c, err := New(reports)
	return c, rep, err
}

// assembleAll makes each read file's reports, on every core (the cleaning rules are
// regular expressions: 1.6 s of CPU at 880 files), and adds their warnings to results.
func assembleAll(names []string, docs []reader.Document, results []FileResult) [][]*Report {
	out := make([][]*Report, len(names))
	warnings := make([][]string, len(names))
	onEveryCore(len(names), func(i int) {
		if results[i].Skipped == "" {
			out[i], warnings[i] = assemble(names[i], docs[i])
			number(names[i], out[i])
		}
	})
	for i := range results {
		results[i].Warnings = append(results[i].Warnings, warnings[i]...)
	}
	return out
}

// ErrNoReports is a collection from which nothing could be read.
var ErrNoReports = errors.New("no reports found")

// sourceNames lists the files under fsys in lexical order, hidden files and folders aside.
func sourceNames(fsys fs.FS) ([]string, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != "." {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	return names, err
}

// readAll reads the named files into docs, several at once, recording each one's result.
func readAll(ctx context.Context, fsys fs.FS, rd FileReader, names []string, docs []reader.Document, results []FileResult) error {
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(2, runtime.NumCPU()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				docs[i], results[i] = readOne(ctx, fsys, rd, names[i])
			}
		}()
	}
	for i := range names {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("corpus: read sources: %w", err)
	}
	return nil
}

func readOne(ctx context.Context, fsys fs.FS, rd FileReader, name string) (reader.Document, FileResult) {
	res := FileResult{Name: name, Format: Format(name)}
	if st, err := fs.Stat(fsys, name); err == nil && st.Size() > reader.MaxBytes {
		res.Skipped = fmt.Sprintf("文件太大（%d MB，上限 %d MB），请拆分后再放入", st.Size()>>20, reader.MaxBytes>>20)
		return reader.Document{}, res
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		res.Skipped = fmt.Sprintf("无法读取：%v", err)
		return reader.Document{}, res
	}
	d, err := rd.Read(ctx, name, data)
	if err != nil {
		res.Skipped, res.Cause = reader.Reason(err), err.Error()
		return reader.Document{}, res
	}
	res.Format, res.Pages, res.OCRPages, res.Cached, res.Warnings = d.Format, d.Pages, d.OCRPages, d.Cached, d.Warnings
	return d, res
}

// Format is a file name's lower-case extension without the dot ("docx"), what a file is
// listed under until its bytes say what it is; "?" for none.
func Format(name string) string {
	if e := strings.TrimPrefix(strings.ToLower(path.Ext(name)), "."); e != "" {
		return e
	}
	return "?"
}

// dropRepeated removes short lines that recur at the head or foot of three or more files: the
// template of the site or program they were saved from (navigation, slogans, notices), never
// report text. A line recurring in the middle of documents is text they share — an option
// manpages describe alike, a phrase reports repeat — and stays: on the scale data (115k
// sentences) 395 paragraphs of text the whole-document rule had dropped.
func dropRepeated(docs []reader.Document) {
	const minFiles, maxRunes = 3, 100
	files := make(map[string]int)
	for _, d := range docs {
		seen := make(map[string]bool)
		for k, b := range d.Blocks {
			if utf8.RuneCountInString(b.Text) <= maxRunes && !seen[b.Text] && atEdge(k, len(d.Blocks)) {
				seen[b.Text] = true
				files[b.Text]++
			}
		}
	}
	for i := range docs {
		kept := docs[i].Blocks[:0]
		for k, b := range docs[i].Blocks {
			if b.Level == 0 && atEdge(k, len(docs[i].Blocks)) && files[b.Text] >= minFiles && utf8.RuneCountInString(b.Text) <= maxRunes &&
				!bytes.ContainsAny([]byte(b.Text), "。！？") && !isUnitLine(b.Text) && !dateRE.MatchString(b.Text) {
				continue
			}
			kept = append(kept, b)
		}
		docs[i].Blocks = kept
	}
}

// templateEdge is how many blocks at each end of a document a site's or program's template
// may fill: a page's navigation and breadcrumbs above, its notices and footer below.
const templateEdge = 12

// atEdge reports block k of n among a document's first or last templateEdge.
func atEdge(k, n int) bool { return k < templateEdge || k >= n-templateEdge }

// Embedded loads the corpus the binary carries (index/sources); its text formats need no
// external program.
func Embedded() (*Corpus, error) {
	sources, err := fs.Sub(index.FS, "sources")
	if err != nil {
		return nil, fmt.Errorf("corpus: embedded sources: %w", err)
	}
	c, _, err := Load(sources)
	return c, err
}
