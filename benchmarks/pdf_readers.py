"""Which PDF reader gives the table engine its columns: poppler, pdfplumber, pypdfium2.

    .venv/bin/pip install --target benchmarks/work/readers pdfplumber==0.11.10 pypdfium2==5.15.2
    .venv/bin/python benchmarks/pdf_readers.py            # → benchmarks/pdf_readers.json

(The two libraries are installed for this benchmark only, into benchmarks/work/ (gitignored):
the project reads PDFs with poppler-utils, see README.) Each reader turns each corpus PDF
(`../shared/corpus`) into column-aligned text, one text with a form feed between pages:
- `pdftotext -layout` (Debian's poppler-utils 22.12, GPL-2), run as a process;
- pdfplumber 0.11.10 (pdfminer.six, MIT) `page.extract_text(layout=True)`;
- pypdfium2 5.15.2 (PDFium, Apache-2.0/BSD) character boxes, laid out on a character grid
  here (`pdfium_layout`: PDFium has no layout mode of its own).
Each read runs in a fresh child process (best of ROUNDS wall times; peak RSS of the child
from `wait4`, pdftotext's own process for poppler). Then the same ingest code (the manifest
line of the corpus, `pipeline.document_tables`) reads each text: printed figures, the shares
landed as table cells and checked by an identity, the checks by status, and the totals the
corpus README worked by hand (ok or not).

Second part (`--speed`, also run by default): the 612-page 富士市 book ingested end to end
through the project's reader (`ingest.pipeline.run_ingest` on a one-line manifest: read, pages,
text, engine, seeds) against `pdftotext -layout` alone on it, both one process (the ingest of
one document runs in one process; pdftotext is one), alternated, best and median of ROUNDS;
and the ingest's peak memory on the first 100 pages against all 612 (pdfseparate/pdfunite).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
WORK = ROOT / "benchmarks" / "work"
READERS_DIR = WORK / "readers"
ROUNDS = 2

# (document, printed total, subject) — the corpus README's hand-checked facts on the PDFs
HAND_CHECKED = [
    ("nankoku-2026-gaiyo", 25_550_000, "table:column_total", "一般会計 25,550,000"),
    ("nankoku-2026-gaiyo", 4_636_232, "table:column_total", "基金 計 4,636,232"),
    ("nankoku-2026-gaiyo", 19_409_939_301, "table:roll_forward", "地方債 roll-forward → 19,409,939,301"),
    ("nankoku-2026-gaiyo", 19_409_939_301, "table:parent_children", "普通債 19,409,939,301 = Σ purposes"),
    ("nankoku-2021-kurikoshi", 1_826_501, None, "繰越 計 1,826,501"),
    ("fuji-2024-yosansho", 101_800_000, "table:column_total", "予算総則 101,800,000 (第1表 合計)"),
    ("kodaira-2020-rinjikai", 3_017_362_000, None, "財政調整基金 3,017,362,000"),
]


# ------------------------------------------------------------------ the readers (child side)

def read_poppler(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")


def read_pdfplumber(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        pages = []
        for page in pdf.pages:
            pages.append((page.extract_text(layout=True) or "").rstrip() + "\n")
            page.close()
    return "\f".join(pages) + "\f"


def pdfium_layout(chars: list[tuple[str, float, float, float, float]]) -> str:
    """Characters (text, left, bottom, right, top) of one page as column-aligned lines.

    Lines: characters whose vertical middles are within half a character height. Columns: a
    grid whose pitch is half the median character height (a half-width digit); a character
    right after the previous one (gap under a third of the pitch) follows it directly, any
    other starts at its own grid column, as pdftotext places words.
    """
    chars = [c for c in chars if c[0].strip() and c[4] > c[2]]
    if not chars:
        return ""
    height = statistics.median(c[4] - c[2] for c in chars)
    pitch = max(height / 2, 0.5)
    left0 = min(c[1] for c in chars)
    chars.sort(key=lambda c: -(c[2] + c[4]) / 2)
    lines: list[list] = []
    mids: list[float] = []
    for c in chars:
        mid = (c[2] + c[4]) / 2
        if lines and abs(mids[-1] - mid) <= height / 2:
            lines[-1].append(c)
        else:
            lines.append([c])
            mids.append(mid)
    out = []
    for i, line in enumerate(lines):
        if i and mids[i - 1] - mids[i] > 1.8 * height:
            out.append("")
        line.sort(key=lambda c: c[1])
        text, cursor, right = [], 0, None
        for ch, left, _, r, _ in line:
            if right is not None and left - right < pitch / 3:
                col = cursor  # the next character of the same word
            else:
                col = max(round((left - left0) / pitch), cursor + 1 if text else 0)
            text.append(" " * (col - cursor) + ch)
            cursor, right = col + 1, r
        out.append("".join(text))
    return "\n".join(out) + "\n"


def read_pypdfium2(path: Path) -> str:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(str(path))
    pages = []
    for page in pdf:
        width, height = page.get_size()
        rotation = page.get_rotation()
        textpage = page.get_textpage()
        chars = []
        for i in range(textpage.count_chars()):
            code = raw.FPDFText_GetUnicode(textpage.raw, i)
            if code < 32:
                continue
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            # boxes are in the unrotated page's space: turn them as the page is displayed
            if rotation == 90:
                left, bottom, right, top = bottom, width - right, top, width - left
            elif rotation == 270:
                left, bottom, right, top = height - top, left, height - bottom, right
            elif rotation == 180:
                left, bottom, right, top = width - right, height - top, width - left, height - bottom
            chars.append((chr(code), left, bottom, right, top))
        pages.append(pdfium_layout(chars))
        textpage.close()
        page.close()
    pdf.close()
    return "\f".join(pages) + "\f"


READERS = {"pdftotext -layout": read_poppler, "pdfplumber": read_pdfplumber,
           "pypdfium2": read_pypdfium2}


def child_read(reader: str, pdf: str, out: str) -> None:
    sys.path.insert(0, str(READERS_DIR))
    t0 = time.perf_counter()
    text = READERS[reader](Path(pdf))
    seconds = time.perf_counter() - t0
    Path(out).write_text(text, encoding="utf-8")
    print(json.dumps({"seconds": seconds}))


# ------------------------------------------------------------------ parent side

def wait4_child(args: list[str], env: dict | None = None) -> tuple[str, float, float]:
    """(stdout, wall seconds, peak RSS MB) of one child process.

    The peak comes from GNU time (`/usr/bin/time -f %M`), a small process that starts the
    command: Linux keeps a process's RSS high-water mark across exec, so a command started
    straight from this (large) Python process would report this process's memory as its own.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        t0 = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", stats.name, *args],
                              capture_output=True, env={**os.environ, **(env or {})})
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"{args}: {proc.stderr.decode()[-2000:]}")
        peak_kb = int(Path(stats.name).read_text().split()[-1])
    return proc.stdout.decode(), wall, peak_kb / 1024


