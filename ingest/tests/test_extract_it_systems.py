"""Tests for ingest.extract.it_systems: real documents, messy fragments, and the area seed."""
from __future__ import annotations

import csv
import unicodedata
from functools import lru_cache
from pathlib import Path

import pytest

from ingest.extract.it_systems import (
    extract, load_area_map, map_area, matching_patterns, parse_list_line, split_marks,
)
from ingest.reading.load import load_document, load_shipped
from ingest.tests.fragments import make_doc

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


@lru_cache(maxsize=None)
def shipped(name: str):
    doc = load_shipped(name)
    return doc, extract(doc)


def systems(ex):
    return ex.rows.get("raw_it_systems", [])


def equipment(ex):
    return ex.rows.get("raw_it_equipment", [])


# --------------------------------------------------------------------------- real documents

def test_koganei_systems_per_group():
    _, ex = shipped("koganei-2021")
    rows = systems(ex)
    by_group: dict[str, int] = {}
    for r in rows:
        by_group[r["system_group"]] = by_group.get(r["system_group"], 0) + 1
    assert by_group == {"情報システム課所管システム": 49, "担当課所管電算処理業務": 34,
                        "内部情報システム": 5}
    assert all(r["status"] == "ok" for r in rows)
    names = [r["system_name"] for r in rows]
    assert names[0] == "住民情報システム" and names[-1] == "グループウェア"
    # space after the bullet and the blank line inside list (2) do not lose entries
    assert "土木積算業務" in names and "給排水管施設維持管理業務" in names
    assert "Web会議システム" in names and "家屋評価(固定資産・都市計画税)業務" in names
    assert "人事給与システム" in names and "公的個人認証" in names
    assert len(names) == len(set(names))


def test_koganei_equipment():
    _, ex = shipped("koganei-2021")
    got = {r["equipment_type"]: r["quantity"] for r in equipment(ex)}
    assert got == {
        "クライアント・サーバ・システムサーバ機": 13,
        "内部情報システム(庁内LAN)クライアント機": 782,
        "クライアント・サーバ・システムクライアント機": 56,
        "基幹系システムサーバ機": 6,
        "スタンドアローンコンピュータ": 157,
        "基幹系システムクライアント機": 234,
        "Web系ネットワークシステムクライアント機": 92,
        "人事給与システムクライアント機": 17,
        "内部情報システム(庁内LAN)サーバ機": 15,
        "OCR": 1,
    }
    assert all(r["_value_lines"] == [r["source_line"]] for r in equipment(ex))


def test_akiruno_numbered_list_complete_once_each():
    _, ex = shipped("akiruno-2024")
    rows = [r for r in systems(ex) if r["system_group"] == "住民情報系システム"]
    assert len(rows) == 44
    assert len({r["system_name"] for r in rows}) == 44
    checks = [c for c in ex.checks if c["subject"] == "it_systems.numbered_list_count"]
    assert len(checks) == 1
    assert checks[0]["reported_value"] == 44 and checks[0]["computed_value"] == 44
    by_name = {r["system_name"]: r for r in rows}
    # the second half of the list sits ~70 lines later, after other sections
    assert by_name["固定資産税システム"]["source_line"] == 1967
    assert by_name["システム管理システム"]["source_line"] == 1985
    assert by_name["子ども・子育て支援システム"]["source_line"] == 1878
    assert by_name["EUCシステム"]["status"] == "ok"


def test_akiruno_note_marks_and_footnotes():
    _, ex = shipped("akiruno-2024")
    by_name = {r["system_name"]: r for r in systems(ex)}
    assert by_name["戸籍システム"]["note_marks"] == "※1,※2"
    assert "本庁舎設置の機器へ構築" in by_name["戸籍システム"]["note"]
    assert "システム使用料は、担当課" in by_name["戸籍システム"]["note"]
    assert by_name["選挙システム"]["note_marks"] == "※1"
    assert by_name["住民税課税状況調べシステム"]["note_marks"] == "※1"
    assert by_name["生活保護システム"]["note_marks"] == "※2"
    assert by_name["児童相談管理システム"]["note_marks"] == "※2"
    assert by_name["窓口連携システム"]["note_marks"] is None
    marked = {n for n, r in by_name.items() if r["note_marks"]}
    assert marked == {"戸籍システム", "選挙システム", "住民税課税状況調べシステム",
                      "固定資産税概要調書システム", "生活保護システム", "児童相談管理システム"}


