#!/usr/bin/env python3
"""How many scanned evidence files of a generated corpus had their number and date read right (by
OCR): compares a `kiemchung check --format json` report with the corpus's manifest.json.

    scans_read.py CORPUS REPORT [--min 0.9]

Prints one line per scan that was not read right and a summary line `scans: N, numbers A, dates B`;
exits 1 when numbers or dates read right are below --min of the scans, or when any finding read by
OCR has severity zero but is not a clear placeholder, blank date or date outside the period."""
import argparse
import json
import os
import sys

ap = argparse.ArgumentParser()
ap.add_argument("corpus")
ap.add_argument("report")
ap.add_argument("--min", type=float, default=0.9)
a = ap.parse_args()
facts = json.load(open(os.path.join(a.corpus, "manifest.json")))["file_facts"]
report = json.load(open(a.report))
files = {(f["unit"], f["path"]): f for f in report["files"]}
scans = [x for x in facts if x.get("format") == "scan"]
numbers = dates = 0
for scan in scans:
    got = files.get((scan["unit"], scan["file"]), {})
    number_ok = got.get("number") == scan.get("number")
    date_ok = got.get("date") == scan.get("date")
    numbers += number_ok
    dates += date_ok
    if not (number_ok and date_ok):
        print(f"MISS {scan['unit']}/{scan['file']}: want {scan.get('number')} {scan.get('date')}, "
              f"got {got.get('number')} {got.get('date')} ({got.get('text_source')})")
scan_paths = {(s["unit"], s["file"]) for s in scans}
labelled = {(l["unit"], l.get("file"), l["code"]) for l in json.load(open(os.path.join(a.corpus, "labels.json")))}
bad_zero = [f for f in report["findings"] if f.get("source") == "ocr" and f["severity"] == "zero"
            and (f["unit"], f["file"]) in scan_paths]
for f in bad_zero:
    print(f"OCR ZERO {f['code']} {f['unit']}/{f['file']}: {f['message']}")
print(f"scans: {len(scans)}, numbers {numbers}, dates {dates}, zero findings from OCR {len(bad_zero)}")
enough = not scans or (numbers >= a.min * len(scans) and dates >= a.min * len(scans))
sys.exit(0 if enough and not bad_zero else 1)
