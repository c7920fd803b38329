"""Tests for ingest.extract.meetings: real documents, messy fragments, the floated-table rule."""
from __future__ import annotations

from collections import Counter
from datetime import date
from functools import lru_cache

import pytest

from ingest.reading.document import Document
from ingest.extract.meetings import extract, own_city_name, session_format
from ingest.reading.load import load_shipped
from ingest.warehouse.schema import FACT_SEEDS
from ingest.tests.fragments import make_doc

SEED = "raw_meetings"


@lru_cache(maxsize=None)
def shipped(name: str):
    doc = load_shipped(name)
    return doc, extract(doc)


def rows(ex, body: str | None = None):
    got = ex.rows.get(SEED, [])
    return [r for r in got if body is None or r["body_name"] == body]


# ----------------------------------------------------------------------------- real documents

def test_koganei_rows_per_body():
    _, ex = shipped("koganei-2021")
    per_body = Counter(r["body_name"] for r in rows(ex))
    assert per_body == {
        "長期総合計画策定本部": 5, "長期計画審議会": 1, "まち・ひと・しごと創生本部": 2,
        "まち・ひと・しごと創生総合戦略等推進委員会": 2, "庁舎等複合施設庁内検討委員会": 3,
        "公共施設等総合管理計画策定推進本部": 5, "市民参加推進会議": 3, "指定管理者選定委員会": 1,
        "総合教育会議": 2, "行財政再建推進本部会議": 10, "行財政改革市民会議": 2,
        "男女平等推進審議会": 5, "全国市長会議": 1, "全国市長会関東支部総会": 1,
        "東京都市長会議": 8, "環境部会": 2, "厚生部会": 3, "東京都市町村協議会": 2,
        "東京都副市長会議": 3, "東京市町村自治調査会評議員会": 2,
    }
    assert all(r["status"] == "ok" for r in rows(ex))


def test_koganei_table_row_values():
    _, ex = shipped("koganei-2021")
    r = next(r for r in rows(ex, "市民参加推進会議") if r["session_label"] == "第60回(第8期)")
    assert r["held_on"] == date(2021, 4, 8) and r["held_until"] is None
    assert r["format"] is None and r["source_line"] == 109  # nothing printed about the format
    assert r["agenda"] == "1 市民参加条例運用状況等について (1) 今期の提言に向けて"
    assert r["org_unit"] == "企画財政部/企画政策課/企画政策係"
    r = next(r for r in rows(ex, "まち・ひと・しごと創生総合戦略等推進委員会")
             if r["session_label"] == "第2回")
    assert r["held_on"] == date(2021, 8, 12)  # OCR `8. 1 2`
    r = next(r for r in rows(ex, "公共施設等総合管理計画策定推進本部") if r["session_label"] == "第36回")
    assert r["held_on"] == date(2022, 1, 11)  # January falls in the next calendar year
    assert {r["session_label"] for r in rows(ex, "行財政改革市民会議")} == {"第5回(全体会)", "第6回(全体会)"}


def test_koganei_prose_dates():
    _, ex = shipped("koganei-2021")
    got = rows(ex, "長期総合計画策定本部")
    assert [r["held_on"] for r in got] == [date(2021, 4, 20), date(2021, 4, 27), date(2021, 5, 18),
                                           date(2022, 2, 15), date(2022, 3, 14)]
    assert all(r["session_label"] is None and r["source_line"] == 28 for r in got)


def test_koganei_secretary_table():
    _, ex = shipped("koganei-2021")
    mayors = rows(ex, "東京都市長会議")
    assert sorted(r["held_on"] for r in mayors)[0] == date(2021, 4, 22)
    assert {r["held_on"] for r in mayors if r["source_line"] == 665} == {
        date(2021, 8, 20), date(2021, 11, 25), date(2022, 1, 25)}
    welfare = rows(ex, "厚生部会")
    assert [r["format"] for r in welfare] == ["in_person", "in_person", "written"]
    deputies = rows(ex, "東京都副市長会議")
    assert [r["format"] for r in deputies] == ["online", "online", "in_person"]
    council = rows(ex, "東京都市町村協議会")
    assert council[1]["format"] == "written"  # 持回り開催
    env = rows(ex, "環境部会")  # the name cell was shifted one cell right by OCR
    assert [r["held_on"] for r in env] == [date(2021, 4, 22), date(2021, 7, 1)]


def test_koganei_session_count_checks():
    _, ex = shipped("koganei-2021")
    got = {c["group_label"]: (c["reported_value"], c["computed_value"]) for c in ex.checks}
    assert got == {"公共施設等総合管理計画策定推進本部": (5, 5), "市民参加推進会議": (3, 3),
                   "男女平等推進審議会": (5, 5)}


