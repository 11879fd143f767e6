#!/usr/bin/env bash
# A whole province: kiemchung's full check of the 50-unit corpus (gen_corpus.py --units 50 --seed 11)
# against the peers (pdfsig + pdftotext per PDF, pyHanko's validation loop) and the floor
# (sha256sum over every file), side by side in one hyperfine run; growth 10 -> 50 units; peak memory
# with --jobs 2 and 8; byte-identical reports with --jobs 1, 2, 8; the malformed peer corpus one file
# at a time and all together. Issue 7, item 4. See bench/README.md.
# Usage: bash bench/province.sh   (env knobs: RUNS, JOBS, SKIP_BUILD, KIEMCHUNG, GEN, PYTHON, MALFORMED)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

RUNS=${RUNS:-3}                    # hyperfine runs per command (after 1 warm-up run)
JOBS=${JOBS:-2}                    # kiemchung --jobs in the timed runs
SKIP_BUILD=${SKIP_BUILD:-0}        # 1: use the binary as it is
KIEMCHUNG=${KIEMCHUNG:-target/release/kiemchung}
GEN=${GEN:-$ROOT/../shared/tools/gen_corpus.py}
PYTHON=${PYTHON:-python3}
MALFORMED=${MALFORMED:-$ROOT/../shared/corpus/peer/malformed}   # the peer corpus's malformed PDFs
PY_SEPARATE_S=${PY_SEPARATE_S:-180}  # pyHanko slower than this (s) per run: timed apart, --runs 1
SEED=11
BENCH_DIR=target/bench
CORPUS=$BENCH_DIR/p50-seed11                  # the province: 50 units
CORPUS10=$BENCH_DIR/p10-seed11                # 10 units, same seed: the growth check
LIST_ALL=$BENCH_DIR/p50-seed11.files.txt      # every file of the units, one a line (made once)
LIST_PDF=$BENCH_DIR/p50-seed11.pdfs.txt       # the PDFs among them
NSSDB=$BENCH_DIR/p50-seed11.nssdb             # NSS database holding the corpus anchors, for pdfsig
TMP_REPORT=$BENCH_DIR/province-tmp.json       # where the timed kiemchung runs write their report
RESULTS=bench/results

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'province.sh: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- prerequisites
missing=()
command -v hyperfine >/dev/null || missing+=("hyperfine            apt-get update && apt-get install -y hyperfine   (or: cargo install hyperfine)")
command -v pdfsig >/dev/null && command -v pdftotext >/dev/null \
    || missing+=("pdfsig, pdftotext    apt-get update && apt-get install -y poppler-utils")
command -v certutil >/dev/null || missing+=("certutil (for pdfsig's trust anchors)   apt-get update && apt-get install -y libnss3-tools")
command -v sha256sum >/dev/null || missing+=("sha256sum            apt-get install -y coreutils")
[[ -x /usr/bin/time ]] || missing+=("/usr/bin/time (peak memory)   apt-get update && apt-get install -y time")
command -v timeout >/dev/null || missing+=("timeout              apt-get install -y coreutils")
command -v "$PYTHON" >/dev/null || missing+=("python3              apt-get install -y python3 python3-pip")
if command -v "$PYTHON" >/dev/null && ! "$PYTHON" -c 'import pyhanko.sign.validation, pyhanko_certvalidator' 2>/dev/null; then
    missing+=("pyhanko              pip install pyhanko==0.38.0 pyhanko-certvalidator")
fi
if [[ $SKIP_BUILD != 1 ]] && ! command -v cargo >/dev/null; then
    missing+=("cargo                a Rust toolchain (1.85+), e.g. from rustup; or SKIP_BUILD=1 KIEMCHUNG=/path/to/kiemchung")
fi
if [[ ! -f $CORPUS/labels.json || ! -f $CORPUS10/labels.json ]]; then   # only needed to generate
    [[ -f $GEN ]] || missing+=("gen_corpus.py        expected at $GEN (the shared/ folder beside the repo), or set GEN=")
    if command -v "$PYTHON" >/dev/null && ! "$PYTHON" -c 'import reportlab, openpyxl, docx, cryptography, PIL' 2>/dev/null; then
        missing+=("generator packages   pip install pyhanko==0.38.0 pyhanko-certvalidator reportlab openpyxl python-docx cryptography pillow")
    fi
    if [[ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ]]; then
        missing+=("DejaVu fonts         apt-get install -y fonts-dejavu-core fonts-dejavu-extra")
    fi
