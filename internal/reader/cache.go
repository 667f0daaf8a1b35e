package reader

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
)

// Version changes whenever a reader's output for the same bytes changes, so cached
// extractions of the old readers are not used.
const Version = "2"

// cache keeps extraction results — OCR above all, seconds a page — keyed by the file's
// content, the reader version and the OCR settings, so a rebuild of an unchanged collection
// reads nothing again. A nil cache keeps nothing. Entries are written whole (rename) so a
// killed build leaves no half entry.
type cache struct {
	dir string
}

func (c *cache) key(format string, o Options, data []byte) string {
	h := sha256.New()
	h.Write(data)
	h.Write([]byte("\x00" + Version + "\x00" + format + "\x00" + o.OCRLanguages))
	h.Write([]byte{byte(o.DPI >> 8), byte(o.DPI)})
	return hex.EncodeToString(h.Sum(nil))
}

func (c *cache) path(key string) string { return filepath.Join(c.dir, key[:2], key+".json.gz") }

func (c *cache) get(format string, o Options, data []byte) (Document, bool) {
	if c == nil {
		return Document{}, false
	}
	f, err := os.Open(c.path(c.key(format, o, data)))
	if err != nil {
		return Document{}, false
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return Document{}, false
	}
	var d Document
	if json.NewDecoder(zr).Decode(&d) != nil {
		return Document{}, false
	}
	d.Cached = true
	return d, true
}

// put stores d; a cache that cannot be written only costs the next build its time.
func (c *cache) put(format string, o Options, data []byte, d Document) {
	if c == nil {
		return
	}
	p := c.path(c.key(format, o, data))
	if os.MkdirAll(filepath.Dir(p), 0o755) != nil {
		return
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return
	}
	zw := gzip.NewWriter(f)
	err = json.NewEncoder(zw).Encode(d)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil || os.Rename(f.Name(), p) != nil {
		os.Remove(f.Name())
	}
}

// DefaultCacheDir is where extractions are kept unless --cache says otherwise: the user's
// cache directory ($XDG_CACHE_HOME or ~/.cache on Linux), or "" when there is none.
func DefaultCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "jingyan", "extract")
}
