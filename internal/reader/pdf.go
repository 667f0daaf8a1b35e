package reader

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// readPDF reads a PDF's text layer with pdftotext from Poppler (Debian's poppler-utils),
// chosen by measurement on Chinese PDFs from LibreOffice and Chromium: characters come out in
// reading order with no spaces between CJK characters, which the pure Go readers did not
// manage (see README). Pages whose text layer is (nearly) empty are scans: they are
// rasterised and read by OCR, so a mixed PDF is read both ways.
func readPDF(in input) (Document, error) {
	dir, err := os.MkdirTemp("", "jingyan-pdf-*")
	if err != nil {
		return Document{}, fmt.Errorf("pdf: %w", err)
	}
	defer os.RemoveAll(dir)
	file, err := tempFile(dir, "in-*.pdf", in.data)
	if err != nil {
		return Document{}, err
	}
	out, err := in.r.run(in.ctx, in.r.opts.FileTimeout, pdftotext, []string{"-enc", "UTF-8", "-eol", "unix", file, "-"})
	if err != nil {
		return Document{}, pdfError(err)
	}
	pages := textPages(string(out))
	d := Document{Pages: len(pages)}
	var scanned []int
	garbled := 0
	for i, p := range pages {
		switch {
		case textChars(p) < minPageChars:
			scanned = append(scanned, i)
		case !pageReadable(p):
			// A text layer in a font with no character map (公文 systems' embedded fonts)
			// comes out as control codes or mojibake; the page itself prints fine, so it is
			// read as a scan is.
			scanned = append(scanned, i)
			garbled++
		}
	}
	if garbled > 0 {
		d.Warnings = append(d.Warnings, fmt.Sprintf("%d 页文字层无法解码（字体没有字符映射），改用 OCR 识别", garbled))
	}
	if len(scanned) > 0 {
		if err := in.r.ocrPDFPages(in.ctx, file, dir, pages, scanned, &d); err != nil {
			return Document{}, err
		}
	}
	d.Blocks = layoutBlocks(pages)
	if chars := blockChars(d.Blocks); chars < 20 {
		if d.noTextPages > 0 {
			return Document{}, fmt.Errorf("%w：扫描页识别不出文字（扫描不清、缺字体或是图片），请重新扫描或提供原文件", ErrNoText)
		}
		return Document{}, ErrNoText
	}
	if !readable(d.Blocks) {
		return Document{}, ErrUnreadable
	}
	return d, nil
}

// minPageChars: a page with fewer characters in its text layer is a scan (a page number, a
// stamp's date, are all it has).
const minPageChars = 10

// MaxOCRPages bounds the scanned pages of one file read by OCR; at several seconds a page, a
// 2,000-page scanned book would hold an index build for hours.
const MaxOCRPages = 500

// ocrPDFPages reads the scanned pages by OCR into pages, in place. Without Tesseract, a PDF
// that is all scans is an error (which package to install); a mixed one keeps its text pages
// with a warning.
func (r *Reader) ocrPDFPages(ctx context.Context, file, dir string, pages []page, scanned []int, d *Document) error {
	if len(scanned) > MaxOCRPages {
		return fmt.Errorf("%w：%d 页扫描页，超过一次识别的上限 %d 页，请拆分后再放入", ErrTooLarge, len(scanned), MaxOCRPages)
	}
	if err := r.ocrReady(); err != nil {
		if len(scanned) == len(pages) {
			return err
		}
		d.Warnings = append(d.Warnings, fmt.Sprintf("%d 页是扫描页，未识别：%v", len(scanned), err))
		return nil
	}
	errs := r.ocrInto(ctx, pages, scanned, func(k int) (string, error) {
		return r.ocrPDFPage(ctx, file, dir, scanned[k]+1)
	}, d)
	if d.OCRPages == 0 && len(scanned) == len(pages) && len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// ocrPDFPage rasterises one page in grey at the Reader's DPI and reads it. The page is
// written as PGM, not PNG: PNG's compression took 1.4 s of a 300 dpi A4 page, PGM 0.4 s.
func (r *Reader) ocrPDFPage(ctx context.Context, file, dir string, n int) (string, error) {
	prefix := filepath.Join(dir, "p"+strconv.Itoa(n))
	num := strconv.Itoa(n)
	args := []string{"-r", strconv.Itoa(r.opts.DPI), "-gray", "-singlefile", "-f", num, "-l", num, file, prefix}
	if _, err := r.run(ctx, r.opts.PageTimeout, pdftoppm, args); err != nil {
		return "", err
	}
	defer os.Remove(prefix + ".pgm")
	return r.tesseract(ctx, prefix+".pgm")
}

func pdfError(err error) error {
	if _, ok := err.(*MissingTool); ok {
		return err
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Incorrect password"), strings.Contains(msg, "encrypted"):
		return ErrEncrypted
	case strings.Contains(msg, ErrTimeout.Error()):
		return err
	}
	return fmt.Errorf("PDF 文件已损坏或不完整，请重新导出：%w", err)
}

func blockChars(blocks []Block) int {
	n := 0
	for _, b := range blocks {
		n += len([]rune(b.Text))
	}
	return n
}
