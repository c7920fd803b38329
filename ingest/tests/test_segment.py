"""The section tree: heading forms, numbering sequence, and that every line has one owner."""
import pytest

from ingest.reading.document import Line
from ingest.reading.load import load_shipped
from ingest.reading.normalize import normalize_line
from ingest.reading.segment import classify, segment


def lines(*texts: str) -> list[Line]:
    return [Line(i + 1, normalize_line(t)) for i, t in enumerate(texts)]


@pytest.mark.parametrize("name", ["koganei-2021", "akiruno-2024"])
def test_every_line_belongs_to_exactly_one_section(name):
    doc = load_shipped(name)
    assert sorted(doc.owner) == [line.no for line in doc.lines]
    ids = {s.section_id for s in doc.sections}
    assert set(doc.owner.values()) <= ids
    for sec in doc.sections:
        assert sec.first_line <= sec.last_line


def test_table_rows_are_not_headings():
    assert classify("1 総 務 費 24,590 6,948 6,948 31,538 24,573") is None
    assert classify("3 繰 越 金 1 1,625 1,626 1,627") is None
    assert classify("2") is None
    assert classify("第16回\t4.9\t1 パブリックコメントについて") is None


def test_numbering_must_continue():
    secs, owner = segment("d", "t", lines(
        "1 各種協議会等関係", "(1) 西多摩", "ア 会議", "イ 事業内容", "(2) 秋川流域",
        "5 会計", "2 市税等徴収状況報告会"))
    kinds = [(s.kind, s.number) for s in secs[1:]]
    # `5 会計` does not continue `1` and is body text of (2); `2 …` continues `1`.
    assert kinds == [("num", "1"), ("paren_num", "(1)"), ("kana", "ア"), ("kana", "イ"),
                     ("paren_num", "(2)"), ("num", "2")]
    assert owner[6] == secs[5].section_id


def test_org_units_and_paths():
    doc = load_shipped("koganei-2021")
    sec = doc.section_at(doc.find("休日窓口取扱件数"))
    assert sec.org_unit == "企画財政部/企画政策課/企画政策係"
    assert sec.path.endswith("3 行政経営/(4) 休日窓口取扱件数")


def test_ocr_paren_kana_only_in_the_ocr_layout():
    texts = ("ア 策定に係る事業", "(7) 長期総合計画策定本部", "(4) 長期計画審議会")
    ocr, _ = segment("d", "t", lines(*texts), ocr_layout=True)
    assert [s.number for s in ocr[1:]] == ["ア", "(ア)", "(イ)"]
    flow, _ = segment("d", "t", lines("(1) 一", "(2) 二", "(3) 三", "ア 会議", "(4) 四"))
    assert [s.number for s in flow[1:]] == ["(1)", "(2)", "(3)", "ア", "(4)"]


def test_ocr_alias_yields_to_a_continuing_number():
    # `(7) 総合教育会議の開催` after `(6)` is the seventh item, even under a kana heading.
    texts = ("(1) a", "(2) b", "(3) c", "(4) d", "(5) e", "(6) f", "ア 選定", "(7) 総合教育会議の開催")
    secs, _ = segment("d", "t", lines(*texts), ocr_layout=True)
    assert secs[-1].kind == "paren_num" and secs[-1].number == "(7)"