fi
compgen -G "$MALFORMED/*.pdf" >/dev/null \
    || missing+=("malformed PDFs       expected in $MALFORMED (shared/corpus/peer/malformed beside the repo), or set MALFORMED=")
if ((${#missing[@]})); then
    printf 'province.sh: missing prerequisites; install them and run again:\n' >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
fi
MALFORMED=$(cd "$MALFORMED" && pwd)

# ---------------------------------------------------------------- build
if [[ $SKIP_BUILD != 1 ]]; then
    say "cargo build --release"
    cargo build --release
fi
[[ -x $KIEMCHUNG ]] || die "no kiemchung binary at $KIEMCHUNG"
KC_VERSION=$("$KIEMCHUNG" --version 2>/dev/null || echo '?')

# ---------------------------------------------------------------- corpora
mkdir -p "$BENCH_DIR" "$RESULTS"
gen() { # gen DIR UNITS: generate once (into DIR.partial, then renamed)
    local dir=$1 units=$2
    if [[ -f $dir/labels.json ]]; then
        say "corpus: $dir (exists, not regenerated)"
        return
    fi
    say "generating the corpus: gen_corpus.py --units $units --seed $SEED (about $((units * 23 / 10)) s on 2 cores)"
    rm -rf "$dir" "$dir.partial"
    "$PYTHON" "$GEN" --out "$dir.partial" --units "$units" --seed "$SEED"
    mv "$dir.partial" "$dir"
}
gen "$CORPUS" 50
gen "$CORPUS10" 10
ls "$CORPUS"/trust/*.pem >/dev/null 2>&1 || die "no trust anchors in $CORPUS/trust"
TRUST=$CORPUS/trust

# Every file of the units (everything below the unit folders: workbooks, evidence, the units'
# labels.json), not the corpus's own catalog/labels/manifest/README nor trust/; and the PDFs.
if [[ ! -s $LIST_ALL || ! -s $LIST_PDF || $CORPUS/labels.json -nt $LIST_ALL ]]; then
    find "$CORPUS" -mindepth 2 -type f -not -path "$CORPUS/trust/*" | LC_ALL=C sort > "$LIST_ALL.tmp"
    grep -i '\.pdf$' "$LIST_ALL.tmp" > "$LIST_PDF.tmp" || true
    mv "$LIST_ALL.tmp" "$LIST_ALL"; mv "$LIST_PDF.tmp" "$LIST_PDF"
fi
N_ALL=$(wc -l < "$LIST_ALL")
N_PDF=$(wc -l < "$LIST_PDF")
MB_ALL=$(tr '\n' '\0' < "$LIST_ALL" | du -cb --files0-from=- | tail -n 1 | awk '{printf "%.1f", $1 / 1e6}')
((N_PDF > 0)) || die "no PDF in $CORPUS"
say "province: $N_ALL files ($MB_ALL MB), $N_PDF PDFs -> $LIST_ALL, $LIST_PDF"

# NSS database with the corpus anchors, so pdfsig validates chains against the same trust anchors.
if [[ ! -f $NSSDB/cert9.db ]]; then
    rm -rf "$NSSDB"; mkdir -p "$NSSDB"
    certutil -N -d "sql:$NSSDB" --empty-password
    for pem in "$TRUST"/*.pem; do
        certutil -A -d "sql:$NSSDB" -n "$(basename "$pem" .pem)" -t "CT,C,C" -i "$pem"
    done
fi

# ---------------------------------------------------------------- checked runs (outside hyperfine)
count_files() { "$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1], encoding="utf-8"))["files"]))' "$1"; }
kc_run() { # kc_run REPORT JOBS CORPUS [MEMFILE]: one full check, report to a file; exit 1 (findings) accepted
    local out=$1 jobs=$2 corpus=$3 mem=${4:-/dev/null} rc
    set +e
    /usr/bin/time -f %M -o "$mem" "$KIEMCHUNG" check "$corpus" --trust "$corpus/trust" --jobs "$jobs" --no-ocr \
        --no-cache --format json --output "$out"
    rc=$?
    set -e
    ((rc == 0 || rc == 1)) || die "kiemchung check $corpus --jobs $jobs exited $rc"
}

say "kiemchung --jobs 1, 2, 8 on the province: peak memory and byte-identical reports"
declare -A RSS_KIB
for j in 1 2 8; do
    kc_run "$BENCH_DIR/province-jobs$j.json" "$j" "$CORPUS" "$BENCH_DIR/province-jobs$j.rss"
    RSS_KIB[$j]=$(tail -n 1 "$BENCH_DIR/province-jobs$j.rss")
    echo "--jobs $j: peak RSS ${RSS_KIB[$j]} KiB" >&2
done
IDENTICAL=yes
for j in 2 8; do
    cmp -s "$BENCH_DIR/province-jobs1.json" "$BENCH_DIR/province-jobs$j.json" || IDENTICAL=no
done
KC_FILES=$(count_files "$BENCH_DIR/province-jobs1.json")
say "reports --jobs 1/2/8 identical: $IDENTICAL; kiemchung reports $KC_FILES files"
((KC_FILES >= N_ALL)) || die "kiemchung's report lists $KC_FILES files, the province has $N_ALL"
kc_run "$BENCH_DIR/province-p10.json" "$JOBS" "$CORPUS10"
KC_FILES10=$(count_files "$BENCH_DIR/province-p10.json")

say "one checked run of pyHanko (timed: decides whether it joins the main hyperfine run)"
t0=$EPOCHREALTIME
PY_COUNTS=$("$PYTHON" bench/pyhanko_validate.py "$LIST_PDF" "$TRUST" 2>"$BENCH_DIR/province-pyhanko-stderr.log")
PY_ONCE=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
echo "pyHanko:   $PY_COUNTS   (${PY_ONCE} s; warnings: $BENCH_DIR/province-pyhanko-stderr.log)" >&2
py_files=$(sed -n 's/^files=\([0-9]*\).*/\1/p' <<<"$PY_COUNTS")
[[ $py_files == "$N_PDF" ]] || die "pyHanko read $py_files files, expected $N_PDF"

say "one checked run of pdfsig + pdftotext"
ps_sigfiles=0 ps_sigs=0 pt_ok=0
while IFS= read -r f; do
    out=$(pdfsig -nssdir "sql:$NSSDB" "$f" 2>/dev/null || true)
    n=$(grep -c '^Signature #' <<<"$out" || true)
    ((n > 0)) && ps_sigfiles=$((ps_sigfiles + 1))
    ps_sigs=$((ps_sigs + n))
    pdftotext -l 1 "$f" - >/dev/null 2>&1 && pt_ok=$((pt_ok + 1))
done < "$LIST_PDF"
PS_COUNTS="files=$N_PDF pdfsig_files_with_signatures=$ps_sigfiles pdfsig_signatures=$ps_sigs pdftotext_ok=$pt_ok"
echo "pdfsig+pdftotext: $PS_COUNTS" >&2

# ---------------------------------------------------------------- hyperfine
# How busy the machine is without us: CPU use over 2 s of doing nothing (other sessions, builds…).
busy_pct() {
    local a b a1 a2 a3 a4 a5 b1 b2 b3 b4 b5
    read -r _ a1 a2 a3 a4 a5 _ < /proc/stat; sleep 2; read -r _ b1 b2 b3 b4 b5 _ < /proc/stat
    a=$(( (b1 + b2 + b3 + b4 + b5) - (a1 + a2 + a3 + a4 + a5) )); b=$(( (b4 + b5) - (a4 + a5) ))
    echo $(( a > 0 ? 100 * (a - b) / a : 0 ))
}
# Run by hyperfine with --shell=bash; the file lists are read at run time (mapfile, while-read), so
# the command lines stay short whatever the number of files.
q() { printf '%q' "$1"; }
kc_cmd() { # kc_cmd CORPUS: the whole check; exit 1 means "findings" and is fine, 2 or a crash fails
    echo "$(q "$KIEMCHUNG") check $(q "$1") --trust $(q "$1/trust") --jobs $JOBS --no-cache --no-ocr --format json --output $(q "$TMP_REPORT") || test \$? -eq 1"
}
CMD_KC=$(kc_cmd "$CORPUS")
CMD_PS="while IFS= read -r f; do pdfsig -nssdir sql:$(q "$NSSDB") \"\$f\" >/dev/null 2>&1 || true; pdftotext -l 1 \"\$f\" - >/dev/null 2>&1 || true; done < $(q "$LIST_PDF")"
CMD_PY="$(q "$PYTHON") bench/pyhanko_validate.py $(q "$LIST_PDF") $(q "$TRUST") >/dev/null 2>&1"
CMD_SHA="mapfile -t f < $(q "$LIST_ALL"); sha256sum \"\${f[@]}\" >/dev/null"

PY_APART=0
if awk -v t="$PY_ONCE" -v m="$PY_SEPARATE_S" 'BEGIN { exit !(t > m) }'; then PY_APART=1; fi

BUSY_BEFORE=$(busy_pct)
if ((BUSY_BEFORE > 10)); then
    say "warning: the machine is already ${BUSY_BEFORE}% busy before timing (other processes): the numbers will be noisy"
fi
main=(-n kiemchung "$CMD_KC" -n "pdfsig+pdftotext" "$CMD_PS")
((PY_APART)) || main+=(-n pyhanko "$CMD_PY")
main+=(-n sha256sum "$CMD_SHA")
say "hyperfine: --warmup 1 --runs $RUNS$( ((PY_APART)) && echo ", pyHanko apart")"
hyperfine --shell=bash --warmup 1 --runs "$RUNS" --style basic \
    --export-json "$RESULTS/province.json" --export-markdown "$RESULTS/province-hyperfine.md" "${main[@]}"
rm -f "$RESULTS/province-pyhanko.json" "$RESULTS/province-pyhanko-hyperfine.md"
if ((PY_APART)); then
    say "pyHanko took ${PY_ONCE} s (over ${PY_SEPARATE_S} s): timed apart, hyperfine --runs 1, no warm-up"
    hyperfine --shell=bash --runs 1 --style basic \
        --export-json "$RESULTS/province-pyhanko.json" --export-markdown "$RESULTS/province-pyhanko-hyperfine.md" \
        -n pyhanko "$CMD_PY"
fi

say "growth: kiemchung on 10 units against 50 units (hyperfine --warmup 1 --runs $RUNS)"
hyperfine --shell=bash --warmup 1 --runs "$RUNS" --style basic \
    --export-json "$RESULTS/province-scale.json" --export-markdown "$RESULTS/province-scale-hyperfine.md" \
    -n "kiemchung p10" "$(kc_cmd "$CORPUS10")" -n "kiemchung p50" "$CMD_KC"
BUSY_AFTER=$(busy_pct)
rm -f "$TMP_REPORT"

# ---------------------------------------------------------------- malformed corpus
say "malformed corpus: each file alone, then all together ($MALFORMED)"
MAL_OUT=$BENCH_DIR/province-malformed
rm -rf "$MAL_OUT"; mkdir -p "$MAL_OUT"
mapfile -t mal < <(compgen -G "$MALFORMED/*.pdf" | LC_ALL=C sort)
: > "$MAL_OUT/single.tsv"              # file, exit code, wall seconds
for f in "${mal[@]}"; do
    t0=$EPOCHREALTIME
    set +e
    timeout -k 5 60 "$KIEMCHUNG" check --no-cache --no-ocr --format json --output "$MAL_OUT/$(basename "$f" .pdf).json" "$f" \
        >/dev/null 2>>"$MAL_OUT/single-stderr.log"
    rc=$?
    set -e
    t1=$EPOCHREALTIME
    printf '%s\t%s\t%s\n' "$f" "$rc" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" >> "$MAL_OUT/single.tsv"
done
t0=$EPOCHREALTIME
set +e
timeout -k 5 600 "$KIEMCHUNG" check --no-cache --no-ocr --format json --output "$MAL_OUT/all.json" "${mal[@]}" \
    >/dev/null 2>"$MAL_OUT/all-stderr.log"
MAL_ALL_RC=$?
set -e
MAL_ALL_S=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')
echo "all together: exit $MAL_ALL_RC, $MAL_ALL_S s" >&2

# ---------------------------------------------------------------- summary
export RESULTS N_ALL N_PDF MB_ALL KC_FILES KC_FILES10 RUNS JOBS KC_VERSION PY_COUNTS PS_COUNTS PY_APART PY_ONCE \
    PY_SEPARATE_S IDENTICAL BUSY_BEFORE BUSY_AFTER MAL_OUT MAL_ALL_RC MAL_ALL_S MALFORMED CORPUS CORPUS10
export RSS1=${RSS_KIB[1]} RSS2=${RSS_KIB[2]} RSS8=${RSS_KIB[8]}

say "peak memory on the other corpora here (--jobs 8, the most threads)"
OTHER_RSS=""
for other in "$MALFORMED" "$MALFORMED/../signed" "$ROOT/../shared/corpus/synthetic-mini" "$ROOT/../shared/corpus/vn-real" \
    "$ROOT/fixtures"; do
    [[ -d $other ]] || continue
    other=$(cd "$other" && pwd)
    set +e
    /usr/bin/time -f %M -o "$BENCH_DIR/other.rss" "$KIEMCHUNG" check "$other" --jobs 8 --no-cache --no-ocr --format json \
        --output "$BENCH_DIR/other.json"
    rc=$?
    set -e
    ((rc == 0 || rc == 1)) || die "kiemchung check $other exited $rc"
    OTHER_RSS+="$other|$(count_files "$BENCH_DIR/other.json")|$(tail -n 1 "$BENCH_DIR/other.rss");"
done
export OTHER_RSS
MACHINE_NPROC="$(nproc)"
MACHINE_CPU="$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
MACHINE_RAM="$(free -g | awk '/^Mem:/ { print $2 }')"
MACHINE_KERNEL="$(uname -sr)"
export MACHINE_NPROC MACHINE_CPU MACHINE_RAM MACHINE_KERNEL
"$PYTHON" - <<'EOF'
import datetime, json, os
E = os.environ
R = E["RESULTS"]
res = {r["command"]: r for r in json.load(open(f"{R}/province.json"))["results"]}
if E["PY_APART"] == "1":
    res.update({r["command"]: r for r in json.load(open(f"{R}/province-pyhanko.json"))["results"]})
scale = {r["command"]: r for r in json.load(open(f"{R}/province-scale.json"))["results"]}
kc = res["kiemchung"]["mean"]
sha = res["sha256sum"]["mean"]
ps = res["pdfsig+pdftotext"]["mean"]
py = res["pyhanko"]["mean"]
mib = {j: int(E[f"RSS{j}"]) / 1024 for j in (1, 2, 8)}
others = [entry.split("|") for entry in E["OTHER_RSS"].split(";") if entry]
other_rss = "; ".join(f"`{os.path.relpath(path)}` {files} files {int(kib) / 1024:.0f} MiB" for path, files, kib in others)
yes = lambda ok: "**yes**" if ok else "**NO**"

def row(name, files, what):
    r = res[name]
    n = len(r["times"])
    return (f"| {name} | {what} | {files} | {r['mean']:.3f} | {r['stddev'] or 0:.3f} | {n} "
            f"| {files / r['mean']:.0f} | {r['mean'] / kc:.2f}× |")

times = ["| command | what | files | mean (s) | ± stddev (s) | runs | files/s | × kiemchung |",
         "|---|---|---:|---:|---:|---:|---:|---:|",
         row("kiemchung", int(E["KC_FILES"]), f"`check <province> --jobs {E['JOBS']} --no-cache`, the whole check"),
         row("pdfsig+pdftotext", int(E["N_PDF"]), "`pdfsig` + `pdftotext -l 1`, one process each per PDF"),
         row("pyhanko", int(E["N_PDF"]), "`bench/pyhanko_validate.py`, one process"),
         row("sha256sum", int(E["N_ALL"]), "`sha256sum` over every file (the floor)")]

r_floor, r_ps, r_py = kc / sha, ps / kc, py / kc
targets = ["| target | measured | goal | holds |", "|---|---:|---|---|",
           f"| kiemchung vs sha256sum floor | {r_floor:.2f}× | ≤ 5× | {yes(r_floor <= 5)} |",
           f"| pdfsig+pdftotext vs kiemchung | {r_ps:.2f}× | ≥ 3× | {yes(r_ps >= 3)} |",
           f"| pyHanko vs kiemchung | {r_py:.2f}× | ≥ 20× | {yes(r_py >= 20)} |",
           f"| peak memory (RSS), --jobs 2 | {mib[2]:.0f} MiB | < 512 MiB | {yes(mib[2] < 512)} |",
           f"| peak memory (RSS), --jobs 8 | {mib[8]:.0f} MiB | < 512 MiB | {yes(mib[8] < 512)} |",
           f"| reports of --jobs 1, 2, 8 byte-identical | {E['IDENTICAL']} | identical | {yes(E['IDENTICAL'] == 'yes')} |"]

s10, s50 = scale["kiemchung p10"], scale["kiemchung p50"]
f10, f50 = int(E["KC_FILES10"]), int(E["KC_FILES"])
growth = ["| corpus | files | mean (s) | ± stddev (s) | files/s | ms per file |", "|---|---:|---:|---:|---:|---:|",
          f"| 10 units (`{E['CORPUS10']}`) | {f10} | {s10['mean']:.3f} | {s10['stddev'] or 0:.3f} | {f10 / s10['mean']:.0f} | {1000 * s10['mean'] / f10:.2f} |",
          f"| 50 units (`{E['CORPUS']}`) | {f50} | {s50['mean']:.3f} | {s50['stddev'] or 0:.3f} | {f50 / s50['mean']:.0f} | {1000 * s50['mean'] / f50:.2f} |"]
g_files, g_time = f50 / f10, s50["mean"] / s10["mean"]

# Malformed corpus
single = [l.rstrip("\n").split("\t") for l in open(f"{E['MAL_OUT']}/single.tsv", encoding="utf-8") if l.strip()]
n_mal = len(single)
bad_single = [(os.path.basename(f), rc) for f, rc, _ in single if rc not in ("0", "1")]
slowest = max(single, key=lambda x: float(x[2]))
max_s, sum_s = float(slowest[2]), sum(float(x[2]) for x in single)
rc_all = E["MAL_ALL_RC"]
listed, statuses = set(), {}
try:
    rep = json.load(open(f"{E['MAL_OUT']}/all.json", encoding="utf-8"))
    for f in rep.get("files", []):
        listed.add(os.path.realpath(f["path"]))
        statuses[f.get("status")] = statuses.get(f.get("status"), 0) + 1
except (OSError, ValueError):
    rep = None
missing = sorted(os.path.basename(f) for f, _, _ in single if os.path.realpath(f) not in listed)
exits_ok = not bad_single and rc_all in ("0", "1")
mal = ["| measure | value | goal | holds |", "|---|---:|---|---|",
       f"| slowest single file (wall) | {max_s:.3f} s (`{os.path.basename(slowest[0])}`) | < 10 s | {yes(max_s < 10)} |",
       f"| all {n_mal} one at a time (sum of walls) | {sum_s:.2f} s | | |",
       f"| all {n_mal} together, one run (wall) | {float(E['MAL_ALL_S']):.3f} s | | |",
       f"| exit codes | one at a time: {n_mal - len(bad_single)}/{n_mal} in {{0, 1}}; together: {rc_all} | 0 or 1, never 2 or a signal | {yes(exits_ok)} |",
       f"| files listed in the together report | {n_mal - len(missing)}/{n_mal} | all | {yes(not missing and rep is not None)} |"]
mal_notes = []
if bad_single:
    mal_notes.append("- other exit codes (one at a time): " + ", ".join(f"`{n}`: {rc}" for n, rc in bad_single))
if missing:
    mal_notes.append("- missing from the together report: " + ", ".join(f"`{n}`" for n in missing))
if statuses:
    mal_notes.append("- statuses in the together report: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))))

checks = {"kiemchung within 5× the sha256sum floor": r_floor <= 5,
          "pdfsig+pdftotext ≥ 3× kiemchung": r_ps >= 3,
          "pyHanko ≥ 20× kiemchung": r_py >= 20,
          "peak memory < 512 MiB (--jobs 2 and 8)": mib[2] < 512 and mib[8] < 512,
          "peak memory < 512 MiB on the other corpora": all(int(kib) / 1024 < 512 for _, _, kib in others),
          "--jobs 1/2/8 reports byte-identical": E["IDENTICAL"] == "yes",
          "malformed: every file under 10 s": max_s < 10,
          "malformed: exit 0 or 1 only": exits_ok,
          "malformed: every file in the report": not missing and rep is not None}
misses = [k for k, ok in checks.items() if not ok]
py_note = (f"pyHanko took {E['PY_ONCE']} s in its checked run (over {E['PY_SEPARATE_S']} s), so it was timed apart "
           f"with `hyperfine --runs 1` (no warm-up) and is not in the main hyperfine run."
           if E["PY_APART"] == "1" else
           "All four commands in one hyperfine run.")
nl = "\n"
text = f"""# The 50-unit province against the peers

`gen_corpus.py --units 50 --seed 11` (`{E['CORPUS']}`): {E['N_ALL']} files of the units ({E['MB_ALL']} MB), {E['N_PDF']} of them PDFs.
hyperfine `--shell=bash`, 1 warm-up run + {E['RUNS']} run(s) each. {py_note}
Made by `bench/province.sh` (see bench/README.md); {E['KC_VERSION']}.

{nl.join(times)}

{nl.join(targets)}

- kiemchung: `kiemchung check {E['CORPUS']} --trust {E['CORPUS']}/trust --jobs {E['JOBS']} --no-cache --no-ocr --format json --output FILE`
  (exit 1 = findings is accepted); its report lists {E['KC_FILES']} files: every file of the corpus folder, the
  corpus's own catalog/labels/manifest/README and trust anchors included.
- pdfsig+pdftotext: for each PDF, `pdfsig -nssdir <NSS db with the corpus anchors> FILE` then `pdftotext -l 1 FILE -`
  (signatures and the first page's text, which is what the header number and date need).
- pyhanko: `bench/pyhanko_validate.py LIST TRUSTDIR`, `validate_pdf_signature` per signature, as in signatures.sh.
- sha256sum: one `sha256sum` over the {E['N_ALL']} files of the units: reading every byte once, the floor.
- Peak memory: `/usr/bin/time -f %M` over the whole check: --jobs 1 {mib[1]:.0f} MiB, --jobs 2 {mib[2]:.0f} MiB, --jobs 8 {mib[8]:.0f} MiB.
- Peak memory on the other corpora here (`--jobs 8`): {other_rss}.

What each processed (one run outside hyperfine):
- pyhanko: {E['PY_COUNTS']}
- pdfsig+pdftotext: {E['PS_COUNTS']}

## Growth: 10 units against 50 units

{nl.join(growth)}

{g_files:.2f}× the files took {g_time:.2f}× the time (per-file time ×{g_time / g_files:.2f}): the cost grows linearly.

## Malformed corpus

The {n_mal} PDFs of `{E['MALFORMED']}`, `kiemchung check --no-cache --format json --output FILE`, no `--jobs`
(the default: one thread per core); each file alone (under `timeout 60`), then all in one run.

{nl.join(mal)}

{nl.join(mal_notes)}

## Machine

nproc {E['MACHINE_NPROC']}; {E['MACHINE_CPU']}; {E['MACHINE_RAM']} GiB RAM (`free -g`); {E['MACHINE_KERNEL']}.
CPU already in use by other processes (2 s sample, all cores): {E['BUSY_BEFORE']}% before the timed runs, {E['BUSY_AFTER']}% after.
Date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}.

Every target holds: {'yes' if not misses else 'NO; missed: ' + '; '.join(misses)}.
"""
open(f"{R}/province.md", "w", encoding="utf-8").write(text)
print(text)
print(f"written: {R}/province.md, {R}/province.json, {R}/province-hyperfine.md, {R}/province-scale.json, {R}/province-scale-hyperfine.md")
EOF
