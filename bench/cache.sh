#!/usr/bin/env bash
# The facts cache: a first run (empty cache) against a second run (warm cache) and an uncached run,
# on the 20-unit corpus (gen_corpus.py --units 20 --seed 3), side by side in one hyperfine run; the
# three reports must be byte-identical. Usage: bash bench/cache.sh   (env: RUNS, JOBS, SKIP_BUILD, KIEMCHUNG)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

RUNS=${RUNS:-5}
JOBS=${JOBS:-2}
SKIP_BUILD=${SKIP_BUILD:-0}
KIEMCHUNG=${KIEMCHUNG:-target/release/kiemchung}
GEN=${GEN:-$ROOT/../shared/tools/gen_corpus.py}
PYTHON=${PYTHON:-python3}
BENCH_DIR=target/bench
CORPUS=$BENCH_DIR/c20-seed3
CACHE=$BENCH_DIR/cache-bench
RESULTS=bench/results

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'cache.sh: %s\n' "$*" >&2; exit 1; }

command -v hyperfine >/dev/null || die "hyperfine is missing: apt-get install -y hyperfine"
if [[ $SKIP_BUILD != 1 ]]; then
    say "cargo build --release"
    cargo build --release
fi
[[ -x $KIEMCHUNG ]] || die "no kiemchung binary at $KIEMCHUNG"
mkdir -p "$BENCH_DIR" "$RESULTS"
if [[ ! -f $CORPUS/labels.json ]]; then
    [[ -f $GEN ]] || die "gen_corpus.py expected at $GEN (set GEN=)"
    say "generating the corpus: gen_corpus.py --units 20 --seed 3"
    rm -rf "$CORPUS.partial"
    "$PYTHON" "$GEN" --out "$CORPUS.partial" --units 20 --seed 3
    mv "$CORPUS.partial" "$CORPUS"
fi

q() { printf '%q' "$1"; }
run() { # run OUTPUT EXTRA-ARGS...: one check, exit 1 (findings) accepted
    local out=$1; shift
    set +e; "$KIEMCHUNG" check "$CORPUS" --trust "$CORPUS/trust" --jobs "$JOBS" --no-ocr --format json --output "$out" "$@"; local rc=$?; set -e
    ((rc == 0 || rc == 1)) || die "kiemchung exited $rc"
}

say "byte-identical output: uncached, first cached, second cached"
rm -rf "$CACHE"
run "$BENCH_DIR/cache-none.json" --no-cache
run "$BENCH_DIR/cache-first.json" --cache "$CACHE"
run "$BENCH_DIR/cache-second.json" --cache "$CACHE"
cmp "$BENCH_DIR/cache-none.json" "$BENCH_DIR/cache-first.json" || die "first cached run differs from the uncached one"
cmp "$BENCH_DIR/cache-none.json" "$BENCH_DIR/cache-second.json" || die "second cached run differs from the uncached one"
files=$("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["files"]))' "$BENCH_DIR/cache-none.json")
say "identical: $files files"

base="$(q "$KIEMCHUNG") check $(q "$CORPUS") --trust $(q "$CORPUS/trust") --jobs $JOBS --format json --output /dev/null"
# One --prepare per command (a single one would apply to all): only the first run starts empty;
# the second one's cache is filled before each of its runs.
hyperfine --shell=bash --warmup 1 --runs "$RUNS" \
    --prepare "rm -rf $(q "$CACHE")" --command-name "kiemchung, first run (empty cache)" "$base --cache $(q "$CACHE") || test \$? -eq 1" \
    --prepare "test -f $(q "$CACHE")/facts.redb" --command-name "kiemchung, second run (warm cache)" "$base --cache $(q "$CACHE") || test \$? -eq 1" \
    --prepare "true" --command-name "kiemchung --no-cache" "$base --no-cache || test \$? -eq 1" \
    --export-markdown "$RESULTS/cache-hyperfine.md" --export-json "$RESULTS/cache.json"

"$PYTHON" - "$RESULTS/cache.json" "$files" <<'PY' | tee "$RESULTS/cache.md"
import json, sys
results = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
first = results["kiemchung, first run (empty cache)"]
second = results["kiemchung, second run (warm cache)"]
none = results["kiemchung --no-cache"]
print(f"| run ({sys.argv[2]} files, c20 seed 3) | mean | vs first |")
print("|---|---:|---:|")
print(f"| first run, empty cache | {first:.3f} s | 1× |")
print(f"| second run, warm cache | {second:.3f} s | {first / second:.1f}× faster |")
print(f"| --no-cache | {none:.3f} s | {first / none:.2f}× |")
PY
