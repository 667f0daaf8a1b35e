#!/usr/bin/env bash
# Fetches large real Chinese text for the scale benchmark (BenchmarkScale) from the package
# registries this machine reaches, and writes one passage per line:
#   $DIR/manpages-zh.txt  modern prose: Debian's manpages-zh, roff rendered to text by groff,
#                         one paragraph per line
#   $DIR/poetry.txt       classical poems: the npm package chinese-poetry, one poem per line
# Usage: fetch-scale-data.sh [DIR]   (default: $JINGYAN_BENCH_DATA or /tmp/jingyan-bench)
# Then:  JINGYAN_BENCH_DATA=DIR go test ./internal/search -run '^$' -bench Scale -benchtime 1x
set -euo pipefail
dir=${1:-${JINGYAN_BENCH_DATA:-/tmp/jingyan-bench}}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -s "$dir/manpages-zh.txt" ]; then
  command -v groff >/dev/null || { apt-get update -qq && apt-get install -y -qq groff-base >/dev/null; }
  (cd "$work" && { apt-get download manpages-zh >/dev/null 2>&1 || { apt-get update -qq && apt-get download manpages-zh >/dev/null; }; })
  dpkg-deb -x "$work"/manpages-zh_*.deb "$work/deb"
  : > "$dir/manpages-zh.tmp"
  find "$work/deb/usr/share/man/zh_CN" -type f -name '*.gz' | sort | while read -r page; do
    # Render to plain text, join wrapped lines into paragraphs, drop blank and short lines.
    zcat "$page" | groff -k -Kutf8 -Tutf8 -mandoc -P-cbou 2>/dev/null |
      awk 'BEGIN{p=""} /^[[:space:]]*$/ {if (length(p) > 30) print p; p=""; next}
           {sub(/^[[:space:]]+/, ""); p = p $0} END{if (length(p) > 30) print p}' >> "$dir/manpages-zh.tmp" || true
  done
  mv "$dir/manpages-zh.tmp" "$dir/manpages-zh.txt"
fi

if [ ! -s "$dir/poetry.txt" ]; then
  (cd "$work" && npm pack --silent chinese-poetry@2.0.1 >/dev/null)
  tar xzf "$work"/chinese-poetry-*.tgz -C "$work"
  node -e '
    const fs = require("fs"), path = require("path");
    const root = process.argv[1], out = fs.openSync(process.argv[2], "w");
    const files = [];
    for (const d of ["quantangshi", "songci"]) {
      for (const f of fs.readdirSync(path.join(root, d)).sort()) {
        if (/^(poet|ci)\..*\.json$/.test(f)) files.push(path.join(root, d, f));
      }
    }
    let n = 0;
    for (const f of files) {
      for (const p of JSON.parse(fs.readFileSync(f, "utf8"))) {
        const text = (p.title || p.rhythmic || "") + " " + (p.paragraphs || []).join("");
        if (text.trim().length > 4) { fs.writeSync(out, text.replace(/\s+/g, " ") + "\n"); n++; }
      }
    }
    console.error("poems:", n);
  ' "$work/package/dist" "$dir/poetry.txt"
fi
wc -l "$dir"/manpages-zh.txt "$dir"/poetry.txt
