#!/usr/bin/env python3
"""Compares the Vietnamese letters kiemchung reads (`inspect --text`) with those poppler's pdftotext
reads, per PDF: the share of pdftotext's letters (as a multiset, NFC, case kept) that kiemchung also
read. A letter is a character whose decomposition starts with a Latin letter or is đ/Đ, so spacing,
line order and punctuation do not count.

    letters_vs_pdftotext.py BIN PDF... [--min 0.98] [--json OUT]

Prints one line per PDF with both counts and the share, and exits 1 when a PDF whose text is page
content (pdftotext reads at least MIN_LETTERS letters) is below --min."""
import argparse
import collections
import concurrent.futures
import json
import subprocess
import sys
import unicodedata

MIN_LETTERS = 200


def letters(text):
    counts = collections.Counter()
    for ch in unicodedata.normalize("NFC", text):
        base = unicodedata.normalize("NFD", ch)[0]
        if ("a" <= base.lower() <= "z") or ch in "đĐ":
            counts[ch] += 1
    return counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("pdfs", nargs="+")
    ap.add_argument("--min", type=float, default=0.98)
    ap.add_argument("--json")
    a = ap.parse_args()
    rows, failed = [], 0

    def read(pdf):
        # A decompression bomb can hold pdftotext for minutes: no reference text, not judged.
        try:
            poppler = subprocess.run(["pdftotext", "-q", pdf, "-"], capture_output=True, timeout=30).stdout
        except subprocess.TimeoutExpired:
            poppler = b""
        ours_run = subprocess.run([a.binary, "inspect", "--text", pdf], capture_output=True, timeout=120)
        return letters(poppler.decode("utf-8", "replace")), letters(ours_run.stdout.decode("utf-8", "replace"))

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        readings = list(pool.map(read, a.pdfs))
    for pdf, (theirs, ours) in zip(a.pdfs, readings):
        total = sum(theirs.values())
        common = sum(min(n, ours[ch]) for ch, n in theirs.items())
        share = common / total if total else 1.0
        judged = total >= MIN_LETTERS
        below = judged and share < a.min
        failed += below
        rows.append({"pdf": pdf, "pdftotext": total, "kiemchung": sum(ours.values()), "share": round(share, 4),
                     "judged": judged, "below": below})
        print(f"{'BELOW ' if below else ''}{share:.4f} {total:7d} {sum(ours.values()):7d} {pdf}")
    judged = [r for r in rows if r["judged"]]
    print(f"letters: {len(judged)} PDFs with a text layer, {failed} below {a.min}; "
          f"overall {sum(r['share'] * r['pdftotext'] for r in judged) / max(1, sum(r['pdftotext'] for r in judged)):.4f}")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(rows, fh, indent=1)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
