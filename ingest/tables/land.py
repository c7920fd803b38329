"""Tables and their identities landed: `raw_table_cells` rows and `raw_checks` checks.

Every numeric cell of every table lands, checked or not. A cell is `checked` when it is the
total or a term of an identity that holds. A row that prints fewer cells than the table has
columns, and that no identity placed, has its cells under columns by position (or, in text
flow, which has no positions, by order: those land `unresolved` with that reason). An
identity over such cells that does not hold is `unverifiable`: the reading is in doubt, not
the document. Only a failing identity over rows read with certainty is a `mismatch`.
"""
from __future__ import annotations

from decimal import Decimal

from ingest.reading.document import Document, Extraction
from ingest.reading.numbers import RATE_MARK, UNIT_SCALE
from ingest.tables.across import numbered_runs
from ingest.tables.identities import find_identities, is_ratio_column
from ingest.tables.layout import NEAR, group_tables, read_lines
from ingest.tables.model import Identity, Table

SEED = "raw_table_cells"
MAX_TERMS_IN_NOTE = 12


def read_tables(doc: Document) -> list[Table]:
    """Every table of the document, read once and shared (`Document.derived`)."""
    def compute(d: Document) -> list[Table]:
        return group_tables(read_lines(list(enumerate(d.laid_out, start=1))), d.document_id)

    return doc.derived("tables", compute)


def _yen(value: Decimal, unit: str | None) -> int | None:
    scale = UNIT_SCALE.get(unit or "")
    return None if scale is None else int((value * scale).to_integral_value())


def _fmt(value: Decimal) -> str:
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _column_unit(table: Table, c: int) -> str | None:
    """A column's unit as landed: a ratio column (構成比, 伸率: by its header or its figures)
    whose figures all print decimals is in %, not in the money unit a `(単位:千円、%)`
    statement gives the table; any other keeps its own."""
    col = table.columns[c]
    if col.unit is not None and col.unit not in UNIT_SCALE:
        return col.unit
    figures = [row.placed[c] for row in table.rows if row.placed[c] is not None]
    if figures and all(f.decimals >= 1 for f in figures) and is_ratio_column(table, c):
        return "%"
    return col.unit


def _note(identity: Identity) -> str:
    terms = identity.terms
    shown = " ".join(f"{'+' if s > 0 else '−'} {_fmt(c.value)}" for s, c in terms[:MAX_TERMS_IN_NOTE])
    more = f" … ({len(terms)} terms)" if len(terms) > MAX_TERMS_IN_NOTE else ""
    lines = sorted({c.line for _, c in terms})
    return (f"{identity.kind} ({identity.supported_by}): {shown.lstrip('+ ')}{more}; "
            f"terms on lines {lines[0]}–{lines[-1]}" if lines else identity.kind)


def _on_ocr_pages(doc: Document, cells) -> bool:
    """Some cell of the identity was read from a scanned page's OCR text."""
    if not doc.ocr_pages or not doc.pages:
        return False
    return any(0 < c.line <= len(doc.pages) and doc.pages[c.line - 1] in doc.ocr_pages for c in cells)


def _left_open_before(doc: Document, prev: Table, table: Table) -> bool:
    """The table before this one, in the same unit, ran to the end of the previous page with
    no total of its own: this table's totals may close its rows too (a 歳入歳出予算 whose later
    pages print only the column words, not the first page's title, so the two were not joined)."""
    if prev.unit != table.unit or not prev.rows or prev.rows[-1].is_total:
        return False
    between = doc.laid_out[prev.last_line:table.first_line - 1]
    return any("\f" in text for text in between)


def _placed_in_doubt(table: Table) -> set[int]:
    """Cells whose column is not certain: in a row shorter than the table, placed by order or
    nearest edge; in aligned text only those not standing at their column's edge (pulled left
    after a long label, squeezed into a run of digits), unless an identity placed them."""
    if table.aligned:
        return {id(c) for row in table.rows if not row.proven
                for col, c in zip(table.columns, row.placed)
                if c is not None and abs(c.end - col.end) > NEAR}
    widest = table.widest
    return {id(c) for row in table.rows if len(row.cells) < widest and not row.proven for c in row.cells}