def test_akiruno_rows_per_body():
    _, ex = shipped("akiruno-2024")
    per_body = Counter(r["body_name"] for r in rows(ex))
    assert per_body == {
        "市税等徴収状況報告会": 4, "指定管理者選定委員会": 1, "男女共同参画推進市民会議": 2,
        "総合教育会議": 1, "総合計画審議会": 1, "受益者負担(使用料・手数料)適正化検討部会": 3,
        "タウンミーティング": 4,
        "多様性や多文化共生への理解促進に向けた取組の検討のためのヒアリング": 3,
        "都・区市町村CIO協議会": 3, "都・区市町村CIO座談会": 1,
        "多摩地域市町村情報システム研究協議会": 2, "都・区市町村DX推進協議会": 2,
        "都・区市町村DX協働運営委員会": 4, "デジタル化推進本部": 1,
    }


def test_akiruno_floated_tax_report_table():
    """The 市税等の徴収状況 sessions print after `5 …指定管理者選定委員会`: they belong to 2 報告会."""
    _, ex = shipped("akiruno-2024")
    got = rows(ex, "市税等徴収状況報告会")
    assert [r["source_line"] for r in got] == [183, 192, 198, 202]
    assert [r["held_on"] for r in got] == [date(2024, 6, 4), date(2024, 8, 28),
                                           date(2024, 12, 27), date(2025, 3, 25)]
    assert [r["format"] for r in got] == ["written", None, "written", None]  # 書面開催 or nothing
    assert all("徴収" in r["agenda"] or "債権" in r["agenda"] for r in got)


def test_akiruno_designated_manager_session():
    _, ex = shipped("akiruno-2024")
    (r,) = rows(ex, "指定管理者選定委員会")
    assert (r["session_label"], r["held_on"], r["source_line"]) == ("第38回", date(2024, 10, 15), 233)
    assert "指定管理者の候補者" in r["agenda"]
    assert "秋川ふれあいランド)の指定管理者" in r["agenda"]  # wrapped lines rejoined


def test_akiruno_tables_after_item_8():
    _, ex = shipped("akiruno-2024")
    assert [r["held_on"] for r in rows(ex, "男女共同参画推進市民会議")] == [
        date(2024, 8, 7), date(2024, 11, 8)]
    (edu,) = rows(ex, "総合教育会議")
    assert edu["held_on"] == date(2025, 2, 17) and "教育大綱" in edu["agenda"]
    (plan,) = rows(ex, "総合計画審議会")
    assert plan["session_label"] == "第13回" and plan["held_on"] == date(2024, 8, 9)
    assert "進捗管理シート【2 各施策の内容】" in plan["agenda"]
    fees = rows(ex, "受益者負担(使用料・手数料)適正化検討部会")
    assert [r["held_on"] for r in fees] == [date(2024, 7, 23), date(2024, 12, 16), date(2025, 1, 23)]


def test_akiruno_it_meetings():
    _, ex = shipped("akiruno-2024")
    cio = rows(ex, "都・区市町村CIO協議会")
    assert [r["session_label"] for r in cio] == ["第3回", "第4回", "第5回"]
    assert {r["format"] for r in cio} == {"hybrid"}
    (dx1, dx2) = rows(ex, "都・区市町村DX推進協議会")
    assert (dx1["held_on"], dx1["held_until"], dx1["format"]) == (
        date(2024, 6, 12), date(2024, 6, 19), "written")
    assert (dx2["held_on"], dx2["format"]) == (date(2025, 3, 21), "online")
    tama = rows(ex, "多摩地域市町村情報システム研究協議会")
    assert (tama[0]["held_on"], tama[0]["held_until"]) == (date(2024, 5, 23), date(2024, 6, 4))
    coop = rows(ex, "都・区市町村DX協働運営委員会")  # printed after the `(7)` heading
    assert [r["held_on"] for r in coop] == [date(2024, 5, 27), date(2024, 8, 27),
                                            date(2025, 1, 22), date(2025, 3, 17)]
    assert {r["format"] for r in coop} == {"online"}
    (hq,) = rows(ex, "デジタル化推進本部")
    assert hq["held_on"] == date(2024, 5, 14) and "CIO補佐官" in hq["agenda"]
    assert all(r["org_unit"] == "情報政策課 情報政策係" for r in cio + coop)


