#!/usr/bin/env bash
# Signature verification speed: kiemchung vs pyHanko vs pdfsig on the signed PDFs of a generated
# corpus (gen_corpus.py --units 20 --seed 3), side by side in one hyperfine run.
# See bench/README.md. Usage: bash bench/signatures.sh   (env knobs: RUNS, JOBS, SKIP_BUILD, KIEMCHUNG)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

RUNS=${RUNS:-3}                    # hyperfine runs per command (after 1 warm-up run)
JOBS=${JOBS:-2}                    # kiemchung --jobs
SKIP_BUILD=${SKIP_BUILD:-0}        # 1: use the binary as it is
KIEMCHUNG=${KIEMCHUNG:-target/release/kiemchung}
GEN=${GEN:-$ROOT/../shared/tools/gen_corpus.py}
PYTHON=${PYTHON:-python3}
UNITS=20
SEED=3
BENCH_DIR=target/bench
CORPUS=$BENCH_DIR/c20-seed3
LIST=$BENCH_DIR/c20-seed3.signed-pdfs.txt     # one signed PDF a line (made once)
NSSDB=$BENCH_DIR/c20-seed3.nssdb              # NSS database holding the corpus anchors, for pdfsig
RESULTS=bench/results

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'signatures.sh: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- prerequisites
missing=()
command -v hyperfine >/dev/null || missing+=("hyperfine            apt-get update && apt-get install -y hyperfine   (or: cargo install hyperfine)")
command -v pdfsig >/dev/null || missing+=("pdfsig               apt-get update && apt-get install -y poppler-utils")
command -v certutil >/dev/null || missing+=("certutil (for pdfsig's trust anchors)   apt-get update && apt-get install -y libnss3-tools")
command -v "$PYTHON" >/dev/null || missing+=("python3              apt-get install -y python3 python3-pip")
if command -v "$PYTHON" >/dev/null && ! "$PYTHON" -c 'import pyhanko.sign.validation, pyhanko_certvalidator' 2>/dev/null; then
    missing+=("pyhanko              pip install pyhanko==0.38.0 pyhanko-certvalidator")
fi
if [[ $SKIP_BUILD != 1 ]] && ! command -v cargo >/dev/null; then
    missing+=("cargo                a Rust toolchain (1.85+), e.g. from rustup; or SKIP_BUILD=1 KIEMCHUNG=/path/to/kiemchung")
fi
if [[ ! -f $CORPUS/labels.json ]]; then   # only needed to generate the corpus
    [[ -f $GEN ]] || missing+=("gen_corpus.py        expected at $GEN (the shared/ folder beside the repo), or set GEN=")
    if command -v "$PYTHON" >/dev/null && ! "$PYTHON" -c 'import reportlab, openpyxl, docx, cryptography, PIL' 2>/dev/null; then
        missing+=("generator packages   pip install pyhanko==0.38.0 pyhanko-certvalidator reportlab openpyxl python-docx cryptography pillow")
    fi
    if [[ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ]]; then
        missing+=("DejaVu fonts         apt-get install -y fonts-dejavu-core fonts-dejavu-extra")
    fi