def test_akiruno_groups_without_list_are_systems():
    _, ex = shipped("akiruno-2024")
    rows = {r["system_group"]: r for r in systems(ex) if r["system_group"] != "住民情報系システム"}
    assert set(rows) == {"内部情報系システム", "インターネット系システム"}
    assert rows["内部情報系システム"]["system_name"] == "内部情報系システム"
    assert "事務文書の作成等" in rows["内部情報系システム"]["note"]


def test_akiruno_equipment():
    _, ex = shipped("akiruno-2024")
    got = [(r["equipment_type"], r["quantity"], r["source_line"]) for r in equipment(ex)]
    assert got == [("パソコン", 901, 1915), ("プリンタ", 136, 1917), ("タブレット", 32, 1919)]


def test_redressed_copy_gives_same_rows(tmp_path):
    """Another id / municipality code, CP932 and CRLF: same rows (dispatch is on content)."""
    raw = (ROOT / "data" / "raw" / "akiruno_2024_jimu_hokokusho.txt").read_text(encoding="utf-8")
    path = tmp_path / "copy.txt"
    path.write_bytes(raw.replace("\n", "\r\n").encode("cp932", errors="replace"))
    doc, _ = load_document(path, "other-id", "999999", 2024, "", "cp932")
    ex = extract(doc)
    _, orig = shipped("akiruno-2024")

    def strip(rows):
        return [{k: v for k, v in r.items() if k != "document_id"} for r in rows]

    assert strip(systems(ex)) == strip(systems(orig))
    assert strip(equipment(ex)) == strip(equipment(orig))


# --------------------------------------------------------------------------- messy fragments

SPLIT_LIST = [
    "(2)現状のシステム(令和7年3月末現在)",
    "ア 住民情報系システム(クラウド利用)",
    "窓口業務等の住民情報を取り扱うシステム",
    "申請件数",
    "４月 ５月 ６月",
    "０ １ ０",
    "１１月 １２月 １月 ２月 ３月 合計",
    "１ ０ １ ０ ０ ６",
    "システムの名称 システムの名称",
    "１ 窓口連携システム ４ 児童手当システム",
    "",
    "２ 住 民 基 本 台 帳 システム ５ 選挙システム ※１",
    " ※１ 本庁舎設置の機器へ構築",
    "イ 内部情報系システム",
    "事務文書の作成等を行うためのシステム",
    "（３）電算機器の台数（令和７年３月末現在）",
    "ア パソコン ９０１台",
    "イ プリンタ １，３６０台",
    "（４）施設間ネットワーク",
    "光回線を使用し、市内の４６施設をネットワークで接続",
    "１ オンラインサービス",
    "３ 戸籍システム ※１、２ ６ 共通照会システム",
]


def test_fragment_two_columns_split_by_other_sections():
    ex = extract(make_doc(SPLIT_LIST))
    rows = [r for r in systems(ex) if r["system_group"] == "住民情報系システム"]
    assert [r["system_name"] for r in rows] == [
        "窓口連携システム", "住民基本台帳システム", "戸籍システム",
        "児童手当システム", "選挙システム", "共通照会システム"]
    assert [r["source_line"] for r in rows] == [10, 12, 22, 10, 12, 22]
    assert rows[2]["note_marks"] == "※1,※2"
    assert "※2 (footnote text not found)" in rows[2]["note"]
    assert rows[4]["note_marks"] == "※1" and "本庁舎設置" in rows[4]["note"]
    (check,) = ex.checks
    assert (check["reported_value"], check["computed_value"]) == (6, 6)
    other = [r for r in systems(ex) if r["system_group"] == "内部情報系システム"]
    assert [r["system_name"] for r in other] == ["内部情報系システム"]
    assert [(r["equipment_type"], r["quantity"]) for r in equipment(ex)] == [
        ("パソコン", 901), ("プリンタ", 1360)]