COLUMNS_SEED = "raw_table_columns"
ROLL_FORWARD_ROLES = ("opening", "increase", "decrease")  # the terms of a + b − c, in order


def column_roles(table: Table, identities: list[Identity]) -> dict[int, tuple[str, int]]:
    """The part each column plays in the table's roll-forwards (a + b − c = d that hold):
    column → (role, rows on which it was proven). A column given two roles keeps the one
    proven on more rows."""
    votes: dict[int, dict[str, int]] = {}
    for ident in identities:
        if ident.kind != "roll_forward" or ident.row is None or not ident.holds:
            continue
        placed = table.rows[ident.row].placed
        where = {id(c): k for k, c in enumerate(placed) if c is not None}
        cols = [where.get(id(cell)) for _, cell in ident.terms]
        if len(cols) != 3 or None in cols:
            continue
        for role, col in zip(ROLL_FORWARD_ROLES, cols):
            votes.setdefault(col, {}).setdefault(role, 0)
            votes[col][role] += 1
        votes.setdefault(ident.column, {}).setdefault("closing", 0)
        votes[ident.column]["closing"] += 1
    return {col: max(v.items(), key=lambda kv: kv[1]) for col, v in votes.items()}


def _land_columns(ex: Extraction, doc: Document, table: Table, identities: list[Identity],
                  units: list[str | None]) -> None:
    roles = column_roles(table, identities)
    for col in table.columns:
        role, rows = roles.get(col.index, (None, None))
        first = next((row.placed[col.index].line for row in table.rows
                      if col.index < len(row.placed) and row.placed[col.index] is not None),
                     table.first_line)
        ex.add(COLUMNS_SEED, {
            "document_id": doc.document_id, "source_line": first, "table_id": table.table_id,
            "table_title": table.title, "row_header": table.row_header or None,
            "col_no": col.index + 1, "column_path": col.label,
            "unit": units[col.index], "role": role, "role_rows": rows, "status": "ok", "note": "",
        })


