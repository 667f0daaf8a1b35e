package search

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// postings reads one bleve index's postings segment by segment, through scorch's segment
// API, numbering documents as bleve does (a segment's offset plus its own number). bleve's
// term field reader does the same behind a per-term object with its own dictionaries,
// postings list and iterator for every segment, and hands each posting over in a document
// struct: at 115k sentences that was half of reading a posting. Here a query opens each
// segment's dictionary once, and the lists and iterators are kept for reuse.
type postings struct {
	dicts   []segment.TermDictionary
	deleted []*roaring.Bitmap
	offsets []uint64
	lists   []segment.PostingsList     // the current term's, by segment; reused
	iters   []segment.PostingsIterator // reused
}

// open prepares p for one query on the index snapshot r.
func (p *postings) open(r index.IndexReader) error {
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return errors.New("search: not a scorch index")
	}
	p.dicts, p.deleted, p.offsets = p.dicts[:0], p.deleted[:0], p.offsets[:0]
	offset := uint64(0)
	for _, ss := range is.Segments() {
		d, err := ss.Segment().Dictionary(fieldText)
		if err != nil {
			return fmt.Errorf("search: dictionary: %w", err)
		}
		p.dicts = append(p.dicts, d)
		p.deleted = append(p.deleted, ss.Deleted())
		p.offsets = append(p.offsets, offset)
		offset += ss.Segment().Count()
	}
	for len(p.lists) < len(p.dicts) {
		p.lists = append(p.lists, nil)
		p.iters = append(p.iters, nil)
	}
	return nil
}

// lookup finds term in every segment and returns how many documents hold it.
func (p *postings) lookup(term []byte) (uint64, error) {
	n := uint64(0)
	for i, d := range p.dicts {
		pl, err := d.PostingsList(term, p.deleted[i], p.lists[i])
		if err != nil {
			return 0, fmt.Errorf("search: postings: %w", err)
		}
		p.lists[i] = pl
		n += pl.Count()
	}
	return n, nil
}

// each calls f with the number and frequency of every document holding the term last
// looked up.
func (p *postings) each(f func(doc, freq uint64)) error {
	for i, pl := range p.lists[:len(p.dicts)] {
		it := pl.Iterator(true, false, false, p.iters[i])
		p.iters[i] = it
		for {
			post, err := it.Next()
			if err != nil {
				return fmt.Errorf("search: postings: %w", err)
			}
			if post == nil {
				break
			}
			f(p.offsets[i]+post.Number(), post.Frequency())
		}
	}
	return nil
}

// decoded is a term's postings in one index, read out: document numbers and frequencies, in
// document order.
type decoded struct {
	docs, freqs []uint32
}

// read reads out the postings of the term last looked up, which n documents hold: sized to
// them, as what a cache keeps is counted by length.
func (p *postings) read(n uint64) (decoded, error) {
	d := decoded{make([]uint32, 0, n), make([]uint32, 0, n)}
	err := p.each(func(doc, freq uint64) {
		d.docs = append(d.docs, uint32(doc))
		d.freqs = append(d.freqs, uint32(min(freq, math.MaxUint32)))
	})
	return d, err
}

// termPostings is a term's postings in the sentences and in the heads.
type termPostings struct {
	text, heads decoded
}

// cost is what keeping t takes, in bytes, roughly.
func (t *termPostings) cost() int64 {
	return int64(8*(len(t.text.docs)+len(t.heads.docs))) + 160
}

// postingCache keeps terms' postings read out, so a term asked again is neither looked up in
// bleve's dictionaries nor decoded: finding and opening a term's postings in each segment was
// half of a search on a small collection, and decoding a common term's thousands of postings
// most of the slowest searches on a large one. An index never changes once built, so what is
// kept stays true. When it holds maxCached bytes it starts again empty: what is asked most is
// soon back.
type postingCache struct {
	terms atomic.Pointer[sync.Map] // term → *termPostings
	size  atomic.Int64
	max   int64
}

// maxCached bounds a postings cache: all the postings of 115k scale sentences are about 40 MB.
const maxCached = 64 << 20

func newPostingCache(max int64) *postingCache {
	c := &postingCache{max: max}
	c.terms.Store(new(sync.Map))
	return c
}

func (c *postingCache) get(term string) (*termPostings, bool) {
	t, ok := c.terms.Load().Load(term)
	if !ok {
		return nil, false
	}
	return t.(*termPostings), true
}

func (c *postingCache) put(term string, t *termPostings) {
	n := t.cost()
	if n > c.max {
		return
	}
	if c.size.Add(n) > c.max {
		c.terms.Store(new(sync.Map))
		c.size.Store(n)
	}
	c.terms.Load().Store(term, t)
}
