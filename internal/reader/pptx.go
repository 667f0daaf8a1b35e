package reader

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
)

// readPPTX reads a presentation: slides in the order presentation.xml lists them, each a
// page; a slide's title as a heading, its other text paragraphs in order, then its speaker
// notes. Slide masters and layouts, where "单击此处编辑母版标题样式" prompts live, are never
// read. Pictures on a slide with no text of its own are read by OCR when it is installed.
func readPPTX(in input) (Document, error) {
	zr, err := zip.NewReader(bytes.NewReader(in.data), int64(len(in.data)))
	if err != nil {
		return Document{}, fmt.Errorf("PPTX 文件已损坏：%w", err)
	}
	parts := zipParts(zr)
	slides, err := slideOrder(parts)
	if err != nil {
		return Document{}, err
	}
	d := Document{Meta: docxCore(parts["docProps/core.xml"]), Pages: len(slides)}
	for i, s := range slides {
		n := i + 1
		blocks := slideBlocks(parts[s], n, false)
		rels := partRels(parts, s)
		if notes := rels.target("notesSlide"); notes != "" {
			blocks = append(blocks, slideBlocks(parts[notes], n, true)...)
		}
		if len(blocks) == 0 {
			blocks = in.r.ocrSlide(in, parts, rels, n, &d)
		}
		d.Blocks = append(d.Blocks, blocks...)
	}
	if len(d.Blocks) == 0 {
		return Document{}, fmt.Errorf("%w：演示文稿里没有文字", ErrNoText)
	}
	return d, nil
}

// rels is a part's relationships: type suffix → targets, resolved to part names.
type rels map[string][]string

func (r rels) target(kind string) string {
	if t := r[kind]; len(t) > 0 {
		return t[0]
	}
	return ""
}

func partRels(parts map[string]*zip.File, name string) rels {
	dir, base := path.Split(name)
	var doc struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
			Mode   string `xml:"TargetMode,attr"`
		} `xml:"Relationship"`
	}
	if decodePart(parts[dir+"_rels/"+base+".rels"], &doc) != nil {
		return nil
	}
	out := make(rels)
	for _, r := range doc.Rels {
		if r.Mode == "External" {
			continue
		}
		t := strings.TrimPrefix(path.Join("/"+dir, r.Target), "/")
		if strings.HasPrefix(r.Target, "/") {
			t = strings.TrimPrefix(r.Target, "/")
		}
		kind := r.Type[strings.LastIndexByte(r.Type, '/')+1:]
		out[kind] = append(out[kind], t)
		out["id:"+r.ID] = []string{t}
	}
	return out
}

// slideOrder lists the slide parts in presentation order (sldIdLst), not by file name.
func slideOrder(parts map[string]*zip.File) ([]string, error) {
	var pres struct {
		IDs []struct {
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sldIdLst>sldId"`
	}
	if err := decodePart(parts["ppt/presentation.xml"], &pres); err != nil {
		return nil, fmt.Errorf("PPTX 文件不完整或已损坏：%w", err)
	}
	r := partRels(parts, "ppt/presentation.xml")
	var out []string
	for _, id := range pres.IDs {
		for _, a := range id.Attrs {
			if a.Name.Local == "id" && a.Name.Space != "" {
				if t := r.target("id:" + a.Value); t != "" && parts[t] != nil {
					out = append(out, t)
				}
			}
		}
	}
	return out, nil
}

// slideBlocks reads a slide's (or its notes') text: each a:p a block, a title placeholder's
// a heading. In notes, the slide image and slide number placeholders are skipped.
func slideBlocks(f *zip.File, n int, notes bool) []Block {
	rc, err := openPart(f)
	if err != nil {
		return nil
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var out []Block
	var para strings.Builder
	title, skip, inText := false, false, false
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "sp":
				title, skip = false, false
			case "ph":
				typ := attr(t, "type")
				title = !notes && (typ == "title" || typ == "ctrTitle")
				skip = typ == "sldNum" || typ == "dt" || typ == "ftr" || (notes && typ == "sldImg")
			case "t":
				inText = true
			case "br":
				para.WriteByte('\n')
			}
		case xml.CharData:
			if inText {
				para.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				if text := CleanText(para.String()); text != "" && !skip {
					lv := 0
					if title {
						lv = 2
					}
					out = append(out, Block{Level: lv, Text: text, Page: n})
				}
				para.Reset()
			}
		}
	}
}

// ocrSlide reads the pictures of a slide without text (a scanned page pasted in).
func (r *Reader) ocrSlide(in input, parts map[string]*zip.File, rl rels, n int, d *Document) []Block {
	images := rl["image"]
	if len(images) == 0 || r.ocrReady() != nil {
		return nil
	}
	texts, errs := r.ocrPages(in.ctx, len(images), func(i int) (string, error) {
		rc, err := openPart(parts[images[i]])
		if err != nil {
			return "", err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return "", err
		}
		if f, _ := sniffBytes(data); f != "image" {
			return "", nil // a vector picture (EMF, WMF): nothing to read
		}
		file, err := tempFile("", "jingyan-slide-*", data)
		if err != nil {
			return "", err
		}
		defer removeFile(file)
		return r.tesseract(in.ctx, file)
	})
	var pages []page
	for i, t := range texts {
		if errs[i] != nil {
			d.Warnings = append(d.Warnings, fmt.Sprintf("第 %d 页的图片未能识别：%v", n, errs[i]))
			d.incomplete = true
			continue
		}
		pages = append(pages, ocrPage(n, t))
	}
	blocks := layoutBlocks(pages)
	if len(blocks) > 0 {
		d.OCRPages++
	}
	return blocks
}
