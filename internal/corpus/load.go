package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/jingyan/jingyan/index"
)

// MaxSourceBytes bounds one source file; experience reports are a few hundred KB at most.
const MaxSourceBytes = 64 << 20

// ParseFile reads one source, choosing the reader by extension, and returns its reports with
// IDs derived from name and position.
func ParseFile(name string, data []byte) ([]*Report, error) {
	d, _, err := readFile(name, data)
	if err != nil {
		return nil, err
	}
	reports, _ := assemble(name, d)
	number(name, reports)
	return reports, nil
}

// readFile runs the file's reader; warnings say what was guessed or repaired.
func readFile(name string, data []byte) (document, []string, error) {
	if len(data) > MaxSourceBytes {
		return document{}, nil, fmt.Errorf("%d bytes is larger than %d", len(data), MaxSourceBytes)
	}
	read, ok := readers[strings.ToLower(path.Ext(name))]
	if !ok {
		return document{}, nil, fmt.Errorf("unsupported format %q", path.Ext(name))
	}
	var warnings []string
	if f := Format(name); f != "docx" && f != "pdf" {
		var w string
		data, w = toUTF8(data)
		if w != "" {
			warnings = append(warnings, w)
		}
	}
	d, err := read(data)
	if err != nil {
		return document{}, warnings, err
	}
	return d, warnings, nil
}

// toUTF8 decodes text saved as UTF-16 (with its byte-order mark, as Windows Notepad saves
// "Unicode") or GB18030 (GBK, GB2312: Chinese Windows' default) into UTF-8, saying so.
func toUTF8(data []byte) ([]byte, string) {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		if u, err := dec.Bytes(data); err == nil {
			return u, "UTF-16: read as such"
		}
	}
	if utf8.Valid(data) {
		return data, ""
	}
	if u, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data); err == nil && utf8.Valid(u) {
		return u, "not UTF-8: read as GB18030"
	}
	return data, ""
}

// number gives reports, paragraphs and sentences their IDs and numbers.
func number(name string, reports []*Report) {
	key := sourceKey(name)
	for i, r := range reports {
		r.Source = name
		r.ID = key + "-r" + strconv.Itoa(i+1)
		for j, p := range r.Paragraphs {
			p.N = j + 1
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

// FileResult is what reading one source gave: its reports and paragraphs, or why it was
// skipped, and anything read with a warning.
type FileResult struct {
	Name       string   `json:"name"`
	Format     string   `json:"format"`
	Reports    int      `json:"reports"`
	Paragraphs int      `json:"paragraphs"`
	Skipped    string   `json:"skipped,omitempty"`
	Warnings   []string `json:"warnings,omitempty"`
}

// LoadReport lists every file a load looked at.
type LoadReport struct {
	Files []FileResult `json:"files"`
}

// Print writes per format the files read and paragraphs, then every file skipped or read
// with a warning, and why.
func (lr LoadReport) Print(w io.Writer) {
	type tally struct{ files, skipped, paragraphs int }
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
		} else {
			t.files++
			t.paragraphs += f.Paragraphs
		}
	}
	sort.Strings(formats)
	for _, f := range formats {
		t := by[f]
		fmt.Fprintf(w, "%-5s %4d files read, %5d paragraphs", f, t.files, t.paragraphs)
		if t.skipped > 0 {
			fmt.Fprintf(w, ", %d skipped", t.skipped)
		}
		fmt.Fprintln(w)
	}
	for _, f := range lr.Files {
		if f.Skipped != "" {
			fmt.Fprintf(w, "skipped %s: %s\n", f.Name, f.Skipped)
		}
		for _, warn := range f.Warnings {
			fmt.Fprintf(w, "warning %s: %s\n", f.Name, warn)
		}
	}
}

// Load reads every file under fsys, in lexical path order. Files of no supported format, and
// files that cannot be read, are listed in the report as skipped; only when nothing at all
// can be read is that an error.
func Load(fsys fs.FS) (*Corpus, LoadReport, error) {
	var rep LoadReport
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		if !Supported(p) {
			rep.Files = append(rep.Files, FileResult{Name: p, Format: Format(p), Skipped: unsupported(p)})
			return nil
		}
		names = append(names, p)
		return nil
	})
	if err != nil {
		return nil, rep, fmt.Errorf("corpus: read sources: %w", err)
	}
	sort.Strings(names)
	docs := make([]document, len(names))
	results := make([]FileResult, len(names))
	for i, name := range names {
		results[i] = FileResult{Name: name, Format: Format(name)}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			results[i].Skipped = fmt.Sprintf("cannot read: %v", err)
			continue
		}
		d, warnings, err := readFile(name, data)
		results[i].Warnings = warnings
		if err != nil {
			results[i].Skipped = skipReason(err)
			continue
		}
		docs[i] = d
	}
	dropRepeated(docs)
	var reports []*Report
	for i, name := range names {
		if results[i].Skipped != "" {
			continue
		}
		rs, warnings := assemble(name, docs[i])
		number(name, rs)
		results[i].Warnings = append(results[i].Warnings, warnings...)
		if len(rs) == 0 {
			results[i].Skipped = "no body text found"
			continue
		}
		results[i].Reports = len(rs)
		for _, r := range rs {
			results[i].Paragraphs += len(r.Paragraphs)
		}
		reports = append(reports, rs...)
	}
	rep.Files = append(rep.Files, results...)
	sort.Slice(rep.Files, func(i, j int) bool { return rep.Files[i].Name < rep.Files[j].Name })
	if len(reports) == 0 {
		return nil, rep, fmt.Errorf("corpus: no reports found in %d source files", len(names))
	}
	c, err := New(reports)
	return c, rep, err
}

