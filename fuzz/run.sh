#!/usr/bin/env bash
# Runs the fuzz targets (cargo-fuzz, libFuzzer) one after the other, each from a seed corpus made
# of the project's fixtures (and ../shared/corpus when present).
#
#   fuzz/run.sh                         every target to 10 million executions
#   fuzz/run.sh --runs 20000 cms        one target, a short run
#   fuzz/run.sh --seconds 30            every target for 30 s (the CI smoke)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); the stable toolchain is enough: libFuzzer's
# instrumentation flags are unlocked with RUSTC_BOOTSTRAP=1. Built without a sanitizer: the
# project's code is safe Rust, a panic, an out-of-memory or a timeout is what we hunt, and the
# executions go about twice as fast. Compare tracing is off too (`--no-trace-compares`): it cost
# 70% of every execution here, and the seeds (real documents) and fuzz/pdf.dict already carry the
# keywords it would discover. A crash leaves its input in fuzz/artifacts/TARGET/ and this
# script exits 1; replay it with `cargo fuzz run -s none TARGET fuzz/artifacts/TARGET/crash-…`.
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTC_BOOTSTRAP=1

runs=10000000
seconds=0
targets=()
while (($#)); do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --seconds) seconds="$2"; runs=0; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        -*) echo "fuzz/run.sh: unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
((${#targets[@]})) || targets=(text_parsers cms workbook pdf_facts fallback)

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz/run.sh: cargo-fuzz is missing: cargo install cargo-fuzz" >&2
    exit 2
fi

shared=../shared/corpus
[ -d "$shared" ] || shared=
python3 fuzz/seeds.py --out fuzz/corpus ${shared:+--shared "$shared"}
cargo fuzz build -O -s none --no-trace-compares

mkdir -p fuzz/logs
status=0
for target in "${targets[@]}"; do
    case "$target" in
        pdf_facts | fallback) max_len=32768; extra=(-dict=fuzz/pdf.dict) ;;
        workbook) max_len=65536; extra=() ;;
        cms) max_len=16384; extra=() ;;
        *) max_len=4096; extra=() ;;
    esac
    limit=(-runs="$runs")
    ((seconds > 0)) && limit=(-max_total_time="$seconds")
    log="fuzz/logs/$target.log"
    started=$(date +%s)
    if cargo fuzz run -O -s none --no-trace-compares "$target" "fuzz/corpus/$target" -- \
        "${limit[@]}" "${extra[@]}" -max_len="$max_len" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$log" 2>&1; then
        verdict=ok
    else
        verdict="CRASH (see $log and fuzz/artifacts/$target/)"
        status=1
    fi
    executions=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
    printf '%-13s %12s executions in %6ss  %s\n' "$target" "${executions:-?}" "$(($(date +%s) - started))" "$verdict"
done
exit $status
