package corpus

import (
	"errors"
	"path"
	"strings"
)

// document is what a reader makes of one file: what the file says about itself (meta) and
// its text as headings and paragraphs in reading order. Report structure, titles, units and
// boilerplate are decided later, the same way for every format.
type document struct {
	meta   meta
	blocks []block
}

// meta is what a file declares about itself: front matter, <title>, og:title, document
// properties. Empty fields are found in the text instead.
type meta struct {
	title, org, date string
	// weakTitle: the title is a page's <title>, which a headline in the body beats (it often
	// carries the site's name, or is the site's name).
	weakTitle bool
	// context is where the page stood and what it credits: breadcrumbs, bylines. Not report
	// text, but it names the place and source (地方网 > 广西 > 桂林市; 来源:桂林晚报).
	context []string
}

// reader reads one format. Adding a format is one file with its reader and one line here.
type reader func(data []byte) (document, error)

// readers maps a lower-case file extension to its reader.
var readers = map[string]reader{
	".txt":      readText,
	".text":     readText,
	".md":       readMarkdown,
	".markdown": readMarkdown,
	".html":     readHTML,
	".htm":      readHTML,
	".xhtml":    readHTML,
	".docx":     readDOCX,
	".pdf":      readPDF,
}

// Supported reports whether a file name has an extension this package reads.
func Supported(name string) bool {
	_, ok := readers[strings.ToLower(path.Ext(name))]
	return ok
}

// Format is the lower-case extension a file is read by, without the dot ("docx").
func Format(name string) string {
	return strings.TrimPrefix(strings.ToLower(path.Ext(name)), ".")
}

// ErrNoText is returned for a file that holds no text to index, such as a scanned PDF
// without a text layer.
var ErrNoText = errors.New("no text layer (scanned or image-only)")
