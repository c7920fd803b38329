"""The short report printed at the end of `make build` (and by `cli summary`)."""
from __future__ import annotations

from pathlib import Path

MARTS_ORDER = ("dim_", "fct_", "rpt_")


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def print_summary(path: Path, failed_tests: list[str] | None, gx_report, seconds: float | None) -> int:
    """Print documents, rows per mart, checks and coverage. Returns 1 if any check mismatches."""
    import duckdb

    if not path.exists():
        print(f"no warehouse at {path}: run `make build`")
        return 1
    con = duckdb.connect(str(path), read_only=True)
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        print("")
        print("== warehouse summary ==")
        for doc_id, code, fy, lines, layout in q(
                "select document_id, municipality_code, fiscal_year, line_count, layout "
                "from marts.dim_document order by document_id"):
            sections = q(f"select count(*) from raw.raw_sections where document_id = '{doc_id}'")[0][0]
            print(f"document {doc_id}: {code} FY{fy}, {lines} lines, {sections} sections ({layout})")
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
        for doc, total, captured in q(
                "select document_id, sum(numeric_tokens), sum(captured_tokens) "
                "from marts.rpt_extraction_coverage group by document_id order by document_id"):
            ratio = captured / total if total else 1.0
            print(f"coverage {doc}: {captured}/{total} printed figures reached a fact ({ratio:.0%})")
        worst = q("select document_id, section_path, numeric_tokens - captured_tokens as left_over "
                  "from marts.rpt_extraction_coverage where numeric_tokens > captured_tokens "
                  "order by left_over desc, document_id, section_path limit 5")
        for doc, section, left in worst:
            print(f"  uncaptured {left:>4} in {doc} {section[:70]}")
        if failed_tests is not None:
            print(f"dbt tests: {'all passed' if not failed_tests else 'FAILED: ' + ', '.join(failed_tests)}")
        if gx_report is not None:
            print(f"great expectations: {gx_report.describe()}")
        took = f" in {seconds:.0f}s" if seconds is not None else ""
        print(f"warehouse: {path}{took}")
        print(f"open it: duckdb -readonly {path}   or   python -m ingest.cli query \"select * from marts.dim_document\"")
        return 1 if mismatches else 0
    finally:
        con.close()