fi
if ((${#missing[@]})); then
    printf 'signatures.sh: missing prerequisites; install them and run again:\n' >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
fi

# ---------------------------------------------------------------- build
if [[ $SKIP_BUILD != 1 ]]; then
    say "cargo build --release"
    cargo build --release
fi
[[ -x $KIEMCHUNG ]] || die "no kiemchung binary at $KIEMCHUNG"

# ---------------------------------------------------------------- corpus
mkdir -p "$BENCH_DIR" "$RESULTS"
if [[ -f $CORPUS/labels.json ]]; then
    say "corpus: $CORPUS (exists, not regenerated)"
else
    say "generating the corpus: gen_corpus.py --units $UNITS --seed $SEED (about 2 minutes on 2 cores)"
    rm -rf "$CORPUS" "$CORPUS.partial"
    "$PYTHON" "$GEN" --out "$CORPUS.partial" --units "$UNITS" --seed "$SEED"
    mv "$CORPUS.partial" "$CORPUS"
    rm -f "$LIST"
fi
ls "$CORPUS"/trust/*.pem >/dev/null 2>&1 || die "no trust anchors in $CORPUS/trust"

# The signed PDFs: evidence PDFs for which the manifest lists at least one signature and that
# really hold a /ByteRange (the manifest also lists signatures for its CORRUPT_PDF files, which are
# truncated or replaced before the signature: not signature-verification work). Made once.
if [[ ! -s $LIST || $CORPUS/manifest.json -nt $LIST ]]; then
    "$PYTHON" - "$CORPUS" "$LIST" <<'EOF'
import json, os, sys
corpus, out = sys.argv[1], sys.argv[2]
m = json.load(open(os.path.join(corpus, "manifest.json"), encoding="utf-8"))
paths = []
for f in m["file_facts"]:
    p = os.path.join(corpus, f["unit"], f["file"])
    if f.get("format") == "pdf" and f.get("signatures") and os.path.isfile(p):
        with open(p, "rb") as fh:
            if b"/ByteRange" in fh.read():
                paths.append(p)
with open(out + ".tmp", "w", encoding="utf-8") as fh:
    fh.write("".join(p + "\n" for p in sorted(paths)))
os.replace(out + ".tmp", out)
EOF
fi
# Expected counts, from the manifest.
read -r N_FILES N_SIGS < <("$PYTHON" - "$CORPUS" "$LIST" <<'EOF'
import json, os, sys
corpus, lst = sys.argv[1], sys.argv[2]
m = json.load(open(os.path.join(corpus, "manifest.json"), encoding="utf-8"))
sigs = {os.path.join(corpus, f["unit"], f["file"]): len(f.get("signatures") or []) for f in m["file_facts"]}
files = [l.rstrip("\n") for l in open(lst, encoding="utf-8") if l.strip()]
print(len(files), sum(sigs.get(p, 0) for p in files))
EOF
)
say "signed PDFs: $N_FILES files, $N_SIGS signatures (manifest) -> $LIST"

# NSS database with the corpus anchors, so pdfsig validates chains against the same trust anchors.
if [[ ! -f $NSSDB/cert9.db ]]; then
    rm -rf "$NSSDB"; mkdir -p "$NSSDB"
    certutil -N -d "sql:$NSSDB" --empty-password
    for pem in "$CORPUS"/trust/*.pem; do
        certutil -A -d "sql:$NSSDB" -n "$(basename "$pem" .pem)" -t "CT,C,C" -i "$pem"
    done
fi

# ---------------------------------------------------------------- the three commands
# Run by hyperfine with --shell=bash; the file list is read at run time (mapfile), so the command
# lines stay short whatever the number of files.
trust=$CORPUS/trust
q() { printf '%q' "$1"; }
# kiemchung: exit 1 means "findings" and is fine; anything else (2, a crash) fails the benchmark.
# Two kiemchung rows: the signature audit (`--select KC1 --ignore KC107`: KC101–KC106, the same work
# as the peers, no page text; KC107 reads the header page to compare the issuing body)
# and the whole check (every page's text, numbers, dates as well), for transparency.
CMD_KC="mapfile -t f < $(q "$LIST"); $(q "$KIEMCHUNG") check --select KC1 --ignore KC107 --trust $(q "$trust") --jobs $JOBS --format json --output /dev/null \"\${f[@]}\" || test \$? -eq 1"
CMD_KC_FULL="mapfile -t f < $(q "$LIST"); $(q "$KIEMCHUNG") check --trust $(q "$trust") --jobs $JOBS --format json --output /dev/null \"\${f[@]}\" || test \$? -eq 1"
CMD_PY="$(q "$PYTHON") bench/pyhanko_validate.py $(q "$LIST") $(q "$trust") >/dev/null 2>&1"
CMD_PS="while IFS= read -r f; do pdfsig -nssdir sql:$(q "$NSSDB") \"\$f\" >/dev/null 2>&1 || true; done < $(q "$LIST")"

# ---------------------------------------------------------------- one run each, with counts
# Each peer must process every file: run each once outside hyperfine and count what it did.
say "one checked run of each command"
KC_REPORT=$BENCH_DIR/kiemchung-signed.json
mapfile -t files < "$LIST"
set +e
"$KIEMCHUNG" check --trust "$trust" --jobs "$JOBS" --format json --output "$KC_REPORT" "${files[@]}"
rc=$?
set -e
((rc == 0 || rc == 1)) || die "kiemchung check exited $rc"
KC_COUNTS=$("$PYTHON" - "$KC_REPORT" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
files = r.get("files", [])
with_sigs = [f for f in files if "signatures" in f]
sigs = [s for f in with_sigs for s in f["signatures"]]
if with_sigs:
    print(f"files={len(files)} signatures={len(sigs)} intact={sum(bool(s.get('intact')) for s in sigs)} "
          f"valid={sum(bool(s.get('valid')) for s in sigs)} trusted={sum(bool(s.get('trusted')) for s in sigs)}")
else:
    print(f"files={len(files)} signatures=n/a(report has no signatures yet)")
EOF
)
echo "kiemchung: $KC_COUNTS" >&2

PY_COUNTS=$("$PYTHON" bench/pyhanko_validate.py "$LIST" "$trust" 2>"$BENCH_DIR/pyhanko-stderr.log")
echo "pyHanko:   $PY_COUNTS   (pyHanko's warnings: $BENCH_DIR/pyhanko-stderr.log)" >&2

ps_files=0 ps_sigs=0 ps_valid=0 ps_trusted=0
while IFS= read -r f; do
    out=$(pdfsig -nssdir "sql:$NSSDB" "$f" 2>/dev/null || true)
    n=$(grep -c '^Signature #' <<<"$out" || true)
    ((n > 0)) && ps_files=$((ps_files + 1))
    ps_sigs=$((ps_sigs + n))
    ps_valid=$((ps_valid + $(grep -c 'Signature Validation: Signature is Valid' <<<"$out" || true)))
    ps_trusted=$((ps_trusted + $(grep -c 'Certificate Validation: Certificate is Trusted' <<<"$out" || true)))
done < "$LIST"
PS_COUNTS="files=$N_FILES files_with_signatures=$ps_files signatures=$ps_sigs valid=$ps_valid trusted=$ps_trusted"
echo "pdfsig:    $PS_COUNTS" >&2

kc_files=$(sed -n 's/^files=\([0-9]*\).*/\1/p' <<<"$KC_COUNTS")
py_files=$(sed -n 's/^files=\([0-9]*\).*/\1/p' <<<"$PY_COUNTS")
py_sigs=$(sed -n 's/.* signatures=\([0-9]*\).*/\1/p' <<<"$PY_COUNTS")
[[ $kc_files == "$N_FILES" ]] || die "kiemchung reported $kc_files files, expected $N_FILES"
[[ $py_files == "$N_FILES" ]] || die "pyHanko read $py_files files, expected $N_FILES"
((py_sigs * 100 >= N_SIGS * 98)) || die "pyHanko validated $py_sigs signatures, the manifest lists $N_SIGS"
((ps_sigs * 100 >= N_SIGS * 98)) || die "pdfsig found $ps_sigs signatures, the manifest lists $N_SIGS"

# ---------------------------------------------------------------- hyperfine
# How busy the machine is without us: CPU use over 2 s of doing nothing (other sessions, builds…).
busy_pct() {
    local a b a1 a2 a3 a4 a5 b1 b2 b3 b4 b5
    read -r _ a1 a2 a3 a4 a5 _ < /proc/stat; sleep 2; read -r _ b1 b2 b3 b4 b5 _ < /proc/stat
    a=$(( (b1 + b2 + b3 + b4 + b5) - (a1 + a2 + a3 + a4 + a5) )); b=$(( (b4 + b5) - (a4 + a5) ))
    echo $(( a > 0 ? 100 * (a - b) / a : 0 ))
}
BUSY_BEFORE=$(busy_pct)
if ((BUSY_BEFORE > 10)); then
    say "warning: the machine is already ${BUSY_BEFORE}% busy before timing (other processes): the numbers will be noisy"
fi
say "hyperfine: --warmup 1 --runs $RUNS (about a minute per run of all three, mostly pyHanko)"
hyperfine --shell=bash --warmup 1 --runs "$RUNS" --style basic \
    --export-json "$RESULTS/signatures.json" --export-markdown "$RESULTS/signatures-hyperfine.md" \
    -n kiemchung "$CMD_KC" \
    -n kiemchung-full "$CMD_KC_FULL" \
    -n pyhanko "$CMD_PY" \
    -n pdfsig "$CMD_PS"

# ---------------------------------------------------------------- summary table
"$PYTHON" - "$RESULTS/signatures.json" "$RESULTS/signatures.md" "$N_FILES" "$N_SIGS" "$RUNS" "$JOBS" \
    "$KC_COUNTS" "$PY_COUNTS" "$PS_COUNTS" "$BUSY_BEFORE" "$(busy_pct)" <<'EOF'
import datetime, json, os, platform, subprocess, sys
src, dst, n_files, n_sigs, runs, jobs, kc, py, ps, busy0, busy1 = sys.argv[1:]
res = {r["command"]: r for r in json.load(open(src))["results"]}
base = res["kiemchung"]["mean"]
targets = {"pyhanko": "≥ 20×", "pdfsig": "≥ 3×"}
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
try:
    version = subprocess.run(["target/release/kiemchung", "--version"], capture_output=True, text=True).stdout.strip()
except OSError:
    version = "?"
rows = ["| command | mean (s) | ± stddev (s) | × kiemchung | target |", "|---|---:|---:|---:|---|"]
for name in ("kiemchung", "kiemchung-full", "pyhanko", "pdfsig"):
    r = res[name]
    ratio = r["mean"] / base
    rows.append(f"| {name} | {r['mean']:.3f} | {r['stddev'] or 0:.3f} | {ratio:.1f}× | {targets.get(name, '')} |")
table = "\n".join(rows)
text = f"""# Signature verification: kiemchung vs pyHanko vs pdfsig

{n_files} signed PDFs ({n_sigs} signatures per the manifest) of `gen_corpus.py --units 20 --seed 3`;
hyperfine, 1 warm-up run + {runs} runs each. Made by `bench/signatures.sh` (see bench/README.md).

{table}

- kiemchung: `check --select KC1 --ignore KC107 --trust <corpus>/trust --jobs {jobs} --format json --output /dev/null <every file>`
  ({version}): every signature verified (intact, valid, trusted, coverage, revisions), no page text read
- kiemchung-full: the same without `--select`: also every page's text, number, date (the whole check)
- pyhanko: `bench/pyhanko_validate.py`, one process, `validate_pdf_signature` per signature
- pdfsig: one `pdfsig -nssdir <corpus anchors>` process per file

What each processed (one run outside hyperfine):
- kiemchung: {kc}
- pyhanko: {py}
- pdfsig: {ps}

Machine: {os.cpu_count()} cores (nproc {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()}), {cpu}; {platform.system()} {platform.release()};
CPU already in use by other processes (2 s sample, all cores): {busy0}% before the timed runs, {busy1}% after.
Date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}.
"""
open(dst, "w", encoding="utf-8").write(text)
print("\n" + table + "\n")
print(f"written: {dst}")
EOF