def extract(doc: Document) -> Extraction:
    ex = Extraction()
    tables = read_tables(doc)
    flow = doc.layout == "pdf_flow"
    found = [find_identities(table) for table in tables]  # places short rows the relations prove, first
    doubt = [_placed_in_doubt(table) for table in tables]
    # identities between tables (a 目 and its 節 on the pages after it) land with the head's
    # table; the cells they check may be another table's
    index = {id(table): k for k, table in enumerate(tables)}
    across = numbered_runs(tables)
    for ident in across:
        found[index[id(ident.table)]].append(ident)
    short_anywhere = set().union(*doubt) if across else set()
    checked: set[int] = {id(c) for ident in across if ident.holds
                         for c in [ident.reported] + [c for _, c in ident.terms]}
    for k, table in enumerate(tables):
        identities = found[k]
        short = doubt[k] | short_anywhere if across else doubt[k]
        guessed = doubt[k] if flow else set()
        # A total row that adds up in none of its columns: the rows it closes were not all
        # read (a table split by a page, rows misread), not a misprint in every column.
        # (whether each identity holds, worked out once: `Identity.holds` sums Decimals)
        held = {id(ident): ident.holds for ident in identities}
        by_total: dict[int, list[Identity]] = {}
        for ident in identities:
            if ident.kind == "column_total":
                by_total.setdefault(ident.reported.line, []).append(ident)
        unread = {id(i) for ids in by_total.values() if len(ids) >= 2 and not any(held[id(i)] for i in ids)
                  for i in ids}
        # A table with no header above its first row may have begun above it (a page of a 計算書
        # whose rows were split by a 説明 column's text): its totals may close rows not read.
        headless = {id(i) for ids in by_total.values() for i in ids if not held[id(i)]} \
            if not table.headed or (k and _left_open_before(doc, tables[k - 1], table)) else set()
        for ident in identities:
            holds = held[id(ident)]
            cells = [ident.reported] + [c for _, c in ident.terms] + list(ident.covers)
            doubtful = any(id(c) in short for c in cells)
            if holds:
                checked.update(id(c) for c in cells)
            row = table.rows[ident.row] if ident.row is not None else None
            col = table.columns[ident.column] if ident.column is not None else None
            where = "/".join(x for x in (
                table.title or table.table_id,
                "/".join(row.path) if row is not None else None,
                col.label if col is not None else None) if x)
            note = _note(ident)
            computed = ident.computed
            if doubtful and not holds:
                note += ("; some cells were put under their columns by position or order only, "
                         "and this reading does not add up")
                computed = None
            elif not holds and _on_ocr_pages(doc, cells):
                note += ("; read from the OCR text layer of a scanned page: a figure may be "
                         "misread, so this is not taken for a discrepancy of the document")
                computed = None
            elif id(ident) in headless:
                note += ("; the table may begin above its first row (no header stands there, or "
                         "the table before it ran on to this page without a total): the total may "
                         "close rows not read with it")
                computed = None
            elif id(ident) in unread:
                note += ("; the total adds up in none of its columns: the rows it closes were "
                         "not all read")
                computed = None
            elif ident.found_from_rows and not holds:
                note += ("; a relation the other rows of the table hold does not hold here: "
                         "the row may not belong to the table")
                computed = None
            ex.check(f"table:{ident.kind}", where, float(ident.reported.value),
                     None if computed is None else float(computed), ident.reported.line, note,
                     tolerance=float(ident.tolerance))
        # (the column's unit as landed: its cells and its `raw_table_columns` row agree)
        col_units = [_column_unit(table, c) for c in range(len(table.columns))]
        _land_columns(ex, doc, table, identities, col_units)
        col_labels = [col.label for col in table.columns]
        rows_out = ex.rows.setdefault(SEED, [])
        for r, row in enumerate(table.rows):
            row_path = "/".join(row.path)
            for c, cell in enumerate(row.placed):
                if cell is None:
                    continue
                # a figure printed with a unit of its own keeps it (a count `8人` among the 千円
                # amounts of a 説明 column; a formula's base printed in 円, `21,000円×4,624人×1/2`,
                # in a column of 千円); a bare one is in its column's unit
                own = cell.unit if RATE_MARK not in cell.text or cell.unit in UNIT_SCALE else None
                unit = own or col_units[c]
                ok = id(cell) not in guessed
                is_checked = id(cell) in checked
                printed, note = cell.text, "" if ok else "placed under a column by order: the text flow gives no positions"
                misread = doc.ocr_readings.get(cell.line)
                if misread and cell.text in misread:
                    printed = misread[cell.text]
                    note = "; ".join(filter(None, [note, f"OCR text {printed!r} read as {cell.text} "
                                                         "(misread glyphs in a figure; its identities decide)"]))
                rows_out.append({
                    "document_id": doc.document_id, "source_line": cell.line,
                    "source_page": doc.pages[cell.line - 1] if doc.pages else None,
                    "table_id": table.table_id, "table_title": table.title,
                    "row_no": r + 1, "col_no": c + 1, "row_path": row_path,
                    "column_path": col_labels[c], "printed_text": printed,
                    "value": float(cell.value), "unit": unit, "value_yen": _yen(cell.value, unit),
                    "is_total": row.is_total, "concept": None, "checked": is_checked,
                    "status": "ok" if ok else "unresolved",
                    "note": note,
                    "_value_lines": (cell.line,) if is_checked else (),
                })
            # cells beyond the table's width (a row wider than its table) are not dropped
            for extra_i, cell in enumerate(row.cells[len(table.columns):], start=len(table.columns) + 1):
                ex.add(SEED, {
                    "document_id": doc.document_id, "source_line": cell.line,
                    "source_page": doc.pages[cell.line - 1] if doc.pages else None,
                    "table_id": table.table_id, "table_title": table.title, "row_no": r + 1,
                    "col_no": extra_i, "row_path": "/".join(row.path), "column_path": "",
                    "printed_text": cell.text, "value": float(cell.value), "unit": table.unit,
                    "value_yen": _yen(cell.value, table.unit), "is_total": row.is_total,
                    "concept": None, "checked": False, "status": "unresolved",
                    "note": "more cells than the table has columns", "_value_lines": (),
                })
    return ex
