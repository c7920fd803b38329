"""The short report printed at the end of `make build` (and by `cli summary`)."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

MARTS_ORDER = ("dim_", "fct_", "rpt_")
# A document below this share of its printed figures captured is named in a warning: most of
# what it prints did not reach the warehouse (`build --require-coverage` makes it fail).
LOW_COVERAGE = 0.8
ROOT = Path(__file__).resolve().parents[2]


def how_to_open(path: Path) -> str:
    """Commands that work on this machine: the project's venv Python, the DuckDB CLI if present."""
    python = Path(sys.executable)
    shown = os.path.relpath(python, ROOT) if python.is_relative_to(ROOT) else str(python)
    ways = [f'(cd {ROOT} && {shown} -m ingest.cli query "select * from marts.dim_document")']
    if shutil.which("duckdb"):
        ways.append(f"duckdb -readonly {path}")
    ways.append(f"Python: duckdb.connect({str(path)!r}, read_only=True)")
    return "open it: " + "   or   ".join(ways)


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _table_shares(q) -> list[tuple]:
    """Per document: tables, cells, checked cells, and the shares of its printed figures
    (line by line: a line's figures up to the cells read on it) landed and checked."""
    has = q("select count(*) from information_schema.tables where table_schema = 'raw' "
            "and table_name = 'raw_table_cells'")[0][0]
    if not has:
        return []
    return q("""
        with cells as (
            select document_id, source_line, count(*) as n, count(*) filter (where checked) as k
            from raw.raw_table_cells group by all
        ),
        per_doc as (
            select document_id, count(distinct table_id) as tables, count(*) as cells,
                   count(*) filter (where checked) as checked
            from raw.raw_table_cells group by all
        ),
        shares as (
            select t.document_id, sum(t.numeric_tokens) as figures,
                   sum(least(t.numeric_tokens, coalesce(c.n, 0))) as landed,
                   sum(least(t.numeric_tokens, coalesce(c.k, 0))) as checked
            from raw.raw_line_tokens as t
            left join cells as c on c.document_id = t.document_id and c.source_line = t.line_no
            group by all
        )
        select d.document_id, coalesce(p.tables, 0), coalesce(p.cells, 0), coalesce(p.checked, 0),
               coalesce(s.landed, 0) / greatest(s.figures, 1), coalesce(s.checked, 0) / greatest(s.figures, 1)
        from marts.dim_document as d
        left join per_doc as p on p.document_id = d.document_id
        left join shares as s on s.document_id = d.document_id
        order by d.document_id""")


def page_ranges(pages: list[int]) -> str:
    """`[40, 41, 42, 52]` → `pages 40–42, 52`."""
    runs: list[list[int]] = []
    for page in pages:
        if runs and page == runs[-1][1] + 1:
            runs[-1][1] = page
        else:
            runs.append([page, page])
    parts = [f"{a}–{b}" if b > a else str(a) for a, b in runs]
    return ("page " if len(pages) == 1 else "pages ") + ", ".join(parts)


