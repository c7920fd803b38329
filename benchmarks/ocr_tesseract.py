"""Does Debian's tesseract read the 小平市 scan's image-only pages well enough to reconcile?

    apt-get install tesseract-ocr tesseract-ocr-jpn     # not part of `make setup` (see README)
    .venv/bin/python benchmarks/ocr_tesseract.py         # → benchmarks/ocr_tesseract.json

`kodaira_r2_05_rinjikai.pdf` (`../shared/corpus`) is a 400-dpi scan whose ScanSnap OCR layer
skipped 18 pages (40–44, 52–61, 68–70: the A3 landscape sheets, two book pages side by side).
Each of those pages is rendered (`pdftoppm -r 300 -gray`, one page per process) and read by
`tesseract PNG OUT -l jpn` under each configuration of CONFIGS (page segmentation 6 = one
block, 4 = one column of lines; `preserve_interword_spaces=1` keeps the runs of spaces between
words, which is what column alignment needs), one process per page and configuration with
`OMP_THREAD_LIMIT=1` (on a loaded 2-core machine tesseract's OpenMP threads spin: 10.3 s wall
against 2.9 s single-threaded for one page). Each tesseract run also writes its word boxes
(`tsv`); `grid` lays those words out on a character grid (as benchmarks/pdf_readers.py did for
PDFium's characters), a layout of our own at no extra OCR time.

Each page's text then goes through the table engine the way an OCR page of a PDF is read
(`ingest.load`): NFKC and the normalization rules (`normalize_lines_laid_out`), misread glyphs
in figures read as digits (`normalize.read_ocr_figures`, on the normalized and the laid-out
line), a `Document` of the page with the page marked as OCR, `ingest.tables.land.extract`.
Counted per page: printed figures (`numbers.figure_tokens`, as the coverage counts them),
tables with a numeric cell, numeric cells, identity checks, and how many hold
(|computed − reported| ≤ tolerance) and fail. A check that fails over OCR text lands
`unverifiable`, never a mismatch (land.py); `failed_with_value` counts the failing checks whose
parts were all read, from a second reading of the same page not marked as OCR.

Baseline, like for like: four 補正予算 pages that have the scan's own OCR layer (BASELINE: 39,
47, 48, 51), read by tesseract the same way and by the embedded layer (`pdftotext -layout`
of that page, the project's reader), counted the same, and also with the `joined` repair below
(`embedded_layer_joined`: the embedded layer prints `8,018, 179` too); `figures_agree` counts
the figures (values, as a multiset) tesseract's reading has in common with the embedded one.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"
PDF = CORPUS / "kodaira_r2_05_rinjikai.pdf"
IMAGE_ONLY = [*range(40, 45), *range(52, 62), *range(68, 71)]
BASELINE = [39, 47, 48, 51]
DPI = 300
CONFIGS = {
    "psm6": ["--psm", "6"],
    "psm6_spaces": ["--psm", "6", "-c", "preserve_interword_spaces=1"],
    "psm4": ["--psm", "4"],
    "psm4_spaces": ["--psm", "4", "-c", "preserve_interword_spaces=1"],
}
GRID_OF = "psm4_spaces"  # the run whose word boxes the grid layout uses
# tesseract's jpn model prints a space after nearly every thousands comma (`32, 658, 241`). The
# project's glyph repair joins such groups only on a line that also holds a misread glyph
# (`l`, `O`, `()`), and the table engine reads the laid-out line, where `32,` `658,` `241`
# are three cells. `joined` is the same reading with every such figure joined first (right
# edge kept): a repair the ingest does not make, measured to see what it would be worth.
_SPACED_FIGURE = re.compile(r"(?<![\w,.])\d{1,3}(?:, ?\d{3})+(?![\w,])")


def join_groups(text: str) -> str:
    return _SPACED_FIGURE.sub(lambda m: m[0].replace(" ", "").rjust(len(m[0])), text)


# ------------------------------------------------------------------ processes, timed

def timed(args: list[str], env: dict | None = None) -> tuple[subprocess.CompletedProcess, float, float]:
    """(process, wall seconds, CPU seconds user + system) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, env={**os.environ, **(env or {})})
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"{args[0]}: {proc.stderr.decode(errors='replace')[-500:]}")
    return proc, wall, cpu