def test_akiruno_hearings_and_town_meetings():
    _, ex = shipped("akiruno-2024")
    hear = rows(ex, "多様性や多文化共生への理解促進に向けた取組の検討のためのヒアリング")
    assert [r["held_on"] for r in hear] == [date(2024, 4, 8), date(2025, 1, 23), date(2025, 2, 7)]
    assert hear[0]["agenda"].startswith("[福生市]")
    assert hear[2]["agenda"].startswith("[市内の国際化関係団体(1団体)及び外国人住民(2世帯)]")
    town = rows(ex, "タウンミーティング")
    assert [r["held_on"] for r in town] == [date(2024, 10, 3), date(2024, 10, 6),
                                            date(2024, 10, 10), date(2024, 11, 2)]
    assert town[1]["note"] == "会場: 五日市地域交流センター 第4~6会議室"
    assert [(c["reported_value"], c["computed_value"]) for c in ex.checks
            if c["group_label"] == "タウンミーティング"] == [(4, 4)]


def test_format_is_null_where_nothing_is_printed():
    """The contract: a value not printed is NULL; only a printed venue or 開催 note sets it."""
    from ingest.extract.meetings import session_format

    assert session_format("") is None and session_format("  ") is None
    assert session_format("東京自治会館") == "in_person"
    assert session_format("書面開催") == "written" and session_format("WEB開催") == "online"
    assert session_format("ハイブリット開催") == "hybrid"
    for name in ("koganei-2021", "akiruno-2024"):
        _, ex = shipped(name)
        assert any(r["format"] is None for r in rows(ex))


def test_rows_have_schema_keys_only():
    allowed = set(FACT_SEEDS[SEED]) | {"_value_lines"}
    for name in ("koganei-2021", "akiruno-2024"):
        _, ex = shipped(name)
        for r in rows(ex):
            assert set(r) <= allowed
            assert r["status"] in ("ok", "unresolved")
            assert r["format"] in ("in_person", "written", "online", "hybrid", None)


def test_redressed_copy_gives_same_rows():
    doc, ex = shipped("akiruno-2024")
    copy = Document("other-id", "999999", doc.fiscal_year, doc.layout, doc.lines, doc.sections,
                    doc.owner)
    strip = lambda rs: [{k: v for k, v in r.items() if k != "document_id"} for r in rs]
    assert strip(rows(extract(copy))) == strip(rows(ex))


def test_own_city_name():
    assert own_city_name(shipped("akiruno-2024")[0]) == "あきる野市"
    assert own_city_name(shipped("koganei-2021")[0]) == "小金井市"


# ----------------------------------------------------------------------------- fragments

FLOATED = [
    "2 市税等徴収状況報告会",
    "市税等の徴収率向上に向け、徴収実績に関する報告会を開催した。",
    "3 東京都三多摩市指定管理者選定委員会",
    "指定管理者の候補者の選定に関する事項を審議した。",
    "開 催 日 内 容",
    "第1回",
    "令和6年",
    "6月 4日",
    "・令和6年3月末現在の市税等の徴収状況について",
    "(書面開催)",
    "第2回 8月28日",
    "・令和5年度の総括、令和6年度の目標値設定と取組につい",
    "て",
    "第3回",
    "令和7年",
    "3月25日",
    "・市税等の徴収状況について",
    "会 議 名 専 決 報 告",
    "開 催 日 内 容",
    "第38回",
    "令和6年",
    "10月15日",
    "・観光施設の指定管理者の候補者について(諮問)",
]


def test_fragment_floated_table_goes_to_its_body():
    ex = extract(make_doc(FLOATED))
    got = rows(ex)
    tax = [r for r in got if r["body_name"] == "市税等徴収状況報告会"]
    mgr = [r for r in got if r["body_name"] != "市税等徴収状況報告会"]
    assert [r["held_on"] for r in tax] == [date(2024, 6, 4), date(2024, 8, 28), date(2025, 3, 25)]
    assert [r["format"] for r in tax] == ["written", None, None]
    assert tax[1]["agenda"] == "・令和5年度の総括、令和6年度の目標値設定と取組について"
    assert len(mgr) == 1 and mgr[0]["body_name"].endswith("指定管理者選定委員会")
    assert mgr[0]["session_label"] == "第38回"


def test_fragment_year_less_date_takes_year_above():
    """`8月28日` under a row that named 令和7年 is 2025, even though August is in FY 2024."""
    ex = extract(make_doc([
        "1 テスト推進協議会", "開催日 主な内容", "第1回", "令和7年 2月13日", "・議題A",
        "第2回 8月28日", "・議題B",
    ]))
    got = rows(ex)
    assert [r["held_on"] for r in got] == [date(2025, 2, 13), date(2025, 8, 28)]
    assert got[1]["status"] == "unresolved" and "outside the fiscal year" in got[1]["note"]


