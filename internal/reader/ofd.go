package reader

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// readOFD reads OFD (GB/T 33190-2016, the fixed-layout format government systems export) in
// pure Go: OFD.xml → the first DocBody's DocRoot (Document.xml) → its pages in order, each
// page's template pages first, then its content layers. Every glyph of every TextCode is
// placed (Boundary + CTM + X/Y + DeltaX/DeltaY, "g" runs expanded), glyphs are grouped into
// lines by Y and ordered by X — producers write one TextObject per glyph as often as one per
// line — and lines become paragraphs as PDF's do. A page with no text but images is read by
// OCR when Tesseract is installed.
func readOFD(in input) (Document, error) {
	zr, err := zip.NewReader(bytes.NewReader(in.data), int64(len(in.data)))
	if err != nil {
		return Document{}, fmt.Errorf("OFD 文件已损坏：%w", err)
	}
	pkg := ofdPackage{files: make(map[string]*zip.File), folded: make(map[string]*zip.File)}
	for _, f := range zr.File {
		name := strings.TrimPrefix(path.Clean("/"+f.Name), "/")
		pkg.files[name] = f
		pkg.folded[strings.ToLower(name)] = f
	}
	var root ofdRoot
	if err := pkg.decode("OFD.xml", &root); err != nil {
		return Document{}, err
	}
	if len(root.Bodies) == 0 {
		return Document{}, fmt.Errorf("OFD 文件没有文档（OFD.xml 无 DocBody）")
	}
	body := root.Bodies[0]
	d := Document{Meta: Meta{Title: CleanText(body.Info.Title), Date: CleanText(body.Info.CreationDate)}}
	if a := CleanText(body.Info.Author); a != "" {
		d.Meta.Authors = append(d.Meta.Authors, a)
	}
	docPath := pkg.resolve("", body.DocRoot)
	var doc ofdDocument
	if err := pkg.decode(docPath, &doc); err != nil {
		return Document{}, err
	}
	pages, images := pkg.pages(path.Dir(docPath), doc)
	d.Pages = len(pages)
	in.r.ocrOFDImages(in, pkg, path.Dir(docPath), doc, pages, images, &d)
	d.Blocks = layoutBlocks(pages)
	if blockChars(d.Blocks) < 4 {
		return Document{}, fmt.Errorf("%w：OFD 页面没有文字编码（文字以轮廓或图片绘制），请安装 OCR（apt-get install tesseract-ocr tesseract-ocr-chi-sim）或另存为 PDF", ErrNoText)
	}
	return d, nil
}

type ofdRoot struct {
	Bodies []struct {
		Info struct {
			Title        string `xml:"Title"`
			Author       string `xml:"Author"`
			CreationDate string `xml:"CreationDate"`
		} `xml:"DocInfo"`
		DocRoot string `xml:"DocRoot"`
	} `xml:"DocBody"`
}

type ofdDocument struct {
	Templates []struct {
		ID      string `xml:"ID,attr"`
		BaseLoc string `xml:"BaseLoc,attr"`
	} `xml:"CommonData>TemplatePage"`
	PublicRes   []string `xml:"CommonData>PublicRes"`
	DocumentRes []string `xml:"CommonData>DocumentRes"`
	Pages       []struct {
		BaseLoc string `xml:"BaseLoc,attr"`
	} `xml:"Pages>Page"`
}

// ofdPackage is the zip's parts by clean path, and by lower-case path: producers on Windows
// write "DOC_0/Res/…" and refer to it as "Doc_0/Res/…".
type ofdPackage struct {
	files, folded map[string]*zip.File
	// composites are the CompositeGraphicUnits of the resources, by ID: the content a
	// CompositeObject draws (a seal's text, a repeated header).
	composites map[string][]byte
}

// resolve makes a BaseLoc absolute: "/Doc_0/…" from the root, anything else from dir.
func (p ofdPackage) resolve(dir, loc string) string {
	loc = strings.TrimSpace(strings.ReplaceAll(loc, "\\", "/"))
	if strings.HasPrefix(loc, "/") {
		return strings.TrimPrefix(path.Clean(loc), "/")
	}
	return strings.TrimPrefix(path.Clean("/"+path.Join(dir, loc)), "/")
}

