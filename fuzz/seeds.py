#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, made from the project's fixtures (and the shared corpus when
given): PDFs as they are, the CMS blobs inside their /Contents, workbooks, and page text (by
pdftotext, when it is installed). Files are named by their SHA-1, so running it again adds nothing
twice. Standard library only."""

import argparse
import hashlib
import pathlib
import re
import shutil
import subprocess

MAX_PDF = 256 * 1024
CONTENTS = re.compile(rb"/Contents\s*<([0-9A-Fa-f\s]{64,})>")


def put(folder: pathlib.Path, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    parser.add_argument("--shared", type=pathlib.Path, help="../shared/corpus, when present")
    args = parser.parse_args()
    roots = [pathlib.Path("fixtures")] + ([args.shared] if args.shared else [])
    pdfs = sorted(p for root in roots for p in root.rglob("*.pdf") if p.is_file())
    workbooks = sorted(p for root in roots for p in root.rglob("*") if p.suffix.lower() in {".xlsx", ".xls", ".ods", ".csv"})
    pdftotext = shutil.which("pdftotext")
    for pdf in pdfs:
        data = pdf.read_bytes()
        if len(data) <= MAX_PDF:
            put(args.out / "pdf_facts", data)
        for blob in CONTENTS.findall(data)[:4]:
            digits = re.sub(rb"\s", b"", blob)
            der = bytes.fromhex(digits[: len(digits) // 2 * 2].decode())
            put(args.out / "cms", der.rstrip(b"\0") or der)
        if pdftotext and len(data) <= 4 * MAX_PDF:
            try:
                text = subprocess.run([pdftotext, "-l", "3", str(pdf), "-"], capture_output=True, timeout=10).stdout
            except subprocess.TimeoutExpired:
                text = b""  # a bomb from the malformed corpus
            if text.strip():
                put(args.out / "text_parsers", text[:8192])
    for workbook in workbooks:
        put(args.out / "workbook", workbook.read_bytes())
    # Text the parsers must take apart, whether or not pdftotext was there.
    for text in [
        "Số: 12/KH-UBND\nHà Nội, ngày 05 tháng 3 năm 2024\nI. MỤC TIÊU\n1. Khoản một\na) Điểm a",
        "Tại Mục II, Khoản 3, Điểm b của Kế hoạch số 15/KH-UBND ngày 02/02/2024; Phần thứ hai",
        "PHẦN\nI\nMục 1 -\nSố: /KH-UBND\nngày   tháng   năm 2024",
        "STT,Mã TC,Nội dung,Điểm tối đa,Điểm TĐG,Nội dung giải trình,Tài liệu KC\n1,1.1,x,1,1,Tại Mục I,a.pdf; b.pdf\n",
    ]:
        put(args.out / "text_parsers", text.encode())
        put(args.out / "workbook", text.encode())
    for target in sorted(p.name for p in args.out.iterdir()):
        print(f"seeds: {target}: {sum(1 for _ in (args.out / target).iterdir())} files")


if __name__ == "__main__":
    main()