def test_fragment_range_and_formats():
    ex = extract(make_doc([
        "ア テスト研究協議会", "開催日 主な内容",
        "第1回", "令和6年 5月23日", "~ 6月 4日", "(書面開催)", "・事業報告について",
        "第2回", "令和6年 7月 1日", "(ハイブリット開催)", "・事業計画について",
        "第3回 10月 1日", "(オンライン開催)", "・その他",
    ]))
    got = rows(ex, "テスト研究協議会")
    assert (got[0]["held_on"], got[0]["held_until"], got[0]["format"]) == (
        date(2024, 5, 23), date(2024, 6, 4), "written")
    assert [r["format"] for r in got[1:]] == ["hybrid", "online"]


def test_fragment_tsv_secretary_table():
    ex = extract(make_doc([
        "1 各種会議",
        "会 議 名\t開 催 月 日\t場 所",
        "東 京 都 市 長 会 議\t4 . 22 5 . 25\t東京自治会館",
        "\t1.25\t",
        "\t環 境 部 会\t7.1",
        "副 市 長 会 議\t5.10\tWEB開催",
        "\t2.21\t持回り開催",
    ], layout="markdown_tsv", fiscal_year=2021))
    got = [(r["body_name"], r["held_on"], r["format"]) for r in rows(ex)]
    assert got == [
        ("東京都市長会議", date(2021, 4, 22), "in_person"),
        ("東京都市長会議", date(2021, 5, 25), "in_person"),
        ("東京都市長会議", date(2022, 1, 25), "in_person"),
        ("環境部会", date(2021, 7, 1), None),  # no place printed: format not printed
        ("副市長会議", date(2021, 5, 10), "online"),
        ("副市長会議", date(2022, 2, 21), "written"),
    ]


def test_fragment_tsv_session_table_and_prose():
    ex = extract(make_doc([
        "(5) 市民参加推進会議の開催",
        "市民参加条例の運用状況等を審議するため、市民参加推進会議を3回開催した。",
        "回数\t開催日\t議 題",
        "第60回 (第8期)\t4. 8\t1 運用状況について",
        "第61回 (第8期)\t2. 10\t1 提言について",
        "(6) 検討本部",
        "庁内組織において検討を行った。(開催日 4.20、4.27、2.15)",
    ], layout="markdown_tsv", fiscal_year=2021))
    council = rows(ex, "市民参加推進会議")
    assert [(r["session_label"], r["held_on"]) for r in council] == [
        ("第60回(第8期)", date(2021, 4, 8)), ("第61回(第8期)", date(2022, 2, 10))]
    hq = rows(ex, "検討本部")
    assert [r["held_on"] for r in hq] == [date(2021, 4, 20), date(2021, 4, 27), date(2022, 2, 15)]
    assert all(r["session_label"] is None for r in hq)


def test_planted_wrong_count_is_a_mismatch():
    """The text says 3 sessions, the table prints 2: the check must not agree."""
    ex = extract(make_doc([
        "(5) 市民参加推進会議の開催",
        "市民参加条例の運用状況等を審議するため、市民参加推進会議を3回開催した。",
        "回数\t開催日\t議 題",
        "第60回\t4. 8\t1 運用状況について",
        "第61回\t7. 8\t1 提言について",
    ], layout="markdown_tsv", fiscal_year=2021))
    (check,) = ex.checks
    assert check["subject"] == "meetings.session_count"
    assert check["reported_value"] == 3 and check["computed_value"] == 2


def test_fragment_unreadable_date_lands_unresolved():
    ex = extract(make_doc([
        "(1) テスト審議会", "回数\t開催日\t議 題", "第1回\t未定\t議題",
    ], layout="markdown_tsv"))
    (r,) = rows(ex)
    assert r["status"] == "unresolved" and r["held_on"] is None


@pytest.mark.parametrize("texts", [[], [""], ["開 催 日 内 容"], ["開催日 主な内容", "第1回", "・議題"],
                                   ["回数\t開催日\t議題", "\t\t"], ["(開催日 原則毎週火曜日)"]])
def test_odd_input_never_raises(texts):
    ex = extract(make_doc(texts))
    for r in rows(ex):
        assert r["status"] in ("ok", "unresolved")


def test_document_without_meetings_is_empty():
    ex = extract(make_doc(["1 予算", "(単位:千円)", "一般会計\t1,000"]))
    assert rows(ex) == [] and ex.checks == []


def test_session_format():
    assert session_format("書面開催") == "written"
    assert session_format("WEB開催") == "online"
    assert session_format("(ハイブリッド開催)") == "hybrid"
    assert session_format("東京自治会館") == "in_person"