func (p ofdPackage) open(name string) (io.ReadCloser, error) {
	f := p.files[name]
	if f == nil {
		f = p.folded[strings.ToLower(name)]
	}
	if f == nil {
		return nil, fmt.Errorf("OFD 文件不完整：缺少 %s", name)
	}
	if f.UncompressedSize64 > maxPartBytes {
		return nil, fmt.Errorf("OFD 文件的 %s 过大（%d MB）", name, f.UncompressedSize64>>20)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("OFD 文件已损坏：%s：%w", name, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{io.LimitReader(rc, maxPartBytes), rc}, nil
}

func (p ofdPackage) decode(name string, v any) error {
	rc, err := p.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("OFD 文件已损坏：%s：%w", name, err)
	}
	return nil
}

// ofdImage is an image object a page draws: where its file is, and its area.
type ofdImage struct {
	resource string
	area     float64
}

// pages reads every page: its template pages' text, then its own. images lists, per page,
// the images it draws, for pages with no text.
func (p ofdPackage) pages(docDir string, doc ofdDocument) ([]page, [][]ofdImage) {
	p.composites = p.compositeUnits(docDir, doc)
	templates := make(map[string]string)
	for _, t := range doc.Templates {
		templates[t.ID] = p.resolve(docDir, t.BaseLoc)
	}
	pages := make([]page, len(doc.Pages))
	images := make([][]ofdImage, len(doc.Pages))
	for i, pg := range doc.Pages {
		loc := p.resolve(docDir, pg.BaseLoc)
		var glyphs []glyph
		for _, tpl := range p.pageTemplates(loc) {
			if t, ok := templates[tpl]; ok {
				g, _ := p.pageGlyphs(t)
				glyphs = append(glyphs, g...)
			}
		}
		g, imgs := p.pageGlyphs(loc)
		glyphs = append(glyphs, g...)
		pages[i] = page{n: i + 1, lines: glyphLines(glyphs)}
		images[i] = imgs
	}
	return pages, images
}

// pageTemplates lists the TemplateIDs a page names.
func (p ofdPackage) pageTemplates(name string) []string {
	var pg struct {
		Templates []struct {
			ID string `xml:"TemplateID,attr"`
		} `xml:"Template"`
	}
	if p.decode(name, &pg) != nil {
		return nil
	}
	var ids []string
	for _, t := range pg.Templates {
		ids = append(ids, t.ID)
	}
	return ids
}

// glyph is one character placed on the page, in millimetres from its top left.
type glyph struct {
	x, y, size float64
	r          rune
}

// pageGlyphs walks a page's content with a token decoder, so nesting of any depth (layers,
// PageBlocks, composite objects) is read in order; a broken page gives what was read.
func (p ofdPackage) pageGlyphs(name string) ([]glyph, []ofdImage) {
	rc, err := p.open(name)
	if err != nil {
		return nil, nil
	}
	defer rc.Close()
	return p.contentGlyphs(rc, 0, 0, 0)
}

// contentGlyphs reads the text objects of page or composite content, shifted by (dx, dy);
// depth bounds composites drawing composites.
func (p ofdPackage) contentGlyphs(r io.Reader, dx, dy float64, depth int) ([]glyph, []ofdImage) {
	dec := xml.NewDecoder(r)
	var out []glyph
	var imgs []ofdImage
	var obj textObject
	inObj := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return out, imgs
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			if ee, ok := tok.(xml.EndElement); ok && ee.Name.Local == "TextObject" {
				inObj = false
			}
			continue
		}
		switch se.Name.Local {
		case "TextObject":
			obj, inObj = newTextObject(se), true
			obj.bx, obj.by = obj.bx+dx, obj.by+dy
		case "TextCode":
			var tc textCode
			if dec.DecodeElement(&tc, &se) == nil && inObj {
				out = append(out, obj.place(tc)...)
			}
		case "ImageObject":
			b := floats(attr(se, "Boundary"))
			if len(b) == 4 {
				imgs = append(imgs, ofdImage{resource: attr(se, "ResourceID"), area: b[2] * b[3]})
			}
		case "CompositeObject":
			unit, b := p.composites[attr(se, "ResourceID")], floats(attr(se, "Boundary"))
			if unit != nil && len(b) >= 2 && depth < 4 {
				g, _ := p.contentGlyphs(bytes.NewReader(unit), dx+b[0], dy+b[1], depth+1)
				out = append(out, g...)
			}
		}
	}
}

