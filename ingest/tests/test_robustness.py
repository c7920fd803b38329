"""Robustness: the same document in another dress, rebuilds, hostile input, fuzzed parsers.

Every ingest here is the real `run_ingest` into a scratch directory. The contract under test:
for any input, `run_ingest` either lands what it can or raises `IngestError` with one line
naming the file; it never raises anything else, and an extractor never fails on odd text
(`ingest.extract`: "it must not raise on a document that lacks its tables").
"""
from __future__ import annotations

import csv
import io
import itertools
import random
import signal
import tempfile
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ingest.warehouse import schema
from ingest.reading.dates import parse_day, parse_range
from ingest.reading.document import Line
from ingest.errors import IngestError
from ingest.reading.manifest import COLUMNS, read_manifest
from ingest.reading.normalize import normalize_line
from ingest.reading.numbers import parse_number
from ingest.pipeline import run_ingest
from ingest.reading.segment import LEVELS, classify, segment
from ingest.tables.solver import SolveResult, feasible_choices, place, placements

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
SHIPPED = {e.document_id: e for e in read_manifest(RAW / "manifest.csv")}
KOGANEI, AKIRUNO = "koganei-2021", "akiruno-2024"
DOC_NAME = "document.txt"

FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- helpers

def shipped_bytes(document_id: str) -> bytes:
    return SHIPPED[document_id].abs_path.read_bytes()


def shipped_text(document_id: str) -> str:
    return shipped_bytes(document_id).decode("utf-8")


def ingest(workdir: Path, data: bytes, document_id: str = KOGANEI, *, encoding: str = "",
           cache: bool = False, jobs: int = 1) -> Path:
    """Ingest one document (manifest keys of the shipped `document_id`); returns the seeds dir."""
    entry = SHIPPED.get(document_id) or SHIPPED[KOGANEI]
    raw = workdir / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    (raw / DOC_NAME).write_bytes(data)
    row = [document_id, DOC_NAME, entry.municipality_code, str(entry.fiscal_year), entry.title,
           encoding]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([COLUMNS, row])
    (raw / "manifest.csv").write_text(buf.getvalue(), encoding="utf-8")
    seeds = workdir / "seeds"
    run_ingest(raw / "manifest.csv", seeds, workdir / "cache" if cache else None, jobs)
    return seeds


def seed_files(seeds: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(seeds.glob("*.csv"))}