def corpus_rows() -> list[dict]:
    with (CORPUS / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["path"].endswith(".pdf")]


def engine_on_text(text_path: Path, row: dict) -> dict:
    """The ingest's reading of one text: figures, landed / checked shares, checks, hand totals."""
    sys.path.insert(0, str(ROOT))
    from collections import Counter

    from ingest.reading.manifest import ManifestEntry
    from ingest.pipeline import document_tables

    entry = ManifestEntry(2, row["document_id"], text_path.name, text_path, row["municipality_code"],
                          int(row["fiscal_year"]), row["title"], "")
    tables = document_tables(entry, text_path.parent)
    cells, checked = Counter(), Counter()
    for c in tables["raw_table_cells"]:
        cells[c["source_line"]] += 1
        checked[c["source_line"]] += bool(c["checked"])
    figures = landed = k = 0
    for t in tables["raw_line_tokens"]:
        n = t["numeric_tokens"]
        figures += n
        landed += min(n, cells[t["line_no"]])
        k += min(n, checked[t["line_no"]])
    status = Counter()
    ok_checks = []
    for c in tables["raw_checks"]:
        if c["computed_value"] is None:
            status["unverifiable"] += 1
            continue
        tol = Decimal(str(c.get("tolerance") or 0))
        diff = abs(Decimal(str(c["reported_value"])) - Decimal(str(c["computed_value"])))
        if diff <= tol:
            status["ok"] += 1
            ok_checks.append(c)
        elif c.get("expected"):
            status["expected_mismatch"] += 1
        else:
            status["mismatch"] += 1
    hand = {}
    for doc, value, subject, label in HAND_CHECKED:
        if doc == row["document_id"]:
            hand[label] = any(float(c["reported_value"]) == value and
                              (subject is None or c["subject"] == subject) for c in ok_checks)
    return {"figures": figures, "landed_share": round(landed / max(figures, 1), 3),
            "checked_share": round(k / max(figures, 1), 3), "checks": dict(status),
            "table_cells": len(tables["raw_table_cells"]), "hand_checked": hand}