// compositeUnits reads the CompositeGraphicUnits' content from the resource files.
func (p ofdPackage) compositeUnits(docDir string, doc ofdDocument) map[string][]byte {
	out := make(map[string][]byte)
	for _, loc := range append(append([]string{}, doc.PublicRes...), doc.DocumentRes...) {
		var res struct {
			Units []struct {
				ID      string `xml:"ID,attr"`
				Content struct {
					Inner []byte `xml:",innerxml"`
				} `xml:"Content"`
			} `xml:"CompositeGraphicUnits>CompositeGraphicUnit"`
		}
		if p.decode(p.resolve(docDir, loc), &res) != nil {
			continue
		}
		for _, u := range res.Units {
			out[u.ID] = u.Content.Inner
		}
	}
	return out
}

type textCode struct {
	X      string `xml:"X,attr"`
	Y      string `xml:"Y,attr"`
	DeltaX string `xml:"DeltaX,attr"`
	DeltaY string `xml:"DeltaY,attr"`
	Text   string `xml:",chardata"`
}

// textObject is what a TextObject's attributes say of the glyphs inside it.
type textObject struct {
	bx, by, size float64
	ctm          []float64 // a b c d e f, or nil
}

func newTextObject(se xml.StartElement) textObject {
	o := textObject{size: 3.5}
	if b := floats(attr(se, "Boundary")); len(b) >= 2 {
		o.bx, o.by = b[0], b[1]
	}
	if s := floats(attr(se, "Size")); len(s) == 1 && s[0] > 0 {
		o.size = s[0]
	}
	if m := floats(attr(se, "CTM")); len(m) == 6 {
		o.ctm = m
	}
	return o
}

// place positions each character of a TextCode: X/Y start the first, DeltaX/DeltaY step to
// the next (a missing step advances one character's width, as for text with no deltas).
func (o textObject) place(tc textCode) []glyph {
	runes := []rune(strings.TrimRight(tc.Text, "\r\n"))
	dx, dy := deltas(tc.DeltaX), deltas(tc.DeltaY)
	x, y := num(tc.X), num(tc.Y)
	size := o.size
	if o.ctm != nil {
		size *= (abs(o.ctm[0]) + abs(o.ctm[3])) / 2
	}
	out := make([]glyph, 0, len(runes))
	for i, r := range runes {
		gx, gy := x, y
		if o.ctm != nil {
			m := o.ctm
			gx, gy = m[0]*x+m[2]*y+m[4], m[1]*x+m[3]*y+m[5]
		}
		out = append(out, glyph{x: o.bx + gx, y: o.by + gy, size: size, r: r})
		switch {
		case i < len(dx):
			x += dx[i]
		case len(dy) == 0:
			x += advance(r, o.size)
		}
		if i < len(dy) {
			y += dy[i]
		}
	}
	return out
}

func advance(r rune, size float64) float64 {
	if IsWide(r) {
		return size
	}
	return size / 2
}

// deltas expands a DeltaX/DeltaY list: "g 3 2.1" is three steps of 2.1.
func deltas(s string) []float64 {
	f := strings.Fields(s)
	var out []float64
	for i := 0; i < len(f); i++ {
		if f[i] == "g" && i+2 < len(f) {
			n, err := strconv.Atoi(f[i+1])
			v := num(f[i+2])
			if err == nil && n > 0 && n <= 100000 {
				for range n {
					out = append(out, v)
				}
			}
			i += 2
			continue
		}
		out = append(out, num(f[i]))
	}
	return out
}

func num(s string) float64 {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0
	}
	return v
}

