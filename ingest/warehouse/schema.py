"""Column lists of every seed the ingest lands: the interface between extractors and dbt.

Extractors return rows as dicts keyed by these names (missing keys are written empty = NULL).
The pipeline adds `municipality_code` and `fiscal_year` from the manifest to every fact seed,
so extractors only give `document_id` and `source_line`. A key starting with `_` is private to
the pipeline (for example `_value_lines`, the line of each numeric value a row captured, which
feeds the coverage report) and is not written.

Every fact seed also has `status` (`ok` or `unresolved`) and `note`: a row whose cells the
extractor could not place with certainty is landed with status `unresolved` and a reason, never
dropped and never guessed.
"""
from __future__ import annotations

FACT_KEYS = ["municipality_code", "fiscal_year", "document_id", "source_line"]
STATUS = ["status", "note"]

FACT_SEEDS: dict[str, list[str]] = {
    "raw_budget_revisions": FACT_KEYS + [
        "account_name", "revision_seq", "revision_label", "decided_on", "decided_on_kind",
        "amount_yen", "carryover_yen", "budget_after_yen", "budget_after_with_carryover_yen",
    ] + STATUS,
    "raw_budget_items": FACT_KEYS + [
        "account_name", "side", "item_no", "item_name", "initial_budget_yen", "revision_total_yen",
        "reserve_transfer_yen", "final_budget_yen", "settlement_yen",
    ] + STATUS,
    "raw_budget_item_revisions": FACT_KEYS + [
        "account_name", "side", "item_no", "revision_seq", "amount_yen",
    ] + STATUS,
    "raw_fund_balances": FACT_KEYS + [
        "fund_name", "fund_group", "opening_balance_yen", "deposits_yen", "withdrawals_yen",
        "closing_balance_yen",
    ] + STATUS,
    "raw_fund_flows": FACT_KEYS + [
        "fund_name", "flow_type", "breakdown_name", "amount_yen",
    ] + STATUS,
    "raw_bond_balances": FACT_KEYS + [
        "account_name", "breakdown", "purpose_name", "lender_name", "opening_balance_yen",
        "borrowed_yen", "repaid_yen", "closing_balance_yen", "basis",
    ] + STATUS,
    "raw_bond_issues": FACT_KEYS + [
        "account_name", "purpose_name", "amount_yen", "borrowed_on", "lender_name",
        "interest_rate_pct", "term_years", "grace_years",
    ] + STATUS,
    "raw_local_allocation_tax": FACT_KEYS + [
        "item_name", "amount_yen", "prior_year_amount_yen",
    ] + STATUS,
    "raw_allocation_tax_components": FACT_KEYS + [
        "measure", "component_path", "component_name", "level", "sign", "is_subtotal", "amount_yen",
    ] + STATUS,
    # Other finance tables (収益事業, 臨時交付金 事業, 総合交付金 …): one row per printed cell.
    "raw_finance_other": FACT_KEYS + [
        "table_title", "row_label", "column_label", "value", "unit", "amount_yen", "is_total",
    ] + STATUS,
    "raw_it_systems": FACT_KEYS + [
        "system_name", "system_group", "note_marks",
    ] + STATUS,
    "raw_it_equipment": FACT_KEYS + [
        "equipment_type", "quantity",
    ] + STATUS,
    "raw_activity_metrics": FACT_KEYS + [
        "org_unit", "table_title", "row_label", "column_label", "period_month", "value", "unit",
        "is_total",
    ] + STATUS,
    "raw_meetings": FACT_KEYS + [
        "org_unit", "body_name", "session_label", "held_on", "held_until", "format", "agenda",
    ] + STATUS,
    # Bills of a council session (議案審議結果): one row per bill number printed in a 議案 table.
    "raw_council_bills": FACT_KEYS + [
        "session_label", "category", "bill_kind", "bill_no", "bill_label", "title",
        "submitted_on", "submitted_by", "committee", "committee_result", "decided_on",
        "reported_on", "result",
    ] + STATUS,
    # Every numeric cell of every table the table engine read (`ingest/tables/`), bound to a
    # typed mart or not: nothing printed in a table is lost. `checked` is true where the cell
    # is a term or the total of at least one identity that holds (status ok).
    "raw_table_cells": FACT_KEYS + [
        "source_page", "table_id", "table_title", "row_no", "col_no", "row_path", "column_path",
        "printed_text", "value", "unit", "value_yen", "is_total", "concept", "checked",
    ] + STATUS,
    # One row per column of every table the engine read: its header words as printed and the
    # part it plays in the table's own identities (`role`: in a roll-forward a + b − c = d,
    # `opening` / `increase` / `decrease` / `closing`), proven from the printed figures. The
    # measure a column is bound to is the project's judgement, made in dbt from these and the
    # reviewed vocabulary (seeds/ref_measure_terms.csv): int_table_column_concepts.
    "raw_table_columns": FACT_KEYS + [
        "table_id", "table_title", "row_header", "col_no", "column_path", "unit", "role", "role_rows",
    ] + STATUS,
}

