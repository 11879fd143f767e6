#!/usr/bin/env bash
# National scale in one pass (issue 16, item 4): the 20-unit corpus (gen_corpus.py --units 20 --seed 3)
# copied as hard links until the tree holds ~2,000 and then ~200,000 files (the whole country after the
# 2025 reform is ~160,000), each checked once with --jobs 2 --no-cache --no-ocr under /usr/bin/time:
# peak RSS and files/s side by side, and the 200,000-file goal (< 512 MiB, files/s within 15% of the
# 2,000-file run). Also: the 2,000-file report is byte-identical with --jobs 1 and 2.
# Usage: bash bench/national.sh   (env: FILES_SMALL, FILES_LARGE, SKIP_BUILD, KIEMCHUNG, GEN, PYTHON)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

FILES_SMALL=${FILES_SMALL:-2000}
FILES_LARGE=${FILES_LARGE:-200000}
SKIP_BUILD=${SKIP_BUILD:-0}
KIEMCHUNG=${KIEMCHUNG:-target/release/kiemchung}
GEN=${GEN:-$ROOT/../shared/tools/gen_corpus.py}
PYTHON=${PYTHON:-python3}
BENCH_DIR=target/bench
CORPUS=$BENCH_DIR/c20-seed3            # shared with signatures.sh
RESULTS=bench/results

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'national.sh: %s\n' "$*" >&2; exit 1; }

missing=()
[[ -x /usr/bin/time ]] || missing+=("/usr/bin/time (peak memory)   apt-get update && apt-get install -y time")
command -v "$PYTHON" >/dev/null || missing+=("python3   apt-get install -y python3")
if [[ ! -f $CORPUS/labels.json ]]; then
    [[ -f $GEN ]] || missing+=("gen_corpus.py   expected at $GEN (the shared/ folder beside the repo), or set GEN=")
    "$PYTHON" -c 'import reportlab, openpyxl, docx, cryptography, PIL, pyhanko' 2>/dev/null \
        || missing+=("generator packages   pip install pyhanko==0.38.0 pyhanko-certvalidator reportlab openpyxl python-docx cryptography pillow")
fi
if ((${#missing[@]})); then
    printf 'national.sh: missing prerequisites; install them and run again:\n' >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
fi

if [[ $SKIP_BUILD != 1 ]]; then
    say "cargo build --release"
    cargo build --release
fi
[[ -x $KIEMCHUNG ]] || die "no kiemchung binary at $KIEMCHUNG"

mkdir -p "$BENCH_DIR" "$RESULTS"
if [[ ! -f $CORPUS/labels.json ]]; then
    say "generating the corpus: gen_corpus.py --units 20 --seed 3 (about a minute)"
    rm -rf "$CORPUS" "$CORPUS.partial"
    "$PYTHON" "$GEN" --out "$CORPUS.partial" --units 20 --seed 3
    mv "$CORPUS.partial" "$CORPUS"
fi
UNITS=$(find "$CORPUS" -mindepth 1 -maxdepth 1 -type d -not -name trust | LC_ALL=C sort)
PER_COPY=$(for u in $UNITS; do find "$u" -type f; done | wc -l)
((PER_COPY > 0)) || die "no unit folder in $CORPUS"

# national DIR FILES: hard-linked copies of the corpus's units (copy-0001/<unit>, …) until DIR
# holds at least FILES files; made once.
national() {
    local dir=$1 files=$2 copies
    copies=$(( (files + PER_COPY - 1) / PER_COPY ))
    if [[ -f $dir/.copies && $(cat "$dir/.copies") == "$copies" ]]; then return; fi
    say "linking $copies copies of $PER_COPY files into $dir"
    rm -rf "$dir"; mkdir -p "$dir"
    for ((i = 1; i <= copies; i++)); do
        local copy; copy=$(printf '%s/tinh-%04d' "$dir" "$i")
        mkdir -p "$copy"
        for u in $UNITS; do cp -al "$u" "$copy/"; done
    done
    echo "$copies" > "$dir/.copies"
}
SMALL=$BENCH_DIR/national-small
LARGE=$BENCH_DIR/national-large
national "$SMALL" "$FILES_SMALL"
national "$LARGE" "$FILES_LARGE"

# run NAME DIR JOBS REPORT: one check under /usr/bin/time; prints "files seconds peak_kib"
run() {
    local name=$1 dir=$2 jobs=$3 report=$4 rc
    say "$name: kiemchung check $dir --jobs $jobs"
    set +e
    /usr/bin/time -f '%e %M' -o "$BENCH_DIR/$name.time" "$KIEMCHUNG" check "$dir" --jobs "$jobs" --no-cache --no-ocr \
        --format json --output "$report" 2> "$BENCH_DIR/$name.stderr"
    rc=$?
    set -e
    ((rc == 0 || rc == 1)) || { cat "$BENCH_DIR/$name.stderr" >&2; die "$name: exit $rc"; }
    local files
    files=$("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1], encoding="utf-8"))["files"]))' "$report")
    echo "$files $(tail -n 1 "$BENCH_DIR/$name.time")"
}
read -r small_files small_s small_kib < <(run small "$SMALL" 2 "$BENCH_DIR/national-small.json")
read -r _ _ _ < <(run small-j1 "$SMALL" 1 "$BENCH_DIR/national-small-j1.json")
cmp -s "$BENCH_DIR/national-small.json" "$BENCH_DIR/national-small-j1.json" && identical=yes || identical=NO
read -r large_files large_s large_kib < <(run large "$LARGE" 2 "$BENCH_DIR/national-large.json")

"$PYTHON" - "$small_files" "$small_s" "$small_kib" "$large_files" "$large_s" "$large_kib" "$identical" "$RESULTS" <<'PY'
import json, sys
sf, ss, sk, lf, ls, lk, identical, out = sys.argv[1:]
sf, lf = int(sf), int(lf)
ss, ls, sk, lk = float(ss), float(ls), int(sk), int(lk)
small_rate, large_rate = sf / ss, lf / ls
ratio = large_rate / small_rate
rows = [
    ("small", sf, ss, small_rate, sk / 1024),
    ("large", lf, ls, large_rate, lk / 1024),
]
lines = ["| run | files | seconds | files/s | peak RSS (MiB) |", "|---|---:|---:|---:|---:|"]
lines += [f"| {n} | {f:,} | {s:.1f} | {r:,.0f} | {m:.0f} |" for n, f, s, r, m in rows]
memory_ok = lk / 1024 < 512
speed_ok = ratio >= 0.85
lines += [
    "",
    f"- 200,000-file goal: peak RSS {lk/1024:.0f} MiB {'<' if memory_ok else '>='} 512 MiB: {'met' if memory_ok else 'NOT met'}",
    f"- files/s at scale / small: {ratio:.2f} (goal >= 0.85): {'met' if speed_ok else 'NOT met'}",
    f"- small report byte-identical with --jobs 1 and 2: {identical}",
]
text = "\n".join(lines) + "\n"
print(text)
open(f"{out}/national.md", "w").write("# National scale (bench/national.sh)\n\n" + text)
json.dump({"small": dict(zip(["files", "seconds", "files_per_s", "peak_mib"], rows[0][1:])),
           "large": dict(zip(["files", "seconds", "files_per_s", "peak_mib"], rows[1][1:])),
           "identical_jobs_1_2": identical == "yes"}, open(f"{out}/national.json", "w"), indent=2)
PY
[[ $identical == yes ]] || die "the report differs between --jobs 1 and 2"
