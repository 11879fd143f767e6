#!/usr/bin/env bash
# Load test of `kiemchung serve` from a second process, on loopback only: N concurrent uploads of
# the demo unit (default 20) with curl, each polled to the end; every report.json must equal
# `kiemchung check demo --trust trust --format json` byte for byte. Reports the wall time, the
# server's peak RSS (VmHWM from /proc) and the check processes' peak RSS, writes
# bench/results/serve_load.md, and fails when a report differs or the server's peak RSS is over
# LIMIT_MIB (default 256). OCR is off on both sides unless OCR=1 (Tesseract reads the demo's scanned
# PDF in each check until the server's facts cache holds it; a scan OCR read nothing from is not
# cached). The machine's load average before and after is written beside the numbers.
# Usage: bench/serve_load.sh [N]   (build first: cargo build --release)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-20}"
LIMIT_MIB="${LIMIT_MIB:-256}"
MAX_CHECKS="${MAX_CHECKS:-2}"
NO_OCR=(--no-ocr)
[ "${OCR:-0}" = 1 ] && NO_OCR=()
BIN="$PWD/target/release/kiemchung"
WORK="$(mktemp -d)"; echo "work: $WORK"
trap 'kill "$SERVER" 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT

(cd fixtures && "$BIN" check demo --trust trust --no-cache "${NO_OCR[@]}" --format json --output "$WORK/expected.json") || [ $? -eq 1 ]

"$BIN" serve --listen 127.0.0.1:0 --data "$WORK/data" --trust fixtures/trust --max-checks "$MAX_CHECKS" "${NO_OCR[@]}" \
  >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER=$!
for _ in $(seq 50); do [ -s "$WORK/server.out" ] && break; sleep 0.1; done
URL="$(head -1 "$WORK/server.out")"

# One upload: every file of the demo as a part named demo/…, as a browser sends a dropped folder.
upload_one() {
  local i="$1" args=() file id state
  while IFS= read -r file; do args+=(-F "file=@fixtures/$file;filename=$file"); done \
    < <(cd fixtures && find demo -type f | sort)
  id="$(curl -sf "${args[@]}" "$URL/api/check" | sed -E 's/.*"id":"([0-9a-f]+)".*/\1/')"
  for _ in $(seq 1200); do
    state="$(curl -sf "$URL/api/check/$id" | sed -E 's/.*"state":"([a-z]+)".*/\1/')"
    [ "$state" = done ] || [ "$state" = failed ] && break
    sleep 0.5
  done
  curl -sf "$URL/api/check/$id/report.json" -o "$WORK/report-$i.json" || true
  if cmp -s "$WORK/report-$i.json" "$WORK/expected.json"; then echo "$i same"; else echo "$i DIFFERENT ($state)"; fi
}
export -f upload_one
export URL WORK

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
START=$(date +%s.%N)
seq "$N" | xargs -P "$N" -I{} bash -c 'upload_one {}' >"$WORK/results.txt"
END=$(date +%s.%N)
SAME=$(grep -c ' same$' "$WORK/results.txt" || true)
SERVER_HWM=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER/status")
WORKER_HWM=$(curl -sf "$URL/api/checks" | grep -o '"peak_rss_kib":[0-9]*' | cut -d: -f2 | sort -n | tail -1)
SECONDS_TAKEN=$(echo "$END - $START" | bc)
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
OCR_FILES=$({ grep -Eo '"text_source": ?"ocr"' "$WORK/expected.json" || true; } | wc -l)

cat >bench/results/serve_load.md <<REPORT
# kiemchung serve: $N concurrent uploads of the demo (bench/serve_load.sh)

$(date -u +%Y-%m-%d), $(nproc) cores, --max-checks $MAX_CHECKS, OCR $([ ${#NO_OCR[@]} -eq 0 ] && echo on || echo "off (--no-ocr on both sides)"),
load average (1, 5, 15 min) $LOAD_BEFORE before and $LOAD_AFTER after.

| what | value |
|---|---|
| uploads | $N (15 files, 1.1 MiB each, from parallel curl processes) |
| reports byte-identical to \`check demo --trust trust --format json\` | $SAME / $N |
| files whose text came from OCR, in that report | $OCR_FILES |
| wall time, first upload to last report | ${SECONDS_TAKEN} s |
| server peak RSS (VmHWM) | $((SERVER_HWM / 1024)) MiB (limit $LIMIT_MIB MiB) |
| largest check process peak RSS | $((${WORKER_HWM:-0} / 1024)) MiB |
REPORT
cat bench/results/serve_load.md
[ "$SAME" -eq "$N" ] || { echo "serve_load: $((N - SAME)) reports differ" >&2; cat "$WORK/results.txt" >&2; exit 1; }
[ "$((SERVER_HWM / 1024))" -le "$LIMIT_MIB" ] || { echo "serve_load: server peak RSS over $LIMIT_MIB MiB" >&2; exit 1; }