def test_planted_missing_entry_makes_check_mismatch():
    """Entry 2 damaged (no number) → its row pair is lost; 5 is read only if 2 was: the check
    reports the largest number seen against the count read, so the gap shows."""
    texts = list(SPLIT_LIST)
    texts[11] = "住民基本台帳システム ５ 選挙システム ※１"
    ex = extract(make_doc(texts))
    (check,) = ex.checks
    assert check["reported_value"] != check["computed_value"]


def test_planted_duplicate_number_not_taken_twice():
    texts = list(SPLIT_LIST)
    texts.insert(12, "１ 別のシステム ４ もう一つのシステム")
    ex = extract(make_doc(texts))
    ok = [r["system_name"] for r in systems(ex) if r["status"] == "ok"]
    assert "別のシステム" not in ok and "もう一つのシステム" not in ok
    strays = [r for r in systems(ex) if r["status"] == "unresolved"]
    assert [r["system_name"] for r in strays] == ["別のシステム", "もう一つのシステム"]
    assert "printed again" in strays[0]["note"]
    (check,) = ex.checks
    assert check["reported_value"] == check["computed_value"] == 6


BULLETS = [
    "## 2 稼働システム・業務",
    "### (1) 情報システム課所管システム",
    "- ・住民情報システム",
    "- ・W e b 会議システム",
    "### (2) 担当課所管電算処理業務",
    "- ・戸籍業務",
    "",
    "- ・ 土木積算業務",
    "(3) 内部情報システム",
    "- ・ 文書管理システム",
    "3 地域情報化",
    "- ・ 関係ない項目",
]


def test_fragment_bullets_blank_line_and_spaced_bullets():
    ex = extract(make_doc(BULLETS, layout="markdown_tsv"))
    got = [(r["system_group"], r["system_name"], r["source_line"]) for r in systems(ex)]
    assert got == [
        ("情報システム課所管システム", "住民情報システム", 3),
        ("情報システム課所管システム", "Web会議システム", 4),
        ("担当課所管電算処理業務", "戸籍業務", 6),
        ("担当課所管電算処理業務", "土木積算業務", 8),
        ("内部情報システム", "文書管理システム", 10),
    ]
    assert ex.checks == []


def test_fragment_tab_equipment_pairs():
    texts = ["## 1 O A 機器導入状況", "", "機器区分\t台数\t機器区分\t台数",
             "スタンドアローンコンピュータ\t157\tO C R\t1",
             "W e b 系ネットワークシステム クライアント機\t約90\t\t",
             "プリンタ\t不明\t\t", "", "## 2 稼働システム・業務"]
    ex = extract(make_doc(texts, layout="markdown_tsv"))
    got = [(r["equipment_type"], r["quantity"], r["status"]) for r in equipment(ex)]
    assert got[:3] == [("スタンドアローンコンピュータ", 157, "ok"), ("OCR", 1, "ok"),
                       ("Web系ネットワークシステムクライアント機", None, "unresolved")]
    assert got[3] == ("プリンタ", None, "unresolved")


def test_document_without_tables_and_odd_input():
    assert extract(make_doc(["何もない文書", "", "1 オンラインサービス"])).rows == {}
    odd = extract(make_doc(["(2) 現状のシステム", "ア", "1", "1 1 1", "※", "(3) 電算機器の台数",
                            "ア 台"]))
    assert all(r["status"] in ("ok", "unresolved") for rows in odd.rows.values() for r in rows)
    assert extract(make_doc([])).rows == {}


