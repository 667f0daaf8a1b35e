#!/usr/bin/env bash
# Builds a jingyan index of the scale data (fetch-scale-data.sh first) for BenchmarkScaleSearch:
# manpages-zh's paragraphs and the first 40,000 poems, fifty paragraphs a report — about
# 1,300 reports, 59k paragraphs, 205k sentences.
# Usage: build-scale-index.sh [DATA_DIR] [INDEX_DIR]
# Then:  JINGYAN_SCALE_INDEX=INDEX_DIR go test ./internal/search -run '^$' -bench ScaleSearch -benchtime 1x
set -euo pipefail
data=${1:-${JINGYAN_BENCH_DATA:-/tmp/jingyan-bench}}
out=${2:-/tmp/jingyan-scale-index}
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
{ cat "$data/manpages-zh.txt"; head -n 40000 "$data/poetry.txt"; } | awk -v dir="$src" '
  NF { n++; f = sprintf("%s/%05d.txt", dir, int((n - 1) / 50)); printf "%s\n\n", $0 > f; if (n % 50 == 0) close(f) }'
cd "$(dirname "$0")/../../.."
go run ./cmd/jingyan index build --sources "$src" --out "$out" --cache ""
