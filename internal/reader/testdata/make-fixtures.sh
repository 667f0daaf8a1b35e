#!/usr/bin/env bash
# Makes the reader fixtures from report 3 of the seed (河南, public text), the way staff's
# files are made: LibreOffice saves .doc (and the same bytes as .wps: WPS Office writes the
# Word 97 format), .rtf, .odt and .xlsx; a scan is the LibreOffice PDF rasterised at 300 dpi
# by pdftoppm and wrapped by img2pdf (no text layer); a mixed PDF has a text page and a
# scanned one (pdfunite); a phone photo is the page skewed, blurred, noised and given a
# status bar by ImageMagick; a .pptx is written by hand (python zipfile) with a master's
# prompt text, a title, body text and speaker notes. OFD is written by the Go test itself.
# The outputs are committed; rerun this only to change them. Needs Debian's libreoffice-writer,
# libreoffice-calc, poppler-utils, img2pdf, imagemagick, qpdf, fonts-noto-cjk.
set -euo pipefail
cd "$(dirname "$0")/fixtures"
src=../../../../index/sources/000_ccab301167ee6906.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
profile="-env:UserInstallation=file://$tmp/profile"
title=$(sed -n 15p $src); unit=$(sed -n 16p $src)
# The source text every fixture is checked against (golden/source.txt: one paragraph a line).
{ echo "$title"; echo "$unit"; for n in 17 18 19 20; do sed -n ${n}p $src; done; echo "项目 | 数量"; echo "新增派出所警力 | 1350名"; } > ../golden/source.txt
{
  echo "<html><head><meta charset=utf-8><title>$title</title></head><body>"
  echo "<h1>$title</h1><p>$unit</p>"
  for n in 17 18 19 20; do echo "<p>$(sed -n ${n}p $src)</p>"; done
  echo "<table border=1><tr><td>项目</td><td>数量</td></tr><tr><td>新增派出所警力</td><td>1350名</td></tr></table>"
  echo "</body></html>"
} > "$tmp/report.html"
# Opened in Writer (not Writer/Web, whose PDFs start with a blank page), saved as .odt, and
# every other format made from that.
soffice "$profile" --headless --infilter="HTML (StarWriter)" --convert-to odt:writer8 --outdir . "$tmp/report.html" >/dev/null 2>&1
soffice "$profile" --headless --convert-to "doc:MS Word 97" --outdir . report.odt >/dev/null 2>&1
soffice "$profile" --headless --convert-to "rtf:Rich Text Format" --outdir . report.odt >/dev/null 2>&1
cp report.doc report.wps
# A .docx that is really a .doc (saved under the wrong name).
cp report.doc misnamed.docx
printf '地区,社区民警占比,新增警力\n吉林,49.4%%,\n河南,43.9%%,1350名\n' > "$tmp/figures.csv"
soffice "$profile" --headless --infilter=CSV:44,34,76 --convert-to xlsx --outdir . "$tmp/figures.csv" >/dev/null 2>&1
# PDFs: text, scanned, mixed.
soffice "$profile" --headless --convert-to pdf --outdir "$tmp" report.odt >/dev/null 2>&1
pdftoppm -r 300 -gray -png "$tmp/report.pdf" "$tmp/page"
img2pdf "$tmp"/page-*.png -o scanned.pdf
pdfseparate -f 1 -l 1 "$tmp/report.pdf" "$tmp/text1.pdf"
pdfunite "$tmp/text1.pdf" scanned.pdf mixed.pdf
# A PDF that opens only with a password (staff get these from 公文 systems).
soffice "$profile" --headless --convert-to 'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"jingyan"}}' --outdir "$tmp/enc" report.odt >/dev/null 2>&1
mkdir -p ../hostile && mv "$tmp/enc/report.pdf" ../hostile/encrypted.pdf
# A PDF whose fonts have no character map (as some 公文 systems embed them): its text layer
# reads as glyph numbers, though every page prints fine. qpdf uncompresses it so that the
# /ToUnicode entries can be blanked in place.
qpdf --qdf --object-streams=disable "$tmp/report.pdf" "$tmp/qdf.pdf"
python3 -c "import re,sys; b=open(sys.argv[1],'rb').read(); open(sys.argv[2],'wb').write(re.sub(rb'/ToUnicode \d+ 0 R', lambda m: b' '*len(m.group(0)), b))" "$tmp/qdf.pdf" "$tmp/nomap.pdf"
qpdf --compress-streams=y --recompress-flate --object-streams=generate "$tmp/nomap.pdf" nomap.pdf
# A scan of a page printed without the font its text needs: every character a box (□), which
# Tesseract reads with confidence as a run of one letter.
python3 -c "open('$tmp/boxes.txt', 'w').write(('□' * 30 + '\n') * 20)"
soffice "$profile" --headless --convert-to pdf --outdir "$tmp" "$tmp/boxes.txt" >/dev/null 2>&1
pdftoppm -r 300 -gray -png "$tmp/boxes.pdf" "$tmp/boxes"
img2pdf "$tmp"/boxes-1.png -o ../hostile/boxes-scan.pdf
# A phone photo of page 1: a status bar, 1.5° skew, blur, noise, JPEG.
first=$(ls "$tmp"/page-*.png | head -1)
convert "$first" -resize 50% -background white -gravity north -splice 0x60 \
  -font Noto-Sans-CJK-SC -pointsize 28 -annotate +0+12 '9:41                     4G  85%' \
  -rotate 1.5 -blur 0x0.6 -attenuate 0.4 +noise Gaussian -quality 80 photo.jpg