def print_summary(path: Path, failed_tests: list[str] | None, gx_report, seconds: float | None,
                  require_coverage: float | None = None) -> int:
    """Print documents, rows per mart, checks and coverage.

    Returns 1 if any check mismatches or a document's coverage is below `require_coverage`.
    """
    import duckdb

    if not path.exists():
        print(f"no warehouse at {path}: run `make build`")
        return 1
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        print(f"error: {path} does not open: {' '.join(str(exc).split())[:300]}", file=sys.stderr)
        return 1
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        print("")
        print("== warehouse summary ==")
        for doc_id, code, fy, lines, layout, pages, without in q(
                "select document_id, municipality_code, fiscal_year, line_count, layout, "
                "page_count, pages_without_text from marts.dim_document order by document_id"):
            sections = q(f"select count(*) from raw.raw_sections where document_id = '{doc_id}'")[0][0]
            print(f"document {doc_id}: {code} FY{fy}, {lines} lines, {sections} sections ({layout})"
                  + ("" if pages is None else f", PDF of {pages} pages"))
            if without:
                blank = [p for (p,) in q("select page from marts.dim_document_page where "
                                         f"document_id = '{doc_id}' and not has_text_layer order by page")]
                print(f"  {doc_id}: {without} pages without text (not read: a scan without OCR "
                      f"or a blank page): {page_ranges(blank)}")
        marts = [r[0] for r in q("select table_name from information_schema.tables "
                                 "where table_schema = 'marts' order by table_name")]
        marts.sort(key=lambda n: (MARTS_ORDER.index(n[:4]) if n[:4] in MARTS_ORDER else 9, n))
        counts = [f"{m} {q(f'select count(*) from marts.{m}')[0][0]}" for m in marts]
        print("rows: " + ", ".join(counts))
        unresolved = []
        for m in marts:
            cols = {r[0] for r in q(f"select column_name from information_schema.columns "
                                    f"where table_schema = 'marts' and table_name = '{m}'")}
            if "status" in cols and m.startswith("fct_"):
                n = q(f"select count(*) from marts.{m} where status = 'unresolved'")[0][0]
                if n:
                    unresolved.append(f"{m} {n}")
        if unresolved:
            print("unresolved rows (landed with a reason, not guessed): " + ", ".join(unresolved))
        status_counts = dict(q("select status, count(*) from marts.rpt_reconciliation group by status"))
        print("checks: " + ", ".join(f"{s} {status_counts.get(s, 0)}" for s in
                                     ("ok", "mismatch", "expected_mismatch", "unverifiable")))
        mismatches = q("select document_id, source_line, subject, group_label, reported_value, "
                       "computed_value from marts.rpt_reconciliation where status = 'mismatch' "
                       "order by document_id, source_line limit 30")
        for doc, line, subject, group, rep, comp in mismatches:
            print(f"  MISMATCH {doc}:{line} {subject} [{group}] printed {_num(rep)}, parts give {_num(comp)}")
        low: list[str] = []
        below: list[str] = []
        for doc, total, captured in q(
                "select document_id, sum(numeric_tokens), sum(captured_tokens) "
                "from marts.rpt_extraction_coverage group by document_id order by document_id"):
            ratio = captured / total if total else 1.0
            print(f"coverage {doc}: {captured}/{total} printed figures reached a fact ({ratio:.0%})")
            if ratio < LOW_COVERAGE:
                low.append(doc)
                print(f"  WARNING {doc}: only {ratio:.0%} of its printed figures reached a fact or "
                      f"a check (below {LOW_COVERAGE:.0%}): most of this document is not in the "
                      "warehouse")
            if require_coverage is not None and ratio < require_coverage:
                below.append(doc)
        for doc, tables, cells, checked, landed_share, checked_share in _table_shares(q):
            print(f"tables {doc}: {tables} tables, {cells} cells, {checked} checked by an identity "
                  f"({landed_share:.0%} of printed figures landed as table cells, "
                  f"{checked_share:.0%} checked)")
        worst = q("select document_id, section_path, numeric_tokens - captured_tokens as left_over "
                  "from marts.rpt_extraction_coverage where numeric_tokens > captured_tokens "
                  "order by left_over desc, document_id, section_path limit 5")
        for doc, section, left in worst:
            print(f"  uncaptured {left:>4} in {doc} {section[:70]}")
        if failed_tests is not None:
            if failed_tests:
                print(f"dbt tests: FAILED {len(failed_tests)}:")
                for name in failed_tests:
                    print(f"  FAILED {name}")
            else:
                print("dbt tests: all passed")
        if gx_report is not None:
            print(f"great expectations: {gx_report.describe()}")
        took = f" in {seconds:.0f}s" if seconds is not None else ""
        print(f"warehouse: {path}{took}")
        if below:
            print(f"COVERAGE below the required {require_coverage:.0%}: {', '.join(below)}")
        print(how_to_open(path))
        return 1 if (mismatches or below) else 0
    finally:
        con.close()
