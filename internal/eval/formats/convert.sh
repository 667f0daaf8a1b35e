#!/usr/bin/env bash
# Converts the second corpus (born-digital .txt/.md/.html) into the formats a bureau holds,
# round-robin by file: .doc, .wps (Word 97 bytes, as WPS saves them), .rtf, .odt, a scanned
# PDF (LibreOffice PDF rasterised at 300 dpi, wrapped by img2pdf: no text layer) and a text
# PDF. Markdown goes in as text with its # marks and front matter dropped. Then
#   jingyan index build --sources OUT --out IDX && jingyan eval retrieval --qa qa.jsonl --index IDX
# measures the same questions on the converted collection.
# Needs Debian's libreoffice-writer, poppler-utils, img2pdf and a Chinese font (fonts-noto-cjk):
# without one every character of the scans is a box, and OCR reads no text from them.
set -euo pipefail
src=${1:?usage: convert.sh SECOND_CORPUS_DOCS OUT}
out=${2:?usage: convert.sh SECOND_CORPUS_DOCS OUT}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" "$tmp/in" "$tmp/pdf"
profile="-env:UserInstallation=file://$tmp/profile"
kinds=(doc wps rtf odt scan pdf)
i=0
for f in "$src"/*; do
  base=$(basename "$f"); stem=${base%.*}; kind=${kinds[$((i % ${#kinds[@]}))]}; i=$((i + 1))
  case "$base" in
    *.md) sed -e '1{/^---$/,/^---$/d}' -e 's/^#\+ *//' "$f" > "$tmp/in/$stem.txt" ;;
    *.html) # A page printed or saved as a document shows its headline in the text; LibreOffice
      # drops <title>, so a page whose body has no <h1> gets its title as one.
      python3 - "$f" "$tmp/in/$base" <<'PY'
import re, sys
s = open(sys.argv[1], encoding="utf-8", errors="replace").read()
t = re.search(r"<title[^>]*>(.*?)</title>", s, re.S | re.I)
if t and not re.search(r"<h1", s, re.I):
    s = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "<h1>" + t.group(1).strip() + "</h1>", s, count=1, flags=re.I)
open(sys.argv[2], "w", encoding="utf-8").write(s)
PY
      ;;
    *) cp "$f" "$tmp/in/$base" ;;
  esac
  echo "$kind $(ls "$tmp/in/$stem".* | head -1)" >> "$tmp/plan"
done
convert() { # kind filter target outdir files...
  local kind=$1 filter=$2 target=$3 dir=$4; shift 4
  [ $# -gt 0 ] && soffice "$profile" --headless --infilter="$filter" --convert-to "$target" --outdir "$dir" "$@" >/dev/null 2>&1 || true
}
for kind in doc wps rtf odt scan pdf; do
  txt=$(awk -v k=$kind '$1==k && $2 ~ /\.txt$/ {print $2}' "$tmp/plan")
  html=$(awk -v k=$kind '$1==k && $2 ~ /\.html$/ {print $2}' "$tmp/plan")
  case $kind in
    doc|wps) target="doc:MS Word 97"; dir="$tmp/$kind" ;;
    rtf) target="rtf:Rich Text Format"; dir="$out" ;;
    odt) target="odt:writer8"; dir="$out" ;;
    scan|pdf) target="pdf:writer_pdf_Export"; dir="$tmp/$kind" ;;
  esac
  mkdir -p "$dir"
  convert $kind "Text (encoded):UTF8" "$target" "$dir" $txt
  convert $kind "HTML (StarWriter)" "$target" "$dir" $html
done
for f in "$tmp"/doc/*.doc; do cp "$f" "$out/"; done
for f in "$tmp"/wps/*.doc; do b=$(basename "$f" .doc); cp "$f" "$out/$b.wps"; done
for f in "$tmp"/pdf/*.pdf; do cp "$f" "$out/"; done
for f in "$tmp"/scan/*.pdf; do
  b=$(basename "$f" .pdf); rm -f "$tmp"/pg-*.png
  pdftoppm -r 300 -gray -png "$f" "$tmp/pg"
  img2pdf "$tmp"/pg-*.png -o "$out/$b.scan.pdf"
done
ls "$out" | sed 's/.*\.\(scan\.pdf\|[a-z]*\)$/\1/' | sort | uniq -c
