package search

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"

	"github.com/jingyan/jingyan/internal/corpus"
)

// BenchmarkScale indexes large real Chinese text on disk and queries it: Debian's manpages-zh
// (modern prose, ~25k paragraphs) and chinese-poetry (classical poems, 100k of them). Fetch the
// data first with testdata/fetch-scale-data.sh; run with -benchtime 1x (the build dominates).
// Reported: build throughput, index size on disk, query p50/p99, heap after build, peak RSS.
func BenchmarkScale(b *testing.B) {
	dir := os.Getenv("JINGYAN_BENCH_DATA")
	if dir == "" {
		dir = "/tmp/jingyan-bench"
	}
	sets := []struct {
		name, file string
		limit      int
	}{
		{"manpages-zh", "manpages-zh.txt", 0},
		{"poetry-10k", "poetry.txt", 10_000},
		{"poetry-100k", "poetry.txt", 100_000},
	}
	_, g := embedded(b)
	for _, set := range sets {
		lines, err := readLines(filepath.Join(dir, set.file), set.limit)
		if err != nil {
			b.Skipf("no scale data (%v): run internal/search/testdata/fetch-scale-data.sh", err)
		}
		b.Run(fmt.Sprintf("%s/%d", set.name, len(lines)), func(b *testing.B) {
			docs := make([]passageDoc, len(lines))
			for i, l := range lines {
				docs[i] = passageDoc{id: "d" + strconv.Itoa(i), doc: doc{Text: l}}
			}
			path := filepath.Join(b.TempDir(), "scale.bleve")
			start := time.Now()
			idx, err := newBleve(path)
			if err != nil {
				b.Fatal(err)
			}
			if err := indexDocs(context.Background(), idx, sliceSource(docs), nil); err != nil {
				b.Fatal(err)
			}
			if err := idx.Close(); err != nil {
				b.Fatal(err)
			}
			build := time.Since(start)
			idx, err = bleve.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			defer idx.Close()

			queries := sampleQueries(lines, 200)
			ix := &Index{glossary: g}
			lat := make([]time.Duration, 0, b.N*len(queries))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for _, q := range queries {
					t0 := time.Now()
					a, err := ix.Analyze(q)
					if err != nil {
						b.Fatal(err)
					}
					sr := bleve.NewSearchRequestOptions(bleveQuery(buildTerms(a, &analyzer{Analyzer: newMapping().AnalyzerNamed(cjk.AnalyzerName)})), 15, 0, false)
					if _, err := idx.Search(sr); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(t0))
				}
			}
			b.StopTimer()
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(len(docs))/build.Seconds(), "passages/s")
			b.ReportMetric(float64(dirSize(path))/(1<<20), "disk-MiB")
			b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
			b.ReportMetric(float64(peakRSS())/(1<<10), "peakRSS-MiB")
			reportPercentiles(b, lat)
		})
	}
}

// sliceSource serves documents already made.
func sliceSource(docs []passageDoc) docSource {
	return docSource{n: len(docs), doc: func(i int) passageDoc { return docs[i] }, size: func(i int) int { return len(docs[i].Text) }}
}

func readLines(path string, limit int) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() && (limit == 0 || len(out) < limit) {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			out = append(out, t)
		}
	}
	return out, sc.Err()
}

// sampleQueries takes short runs of Chinese characters from random passages, the shape of a
// staff question's content words.
func sampleQueries(lines []string, n int) []string {
	r := rand.New(rand.NewSource(1))
	var out []string
	for len(out) < n {
		var han []rune
		for _, c := range lines[r.Intn(len(lines))] {
			if unicode.Is(unicode.Han, c) {
				han = append(han, c)
			}
		}
		if len(han) < 8 {
			continue
		}
		start := r.Intn(len(han) - 7)
		out = append(out, string(han[start:start+4+r.Intn(5)])+"是什么?")
	}
	return out
}

func dirSize(path string) int64 {
	var n int64
	filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// peakRSS is the process's high-water resident set in KiB (Linux), or 0.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			n, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return n
		}
	}
	return 0
}

// BenchmarkScaleSearch is one whole search (three levels and ranking) on an on-disk index
// built by `jingyan index build` from the scale data — JINGYAN_SCALE_INDEX names it (see
// README, "Scale") — with questions sampled from its own sentences. Reports p50 and p99.
func BenchmarkScaleSearch(b *testing.B) {
	path := os.Getenv("JINGYAN_SCALE_INDEX")
	if path == "" {
		b.Skip("JINGYAN_SCALE_INDEX is not set: build an index of the scale data first")
	}
	_, g := embedded(b)
	ix, err := Open(path, g)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	var lines []string
	for _, p := range ix.Corpus().Passages(corpus.LevelSentence) {
		lines = append(lines, p.Text)
	}
	queries := sampleQueries(lines, 300)
	if out := os.Getenv("JINGYAN_SCALE_QUERIES"); out != "" {
		// The same questions for the Xapian peer (testdata/xapian-scale.py).
		if err := os.WriteFile(out, []byte(strings.Join(queries, "\n")+"\n"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	for _, q := range queries[:20] { // warm the page cache
		ix.Search(ctx, Request{Question: q, K: 5})
	}
	lat := make([]time.Duration, 0, b.N*len(queries))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, q := range queries {
			t0 := time.Now()
			if _, err := ix.Search(ctx, Request{Question: q, K: 5}); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
	}
	// The first pass asks each question once, as the Xapian peer does; later passes find
	// their terms' postings kept (postingCache).
	first := slices.Clone(lat[:len(queries)])
	reportPercentiles(b, lat)
	slices.Sort(first)
	b.ReportMetric(float64(first[len(first)/2].Microseconds()), "first-p50-µs")
	b.ReportMetric(float64(first[len(first)*99/100].Microseconds()), "first-p99-µs")
	b.ReportMetric(float64(len(lines)), "sentences")
}

// BenchmarkScaleOpen is opening an index of the scale data (JINGYAN_SCALE_INDEX), as `serve`
// and `bot` do at start: the time, and the heap the open index holds.
func BenchmarkScaleOpen(b *testing.B) {
	path := os.Getenv("JINGYAN_SCALE_INDEX")
	if path == "" {
		b.Skip("JINGYAN_SCALE_INDEX is not set: build an index of the scale data first")
	}
	_, g := embedded(b)
	var ms runtime.MemStats
	for i := 0; i < b.N; i++ {
		ix, err := Open(path, g)
		if err != nil {
			b.Fatal(err)
		}
		if i == b.N-1 {
			b.StopTimer()
			runtime.GC()
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
		}
		ix.Close()
	}
}