def read_seed(seeds: Path, name: str) -> list[dict]:
    with open(seeds / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def without_columns(data: bytes, drop: set[str]) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    keep = [i for i, c in enumerate(rows[0]) if c not in drop]
    return [[r[i] for i in keep] for r in rows]


def assert_same_seeds(a: Path, b: Path) -> None:
    """Every seed byte for byte, except the columns that describe the file's bytes."""
    fa, fb = seed_files(a), seed_files(b)
    assert sorted(fa) == sorted(fb)
    assert sorted(fa) == sorted(f"{n}.csv" for n in schema.ALL_SEEDS)
    for name in fa:
        if name == "raw_documents.csv":
            drop = {"sha256", "encoding", "source_path"}
            assert without_columns(fa[name], drop) == without_columns(fb[name], drop)
        else:
            assert fa[name] == fb[name], f"{name} differs"


def one_line_naming(exc: IngestError, path: Path) -> None:
    message = str(exc)
    assert "\n" not in message, message
    assert str(path) in message or path.name in message, message


def ingest_or_error(workdir: Path, data: bytes, document_id: str = KOGANEI) -> Path | IngestError:
    """Ingest hostile bytes: seeds dir on success, the IngestError otherwise (anything else
    propagates and fails the test). An extractor failing is never an acceptable outcome."""
    try:
        return ingest(workdir, data, document_id)
    except IngestError as exc:
        one_line_naming(exc, workdir / "raw" / DOC_NAME)
        assert "extractor" not in exc.message, f"an extractor raised on odd input: {exc}"
        return exc


class OverBudget(BaseException):
    """Raised by the alarm; a BaseException so no `except Exception` in the code swallows it."""


@contextmanager
def time_budget(seconds: float):
    def _alarm(signum, frame):
        raise OverBudget(f"over the {seconds:g} s budget")

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# --------------------------------------------------------------------------- dresses

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _cp932_safe(text: str) -> str:
    """The shipped text with the few characters CP932 lacks (小金井 prints 禱) replaced."""
    return text.replace("禱", "祷")


ENCODING_SEEN = {"cp932": "cp932", "utf-8 with BOM": "utf-8-sig", "full-width digits": "utf-8",
                 "CRLF": "utf-8", "cp932, CRLF, full-width digits": "cp932"}
DRESSES = {
    "cp932": lambda t: t.encode("cp932"),
    "utf-8 with BOM": lambda t: t.encode("utf-8-sig"),
    "full-width digits": lambda t: t.translate(_FULLWIDTH).encode("utf-8"),
    "CRLF": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    "cp932, CRLF, full-width digits": lambda t: t.translate(_FULLWIDTH).replace("\n", "\r\n").encode("cp932"),
}


@pytest.mark.parametrize("dress", sorted(DRESSES))
@pytest.mark.parametrize("document_id", [KOGANEI, AKIRUNO])
def test_same_document_in_another_dress_gives_identical_seeds(tmp_path, document_id, dress):
    text = _cp932_safe(shipped_text(document_id))
    plain = ingest(tmp_path / "plain", text.encode("utf-8"), document_id)
    dressed = ingest(tmp_path / "dressed", DRESSES[dress](text), document_id)
    assert_same_seeds(plain, dressed)
    assert read_seed(dressed, "raw_documents")[0]["encoding"] == ENCODING_SEEN[dress]
    assert read_seed(plain, "raw_checks"), "the comparison must cover checks"


def test_full_width_digits_normalize_to_the_same_lines():
    text = shipped_text(KOGANEI)
    for raw in text.splitlines()[:400]:
        assert normalize_line(raw.translate(_FULLWIDTH)) == normalize_line(raw)


# --------------------------------------------------------------------------- rebuilds

def test_rebuild_from_the_same_inputs_is_byte_identical(tmp_path):
    manifest = RAW / "manifest.csv"
    first, second = tmp_path / "a", tmp_path / "b"
    run_ingest(manifest, first, None, 1)
    run_ingest(manifest, second, None, 1)
    assert seed_files(first) == seed_files(second)

    cache = tmp_path / "cache"
    cold, warm = tmp_path / "cold", tmp_path / "warm"
    summary_cold = run_ingest(manifest, cold, cache, 2)
    summary_warm = run_ingest(manifest, warm, cache, 2)
    assert summary_cold["reused"] == 0 and summary_warm["reused"] == summary_warm["documents"]
    assert seed_files(cold) == seed_files(first)
    assert seed_files(warm) == seed_files(first)


def test_a_damaged_cache_file_is_read_again_not_trusted(tmp_path):
    """Cache files hold seed bytes: a truncated or garbled one must not reach the seeds."""
    manifest = RAW / "manifest.csv"
    cache = tmp_path / "cache"
    reference = tmp_path / "reference"
    run_ingest(manifest, reference, cache, 1)
    files = sorted(cache.glob("*.seeds"))
    assert len(files) == 2
    files[0].write_bytes(files[0].read_bytes()[:-100])  # truncated
    files[1].write_bytes(b"not a header\n" + files[1].read_bytes())  # garbled
    again = tmp_path / "again"
    summary = run_ingest(manifest, again, cache, 1)
    assert summary["reused"] == 0
    assert seed_files(again) == seed_files(reference)
    assert run_ingest(manifest, tmp_path / "third", cache, 1)["reused"] == 2  # healed


# --------------------------------------------------------------------------- hostile input

def test_binary_data_is_refused_in_one_line(tmp_path):
    data = bytes(range(256)) * 64
    result = ingest_or_error(tmp_path, data)
    assert isinstance(result, IngestError) and "binary" in result.message


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_bytes_never_crash(tmp_path, seed):
    rng = random.Random(seed)
    data = bytes(rng.randrange(1, 256) for _ in range(20_000))  # no NUL: past the binary sniff
    ingest_or_error(tmp_path, data)


def _cut_points(data: bytes) -> dict[str, int]:
    text = data.decode("utf-8")
    lines = text.split("\n")
    # mid-table: the middle of the line printing the most numbers
    from ingest.reading.numbers import numeric_tokens

    busiest = max(range(len(lines)), key=lambda i: len(numeric_tokens(normalize_line(lines[i]))))
    start = len("\n".join(lines[:busiest]).encode("utf-8")) + 1
    mid_row = start + len(lines[busiest].encode("utf-8")) // 2
    while 0x80 <= data[mid_row] <= 0xBF:  # a character boundary
        mid_row += 1
    points = {}
    for pct in (3, 25, 50, 75, 97):
        cut = len(data) * pct // 100
        while 0x80 <= data[cut] <= 0xBF:  # a character boundary
            cut += 1
        points[f"{pct}%"] = cut
    points["mid-table row"] = mid_row
    # inside a multi-byte character: just after a lead byte
    k = len(data) // 2
    while not data[k] >= 0xE0:
        k += 1
    points["mid UTF-8 sequence"] = k + 1
    points["two bytes into a character"] = k + 2
    return points


@pytest.mark.parametrize("document_id", [KOGANEI, AKIRUNO])
def test_truncated_documents(tmp_path, document_id):
    data = shipped_bytes(document_id)
    for label, cut in _cut_points(data).items():
        result = ingest_or_error(tmp_path / label.replace(" ", "_").replace("%", "pct"),
                                 data[:cut], document_id)
        if isinstance(result, IngestError):
            # only a cut character may stop it, and then the message says the bytes are bad
            assert "UTF-8" in label or "character" in label, (label, result)
            assert "UTF-8" in result.message or "encoding" in result.message, (label, result)
        else:
            docs = read_seed(result, "raw_documents")
            # a truncated UTF-8 file must never be read as CP932/EUC-JP mojibake
            assert docs[0]["encoding"] == "utf-8", (label, docs[0]["encoding"])


def _with_line(text: str, line_no: int, new: str | None) -> str:
    lines = text.split("\n")
    assert 1 <= line_no <= len(lines)
    if new is None:
        del lines[line_no - 1]
    else:
        lines[line_no - 1] = new
    return "\n".join(lines)


# Koganei: 市債 合計 (line 447), 基準財政収入額 合計 (378), a 予算現額 (301).
PLANTED = {
    "市債 合計": (447, "39,695,500", "39,695,600"),
    "基準財政収入額 合計": (378, "17,757,955", "17,757,956"),
    "一般会計 予算現額": (301, "45,367,897", "45,367,898"),
}


@pytest.mark.parametrize("case", sorted(PLANTED))
def test_a_total_that_does_not_add_up_shows_as_a_mismatch(tmp_path, case):
    line_no, printed, wrong = PLANTED[case]
    text = shipped_text(KOGANEI)
    original = text.split("\n")[line_no - 1]
    assert printed in original
    before = read_seed(ingest(tmp_path / "before", text.encode("utf-8")), "raw_checks")
    after = read_seed(ingest(tmp_path / "after", _with_line(
        text, line_no, original.replace(printed, wrong)).encode("utf-8")), "raw_checks")

    def at_line(rows):
        return [r for r in rows if r["source_line"] == str(line_no)]

    assert at_line(before) and all(float(r["reported_value"]) == float(r["computed_value"])
                                   for r in at_line(before))
    bad = [r for r in at_line(after)
           if r["computed_value"] and float(r["reported_value"]) != float(r["computed_value"])]
    assert bad, f"no check at line {line_no} shows the planted mismatch"
    assert any(int(wrong.replace(",", "")) * 1000 == float(r["reported_value"]) for r in bad)


@pytest.mark.parametrize("line_no", [378, 425, 444, 447])
def test_a_table_with_a_missing_total(tmp_path, line_no):
    text = shipped_text(KOGANEI)
    assert "計" in text.split("\n")[line_no - 1]
    result = ingest_or_error(tmp_path, _with_line(text, line_no, None).encode("utf-8"))
    assert not isinstance(result, IngestError)
    assert read_seed(result, "raw_bond_balances")


def test_a_one_megabyte_line_of_text(tmp_path):
    lines = shipped_text(KOGANEI).split("\n")
    for i, long in enumerate(["あ" * 350_000, "第1 " + "企画" * 170_000, "x" * 1_000_000]):
        data = "\n".join(lines[:300] + [long] + lines[300:]).encode("utf-8")
        with time_budget(20):
            result = ingest_or_error(tmp_path / str(i), data)
        assert not isinstance(result, IngestError)


def test_a_one_megabyte_line_of_figures(tmp_path):
    lines = shipped_text(KOGANEI).split("\n")
    data = "\n".join(lines[:440] + ["1,234 " * 175_000] + lines[440:]).encode("utf-8")
    with time_budget(15):
        result = ingest_or_error(tmp_path, data)
    assert not isinstance(result, IngestError)


def test_a_document_of_only_headings(tmp_path):
    synthetic = "\n".join(["企画財政部", "企画政策課", "企画政策係", "第1 企画政策係", "1 予算",
                           "(1) 概要", "ア 会議", "(ア) 開催", "a 細目", "2 市債", "3 基金"])
    result = ingest_or_error(tmp_path / "synthetic", synthetic.encode("utf-8"))
    assert not isinstance(result, IngestError)
    assert len(read_seed(result, "raw_sections")) > 5
    assert all(not read_seed(result, name) for name in schema.FACT_SEEDS)

    # the real documents' heading lines, and nothing else
    for document_id in (KOGANEI, AKIRUNO):
        text = shipped_text(document_id)
        headings = [t for t in text.split("\n") if classify(normalize_line(t)) is not None]
        result = ingest_or_error(tmp_path / document_id, "\n".join(headings).encode("utf-8"),
                                 document_id)
        assert not isinstance(result, IngestError)


def test_unknown_sections_and_tables(tmp_path):
    text = "\n".join([
        "宇宙開発部", "ロケット課", "第1 打上げ係", "1 打上げ実績", "(単位:千円)",
        "区分\t当初予算額\t補正予算額\t合計", "第一段\t1,000\t200\t1,200", "第二段\t△50\t\t",
        "合 計\t950\t200\t", "2 月別打上げ回数", "月\t4\t5\t6\t7\t8\t9\t10\t11\t12\t1\t2\t3\t合計",
        "回数\t1\t\t2\t\t\t\t\t\t\t\t\t3", "(1) 会議", "第1回 4.20~4.31 宇宙会議", "3 基金",
        "基金名 前年度末現在高 積立額 取崩額 年度末現在高", "謎の基金 100 5 9999 7",
    ] * 3)
    result = ingest_or_error(tmp_path, text.encode("utf-8"))
    assert not isinstance(result, IngestError)


def test_an_impossible_date_in_a_prose_list(tmp_path):
    text = shipped_text(KOGANEI)
    line = text.split("\n")[27]
    assert "(開催日 4.20、4.27、" in line
    result = ingest_or_error(tmp_path, _with_line(text, 28, line.replace("4.27", "4.31")).encode("utf-8"))
    assert not isinstance(result, IngestError)
    rows = [r for r in read_seed(result, "raw_meetings") if r["source_line"] == "28"]
    assert any(r["status"] == "unresolved" and "4.31" in r["note"] for r in rows)


def test_sections_in_unusual_orders_never_crash(tmp_path):
    """Whole sections of both documents, shuffled and mixed: still lands or refuses cleanly."""
    blocks = []
    for document_id in (KOGANEI, AKIRUNO):
        block: list[str] = []
        for line in shipped_text(document_id).split("\n"):
            if line.startswith("#") and block:
                blocks.append(block)
                block = []
            block.append(line)
        blocks.append(block)
    rng = random.Random(7)
    for i in range(4):
        picked = rng.sample(blocks, k=min(len(blocks), 40))
        text = "\n".join(itertools.chain.from_iterable(picked))
        ingest_or_error(tmp_path / str(i), text.encode("utf-8"))


@given(st.lists(st.sampled_from(
    [t for d in (KOGANEI, AKIRUNO) for t in shipped_text(d).split("\n") if t.strip()]),
    min_size=1, max_size=120))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_lines_of_real_documents_never_crash(lines):
    with tempfile.TemporaryDirectory() as tmp:
        ingest_or_error(Path(tmp), "\n".join(lines).encode("utf-8"))


# --------------------------------------------------------------------------- parsers (fuzz)

NUMBERISH = st.text(alphabet="0123456789,.-() △", max_size=20)


@given(st.one_of(st.text(max_size=30), NUMBERISH))
@FAST
def test_parse_number_never_raises(text):
    value = parse_number(text)
    assert value is None or isinstance(value, Decimal)


@given(st.integers(-10**15, 10**15), st.booleans(), st.booleans())
@FAST
def test_parse_number_reads_every_printed_form(n, commas, parens):
    printed = f"{n:,}" if commas else str(n)
    if parens and n >= 0:
        printed = f"({printed})"
    assert parse_number(printed) == n
    assert parse_number(normalize_line(printed.replace("-", "△"))) == n


DATEISH = st.text(alphabet="0123456789.~～/ 月日年令和平成元", max_size=16)
YEARS = st.integers(1989, 2100)


@given(st.one_of(DATEISH, st.text(max_size=20)), YEARS)
@FAST
def test_date_parsers_return_dates_or_none(text, fiscal_year):
    """None, a date, or ValueError for an impossible calendar date (`2.30`); nothing else."""
    try:
        day = parse_day(text, fiscal_year)
    except ValueError:
        day = None
    assert day is None or isinstance(day, date)
    try:
        got = parse_range(text, fiscal_year)
    except ValueError:
        return
    if got is not None:
        start, end = got
        assert isinstance(start, date) and (end is None or isinstance(end, date))


@given(st.integers(1, 12), st.integers(1, 28), st.integers(1, 28), YEARS)
@FAST
def test_year_less_ranges_stay_in_the_fiscal_year(month, d1, d2, fiscal_year):
    lo, hi = sorted((d1, d2))
    start, end = parse_range(f"{month}.{lo}~{hi}", fiscal_year)
    assert end == start.replace(day=hi)
    assert date(fiscal_year, 4, 1) <= start <= date(fiscal_year + 1, 3, 31)


HEADINGISH = st.one_of(
    st.text(max_size=40),
    st.builds(lambda mark, body: f"{mark} {body}",
              st.sampled_from(["第1", "第2", "1", "2", "3", "(1)", "(2)", "ア", "イ", "(ア)",
                               "(イ)", "a", "b", "#", "##", "(7)", "(4)"]),
              st.text(alphabet="企画財政部課係室会議予算 0123456789,\t", max_size=20)),
    st.sampled_from(["企画財政部", "企画政策課", "財政係", "推進本部", "市長公室"]),
)


@given(HEADINGISH)
@FAST
def test_classify_never_raises(text):
    cand = classify(normalize_line(text))
    assert cand is None or cand.kind in LEVELS


@given(st.lists(HEADINGISH, max_size=60), st.booleans())
@FAST
def test_segment_builds_a_proper_tree(texts, ocr_layout):
    lines = [Line(i + 1, normalize_line(t)) for i, t in enumerate(texts)]
    sections, owner = segment("d", "t", lines, ocr_layout=ocr_layout)
    by_id = {s.section_id: s for s in sections}
    assert len(by_id) == len(sections)
    assert sorted(owner) == [line.no for line in lines]
    assert set(owner.values()) <= set(by_id)
    for sec in sections[1:]:
        parent = by_id[sec.parent_id]
        assert parent.level < sec.level
        assert parent.first_line <= sec.first_line <= sec.last_line <= parent.last_line
    for no, sid in owner.items():
        sec = by_id[sid]
        assert sec.first_line <= no <= sec.last_line


# --------------------------------------------------------------------------- solver (fuzz)

@st.composite
def solver_cases(draw):
    width = draw(st.integers(1, 3))
    vec = st.tuples(*[st.integers(-5, 9)] * width)
    rows = draw(st.lists(st.lists(vec, min_size=0, max_size=3), min_size=0, max_size=5))
    if rows and all(rows) and draw(st.booleans()):
        picks = [draw(st.sampled_from(r)) for r in rows]  # a target with a solution
        target = tuple(sum(col) for col in zip(*picks)) if picks else (0,) * width
    else:
        target = draw(vec)
    return rows, target


def brute_force(rows, target):
    feasible = [set() for _ in rows]
    solvable = False
    for combo in itertools.product(*[list(enumerate(r)) for r in rows]):
        total = tuple(sum(v[j] for _, v in combo) for j in range(len(target)))
        if total == tuple(target):
            solvable = True
            for i, (k, _) in enumerate(combo):
                feasible[i].add(k)
    return solvable, [sorted(f) for f in feasible]


@given(solver_cases())
@settings(max_examples=200, deadline=None)
def test_solver_agrees_with_brute_force(case):
    rows, target = case
    result = feasible_choices(rows, target)
    assert isinstance(result, SolveResult) and not result.too_large
    solvable, feasible = brute_force(rows, target)
    assert result.solvable == solvable
    assert result.feasible == feasible
    chosen = [result.determined(i) for i in range(len(rows))]
    if solvable and rows and all(c is not None for c in chosen):
        total = tuple(sum(rows[i][c][j] for i, c in enumerate(chosen)) for j in range(len(target)))
        assert total == tuple(target)  # a unique assignment satisfies the totals


@given(solver_cases(), st.integers(0, 3))
@FAST
def test_solver_gives_up_cleanly_when_too_large(case, max_states):
    rows, target = case
    result = feasible_choices(rows, target, max_states=max_states)
    assert len(result.feasible) == len(rows)
    if result.too_large:
        assert not result.solvable and all(f == [] for f in result.feasible)
        assert all(result.determined(i) is None for i in range(len(rows)))


@given(st.integers(0, 6), st.integers(0, 6), st.data())
@FAST
def test_placements_keep_the_printed_order(n_values, n_slots, data):
    got = placements(n_values, n_slots)
    assert len(got) == len(set(got))
    for slots in got:
        assert list(slots) == sorted(set(slots)) and all(0 <= s < n_slots for s in slots)
        values = data.draw(st.lists(st.integers(1, 99), min_size=n_values, max_size=n_values))
        vec = place(values, slots, n_slots)
        assert [v for v in vec if v] == values
    if n_values > n_slots:
        assert got == []
