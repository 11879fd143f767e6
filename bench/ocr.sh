#!/usr/bin/env bash
# OCR time, reported on its own (the province benchmark runs with --no-ocr): the scanned evidence of
# a generated corpus (its manifest lists each scan and its pages), checked by kiemchung with OCR and
# without, beside the floor of running the same programs by hand (pdftoppm at 300 dpi + tesseract
# -l vie, one page after the other). Prints seconds per scanned page and how many numbers and dates
# OCR read right. Usage: bash bench/ocr.sh   (env: UNITS, SEED, KIEMCHUNG, SKIP_BUILD)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
UNITS=${UNITS:-20}
SEED=${SEED:-3}
KIEMCHUNG=${KIEMCHUNG:-target/release/kiemchung}
CORPUS=target/bench/c${UNITS}-seed${SEED}
WORK=target/bench/ocr
for tool in tesseract pdftoppm python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y tesseract-ocr tesseract-ocr-vie poppler-utils)"; exit 2; }
done
[[ "${SKIP_BUILD:-0}" == 1 ]] || cargo build --release --quiet
[[ -f "$CORPUS/labels.json" ]] || python3 ../shared/tools/gen_corpus.py --out "$CORPUS" --units "$UNITS" --seed "$SEED" --jobs 2 >/dev/null
rm -rf "$WORK" && mkdir -p "$WORK/scans"
# The scans, copied with their unit and path kept apart.
python3 - "$CORPUS" "$WORK/scans" > "$WORK/list.tsv" <<'PY'
import json, os, shutil, sys
corpus, out = sys.argv[1:]
for i, f in enumerate(x for x in json.load(open(os.path.join(corpus, "manifest.json")))["file_facts"] if x.get("format") == "scan"):
    target = os.path.join(out, f"scan-{i:03d}.pdf")
    shutil.copy(os.path.join(corpus, f["unit"], f["file"]), target)
    print(f"{target}\t{f['pages']}\t{f['number']}\t{f['date']}")
PY
scans=$(wc -l < "$WORK/list.tsv")
pages=$(awk -F'\t' '{s += $2} END {print s}' "$WORK/list.tsv")
(( scans > 0 )) || { echo "no scan in $CORPUS"; exit 2; }
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
with=$(secs "$KIEMCHUNG" check "$WORK/scans" --no-cache --jobs 2 --format json --output "$WORK/with.json")
without=$(secs "$KIEMCHUNG" check "$WORK/scans" --no-cache --no-ocr --jobs 2 --format json --output "$WORK/without.json")
floor_start=$(date +%s.%N)
while IFS=$'\t' read -r pdf n _ _; do
  for ((p = 1; p <= (n < 4 ? n : 4); p++)); do
    pdftoppm -r 300 -gray -png -singlefile -f "$p" -l "$p" "$pdf" "$WORK/page" && tesseract "$WORK/page.png" stdout -l vie --psm 3 >/dev/null 2>&1
  done
done < "$WORK/list.tsv"
floor=$(echo "$(date +%s.%N) - $floor_start" | bc)
right=$(python3 - "$WORK/list.tsv" "$WORK/with.json" <<'PY'
import json, os, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
files = {os.path.basename(f["path"]): f for f in json.load(open(sys.argv[2]))["files"]}
got = [files[os.path.basename(p)] for p, *_ in rows]
print(sum(g["number"] == r[2] for g, r in zip(got, rows)), sum(g["date"] == r[3] for g, r in zip(got, rows)))
PY
)
printf '%s scans, %s pages (OCR reads at most 4 a file)\n' "$scans" "$pages"
printf 'kiemchung with OCR (--jobs 2): %.1f s, %.2f s per page; numbers, dates right: %s of %s\n' "$with" "$(echo "$with / $pages" | bc -l)" "$right" "$scans"
printf 'kiemchung --no-ocr:            %.2f s\n' "$without"
printf 'pdftoppm + tesseract by hand, one page at a time: %.1f s, %.2f s per page\n' "$floor" "$(echo "$floor / $pages" | bc -l)"