def compare_readers(readers: list[str]) -> dict:
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for row in corpus_rows():
            pdf = CORPUS / row["path"]
            for reader in readers:
                out = Path(tmp) / f"{row['document_id']}.txt"
                best_wall, best_inner, rss = None, None, 0.0
                for _ in range(ROUNDS):
                    if reader == "pdftotext -layout":  # the process itself: its own wall and RSS
                        text, wall, peak = wait4_child(["pdftotext", "-layout", "-enc", "UTF-8",
                                                        str(pdf), str(out)])
                        inner = wall
                    else:
                        text, wall, peak = wait4_child([sys.executable, __file__, "--read", reader,
                                                        str(pdf), str(out)])
                        inner = json.loads(text)["seconds"]
                    best_wall = wall if best_wall is None else min(best_wall, wall)
                    best_inner = inner if best_inner is None else min(best_inner, inner)
                    rss = max(rss, peak)
                reading = engine_on_text(out, row)
                pages = out.read_text(encoding="utf-8").count("\f")
                results.setdefault(row["document_id"], {})[reader] = {
                    "seconds": round(best_inner, 3), "process_seconds": round(best_wall, 3),
                    "peak_rss_mb": round(rss, 1), "pages_read": pages, **reading}
                print(f"{row['document_id']:<24} {reader:<18} {best_inner:6.2f} s {rss:6.1f} MB "
                      f"figures {reading['figures']:>6} landed {reading['landed_share']:.1%} "
                      f"checked {reading['checked_share']:.1%} {reading['checks']} "
                      f"{reading['hand_checked']}", flush=True)
    return results


