"""The ingest stage of `make build`: manifest → documents → sections, facts, checks → seeds.

Everything is validated before anything is written: a bad manifest row or an unreadable
document raises `IngestError` (one line naming the file and line) and the seeds already in
place, and the warehouse built from them, stay exactly as they were.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter, deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import Iterable, Iterator

from ingest.warehouse import schema
from ingest.reading.document import Document, Extraction
from ingest.reading.furniture import repeated_head_lines
from ingest.errors import IngestError
from ingest.extract import extractors
from ingest.reading.load import load_document
from ingest.reading.manifest import ManifestEntry, read_manifest
from ingest.reading.numbers import figure_tokens
from ingest.warehouse.seeds import csv_text, write_seeds

CACHE_VERSION = "2"
ACK_FILE = "acknowledged_mismatches.csv"


def read_acknowledgements(path: Path) -> list[dict]:
    """Reviewed discrepancies next to the manifest (check_id,note,reviewed_by); may be absent.

    Only this file turns a `mismatch` into `expected_mismatch`: each line must name the check
    and say why the printed figure is really wrong in the source document.
    """
    if not path.exists():
        return []
    import csv

    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    if not rows or [c.strip() for c in rows[0]] != schema.ACK_COLUMNS:
        raise IngestError(str(path), f"header must be exactly {','.join(schema.ACK_COLUMNS)}", 1)
    out = []
    for i, row in enumerate(rows[1:], start=2):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) != 3 or not row[0].strip() or not row[1].strip():
            raise IngestError(str(path), "each line needs check_id, a note and reviewed_by", i)
        out.append(dict(zip(schema.ACK_COLUMNS, (c.strip() for c in row)), line=i))
    return out


def check_acknowledgements(path: Path, acks: list[dict], found: set[str]) -> None:
    """Every acknowledged `check_id` must name a check this build made (`found`: the
    acknowledged ids seen among the checks written).

    A stale or mistyped id would acknowledge nothing and, worse, fail later as a dbt
    relationships test named by hash; it is refused here with the file and its line.
    """
    for ack in acks:
        if ack["check_id"] not in found:
            raise IngestError(str(path), f"unknown check_id {ack['check_id']!r}: no check of this "
                              "build has that id (see marts.rpt_reconciliation for the ids)",
                              ack["line"])


def check_municipalities(seed: Path, entries: list[ManifestEntry]) -> None:
    """Every manifest municipality must be in the reviewed `ref_municipalities` seed.

    Otherwise the marts would carry a NULL municipality name and fail not-null tests named
    by hash; the build stops before it starts, naming the seed and the code.
    """
    if not seed.exists():
        return
    import csv

    with seed.open(encoding="utf-8-sig", newline="") as fh:
        known = {row["municipality_code"].strip() for row in csv.DictReader(fh)}
    for entry in entries:
        if entry.municipality_code not in known:
            raise IngestError(str(seed), f"municipality_code {entry.municipality_code} (manifest "
                              f"line {entry.line}, {entry.document_id}) is not in this seed: add "
                              "a line municipality_code,municipality_name,prefecture_name")


def extract_all(doc: Document, path: str = "") -> Extraction:
    """Run every extractor on one document; an extractor bug is reported, never swallowed.

    Extractors land what they cannot place as `unresolved` rows; an exception escaping one is
    a bug, so the build stops with one line naming the document and extractor rather than
    publish a warehouse with a table silently missing.
    """
    total = Extraction()
    for name, fn in extractors():
        try:
            part = fn(doc)
        except Exception as exc:  # noqa: BLE001 - turned into the build's one-line error
            raise IngestError(path or doc.document_id,
                              f"extractor {name!r} failed: {type(exc).__name__}: {exc}") from exc
        for check in part.checks:
            check.setdefault("extractor", name)
        total.merge(part)
    _defer_to_the_table_engine(total.checks)
    return total


def _fails(check: dict) -> bool:
    computed = check["computed_value"]
    return computed is not None and abs(check["reported_value"] - computed) > (check["tolerance"] or 0)


def _defer_to_the_table_engine(checks: list[dict]) -> None:
    """A sum the activity reader makes of a printed total that the table engine reads too.

    The activity reader (`extract/activity_tables.py`, older than the engine) adds the rows
    above a total row as it split them, every column alike: a 構成比 or 伸率 column summed,
    a subtotal counted with its parts. Where the engine checks the same printed figure on the
    same line and does not find it wrong (its reading holds, or it says why it cannot tell),
    the activity reader's failing sum is its own misreading, not the document's: it is
    `unverifiable`, naming the engine's check. Where the engine finds the figure wrong too,
    both stay mismatches.
    """
    engine: dict[tuple[int, float], list[dict]] = {}
    for check in checks:
        if check["subject"].startswith("table:"):
            engine.setdefault((check["source_line"], float(check["reported_value"])), []).append(check)
    for check in checks:
        if not check["subject"].startswith("activity_metrics.") or not _fails(check):
            continue
        read = engine.get((check["source_line"], float(check["reported_value"])), [])
        if read and not any(_fails(c) for c in read):
            held = next((c for c in read if c["computed_value"] is not None), read[0])
            check["computed_value"] = None
            verdict = "holds" if held["computed_value"] is not None else "cannot be told from the rows read"
            check["note"] = "; ".join(filter(None, [check["note"], (
                f"the table engine reads this total too ({held['subject']} {held['group_label']}: "
                f"{verdict}): this sum of the rows as the activity reader split them is not "
                "taken for the document's")]))


# The longest text one seed cell may hold: dbt reads seeds with Python's csv module, whose
# field limit is 131,072 characters; a longer cell fails `dbt seed` after the ingest accepted
# the document. Longer section text is split into continuation rows (below this, with room).
MAX_CELL_CHARS = 100_000


def _section_lines(doc: Document) -> dict[str, list]:
    """Section id → the lines it owns (a child's lines are not its parent's), in order.

    Consecutive lines mostly share an owner, so lines are gathered run by run.
    """
    parts: dict[str, list] = {}
    owner = doc.owner
    for section_id, run in groupby(doc.lines, key=lambda line: owner[line.no]):
        parts.setdefault(section_id, []).extend(run)
    return parts


def _chunks(lines: list, limit: int = MAX_CELL_CHARS) -> list[list]:
    """The lines cut into runs whose joined text stays within `limit` characters.

    A single line longer than the limit is cut into pieces of its own (same line number), so
    no cell ever exceeds it and no character is lost.
    """
    texts = [line.text for line in lines]
    if sum(map(len, texts)) + len(texts) - 1 <= limit and max(map(len, texts), default=0) <= limit:
        return [list(lines)]  # (nearly every section: the whole of it fits in one cell)
    out: list[list] = [[]]
    size = 0
    for line in lines:
        pieces = [line] if len(line.text) <= limit else [
            line._replace(text=line.text[i:i + limit]) for i in range(0, len(line.text), limit)]
        for piece in pieces:
            if out[-1] and size + 1 + len(piece.text) > limit:
                out.append([])
                size = 0
            size += len(piece.text) + (1 if len(out[-1]) else 0)
            out[-1].append(piece)
    return out


def _section_rows(doc: Document) -> tuple[list[dict], dict[int, str]]:
    """`raw_sections` rows, and the section id of each line that moved to a continuation row.

    A section whose text is longer than one seed cell may hold lands as its own row plus
    continuation rows (`<id>~2`, `~3` …, kind `continuation`, same parent and path), each with
    the line range it holds: every line is still in exactly one row.
    """
    rows, moved = [], {}
    lines_of = _section_lines(doc)
    for sec in doc.sections:
        chunks = _chunks(lines_of.get(sec.section_id, []))
        base = {"document_id": doc.document_id, "section_id": sec.section_id,
                "parent_id": sec.parent_id, "level": sec.level, "kind": sec.kind,
                "number": sec.number, "heading": sec.heading, "section_path": sec.path,
                "org_unit": sec.org_unit, "first_line": sec.first_line,
                "last_line": sec.last_line, "text": "\n".join(l.text for l in chunks[0])}
        rows.append(base)
        for n, chunk in enumerate(chunks[1:], start=2):
            cont_id = f"{sec.section_id}~{n}"
            rows.append({**base, "section_id": cont_id, "kind": "continuation",
                         "first_line": chunk[0].no, "last_line": chunk[-1].no,
                         "text": "\n".join(l.text for l in chunk)})
            for line in chunk:
                moved[line.no] = cont_id
    return rows, moved


def _public_row(row: dict, keys: dict, document_id: str, cache: dict[tuple, list[str]]) -> dict:
    """A fact row as landed: without the extractor's private `_` keys, with the document keys.

    The row is changed in place (an extractor's rows are not used after they are landed).
    Rows of one extractor share their key set, so which keys are private is worked out once
    per key set (`cache`) instead of key by key for every row.
    """
    signature = tuple(row)
    private = cache.get(signature)
    if private is None:
        private = cache[signature] = [k for k in signature if k.startswith("_")]
    for k in private:
        del row[k]
    row.update(keys)
    row.setdefault("document_id", document_id)
    row.setdefault("status", "ok")
    return row


def document_tables(entry: ManifestEntry, manifest_dir: Path) -> dict[str, list[dict]]:
    """All seed rows of one document (pure function of the document's bytes and the code)."""
    doc, doc_row = load_document(entry.abs_path, entry.document_id, entry.municipality_code,
                                 entry.fiscal_year, entry.title, entry.encoding)
    doc_row["source_path"] = entry.path
    keys = {"municipality_code": entry.municipality_code, "fiscal_year": entry.fiscal_year}
    ex = extract_all(doc, str(entry.abs_path))

    tables: dict[str, list[dict]] = {name: [] for name in schema.ALL_SEEDS}
    tables["raw_pdf_pages"].extend(doc_row.pop("_pages", ()))
    tables["raw_documents"].append(doc_row)
    section_rows, moved = _section_rows(doc)
    tables["raw_sections"].extend(section_rows)

    # A printed total that was checked reached a mart too (rpt_reconciliation), by its line.
    value_lines = [check["source_line"] for check in ex.checks]
    public_keys: dict[tuple, list[str]] = {}
    for seed, rows in ex.rows.items():
        if seed not in schema.FACT_SEEDS:
            raise ValueError(f"extractor returned rows for unknown seed {seed!r}")
        for row in rows:
            value_lines.extend(row.get("_value_lines") or ())
            tables[seed].append(_public_row(row, keys, doc.document_id, public_keys))
    captured = Counter(value_lines)
    heading_lines = {sec.first_line for sec in doc.sections if sec.level > 0}
    owner = doc.owner
    token_rows = tables["raw_line_tokens"]
    running = repeated_head_lines(doc.lines, doc.pages)  # printed again on each page: once
    for no, text in doc.lines:
        if not text or no in running:
            continue
        figures = len(figure_tokens(text, no in heading_lines))  # heading=…
        if figures:
            token_rows.append({
                "document_id": doc.document_id, "line_no": no,
                "section_id": moved.get(no) or owner[no], "numeric_tokens": figures,
                "captured_tokens": min(figures, captured.get(no, 0)),
            })
    seq: dict[str, int] = {}
    for check in ex.checks:
        base = f"{doc.document_id}:{check['subject']}:{check['group_label']}:{check['source_line']}"
        n = seq[base] = seq.get(base, 0) + 1
        tables["raw_checks"].append({
            **check, **keys, "document_id": doc.document_id,
            "check_id": base if n == 1 else f"{base}:{n}",
        })
    return tables


def _code_fingerprint() -> str:
    """Hash of the ingest code: a cached document is re-ingested when the code changes."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256(CACHE_VERSION.encode())
    for path in sorted(root.rglob("*.py")):
        if "tests" in path.parts:
            continue
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _entry_key(entry: ManifestEntry, code: str) -> str:
    h = hashlib.sha256()
    h.update(entry.abs_path.read_bytes())
    h.update(json.dumps([entry.document_id, entry.municipality_code, entry.fiscal_year,
                         entry.title, entry.encoding, entry.path, code]).encode())
    return h.hexdigest()


def _payload(tables: dict[str, list[dict]]) -> bytes:
    """One document's seed rows as one blob: a JSON header line, then the UTF-8 CSV bodies.

    The header holds each seed's row count and body length in bytes. The blob is what the
    cache file holds and what a worker hands to the main process: the main process only
    slices it into the seed files, without decoding, re-encoding or unpickling row data.
    """
    bodies = {name: csv_text(schema.ALL_SEEDS[name], rows, header=False).encode("utf-8")
              for name, rows in tables.items()}
    header = {name: [len(tables[name]), len(body)] for name, body in bodies.items()}
    head = json.dumps(header, separators=(",", ":")).encode("ascii")
    return head + b"\n" + b"".join(bodies.values())


def _layout(head: bytes, size: int) -> list[tuple[str, int, int, int]] | None:
    """(seed, rows, offset, length) of each CSV body of a `_payload` blob of `size` bytes whose
    first line is `head` (the JSON header, without its line break), in the order written.

    None when the blob is not whole: a header for every seed and exactly the bytes it
    announces. Only a damaged cache file (a disk error, an edit) fails this; it is then read
    again from its document, never trusted.
    """
    try:
        header = json.loads(head)
        layout = [(name, int(rows), int(length)) for name, (rows, length) in header.items()]
    except (ValueError, TypeError, AttributeError):
        return None
    if set(header) != set(schema.ALL_SEEDS) or len(head) + 1 + sum(n for _, _, n in layout) != size:
        return None
    parts, pos = [], len(head) + 1
    for name, rows, length in layout:
        parts.append((name, rows, pos, length))
        pos += length
    return parts


def _payload_parts(blob: bytes) -> list[tuple[str, int, memoryview]] | None:
    """(seed, rows, CSV body) of a `_payload` blob held in memory (see `_layout`)."""
    end = blob.find(b"\n")
    layout = _layout(blob[:end], len(blob)) if end >= 0 else None
    if layout is None:
        return None
    view = memoryview(blob)
    return [(name, rows, view[pos:pos + length]) for name, rows, pos, length in layout]


MAX_HEADER_BYTES = 4096  # a blob's JSON header: 23 seeds, under 1 KB


def _file_layout(fh) -> list[tuple[str, int, int, int]] | None:
    """`_layout` of a `_payload` blob in a file, from its first line and its size alone."""
    head = os.pread(fh.fileno(), MAX_HEADER_BYTES, 0)
    end = head.find(b"\n")
    return _layout(head[:end], os.fstat(fh.fileno()).st_size) if end >= 0 else None


def _copy_range(src, dst, offset: int, length: int) -> None:
    """`length` bytes of `src` from `offset` appended to `dst`, copied by the kernel.

    The seeds of a document are mostly already in the page cache (its cache file, written a
    moment ago by a worker): `copy_file_range` moves them to the seed file without passing
    them through this process, which assembles every seed of the build. Where the kernel
    cannot (another filesystem on an old kernel), the bytes are read and written.
    """
    dst.flush()  # (what was written through the buffer lands before the copied bytes)
    out = dst.fileno()
    while length > 0:
        try:
            done = os.copy_file_range(src.fileno(), out, length, offset)
        except OSError:
            done = 0
        if done <= 0:  # not supported here, or the file ended early: plain reads and writes
            data = os.pread(src.fileno(), length, offset)
            if len(data) != length:
                raise RuntimeError("ingest: a document's seed blob is not whole")
            dst.write(data)
            return
        offset += done
        length -= done


def _process(args: tuple[ManifestEntry, Path, Path | None, str]) -> tuple[bytes | Path, bool]:
    """Ingest one document in a worker: (payload blob, or the cache file holding it; hit).

    Whenever the blob is in a cache file, a hit or just written, the file's path is handed
    over, not its bytes (about 0.5 MB a document): the main process copies the file's parts
    into the seeds within the kernel (`_copy_range`, from the page cache) instead of the bytes
    being pickled through the pool's pipe, unpickled and written again by the one process
    that assembles every seed while both workers keep the cores busy.
    """
    entry, manifest_dir, cache_dir, code = args
    cache_file = None
    if cache_dir is not None:
        cache_file = cache_dir / f"{entry.document_id}-{_entry_key(entry, code)[:24]}.seeds"
        if cache_file.exists():
            if _payload_parts(cache_file.read_bytes()) is not None:
                return cache_file, True
            cache_file.unlink()  # damaged: read the document again
    try:
        payload = _payload(document_tables(entry, manifest_dir))
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug or an OS error: one line naming the file
        raise IngestError(str(entry.abs_path), f"cannot ingest: {type(exc).__name__}: {exc}") from None
    if cache_file is not None:
        # The cache holds the CSV bytes themselves, so a hit reproduces the seeds byte for byte.
        tmp = cache_file.with_suffix(".tmp")
        tmp.write_bytes(payload)
        tmp.replace(cache_file)
        return cache_file, False
    return payload, False


def run_ingest(manifest: Path, seeds_dir: Path, cache_dir: Path | None = None,
               jobs: int = 1) -> dict:
    """Ingest every manifest document into seeds; returns a summary for the build report."""
    entries = read_manifest(manifest)
    for entry in entries:  # fail fast, before any work, on a missing file
        if not entry.abs_path.is_file():
            raise IngestError(str(manifest), f"document file not found: {entry.path}", entry.line)
    check_municipalities(seeds_dir / "ref_municipalities.csv", entries)
    code = _code_fingerprint()
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
    work = [(e, manifest.parent, cache_dir, code) for e in entries]
    ack_path = manifest.parent / ACK_FILE
    acks = read_acknowledgements(ack_path)
    wanted = {a["check_id"] for a in acks}
    validate = lambda found: check_acknowledgements(ack_path, acks, found)  # noqa: E731
    if jobs > 1 and len(entries) > 1:
        extractors()  # imported once here, so forked workers start with them (no re-import)
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            try:
                counts, reused = _write(seeds_dir, _bounded_map(pool, _process, work, jobs * 4),
                                        validate, wanted)
            except BrokenProcessPool as exc:  # a worker died (killed, out of memory)
                raise IngestError(str(manifest), f"an ingest worker process died ({exc}); "
                                  "run with --jobs 1 to see which document") from None
    else:
        counts, reused = _write(seeds_dir, map(_process, work), validate, wanted)
    ack_rows = [{k: a[k] for k in schema.ACK_COLUMNS} for a in acks]
    counts["raw_acknowledged_mismatches"] = write_seeds(
        seeds_dir, {"raw_acknowledged_mismatches": (schema.ACK_COLUMNS, ack_rows)})["raw_acknowledged_mismatches"]
    return {"documents": len(entries), "reused": reused, "rows": counts}


def _bounded_map(pool: ProcessPoolExecutor, fn, items: list, window: int) -> Iterator:
    """`pool.map` in order, but with at most `window` documents in flight.

    Seeds are written while the workers go on with later documents, and finished results never
    pile up in memory: the ingest's memory stays flat in the number of documents.
    """
    pending: deque = deque()
    for item in items:
        if len(pending) >= window:
            yield pending.popleft().result()
        pending.append(pool.submit(fn, item))
    while pending:
        yield pending.popleft().result()


def _seed_bodies(payload: bytes | Path, handles: dict) -> Iterator[tuple[str, int, object]]:
    """Append each seed's CSV body of one document's blob (bytes, or the file holding them) to
    its seed file (`handles`); yields (seed, rows, a function giving the body's bytes).

    _process checked cached blobs and wrote fresh ones whole: a blob that is not is a bug.
    """
    if not isinstance(payload, Path):
        parts = _payload_parts(payload)
        if parts is None:
            raise RuntimeError("ingest: a document's seed blob is not whole")
        for name, rows, body in parts:
            handles[name].write(body)
            yield name, rows, body.tobytes
        return
    with open(payload, "rb") as src:
        layout = _file_layout(src)
        if layout is None:
            raise RuntimeError("ingest: a document's seed blob is not whole")
        for name, rows, offset, length in layout:
            _copy_range(src, handles[name], offset, length)
            yield name, rows, partial(os.pread, src.fileno(), length, offset)


def _write(seeds_dir: Path, results: Iterable[tuple[bytes | Path, bool]],
           validate=None, wanted: set[str] | frozenset = frozenset()) -> tuple[dict[str, int], int]:
    """Stream per-document results, in manifest order, into the seed files.

    Everything goes to `.<seed>.csv.tmp` files that replace the seeds only after the last
    document was read: a document that fails (IngestError from a worker) leaves the seeds
    already in place untouched, and the temporary files are removed. `validate`, if given,
    sees which of the `wanted` check ids (the acknowledged ones) were written, and may raise
    before anything is replaced; only those are kept, so memory stays flat in the number of
    documents, and the checks are not parsed at all when nothing is acknowledged.
    """
    import csv
    import io

    check_col = schema.ALL_SEEDS["raw_checks"].index("check_id")
    check_ids: set[str] = set()
    seeds_dir.mkdir(parents=True, exist_ok=True)
    tmp_paths = {name: seeds_dir / f".{name}.csv.tmp" for name in schema.ALL_SEEDS}
    counts = {name: 0 for name in schema.ALL_SEEDS}
    reused = 0
    handles = {}
    try:
        for name, columns in schema.ALL_SEEDS.items():
            handles[name] = open(tmp_paths[name], "wb")
            handles[name].write((",".join(columns) + "\n").encode("utf-8"))
        for payload, hit in results:
            reused += hit
            for name, rows, body in _seed_bodies(payload, handles):
                counts[name] += rows
                if wanted and name == "raw_checks" and rows:
                    text = body().decode("utf-8")
                    check_ids.update(r[check_col] for r in csv.reader(io.StringIO(text, newline=""))
                                     if r and r[check_col] in wanted)
        if validate is not None:
            validate(check_ids)
    except BaseException as exc:
        for fh in handles.values():
            fh.close()
        for path in tmp_paths.values():
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass  # not ours to remove (a folder in the way); the error below names it
        if isinstance(exc, OSError):
            raise IngestError(str(exc.filename or seeds_dir),
                              f"cannot write the seeds: {exc.strerror or exc}") from None
        raise
    for fh in handles.values():
        fh.close()
    for name, path in tmp_paths.items():
        path.replace(seeds_dir / f"{name}.csv")
    return counts, reused