# One row per printed total or roll-forward an extractor checked while reading a table.
# `tolerance`: the largest difference printed rounding explains (half a unit of the printed
# precision per rounded term, in the unit of the values); empty = exact.
CHECK_COLUMNS = [
    "check_id", "municipality_code", "fiscal_year", "document_id", "source_line", "subject",
    "group_label", "reported_value", "computed_value", "tolerance", "note", "expected",
]

DOCUMENT_COLUMNS = [
    "document_id", "municipality_code", "fiscal_year", "title", "source_path", "sha256",
    "encoding", "line_count", "layout",
]
SECTION_COLUMNS = [
    "document_id", "section_id", "parent_id", "level", "kind", "number", "heading",
    "section_path", "org_unit", "first_line", "last_line", "text",
]
# One row per page of a PDF document (none for a text document): its size as displayed, who
# produced the file, whether the page has a text layer (a scan without OCR has none) and how
# many characters it holds, and the lines of the document's extracted text it holds
# (first_line..last_line; NULL for a page without a line of its own). `book_pages` is 2 for a
# landscape sheet of two book pages split at its gutter; `page_label` the printed page
# number(s) taken out as page furniture.
PDF_PAGE_COLUMNS = [
    "document_id", "page", "width", "height", "orientation", "rotation", "producer",
    "has_text_layer", "characters", "book_pages", "page_label", "first_line", "last_line",
]
# Reviewed acknowledgements (data/raw/acknowledged_mismatches.csv): a printed discrepancy that is
# real in the source document becomes `expected_mismatch` with the reviewer's note.
ACK_COLUMNS = ["check_id", "note", "reviewed_by"]
LINE_TOKEN_COLUMNS = ["document_id", "line_no", "section_id", "numeric_tokens", "captured_tokens"]

ALL_SEEDS: dict[str, list[str]] = {
    "raw_documents": DOCUMENT_COLUMNS,
    "raw_sections": SECTION_COLUMNS,
    "raw_pdf_pages": PDF_PAGE_COLUMNS,
    "raw_line_tokens": LINE_TOKEN_COLUMNS,
    "raw_checks": CHECK_COLUMNS,
    "raw_acknowledged_mismatches": ACK_COLUMNS,
    **FACT_SEEDS,
}

_INTEGER_COLUMNS = {
    "fiscal_year", "source_line", "line_count", "level", "first_line", "last_line", "line_no",
    "numeric_tokens", "captured_tokens", "revision_seq", "item_no", "sign", "period_month",
    "term_years", "grace_years", "quantity", "source_page", "row_no", "col_no", "role_rows",
    "bill_no",
    "page", "rotation", "characters", "book_pages",
}
_TYPE_BY_COLUMN = {
    "decided_on": "date", "borrowed_on": "date", "held_on": "date", "held_until": "date",
    "submitted_on": "date", "reported_on": "date",
    "interest_rate_pct": "decimal(6,3)", "value": "double", "reported_value": "double",
    "computed_value": "double", "tolerance": "double", "expected": "boolean", "checked": "boolean",
    "width": "double", "height": "double", "has_text_layer": "boolean",
}


def column_type(column: str) -> str:
    """The DuckDB type a seed column lands as (codes such as `01` must stay text)."""
    if column.endswith("_yen"):
        return "bigint"
    if column in _INTEGER_COLUMNS:
        return "integer"
    if column.startswith("is_"):
        return "boolean"
    return _TYPE_BY_COLUMN.get(column, "varchar")


def dbt_seed_properties() -> str:
    """The `seeds/_ingest__seeds.yml` text: every landed seed with its column types."""
    out = ["# Generated by `python -m ingest.warehouse.schema` from ingest/warehouse/schema.py: do not edit by hand.",
           "version: 2", "", "seeds:"]
    for name, columns in ALL_SEEDS.items():
        out += [f"  - name: {name}", f"    description: \"Landed by ingest ({name}).\"",
                "    config:", "      column_types:"]
        out += [f"        {c}: {column_type(c)}" for c in columns]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    from pathlib import Path

    target = Path(__file__).resolve().parents[2] / "seeds" / "_ingest__seeds.yml"
    target.write_text(dbt_seed_properties(), encoding="utf-8")
    print(f"wrote {target}")
