package embed

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/jingyan/jingyan/internal/corpus"
)

// Files beside the bleve index: what model made the vectors, the vectors (float32, little
// endian, unit length, a row a passage: every sentence in reading order, then every
// paragraph), and a hash of each row's text so a rebuild embeds only what changed.
const (
	metaFile   = "vectors.json"
	vectorFile = "vectors.f32"
	hashFile   = "vectors.hash"
)

type meta struct {
	Model string `json:"model"`
	Dim   int    `json:"dim"`
	Rows  int    `json:"rows"`
}

// ErrNoVectors is an index built without an embeddings model.
var ErrNoVectors = errors.New("embed: the index holds no vectors")

// rows are a corpus's passages in the vectors' order: sentences, then paragraphs.
func rows(c *corpus.Corpus) (ids, texts []string, sentences int) {
	for _, lv := range []corpus.Level{corpus.LevelSentence, corpus.LevelParagraph} {
		for _, p := range c.Passages(lv) {
			ids = append(ids, p.ID)
			texts = append(texts, p.Text)
		}
		if lv == corpus.LevelSentence {
			sentences = len(ids)
		}
	}
	return ids, texts, sentences
}

func hashOf(model, text string) uint64 {
	h := fnv.New64a()
	io.WriteString(h, model)
	h.Write([]byte{0})
	io.WriteString(h, text)
	return h.Sum64()
}

// Stats says what a build embedded.
type Stats struct {
	Rows, Embedded, Reused int
}

// Build embeds every sentence and paragraph of c into dir, reusing the vectors of previous
// (an index directory, or "") for passages whose text and model are unchanged.
func Build(ctx context.Context, dir, previous string, c *corpus.Corpus, cl *Client, progress func(done, total int)) (Stats, error) {
	_, texts, _ := rows(c)
	model := cl.Model()
	old := reusable(previous, model)
	vecs := make([][]float32, len(texts))
	hashes := make([]uint64, len(texts))
	var todo []int
	for i, t := range texts {
		hashes[i] = hashOf(model, t)
		if v, ok := old[hashes[i]]; ok {
			vecs[i] = v
		} else {
			todo = append(todo, i)
		}
	}
	st := Stats{Rows: len(texts), Embedded: len(todo), Reused: len(texts) - len(todo)}
	batch := make([]string, len(todo))
	for k, i := range todo {
		batch[k] = texts[i]
	}
	got, err := cl.Embed(ctx, batch, func(n int) {
		if progress != nil {
			progress(n, len(todo))
		}
	})
	if err != nil {
		return st, err
	}
	for k, i := range todo {
		vecs[i] = unit(got[k])
	}
	if err := write(dir, model, vecs, hashes); err != nil {
		return st, err
	}
	return st, nil
}

// unit scales v to length 1, so a dot product is the cosine.
func unit(v []float32) []float32 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return v
	}
	n := float32(1 / math.Sqrt(s))
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x * n
	}
	return out
}

func write(dir, model string, vecs [][]float32, hashes []uint64) error {
	dim := 0
	if len(vecs) > 0 {
		dim = len(vecs[0])
	}
	for i, v := range vecs {
		if len(v) != dim {
			return fmt.Errorf("embed: the model gave vectors of %d and %d dimensions (row %d)", dim, len(v), i)
		}
	}
	if err := writeBinary(filepath.Join(dir, vectorFile), func(w io.Writer) error {
		for _, v := range vecs {
			if err := binary.Write(w, binary.LittleEndian, v); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := writeBinary(filepath.Join(dir, hashFile), func(w io.Writer) error {
		return binary.Write(w, binary.LittleEndian, hashes)
	}); err != nil {
		return err
	}
	m, _ := json.Marshal(meta{Model: model, Dim: dim, Rows: len(vecs)})
	if err := os.WriteFile(filepath.Join(dir, metaFile), m, 0o644); err != nil {
		return fmt.Errorf("embed: write: %w", err)
	}
	return nil
}

func writeBinary(path string, fill func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("embed: write: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := errors.Join(fill(w), w.Flush(), f.Close()); err != nil {
		return fmt.Errorf("embed: write: %w", err)
	}
	return nil
}

// reusable is previous's vectors by text hash, when it was embedded with model.
func reusable(previous, model string) map[uint64][]float32 {
	if previous == "" {
		return nil
	}
	m, vecs, err := read(previous)
	if err != nil || m.Model != model {
		return nil
	}
	hashes := make([]uint64, m.Rows)
	f, err := os.Open(filepath.Join(previous, hashFile))
	if err != nil {
		return nil
	}
	defer f.Close()
	if binary.Read(bufio.NewReader(f), binary.LittleEndian, hashes) != nil {
		return nil
	}
	out := make(map[uint64][]float32, m.Rows)
	for i, h := range hashes {
		out[h] = vecs[i*m.Dim : (i+1)*m.Dim]
	}
	return out
}

// read loads an index directory's vectors as one flat slice.
func read(dir string) (meta, []float32, error) {
	var m meta
	data, err := os.ReadFile(filepath.Join(dir, metaFile))
	if errors.Is(err, os.ErrNotExist) {
		return m, nil, ErrNoVectors
	}
	if err != nil {
		return m, nil, fmt.Errorf("embed: read: %w", err)
	}
	if err := json.Unmarshal(data, &m); err != nil || m.Dim <= 0 || m.Dim > 1<<16 || m.Rows < 0 || m.Rows > 1<<28 {
		return m, nil, fmt.Errorf("embed: read: %s is damaged", metaFile)
	}
	f, err := os.Open(filepath.Join(dir, vectorFile))
	if err != nil {
		return m, nil, fmt.Errorf("embed: read: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.Size() != int64(m.Rows)*int64(m.Dim)*4 {
		return m, nil, fmt.Errorf("embed: read: %s does not match %s", vectorFile, metaFile)
	}
	vecs := make([]float32, m.Rows*m.Dim)
	if err := binary.Read(bufio.NewReaderSize(f, 1<<20), binary.LittleEndian, vecs); err != nil {
		return m, nil, fmt.Errorf("embed: read: %w", err)
	}
	return m, vecs, nil
}
