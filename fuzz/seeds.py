#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, made from the project's fixtures (and the shared corpus when
given): PDFs as they are, the CMS blobs inside their /Contents, workbooks, and page text (by
pdftotext, when it is installed). Files are named by their SHA-1, so running it again adds nothing
twice. Standard library only."""

import argparse
import hashlib
import pathlib
import re
import io
import shutil
import struct
import subprocess
import zipfile

MAX_PDF = 256 * 1024
CONTENTS = re.compile(rb"/Contents\s*<([0-9A-Fa-f\s]{64,})>")


def put(folder: pathlib.Path, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


HEADER = ["Mã TC", "Điểm TĐG", "Giải trình", "Tài liệu KC"]
ROW = ["1.1", "1", "Tại Mục I Kế hoạch số 1/KH-UBND", "kh.pdf"]


MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)


def ods_seed() -> bytes:
    """A small ods with the usual trailing repeats (calamine's ods reader and the repeat pre-scan)."""
    def row(cells: list) -> str:
        return "<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>' for c in cells
        ) + '<table:table-cell table:number-columns-repeated="1020"/></table:table-row>'
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="Sheet1">' + row(HEADER) + row(ROW)
        + '<table:table-row table:number-rows-repeated="1048570"><table:table-cell/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def biff_record(typ: int, data: bytes) -> bytes:
    return struct.pack("<HH", typ, len(data)) + data


def xls_seed() -> bytes:
    """A small BIFF8 workbook in a compound file (calamine's xls reader and the BIFF pre-scan)."""
    bof = lambda dt: biff_record(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0, 0, 0, 0))
    def label(row: int, col: int, text: str) -> bytes:
        chars = text.encode("utf-16-le")
        return biff_record(0x0204, struct.pack("<HHHHB", row, col, 0, len(text), 1) + chars)
    sheet = bof(0x0010) + biff_record(0x0200, struct.pack("<IIHHH", 0, 2, 0, 4, 0))
    for r, cells in enumerate([HEADER, ROW]):
        sheet += b"".join(label(r, c, t) for c, t in enumerate(cells))
    sheet += biff_record(0x000A, b"")
    name = "Sheet1".encode("latin-1")
    globals_len = len(bof(0x0005)) + 4 + 8 + len(name) + 4
    globals_ = bof(0x0005) + biff_record(0x0085, struct.pack("<IBBBB", globals_len, 0, 0, len(name), 0) + name)
    globals_ += biff_record(0x000A, b"")
    stream = (globals_ + sheet).ljust(4096, b"\0")  # a regular stream, not in the mini stream
    sectors = len(stream) // 512
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
    header += bytes(6) + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108
    fat = [fat_sector, end] + [2 + i + 1 for i in range(sectors - 1)] + [end]
    fat = b"".join(struct.pack("<I", x) for x in fat).ljust(512, b"\xff")
    def entry(name: str, typ: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), typ, 1)
                + struct.pack("<III", free, free, child) + bytes(16 + 4 + 16) + struct.pack("<IQ", start, size))
    directory = entry("Root Entry", 5, 1, end, 0) + entry("Workbook", 2, free, 2, len(stream))
    directory = directory.ljust(512, b"\0")
    return header + fat + directory + stream


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
            put(args.out / "fallback", data)
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
    # One workbook of each kind calamine and the pre-scans read, made here.
    put(args.out / "workbook", ods_seed())
    put(args.out / "workbook", xls_seed())
    put(args.out / "workbook", ("\n".join(";".join(r) for r in [HEADER, ROW]) + "\n").encode())
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