func floats(s string) []float64 {
	var out []float64
	for _, f := range strings.Fields(s) {
		out = append(out, num(f))
	}
	return out
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// glyphLines groups glyphs whose baselines lie within half a character of each other into
// lines, top to bottom, each ordered left to right. A gap wider than a character between
// two glyphs is a space (words, table cells); a first glyph well right of the page's left
// edge starts a paragraph (the two-character indent of Chinese text).
func glyphLines(gs []glyph) []line {
	gs = dropInvisible(gs)
	if len(gs) == 0 {
		return nil
	}
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].y < gs[j].y })
	var rows [][]glyph
	for _, g := range gs {
		if n := len(rows); n > 0 && abs(g.y-rowY(rows[n-1])) <= g.size*0.5 {
			rows[n-1] = append(rows[n-1], g)
			continue
		}
		rows = append(rows, []glyph{g})
	}
	left := rowsLeft(rows)
	out := make([]line, 0, len(rows))
	for _, row := range rows {
		sort.SliceStable(row, func(i, j int) bool { return row[i].x < row[j].x })
		var b strings.Builder
		for i, g := range row {
			if i > 0 {
				prev := row[i-1]
				if g.x-(prev.x+advance(prev.r, prev.size)) > g.size*0.8 {
					b.WriteByte(' ')
				}
			}
			b.WriteRune(g.r)
		}
		if t := strings.TrimSpace(b.String()); t != "" {
			out = append(out, line{text: t, breakBefore: row[0].x-left >= row[0].size*1.5})
		}
	}
	return out
}

func rowY(row []glyph) float64 { return row[0].y }

// rowsLeft is the left edge most lines start at: the smallest start shared by two lines or
// more, or the smallest.
func rowsLeft(rows [][]glyph) float64 {
	starts := make([]float64, 0, len(rows))
	for _, r := range rows {
		m := r[0].x
		for _, g := range r {
			m = min(m, g.x)
		}
		starts = append(starts, m)
	}
	sort.Float64s(starts)
	for i := 0; i+1 < len(starts); i++ {
		if starts[i+1]-starts[i] < 1 {
			return starts[i]
		}
	}
	return starts[0]
}

func dropInvisible(gs []glyph) []glyph {
	out := gs[:0]
	for _, g := range gs {
		if g.r != unicode.ReplacementChar && !unicode.IsControl(g.r) && !unicode.IsSpace(g.r) {
			out = append(out, g)
		}
	}
	return out
}

// media maps the MultiMedia IDs of the document's resource files to their paths.
func (p ofdPackage) media(docDir string, doc ofdDocument) map[string]string {
	out := make(map[string]string)
	for _, loc := range append(append([]string{}, doc.PublicRes...), doc.DocumentRes...) {
		name := p.resolve(docDir, loc)
		var res struct {
			BaseLoc string `xml:"BaseLoc,attr"`
			Media   []struct {
				ID   string `xml:"ID,attr"`
				File string `xml:"MediaFile"`
			} `xml:"MultiMedias>MultiMedia"`
		}
		if p.decode(name, &res) != nil {
			continue
		}
		base := path.Join(path.Dir(name), res.BaseLoc)
		for _, m := range res.Media {
			out[m.ID] = p.resolve(base, m.File)
		}
	}
	return out
}

// ocrOFDImages reads, by OCR, the largest image of each page that has no text: a scan
// exported as OFD. Without Tesseract such pages stay empty, with a warning.
func (r *Reader) ocrOFDImages(in input, pkg ofdPackage, docDir string, doc ofdDocument, pages []page, images [][]ofdImage, d *Document) {
	var todo []int
	for i := range pages {
		if textChars(pages[i]) < minPageChars && len(images[i]) > 0 {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return
	}
	if err := r.ocrReady(); err != nil {
		d.Warnings = append(d.Warnings, fmt.Sprintf("%d 页是图片，未识别：%v", len(todo), err))
		return
	}
	media := pkg.media(docDir, doc)
	r.ocrInto(in.ctx, pages, todo, func(k int) (string, error) {
		imgs := images[todo[k]]
		sort.SliceStable(imgs, func(i, j int) bool { return imgs[i].area > imgs[j].area })
		data, err := pkg.read(media[imgs[0].resource])
		if err != nil {
			return "", err
		}
		file, err := tempFile("", "jingyan-ofd-*", data)
		if err != nil {
			return "", err
		}
		defer removeFile(file)
		return r.tesseract(in.ctx, file)
	}, d)
}

func (p ofdPackage) read(name string) ([]byte, error) {
	rc, err := p.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}