def render(page: int, out: Path) -> tuple[Path, float, float]:
    _, wall, cpu = timed(["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), "-gray",
                          "-png", "-singlefile", str(PDF), str(out)])
    return out.with_suffix(".png"), wall, cpu


def tesseract(png: Path, base: Path, config: list[str]) -> tuple[str, str, float, float]:
    """(text, TSV of word boxes, wall, CPU) of one tesseract run on one page image."""
    _, wall, cpu = timed(["tesseract", str(png), str(base), "-l", "jpn", *config, "txt", "tsv"],
                         env={"OMP_THREAD_LIMIT": "1"})
    return (base.with_suffix(".txt").read_text(encoding="utf-8"),
            base.with_suffix(".tsv").read_text(encoding="utf-8"), wall, cpu)


@lru_cache(maxsize=1)
def _read_pdf():
    from ingest.pdf_reader import read_pdf

    return read_pdf(PDF.read_bytes(), str(PDF))


def embedded_layer(page: int) -> str:
    """The page as the project's reader gives it: its text in `ingest.pdf_reader.read_pdf`."""
    return _read_pdf().pages[page - 1].text


# ------------------------------------------------------------------ tesseract's words on a grid

def grid_layout(tsv: str) -> str:
    """Tesseract's words (TSV, level 5) as column-aligned lines: each of tesseract's lines in its
    order, each word at the grid column of its left edge; the pitch is the median width of a
    character of the figures (a half-width digit), a word never overlapping the one before it."""
    rows = [r.split("\t") for r in tsv.splitlines()[1:]]
    words = [r for r in rows if len(r) == 12 and r[0] == "5" and r[11].strip()]
    if not words:
        return ""
    figures = [int(r[8]) / len(r[11]) for r in words if re.fullmatch(r"[\d,.]{3,}", r[11])]
    pitch = statistics.median(figures) if figures else statistics.median(
        int(r[9]) for r in words) / 2
    left0 = min(int(r[6]) for r in words)
    lines: dict[tuple[str, str, str, str], list[list[str]]] = {}
    for r in words:
        lines.setdefault((r[1], r[2], r[3], r[4]), []).append(r)
    out = []
    for line in lines.values():
        text, cursor = "", 0
        for r in sorted(line, key=lambda r: int(r[6])):
            col = max(round((int(r[6]) - left0) / pitch), cursor + 1 if text else 0)
            text += " " * (col - cursor) + r[11]
            cursor = col + len(r[11])
        out.append(text)
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ the table engine on a page

def engine(text: str, page: int, ocr: bool = True) -> dict:
    """One page's text read as an OCR page of a PDF is read, through the table engine."""
    from ingest.document import Document
    from ingest.load import _read_ocr_figures
    from ingest.normalize import normalize_lines_laid_out
    from ingest.numbers import figure_tokens, parse_number
    from ingest.tables.land import extract, read_tables

    text = text.replace("\r\n", "\n").replace("\f", "")
    lines, laid_out = normalize_lines_laid_out(text)
    pages = [page] * len(lines)
    ocr_pages = frozenset({page}) if ocr else frozenset()
    readings: dict = {}
    if ocr:  # the glyph repair of load.py; the unmarked reading keeps the same text
        lines, laid_out, readings = _read_ocr_figures(lines, laid_out, pages, frozenset({page}))
    else:
        lines, laid_out, _ = _read_ocr_figures(lines, laid_out, pages, frozenset({page}))
    doc = Document(f"kodaira-p{page}", "132110", 2020, "pdf_flow", lines, laid_out=laid_out,
                   pages=pages, ocr_pages=ocr_pages, ocr_readings=readings)
    ex = extract(doc)
    cells = ex.rows.get("raw_table_cells", [])
    held = failed = failed_with_value = vacuous = 0
    spans = [(t.first_line, t.last_line) for t in read_tables(doc)]
    by_table: dict[int, list[bool]] = {}
    oks = []
    for c in ex.checks:
        ok = c["computed_value"] is not None and abs(
            Decimal(str(c["reported_value"])) - Decimal(str(c["computed_value"]))) <= \
            Decimal(str(c.get("tolerance") or 0))
        oks.append(ok)
        held += ok
        # a 節 ordinal (1, 2) read as the total of a roll-forward whose terms cancel: it holds
        # within the tolerance of rounded 千円 figures, and says nothing about the reading
        vacuous += ok and abs(c["reported_value"]) <= (c.get("tolerance") or 0)
        failed += not ok
        failed_with_value += not ok and c["computed_value"] is not None
        table = next((k for k, (a, b) in enumerate(spans) if a <= c["source_line"] <= b), -1)
        by_table.setdefault(table, []).append(ok)
    values = []
    for line in lines:
        for token in figure_tokens(line.text):
            value = parse_number(token)
            if value is not None:
                values.append(value)
    return {"lines": sum(1 for line in lines if line.text), "figures": len(values),
            "tables": len({c["table_id"] for c in cells}), "cells": len(cells),
            "checked_cells": sum(bool(c["checked"]) for c in cells),
            "tables_checked": len(by_table),
            "tables_reconciled": sum(all(v) for v in by_table.values()),
            "checks": len(ex.checks), "held": held, "held_vacuous": vacuous, "failed": failed,
            "failed_with_value": failed_with_value,
            "glyph_readings": sum(len(v) for v in readings.values()),
            "held_checks": [f"{c['reported_value']:,.0f} = {c['note'].split(';')[0]}"
                            for c, ok in zip(ex.checks, oks) if ok],
            "_values": values}


