#!/usr/bin/env python3
"""Validate every embedded signature of a list of PDFs with pyHanko, in one process.

Usage: pyhanko_validate.py FILELIST TRUSTDIR [--verbose]

FILELIST has one PDF path a line; TRUSTDIR holds the trust anchors (*.pem or *.der/*.crt/*.cer).
For each file: open it with PdfFileReader, then for each of its embedded signatures call
pyhanko.sign.validation.validate_pdf_signature(sig, ValidationContext(trust_roots=...,
allow_fetching=False)) with pyHanko's defaults otherwise (difference analysis of later revisions
included, validation time = now, revocation "soft-fail" with nothing fetched).
A fresh ValidationContext per signature, as `pyhanko sign validate` does per run: no path cache
carried from one document to the next. The anchors themselves are read once.

At the end it prints one line, e.g.
    files=772 signatures=999 intact=990 valid=960 errors=2
(intact: the message digest over /ByteRange and the CMS signature check out; valid: pyHanko's
bottom line, i.e. intact, the chain reaches a trust anchor and later revisions hold no illegal
modification; errors: files or signatures on which pyHanko raised instead of returning a status). Exit code 0 whatever the outcome, 2 on a
usage error: this is a benchmark workload, not a checker.
"""

import sys
from pathlib import Path

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def load_trust_roots(trust_dir):
    roots = []
    for p in sorted(Path(trust_dir).iterdir()):
        if p.suffix.lower() in (".pem", ".der", ".crt", ".cer") and p.is_file():
            roots.append(load_cert_from_pemder(str(p)))
    if not roots:
        sys.exit(f"pyhanko_validate.py: no certificate (*.pem, *.der, *.crt, *.cer) in {trust_dir}")
    return roots


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    verbose = "--verbose" in argv[1:]
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    file_list, trust_dir = args
    roots = load_trust_roots(trust_dir)
    with open(file_list, encoding="utf-8") as fh:
        files = [line.rstrip("\n") for line in fh if line.strip()]

    n_files = n_sigs = n_intact = n_valid = n_errors = 0
    for path in files:
        n_files += 1
        try:
            with open(path, "rb") as fh:
                reader = PdfFileReader(fh, strict=False)
                sigs = reader.embedded_signatures
                if verbose and not sigs:
                    print(f"{path}: no embedded signature", file=sys.stderr)
                for sig in sigs:
                    n_sigs += 1
                    try:
                        vc = ValidationContext(trust_roots=roots, allow_fetching=False)
                        status = validate_pdf_signature(sig, vc)
                    except Exception as e:  # noqa: BLE001 - count and go on
                        n_errors += 1
                        if verbose:
                            print(f"{path} [{sig.field_name}]: {type(e).__name__}: {e}", file=sys.stderr)
                        continue
                    if status.intact and status.valid:
                        n_intact += 1
                    if status.bottom_line:
                        n_valid += 1
                    if verbose:
                        print(f"{path} [{sig.field_name}]: {status.summary()}", file=sys.stderr)
        except Exception as e:  # noqa: BLE001 - unreadable file: count and go on
            n_errors += 1
            if verbose:
                print(f"{path}: {type(e).__name__}: {e}", file=sys.stderr)

    print(
        f"files={n_files} signatures={n_sigs} intact={n_intact} valid={n_valid} errors={n_errors}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