def chosen_reader() -> dict:
    """The project's reader (pdf_reader: pdftotext + page furniture + spreads) on each PDF."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        sys.path.insert(0, str(ROOT))
        from ingest.reading.pdf_reader import read_pdf

        for row in corpus_rows():
            pdf = CORPUS / row["path"]
            doc = read_pdf(pdf.read_bytes(), str(pdf))
            path = Path(tmp) / f"{row['document_id']}.txt"
            path.write_text(doc.text, encoding="utf-8")
            reading = engine_on_text(path, row)
            reading.update(pages=len(doc.pages), pages_without_text=doc.pages_without_text,
                           split_sheets=sum(p.book_pages == 2 for p in doc.pages),
                           page_labels=sum(bool(p.page_label) for p in doc.pages))
            out[row["document_id"]] = reading
            print(f"{row['document_id']:<24} ingest.reading.pdf_reader   figures {reading['figures']:>6} "
                  f"landed {reading['landed_share']:.1%} checked {reading['checked_share']:.1%} "
                  f"{reading['checks']} {reading['hand_checked']}", flush=True)
    return out


INGEST_CHILD = """
import json, sys, time, resource
from pathlib import Path
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
from ingest.pipeline import run_ingest
t1 = time.perf_counter()
run_ingest(Path({manifest!r}), Path({seeds!r}), None, jobs=1)
t2 = time.perf_counter()
print(json.dumps({{"import_seconds": t1 - t0, "ingest_seconds": t2 - t1,
                  "children_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
"""


def speed(rounds: int) -> dict:
    pdf = CORPUS / "fuji_r6_yosansho.pdf"
    row = next(r for r in corpus_rows() if r["path"] == pdf.name)
    WORK.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=WORK, prefix="pdfspeed-"))
    # a 100-page cut of the same book, for memory against the number of pages
    parts = tmp / "parts"
    parts.mkdir()
    subprocess.run(["pdfseparate", "-f", "1", "-l", "100", str(pdf), str(parts / "p%03d.pdf")],
                   check=True, capture_output=True)
    subprocess.run(["pdfunite", *sorted(str(p) for p in parts.iterdir()), str(tmp / "fuji100.pdf")],
                   check=True, capture_output=True)
    docs = {"612 pages": pdf, "100 pages": tmp / "fuji100.pdf"}
    for label, path in docs.items():
        d = tmp / label.replace(" ", "")
        (d / "seeds").mkdir(parents=True)
        (d / "doc.pdf").write_bytes(path.read_bytes())
        with (d / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["document_id", "path", "municipality_code", "fiscal_year", "title", "encoding"])
            w.writerow([row["document_id"], "doc.pdf", row["municipality_code"], row["fiscal_year"],
                        row["title"], ""])
    floor, ingest, process, rss = [], [], [], {}
    for _ in range(rounds):
        _, wall, _ = wait4_child(["pdftotext", "-layout", str(pdf), str(tmp / "floor.txt")])
        floor.append(wall)
        for label in docs:
            d = tmp / label.replace(" ", "")
            code = INGEST_CHILD.format(root=str(ROOT), manifest=str(d / "manifest.csv"),
                                       seeds=str(d / "seeds"))
            out, wall, peak = wait4_child([sys.executable, "-c", code])
            got = json.loads(out)
            rss[label] = max(rss.get(label, 0.0), peak, got["children_rss_mb"])
            if label == "612 pages":
                ingest.append(got["ingest_seconds"])
                process.append(wall)
    cells = sum(1 for _ in open(tmp / "612pages" / "seeds" / "raw_table_cells.csv", encoding="utf-8")) - 1
    result = {
        "document": pdf.name, "pages": 612, "rounds": rounds,
        "pdftotext_seconds": [round(x, 3) for x in floor],
        "ingest_seconds": [round(x, 3) for x in ingest],
        "ingest_process_seconds": [round(x, 3) for x in process],
        "ratio_best": round(min(ingest) / min(floor), 2),
        "ratio_median": round(statistics.median(ingest) / statistics.median(floor), 2),
        "ratio_process_median": round(statistics.median(process) / statistics.median(floor), 2),
        "peak_rss_mb": {k: round(v, 1) for k, v in rss.items()},
        "table_cells": cells,
    }
    print(json.dumps(result, ensure_ascii=False, indent=1), flush=True)
    return result


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--read", nargs=3, metavar=("READER", "PDF", "OUT"))
    ap.add_argument("--readers", default=",".join(READERS))
    ap.add_argument("--speed-only", action="store_true")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--output", default=str(ROOT / "benchmarks" / "pdf_readers.json"))
    args = ap.parse_args()
    if args.read:
        child_read(*args.read)
        return 0
    result = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                          "platform": platform.platform(),
                          "pdftotext": subprocess.run(["pdftotext", "-v"], capture_output=True,
                                                      text=True).stderr.splitlines()[0]},
              "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    if not args.speed_only:
        result["readers"] = compare_readers(args.readers.split(","))
        result["chosen_reader"] = chosen_reader()
    result["speed"] = speed(args.rounds)
    Path(args.output).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n",
                                 encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
