#!/usr/bin/env bash
# Makes the .docx and .pdf reader fixtures from the seed's public text, the way staff's files
# are made: pandoc (.docx with headings, a table and a footnote), LibreOffice (.docx → .pdf,
# several pages), Chromium's print to PDF (running header and footer with page numbers), and a
# hand-written image-only PDF standing for a scan. The outputs are committed; rerun this only
# to change them. Needs Debian's pandoc, libreoffice-writer-nogui, fonts-wqy-microhei, chromium.
set -euo pipefail
cd "$(dirname "$0")/fixtures"
src=../../../../index/sources/000_ccab301167ee6906.txt
# Report 3 (河南) as Markdown: title, unit, body, a table of its figures, a footnote.
{
  echo "# $(sed -n 15p $src)"
  echo
  echo "$(sed -n 16p $src)"
  echo
  echo "## 主要做法"
  echo
  for n in 17 18 19 20; do sed -n ${n}p $src; echo; done
  echo "| 项目 | 数量 |"
  echo "|---|---|"
  echo "| 新增派出所警力 | 1350名 |"
  echo
  echo "本文摘自全国公安厅局长座谈会经验交流摘登。[^1]"
  echo
  echo "[^1]: 原载《人民公安报》。"
} > henan.md
pandoc henan.md -o report.docx && rm henan.md
# Reports 1–3 as one long document, for a PDF of several pages.
{
  echo "# $(sed -n 2p $src)"; echo; echo "$(sed -n 3p $src)"; echo
  for n in 4 5 6 7 10 11 12 13 14 17 18 19 20 4 5 6 7; do sed -n ${n}p $src; echo; done
} > long.md
pandoc long.md -o long.docx
soffice --headless --convert-to pdf --outdir . long.docx >/dev/null
mv long.pdf libreoffice.pdf
rm -f long.docx
# Chromium prints the page title, date, URL and "1/3" page numbers on every page.
pandoc long.md -s --metadata title="$(sed -n 2p $src)" -o long.html
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$(mktemp -d)" \
  --print-to-pdf=chromium.pdf "file://$PWD/long.html" 2>/dev/null
rm -f long.html long.md
# A scan: one page whose only content is an image, no text layer.
python3 - <<'PY'
img = bytes([0x80] * 64)
objs = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
    b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 64 >>\nstream\n" + img + b"\nendstream",
    b"<< /Length 34 >>\nstream\nq 200 0 0 200 0 0 cm /Im1 Do Q\nendstream",
]
out = bytearray(b"%PDF-1.4\n")
offs = []
for i, o in enumerate(objs, 1):
    offs.append(len(out))
    out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offs:
    out += b"%010d 00000 n \n" % o
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
open("scanned.pdf", "wb").write(out)
PY
ls -l
