#!/usr/bin/env bash
# OCR throughput: jingyan's reader (rasterise + Tesseract, 2 workers) against Tesseract's own
# CLI on the same 300 dpi pages with 2 workers (OMP_THREAD_LIMIT=1 each).
set -e
dir=$(mktemp -d); trap "rm -rf $dir" EXIT
src=${1:?usage: ocr-throughput.sh FILE.pdf (a scanned PDF) [JINGYAN_BINARY]}
jy=${2:-jingyan}
mkdir -p "$dir/src" "$dir/png"; cp "$src" "$dir/src/"; pdftoppm -r 300 -gray -png "$src" "$dir/png/p"
cd "$dir"
start=$(date +%s.%N)
ls png/*.png | OMP_THREAD_LIMIT=1 xargs -P 2 -I{} tesseract {} stdout -l chi_sim --psm 6 > /dev/null 2>&1
cli=$(echo "$(date +%s.%N) - $start" | bc)
rm -rf idx cache
start=$(date +%s.%N)
"$jy" index build --sources src --out idx --cache cache > /dev/null 2>&1
ours=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
"$jy" index build --sources src --out idx --cache cache > /dev/null 2>&1
again=$(echo "$(date +%s.%N) - $start" | bc)
n=$(ls png/*.png | wc -l)
echo "pages=$n cli=${cli}s ($(echo "$n*60/$cli" | bc -l | cut -c1-5) p/min) jingyan=${ours}s ($(echo "$n*60/$ours" | bc -l | cut -c1-5) p/min) rebuild=${again}s"
