// Package reader turns one file's bytes into text blocks — headings and paragraphs in reading
// order, each with the page it stands on — whatever the format: text, Markdown, HTML, .docx,
// .doc/.wps, .odt, .rtf, .xlsx, .pptx, PDF (with OCR for scanned pages), OFD and images.
// The format is decided from the bytes, not the name. What the blocks mean — reports,
// titles, units, boilerplate — is decided by package corpus, the same way for every format.
package reader

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Block is one unit of a file before report structure is known: a heading (Level 1–6) or a
// paragraph (Level 0), and the page it starts on (0 where the format has no pages).
type Block struct {
	Level int    `json:"level,omitempty"`
	Text  string `json:"text"`
	Page  int    `json:"page,omitempty"`
}

// Meta is what a file declares about itself: front matter, <title>, og:title, document
// properties. Empty fields are found in the text instead.
type Meta struct {
	Title string `json:"title,omitempty"`
	// Org is a unit the file names as its author outright (front matter's org: or 单位:).
	Org string `json:"org,omitempty"`
	// Authors are what author fields say: a unit or, as often, a person or a program;
	// corpus keeps one that reads as a unit.
	Authors []string `json:"authors,omitempty"`
	Date    string   `json:"date,omitempty"`
	// WeakTitle: the title is a page's <title>, which a headline in the body beats (it often
	// carries the site's name, or is the site's name).
	WeakTitle bool `json:"weak_title,omitempty"`
	// Context is where the page stood and what it credits: breadcrumbs, bylines. Not report
	// text, but it names the place and source (地方网 > 广西 > 桂林市; 来源:桂林晚报).
	Context []string `json:"context,omitempty"`
}

// Document is what a reader makes of one file.
type Document struct {
	Format string  `json:"format"`
	Meta   Meta    `json:"meta"`
	Blocks []Block `json:"blocks"`
	// Pages is the number of pages of a paged format (PDF, OFD, an image is one); OCRPages
	// how many of them were read by OCR.
	Pages    int `json:"pages,omitempty"`
	OCRPages int `json:"ocr_pages,omitempty"`
	// Warnings say what was guessed or repaired (a misnamed file, an encoding).
	Warnings []string `json:"warnings,omitempty"`
	// Cached: the result came from the extraction cache, not from reading the file.
	Cached bool `json:"-"`
	// incomplete: some pages could not be read this time (a timeout); not cached.
	incomplete bool
	// noTextPages: pages OCR read as no text (see degenerate).
	noTextPages int
}

// Options configures a Reader. The zero value reads every format, runs OCR when Tesseract is
// installed, and caches nothing.
type Options struct {
	// Workers bounds the OCR pages and external programs run at once; default: the cores.
	Workers int
	// OCRLanguages are Tesseract's models, "chi_sim" by default; chi_tra is added when
	// installed and AddTraditional is set.
	OCRLanguages string
	// DPI pages are rasterised at for OCR; default 300.
	DPI int
	// PageTimeout bounds the OCR of one page; FileTimeout one external conversion.
	PageTimeout, FileTimeout time.Duration
	// CacheDir keeps extraction results by content hash; "" caches nothing.
	CacheDir string
	// OnPages is told of OCR pages as they are queued (total grows) and done.
	OnPages func(done, total int)
}

// Reader reads files. It is safe for concurrent use; OCR pages and external programs share
// one pool of Workers slots.
type Reader struct {
	opts  Options
	slots chan struct{}
	pages *pageCounter
	cache *cache

	ocrOnce sync.Once
	ocrErr  error
}

// New returns a Reader with opts' defaults filled in.
func New(opts Options) *Reader {
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.OCRLanguages == "" {
		opts.OCRLanguages = "chi_sim"
	}
	if opts.DPI <= 0 {
		opts.DPI = 300
	}
	if opts.PageTimeout <= 0 {
		opts.PageTimeout = 2 * time.Minute
	}
	if opts.FileTimeout <= 0 {
		opts.FileTimeout = 2 * time.Minute
	}
	r := &Reader{opts: opts, slots: make(chan struct{}, opts.Workers), pages: &pageCounter{notify: opts.OnPages}}
	if opts.CacheDir != "" {
		r.cache = &cache{dir: opts.CacheDir}
	}
	return r
}

// input is what a format's reader gets: the bytes, and the Reader for its tools and limits.
type input struct {
	ctx  context.Context
	data []byte
	r    *Reader
}

type readFunc func(in input) (Document, error)

// formats maps a format, as Sniff names it, to its reader. Adding a format is one file with
// its reader and one line here (and its signature in sniff.go).
var formats = map[string]readFunc{
	"txt":   readText,
	"md":    readMarkdown,
	"html":  readHTML,
	"docx":  readDOCX,
	"pdf":   readPDF,
	"ofd":   readOFD,
	"doc":   readDOC,
	"rtf":   readRTF,
	"odt":   readODT,
	"xlsx":  readXLSX,
	"pptx":  readPPTX,
	"image": readImage,
}

// MaxBytes bounds one source file; a report, even scanned, is a few tens of MB at most.
const MaxBytes = 256 << 20

// Read reads one file. name is used for its extension only when the bytes do not decide
// (plain text, Markdown and HTML look alike); a file whose bytes say another format than
// its name is read by what it is, with a warning.
func (r *Reader) Read(ctx context.Context, name string, data []byte) (Document, error) {
	if len(data) > MaxBytes {
		return Document{}, fmt.Errorf("%w: %d MB", ErrTooLarge, len(data)>>20)
	}
	format, warning, err := Sniff(name, data)
	if err != nil {
		return Document{}, err
	}
	d, ok := r.cache.get(format, r.opts, data)
	if !ok {
		d, err = formats[format](input{ctx: ctx, data: data, r: r})
		if err != nil {
			return Document{}, err
		}
		d.Format = format
		if !d.incomplete {
			r.cache.put(format, r.opts, data, d)
		}
	}
	// What the name said is this file's, not its content's: never cached.
	if warning != "" {
		d.Warnings = append([]string{warning}, d.Warnings...)
	}
	return d, nil
}

// Errors a file is skipped with. Each says, in Chinese, what is wrong and what to do; Reason
// turns any error into such a line.
var (
	ErrTooLarge    = errors.New("文件太大")
	ErrNoText      = errors.New("没有可读的文字（扫描件或纯图片）")
	ErrUnreadable  = errors.New("文字层无法解码（字体没有字符映射），请用 OCR 或另存为 .docx 后再放入")
	ErrEncrypted   = errors.New("文件已加密，请去掉密码后再放入")
	ErrUnsupported = errors.New("不支持的格式")
)

// MissingTool says an external program a format needs is not installed, and which Debian
// package brings it.
type MissingTool struct {
	Program, Package, Purpose string
}

func (e *MissingTool) Error() string {
	return fmt.Sprintf("%s需要 %s，请安装：apt-get install %s", e.Purpose, e.Program, e.Package)
}

// Reason is what a user reads of a reader's error: the Chinese sentence that says what is
// wrong and what to do, without the program's own message it wraps ("pdftotext: exit status
// 1: Syntax Error…"), which only the log needs.
func Reason(err error) string {
	msg, reason := err.Error(), err.Error()
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		// The deepest wrapped error is the program's own; what is before it, ours.
		if rest, ok := strings.CutSuffix(msg, u.Error()); ok && strings.TrimRight(rest, "：:; ") != "" {
			reason = strings.TrimRight(rest, "：:; ")
		}
	}
	return reason
}