def reading(text: str, page: int) -> dict:
    counts = engine(text, page)
    counts["failed_with_value"] = engine(text, page, ocr=False)["failed_with_value"]
    return counts


def agree(a: list, b: list) -> int:
    return sum((Counter(a) & Counter(b)).values())


COUNTED = ("figures", "tables", "tables_checked", "tables_reconciled", "cells", "checked_cells",
           "checks", "held", "held_vacuous", "failed",
           "failed_with_value", "glyph_readings")


def totals(pages: dict, reader: str) -> dict:
    rows = [p[reader] for p in pages.values() if reader in p]
    out = {k: sum(r[k] for r in rows) for k in COUNTED}
    for k in ("seconds_wall", "seconds_cpu"):
        if rows and k in rows[0]:
            out[k + "_per_page"] = round(statistics.mean(r[k] for r in rows), 2)
            out[k + "_max"] = round(max(r[k] for r in rows), 2)
    if rows and "figures_agree" in rows[0]:
        out["figures_agree"] = sum(r["figures_agree"] for r in rows)
    return out


# ------------------------------------------------------------------ the run

def versions() -> dict:
    def first(args):
        p = subprocess.run(args, capture_output=True, text=True)
        return (p.stdout or p.stderr).strip().splitlines()

    tess = first(["tesseract", "--version"])
    pkgs = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\n", "tesseract-ocr",
                           "tesseract-ocr-jpn", "libtesseract5", "liblept5", "poppler-utils"],
                          capture_output=True, text=True).stdout.strip().splitlines()
    return {"tesseract": tess[0], "leptonica": tess[1].strip() if len(tess) > 1 else "",
            "packages": pkgs, "pdftoppm": first(["pdftoppm", "-v"])[0],
            "languages": first(["tesseract", "--list-langs"])[1:]}


def machine() -> dict:
    free = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.strip().splitlines()
    return {"nproc": int(subprocess.run(["nproc"], capture_output=True, text=True).stdout),
            "free_g": free, "load_average": os.getloadavg(), "python": sys.version.split()[0],
            "platform": platform.platform()}


