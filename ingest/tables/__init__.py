"""The table engine: every table of a document read into one model and checked by its identities.

    reading  → `cells.py`     one line → its label and numeric cells, with character positions
    layout   → `layout.py`    rows grouped into tables: columns, headers, units, row label paths
    checking → `identities.py` totals, row identities and parent = Σ children found and run,
               with the tolerance printed rounding allows
    landing  → `land.py`      cells and checks as seed rows (`raw_table_cells`, `raw_checks`)

The layouts the documents come in (tab-separated OCR, PDF text flow, column-aligned text as
`pdftotext -layout` writes it) all become the same `Table` (model.py); nothing here names a
document, a city or a table's title.
"""
from ingest.tables.land import extract  # noqa: E402,F401