python3 - "$title" "$unit" "$(sed -n 18p $src)" <<'PY'
import sys, zipfile
title, unit, body = sys.argv[1:4]
ns = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
def sp(typ, text):
    ph = f'<p:nvPr><p:ph type="{typ}"/></p:nvPr>' if typ else '<p:nvPr/>'
    return f'<p:sp><p:nvSpPr><p:cNvPr id="2" name="x"/><p:cNvSpPr/>{ph}</p:nvSpPr><p:txBody><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:txBody></p:sp>'
def slide(*shapes):
    return f'<?xml version="1.0" encoding="UTF-8"?><p:sld {ns}><p:cSld><p:spTree>{"".join(shapes)}</p:spTree></p:cSld></p:sld>'
rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
with zipfile.ZipFile('report.pptx', 'w') as z:
    z.writestr('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    z.writestr('ppt/presentation.xml', f'<?xml version="1.0"?><p:presentation {ns}><p:sldIdLst><p:sldId id="257" r:id="rId3"/><p:sldId id="256" r:id="rId2"/></p:sldIdLst></p:presentation>')
    z.writestr('ppt/_rels/presentation.xml.rels', f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="{rel}slide" Target="slides/slide2.xml"/><Relationship Id="rId3" Type="{rel}slide" Target="slides/slide1.xml"/><Relationship Id="rId9" Type="{rel}slideMaster" Target="slideMasters/slideMaster1.xml"/></Relationships>')
    z.writestr('ppt/slideMasters/slideMaster1.xml', slide(sp('title', '单击此处编辑母版标题样式')))
    z.writestr('ppt/slides/slide1.xml', slide(sp('ctrTitle', title), sp('subTitle', unit), sp('sldNum', '1')))
    z.writestr('ppt/slides/slide2.xml', slide(sp('title', '主要做法'), sp(None, body)))
    z.writestr('ppt/slides/_rels/slide2.xml.rels', f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}notesSlide" Target="../notesSlides/notesSlide1.xml"/></Relationships>')
    z.writestr('ppt/notesSlides/notesSlide1.xml', f'<?xml version="1.0"?><p:notes {ns}><p:cSld><p:spTree>{sp("sldImg", "")}{sp("body", "讲解时强调新增警力1350名。")}</p:spTree></p:cSld></p:notes>')
PY
ls -l
