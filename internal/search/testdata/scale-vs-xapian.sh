#!/usr/bin/env bash
# Measures jingyan beside Xapian on the same ~100k real sentences, in one run (README,
# "Against Xapian"): index build time and peak RSS, serve start-up and memory at rest, and
# whole-search latency; then the Xapian peer (Debian's python3-xapian: character bigrams,
# BM25) builds and queries the same sentences with the same questions.
# Needs the scale data (fetch-scale-data.sh), GNU time, curl and python3-xapian.
# Usage: scale-vs-xapian.sh [DATA_DIR] [FILES]   (FILES: how many 50-paragraph files; 880 is
#        about 115k sentences)
set -euo pipefail
data=${1:-${JINGYAN_BENCH_DATA:-/tmp/jingyan-bench}}
files=${2:-880}
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$(dirname "$0")/../../.."

mkdir "$work/src"
{ cat "$data/manpages-zh.txt"; head -n 40000 "$data/poetry.txt"; } | awk -v dir="$work/src" -v max="$files" '
  NF { n++; f = int((n - 1) / 50); if (f >= max) next; name = sprintf("%s/%05d.txt", dir, f)
       printf "%s\n\n", $0 > name; if (n % 50 == 0) close(name) }'
go build -o "$work/jingyan" ./cmd/jingyan

echo "== jingyan index build"
/usr/bin/time -f "wall %e s, peak RSS %M KB" "$work/jingyan" index build --sources "$work/src" --out "$work/idx" --cache "" 2>&1 |
  grep -E "^indexed|^wall"

echo "== jingyan serve --index: ready, RSS at rest"
port=$((20000 + RANDOM % 20000))
start=$(date +%s.%N)
"$work/jingyan" serve --addr "127.0.0.1:$port" --index "$work/idx" >/dev/null 2>&1 &
pid=$!
until curl -sf "127.0.0.1:$port/readyz" >/dev/null; do sleep 0.02; done
echo "ready $(echo "$(date +%s.%N) - $start" | bc) s"
sleep 1
echo "RSS at rest $(ps -o rss= -p "$pid") KB"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""

echo "== jingyan whole search, in process"
JINGYAN_SCALE_INDEX="$work/idx" JINGYAN_SCALE_QUERIES="$work/questions.txt" \
  go test ./internal/search -run '^$' -bench ScaleSearch -benchtime 10x | grep Benchmark

echo "== Xapian"
/usr/bin/python3 internal/search/testdata/xapian-scale.py "$work/idx" "$work/questions.txt"