def run_page(page: int, tmp: Path, embedded: bool) -> dict:
    png, r_wall, r_cpu = render(page, tmp / f"p{page}")
    out: dict = {"render_seconds_wall": round(r_wall, 2), "render_seconds_cpu": round(r_cpu, 2)}
    base_values = None
    if embedded:
        layer = reading(embedded_layer(page), page)
        base_values = layer.pop("_values")
        out["embedded_layer"] = layer
        joined = reading(join_groups(embedded_layer(page)), page)  # the same repair, for fairness
        joined.pop("_values")
        out["embedded_layer_joined"] = joined
    for name, config in CONFIGS.items():
        text, tsv, wall, cpu = tesseract(png, tmp / f"p{page}-{name}", config)
        got = reading(text, page)
        got.update(seconds_wall=round(wall, 2), seconds_cpu=round(cpu, 2))
        values = got.pop("_values")
        if base_values is not None:
            got["figures_agree"] = agree(values, base_values)
        out[name] = got
        if name == GRID_OF:
            grid = reading(grid_layout(tsv), page)
            values = grid.pop("_values")
            grid.update(seconds_wall=round(wall, 2), seconds_cpu=round(cpu, 2))
            if base_values is not None:
                grid["figures_agree"] = agree(values, base_values)
            out[f"{name}_grid"] = grid
            out["_text"] = {name: text, f"{name}_grid": grid_layout(tsv)}
            for label, variant in ((f"{name}_joined", text), (f"{name}_grid_joined", grid_layout(tsv))):
                got = reading(join_groups(variant), page)
                values = got.pop("_values")
                got.update(seconds_wall=round(wall, 2), seconds_cpu=round(cpu, 2))
                if base_values is not None:
                    got["figures_agree"] = agree(values, base_values)
                out[label] = got
    png.unlink()
    return out


def summary_line(page: int, name: str, r: dict) -> str:
    secs = f" {r['seconds_wall']:5.1f} s ({r['seconds_cpu']:4.1f} CPU)" if "seconds_wall" in r else " " * 22
    agreeing = f" agree {r['figures_agree']}" if "figures_agree" in r else ""
    return (f"p{page:<3} {name:<24}{secs} figures {r['figures']:>3} tables {r['tables']:>2} "
            f"cells {r['cells']:>3} checks {r['checks']:>3} held {r['held']:>3} "
            f"(vacuous {r['held_vacuous']}) failed {r['failed']:>3}{agreeing}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", help="comma-separated image-only pages (default: all 18)")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--texts", help="folder to keep tesseract's texts in (psm4_spaces and grid)")
    ap.add_argument("--output", default=str(ROOT / "benchmarks" / "ocr_tesseract.json"))
    args = ap.parse_args()
    missing = [t for t in ("tesseract", "pdftoppm") if shutil.which(t) is None]
    if missing:
        print(f"ocr_tesseract: skipped, {' and '.join(missing)} not installed "
              "(apt-get install tesseract-ocr tesseract-ocr-jpn poppler-utils)")
        return 0
    if "jpn" not in subprocess.run(["tesseract", "--list-langs"], capture_output=True,
                                   text=True).stdout.split():
        print("ocr_tesseract: skipped, tesseract has no jpn data (apt-get install tesseract-ocr-jpn)")
        return 0
    if not PDF.exists():
        print(f"ocr_tesseract: skipped, {PDF} not found (the development corpus)")
        return 0
    image_only = [int(p) for p in args.pages.split(",")] if args.pages else IMAGE_ONLY
    result = {"started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
              "versions": versions(), "machine": machine(), "document": PDF.name, "dpi": DPI,
              "configs": {k: " ".join(v) for k, v in CONFIGS.items()},
              "grid_of": GRID_OF, "omp_thread_limit": 1}
    texts = Path(args.texts) if args.texts else None
    if texts:
        texts.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for part, pages, embedded in (("image_only", image_only, False),
                                      ("baseline", [] if args.no_baseline else BASELINE, True)):
            out = {}
            for page in pages:
                got = run_page(page, Path(tmp), embedded)
                for name, text in got.pop("_text").items():
                    if texts:
                        (texts / f"p{page}-{name}.txt").write_text(text, encoding="utf-8")
                out[str(page)] = got
                for name, r in got.items():
                    if isinstance(r, dict):
                        print(summary_line(page, name, r), flush=True)
            readers = [k for k in next(iter(out.values()), {}) if isinstance(out[str(pages[0])][k], dict)]
            result[part] = {"pages": out, "totals": {r: totals(out, r) for r in readers}}
            if out:
                result[part]["render_seconds_wall_per_page"] = round(statistics.mean(
                    p["render_seconds_wall"] for p in out.values()), 2)
                result[part]["render_seconds_cpu_per_page"] = round(statistics.mean(
                    p["render_seconds_cpu"] for p in out.values()), 2)
    result["finished"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    for part in ("image_only", "baseline"):
        for reader, t in result.get(part, {}).get("totals", {}).items():
            print(f"{part:<10} {reader:<16} {json.dumps(t)}")
    Path(args.output).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n",
                                 encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