// unsupported says why a file is not read, and what to do where something can be done.
func unsupported(name string) string {
	switch Format(name) {
	case "doc", "wps", "rtf", "odt":
		return "unsupported format: save it as .docx"
	case "xls", "xlsx", "et", "csv":
		return "unsupported format: spreadsheets are not reports"
	case "jpg", "jpeg", "png", "tif", "tiff", "bmp", "gif":
		return "unsupported format: an image (run OCR and save the text)"
	}
	return "unsupported format"
}

func skipReason(err error) string {
	switch {
	case errors.Is(err, ErrNoText):
		return "PDF has no text layer (scanned); run OCR on it first"
	case errors.Is(err, ErrNoPDFTool), errors.Is(err, ErrUnreadable):
		return err.Error()
	}
	return fmt.Sprintf("cannot parse: %v", err)
}

// dropRepeated removes short lines that recur in three or more files: the template of the
// site or program they were saved from (navigation, slogans, notices), never report text.
func dropRepeated(docs []document) {
	const minFiles, maxRunes = 3, 100
	files := make(map[string]int)
	for _, d := range docs {
		seen := make(map[string]bool)
		for _, b := range d.blocks {
			if runeLen(b.text) <= maxRunes && !seen[b.text] {
				seen[b.text] = true
				files[b.text]++
			}
		}
	}
	for i := range docs {
		kept := docs[i].blocks[:0]
		for _, b := range docs[i].blocks {
			if b.level == 0 && files[b.text] >= minFiles && runeLen(b.text) <= maxRunes && !bytes.ContainsAny([]byte(b.text), "。！？") &&
				!isUnitLine(b.text) && !dateRE.MatchString(b.text) {
				continue
			}
			kept = append(kept, b)
		}
		docs[i].blocks = kept
	}
}

// Embedded loads the corpus the binary carries (index/sources).
func Embedded() (*Corpus, error) {
	sources, err := fs.Sub(index.FS, "sources")
	if err != nil {
		return nil, fmt.Errorf("corpus: embedded sources: %w", err)
	}
	c, _, err := Load(sources)
	return c, err
}