def test_parse_list_line_rejects_table_fragments():
    assert parse_list_line("0 1 0 0 2 1 0") is None
    assert parse_list_line("11 月 12 月 1月 2月 3月 合計") is None
    assert parse_list_line("課長級職員22人が2人1組") is None
    assert parse_list_line("19 住民税課税状況調べシステム ※1 41 戸籍システム ※1、2") == [
        (19, "住民税課税状況調べシステム", ["※1"]), (41, "戸籍システム", ["※1", "※2"])]
    assert split_marks("選挙システム※1") == ("選挙システム", ["※1"])


# --------------------------------------------------------------------------- area seeds

def test_area_seed_lists_the_twenty_areas():
    with open(SEEDS / "ref_standard_business_areas.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["area_no"]) for r in rows] == list(range(1, 21))
    assert rows[0]["area_name"] == "住民基本台帳" and rows[-1]["area_name"] == "子ども・子育て支援"


def test_map_seed_is_well_formed():
    with open(SEEDS / "ref_standard_business_areas.csv", encoding="utf-8") as fh:
        areas = {r["area_name"] for r in csv.DictReader(fh)}
    rows = load_area_map()
    patterns = [r["pattern"] for r in rows]
    assert len(patterns) == len(set(patterns))
    for r in rows:
        assert r["pattern"] and unicodedata.normalize("NFKC", r["pattern"]) == r["pattern"]
        assert r["standard_business_area"] in areas or r["standard_business_area"] == ""
        if r["standard_business_area"] == "" or r["standard_business_area"] not in r["pattern"]:
            assert r["note"], f"non-obvious choice needs a note: {r['pattern']}"
    assert areas <= {r["standard_business_area"] for r in rows}


@pytest.mark.parametrize("name, area", [
    ("後期高齢システム", "後期高齢者医療"),
    ("後期高齢者医療システム", "後期高齢者医療"),
    ("子ども手当システム", "児童手当"),
    ("児童手当システム", "児童手当"),
    ("児童扶養手当システム", "児童扶養手当"),
    ("特別児童扶養手当システム", "障害者福祉"),
    ("児童育成手当システム", None),
    ("児童その他手当システム", None),
    ("国民健康保険税システム", "国民健康保険"),
    ("国保総合業務", "国民健康保険"),
    ("市税国保税口座振替受付業務", None),
    ("住民税システム", "個人住民税"),
    ("住民税課税状況調べシステム", "個人住民税"),
    ("法人市民税システム", "法人住民税"),
    ("学齢簿システム", "就学"),
    ("就学援助システム", "就学"),
    ("選挙システム", "選挙人名簿管理"),
    ("住民投票システム", None),
    ("健康情報システム", "健康管理"),
    ("人事給与システム", None),
    ("戸籍業務", "戸籍"),
    ("戸籍の附票システム", "戸籍の附票"),
    ("住民情報システム", "住民基本台帳"),
    ("住民情報系システム", None),
    ("住民基本台帳ネットワークシステム", "住民基本台帳"),
    ("住登外・宛名管理システム", None),
    ("固定資産税概要調書システム", "固定資産税"),
    ("固定資産台帳システム", None),
    ("介護収納システム", "介護保険"),
    ("前期高齢者システム", "国民健康保険"),
    ("子ども・子育て支援システム", "子ども・子育て支援"),
    ("保育料システム", "子ども・子育て支援"),
    ("障害区分判定業務", "障害者福祉"),
    ("グループウェア", None),
])
def test_map_area_tricky_names(name, area):
    assert map_area(name, load_area_map()) == area


def test_no_equal_length_conflict_on_real_names():
    """Longest match wins in SQL: two patterns of the same length with different areas
    on one real system name would make the result depend on row order."""
    rows = load_area_map()
    for name in ("koganei-2021", "akiruno-2024"):
        _, ex = shipped(name)
        for r in systems(ex):
            hits = matching_patterns(r["system_name"], rows)
            top = [h for h in hits if len(h["pattern"]) == len(hits[0]["pattern"])] if hits else []
            assert len({h["standard_business_area"] for h in top}) <= 1, (r["system_name"], top)
