package reader

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/jingyan/jingyan/internal/normalize"
)

// ocrReady checks once that Tesseract and its language models are installed; the answer
// says which Debian package is missing.
func (r *Reader) ocrReady() error {
	r.ocrOnce.Do(func() { r.ocrErr = r.checkOCR() })
	return r.ocrErr
}

func (r *Reader) checkOCR() error {
	out, err := r.run(context.Background(), r.opts.FileTimeout, tesseract, []string{"--list-langs"})
	if err != nil {
		if _, ok := err.(*MissingTool); ok {
			return err
		}
		return fmt.Errorf("tesseract 无法运行：%w", err)
	}
	have := make(map[string]bool)
	for _, l := range strings.Fields(string(out)) {
		have[l] = true
	}
	for _, lang := range strings.Split(r.opts.OCRLanguages, "+") {
		if !have[lang] {
			pkg := "tesseract-ocr-" + strings.ReplaceAll(lang, "_", "-")
			return &MissingTool{Program: "tesseract 的 " + lang + " 模型", Package: pkg, Purpose: "图片和扫描件的文字识别"}
		}
	}
	return nil
}

// tesseract reads one image file, one thread (OMP_THREAD_LIMIT=1): pages run in parallel
// across the Reader's slots instead. Page segmentation 6 (one block of text) was measured
// against 3 (automatic) on the fixtures: 3 read a title's strokes as a line of junk and
// "98.4%" as "98.49%6"; 6 did neither, at the same speed. Reports are one column.
func (r *Reader) tesseract(ctx context.Context, file string) (string, error) {
	out, err := r.run(ctx, r.opts.PageTimeout, tesseract, []string{file, "stdout", "-l", r.opts.OCRLanguages, "--psm", "6"}, "OMP_THREAD_LIMIT=1")
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// ocrPages runs n page jobs at once (the Reader's slots bound how many run), telling
// OnPages as they are queued and done. texts and errs are by job.
func (r *Reader) ocrPages(ctx context.Context, n int, job func(i int) (string, error)) (texts []string, errs []error) {
	texts, errs = make([]string, n), make([]error, n)
	r.pages.add(n, 0)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			texts[i], errs[i] = job(i)
			r.pages.add(0, 1)
		}()
	}
	wg.Wait()
	return texts, errs
}

// ocrInto reads pages[i] for each i in todo by OCR (job k reads todo[k]) and puts the text
// in place; a page that fails is a warning, and the result is not cached.
func (r *Reader) ocrInto(ctx context.Context, pages []page, todo []int, job func(k int) (string, error), d *Document) []error {
	texts, errs := r.ocrPages(ctx, len(todo), job)
	for k, i := range todo {
		if errs[k] != nil {
			d.Warnings = append(d.Warnings, fmt.Sprintf("第 %d 页未能识别：%v", i+1, errs[k]))
			d.incomplete = true
			continue
		}
		d.OCRPages++
		if degenerate(texts[k]) {
			d.Warnings = append(d.Warnings, fmt.Sprintf("第 %d 页识别不出文字（扫描不清、缺字体或是图片），已略过；如有原件请重新扫描", i+1))
			d.noTextPages++
			continue
		}
		pages[i] = ocrPage(i+1, texts[k])
	}
	return errs
}

// degenerate reports OCR output that is no text. A page Tesseract cannot read — printed in a
// font the scanner's machine lacked (every character a box), blurred, or a picture — comes out
// as one letter over and over: "口口口口", "oooo". In Chinese text the commonest character is a
// few in a hundred (警: 4–6% on the fixtures); on such pages one letter was 44–83% (measured
// on scans of pages printed without a Chinese font). Digits are left out: a table of figures
// repeats 0.
func degenerate(text string) bool {
	counts := make(map[rune]int)
	n, top := 0, 0
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		n++
		counts[r]++
		top = max(top, counts[r])
	}
	return n >= minJudgedLetters && top*4 > n
}

// minJudgedLetters: a page with fewer letters is too short to judge (a caption, a stamp).
const minJudgedLetters = 50

// ocrPage makes a page of Tesseract's text: the spaces it puts between Chinese characters
// go. Its blank lines are not taken as paragraph breaks: Tesseract also leaves them where its
// layout analysis splits one paragraph into blocks (measured on the fixtures); line width
// decides, as for PDF.
func ocrPage(n int, text string) page {
	p := textPages(text)
	if len(p) == 0 {
		return page{n: n, ocr: true}
	}
	pg := p[0]
	for _, more := range p[1:] {
		pg.lines = append(pg.lines, more.lines...)
	}
	pg.n, pg.ocr = n, true
	for i, l := range pg.lines {
		pg.lines[i].text = normalize.CJKSpaces(l.text)
	}
	return pg
}

// readImage reads a photo, a screenshot or a scanned page by OCR. A multi-page TIFF is one
// page per frame: Tesseract separates them with form feeds.
func readImage(in input) (Document, error) {
	if err := in.r.ocrReady(); err != nil {
		return Document{}, err
	}
	file, err := tempFile("", "jingyan-img-*", in.data)
	if err != nil {
		return Document{}, err
	}
	defer removeFile(file)
	texts, errs := in.r.ocrPages(in.ctx, 1, func(int) (string, error) { return in.r.tesseract(in.ctx, file) })
	if errs[0] != nil {
		return Document{}, imageError(errs[0])
	}
	if degenerate(texts[0]) {
		return Document{}, fmt.Errorf("%w：图片里识别不出文字（模糊、过暗或不是文字），请重新拍摄或扫描", ErrNoText)
	}
	var pages []page
	for i, t := range strings.Split(texts[0], "\f") {
		if strings.TrimSpace(t) == "" && i > 0 {
			continue
		}
		pages = append(pages, ocrPage(i+1, t))
	}
	d := Document{Pages: len(pages), OCRPages: len(pages), Blocks: layoutBlocks(pages)}
	if blockChars(d.Blocks) < 4 {
		return Document{}, fmt.Errorf("%w：图片里没有识别出文字", ErrNoText)
	}
	return d, nil
}

func imageError(err error) error {
	if _, ok := err.(*MissingTool); ok {
		return err
	}
	if strings.Contains(err.Error(), ErrTimeout.Error()) {
		return err
	}
	return fmt.Errorf("图片无法识别（文件损坏或格式不支持），请另存为 PNG 或 JPEG：%w", err)
}
