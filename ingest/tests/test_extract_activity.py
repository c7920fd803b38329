"""Tests of the activity-figures extractor on the shipped documents and on hand-made fragments."""
from __future__ import annotations

from dataclasses import replace

import pytest

from ingest.extract import activity
from ingest.extract.activity_prose import find_figures
from ingest.extract.activity_tables import chunk_header, month_header
from ingest.reading.load import load_shipped
from ingest.reading.normalize import normalize_line
from ingest.tests.fragments import make_doc as doc_of

SEED = "raw_activity_metrics"


def rows_of(ex):
    return ex.rows.get(SEED, [])


def find(rows, **kw):
    return [r for r in rows if all(r.get(k) == v for k, v in kw.items())]


@pytest.fixture(scope="module")
def koganei():
    doc = load_shipped("koganei-2021")
    return doc, activity.extract(doc)


@pytest.fixture(scope="module")
def akiruno():
    doc = load_shipped("akiruno-2024")
    return doc, activity.extract(doc)


def _failed(ex):
    return [c for c in ex.checks if c["computed_value"] is None
            or (c["reported_value"] != c["computed_value"] and not c["expected"])]


# ------------------------------------------------------------------ Koganei (tab tables)

def test_koganei_tables(koganei):
    _, ex = koganei
    rows = rows_of(ex)
    r = find(rows, table_title="休日窓口取扱件数", column_label="市民課")
    assert r and r[0]["value"] == 5785 and r[0]["unit"] == "件" and r[0]["source_line"] == 185
    assert find(rows, table_title="休日窓口取扱件数", column_label="合計")[0]["is_total"] is True
    voice = find(rows, table_title="声の広報", row_label="デジCD枚数")
    assert len(voice) == 13 and {r["period_month"] for r in voice} == {*range(1, 13), None}
    assert find(rows, row_label="デジCD枚数", period_month=1)[0]["value"] == 14
    users = find(rows, table_title="声の広報", row_label="CD枚数/利用者数")
    assert len(users) == 12  # the 合計 cell prints `-`: no row, not 0
    assert find(rows, table_title="日刊紙掲載状況", row_label="掲載件数", column_label="東京")[0]["value"] == 102
    assert find(rows, table_title="相談業務", row_label="法律相談", column_label="相談件数")[0]["value"] == 543
    assert find(rows, table_title="相談業務", row_label="法律相談", column_label="実施回数")[0]["unit"] == "回"
    total = find(rows, table_title="職員研修", row_label="計", column_label="修了者数")
    assert total[0]["value"] == 612 and total[0]["is_total"]
    assert find(rows, table_title="平和推進事業", row_label="非核平和映画会", column_label="参加者数")[0]["value"] == 38
    assert find(rows, row_label="参加人数", value=29.0)


def test_koganei_prose(koganei):
    _, ex = koganei
    rows = rows_of(ex)
    for label, value, unit in [("アクセス件数", 11931018, "件"), ("前年比(増)", 2945006, "件"),
                               ("国内研修事業参加補助金交付", 0, "件"), ("町会・自治会の数", 72, "団体"),
                               ("年間案内件数", 38034, "件"), ("システム利用登録件数", 3252, "件"),
                               ("個人登録", 1208, "件"), ("団体登録", 2044, "件"), ("市民の声", 485, "件"),
                               ("相談件数", 108, "件")]:
        got = find(rows, row_label=label, value=float(value))
        assert got and got[0]["unit"] == unit, label


def test_koganei_exclusions(koganei):
    doc, ex = koganei
    zones = activity.excluded_zones(doc)
    assert [(a, b) for a, b, _ in zones] == [(294, 458), (690, 798)]
    lines = {r["source_line"] for r in rows_of(ex)}
    assert not lines & set(range(294, 459)) and not lines & set(range(690, 799))
    assert not lines & {37, 54, 109, 163, 662}  # session tables (回数 / 開催日 / 議題)


def test_koganei_checks(koganei):
    _, ex = koganei
    assert len(ex.checks) >= 8 and not _failed(ex)
    subjects = {c["subject"] for c in ex.checks}
    assert {"activity_metrics.month_total", "activity_metrics.row_total",
            "activity_metrics.column_total", "activity_metrics.breakdown_total"} <= subjects


# ------------------------------------------------------------------ Akiruno (PDF flow)

def test_akiruno_floating_tables(akiruno):
    _, ex = akiruno
    rows = rows_of(ex)
    total = find(rows, table_title="市長提出案件数", row_label="合計", column_label="議案")
    assert total[0]["value"] == 85 and total[0]["is_total"] and total[0]["unit"] == "件"
    assert find(rows, table_title="市民ポストの月別利用状況", period_month=8)[0]["value"] == 15
    assert find(rows, table_title="市民ポスト設置場所別利用状況", row_label="秋川駅")[0]["value"] == 22
    assert find(rows, table_title="市民ポスト担当別利用状況", row_label="その他")[0]["value"] == 46
    assert find(rows, table_title="市長への手紙月別受付件数", column_label="合計")[0]["value"] == 96
    hp = find(rows, table_title="ホームページ月別アクセス件数")
    assert len(hp) == 14 and find(hp, column_label="月平均")[0]["is_total"]
    mail = find(rows, row_label="利用者数", period_month=10)
    assert mail and mail[0]["value"] == 15673  # second half joined to the first
    assert not find(rows, row_label="月")  # a half's header is not a row
    assert find(rows, table_title="エックス", row_label="あきる野市(防災・防犯)", column_label="フォロワー")[0]["value"] == 2724
    assert find(rows, table_title="移住・定住相談", column_label="イベント")[0]["value"] == 152
    assert find(rows, table_title="DVD等販売売り上げ", row_label="「五日市物語」DVD", column_label="数量")[0]["value"] == 3
    assert find(rows, table_title="テレワーク端末予約状況", column_label="合計")[0]["value"] == 4242
    assert find(rows, table_title="自治体専用電子申請システム", column_label="合計")[0]["value"] == 32429
    assert find(rows, table_title="仕様別発行回数(令和6年4月1日号~令和7年3月15日号)",
                row_label="2色・8ページ(うち2ページ4色)")[0]["value"] == 17


def test_akiruno_prose(akiruno):
    _, ex = akiruno
    rows = rows_of(ex)
    for label, value in [("協議会", 2), ("審議会", 2), ("配布件数", 5779), ("購読者数", 3132),
                         ("投稿件数", 28), ("フォロワー", 1935), ("移住・定住相談", 561),
                         ("行財政に関するもの", 5), ("保健福祉に関するもの", 15), ("受講者数", 501)]:
        assert find(rows, row_label=label, value=float(value)), label


def test_akiruno_exclusions(akiruno):
    doc, ex = akiruno
    lines = {r["source_line"] for r in rows_of(ex)}
    assert not lines & set(range(949, 1809))  # budget, 地方交付税, 総合交付金, 地方債, 基金, 臨時交付金
    assert not find(rows_of(ex), unit="台")  # 電算機器の台数
    assert {1849, 1859, 1870} <= lines  # month tables floated into `(2)現状のシステム` are read


def test_akiruno_checks(akiruno):
    _, ex = akiruno
    assert not _failed(ex)
    avg = [c for c in ex.checks if c["subject"] == "activity_metrics.month_average"]
    assert avg and avg[0]["reported_value"] == avg[0]["computed_value"] == 277710
    cross = [c for c in ex.checks if c["subject"] == "activity_metrics.cross_table_total"]
    post = [c for c in cross if c["group_label"].startswith("市民ポスト")]
    assert len(post) == 2 and all(c["reported_value"] == c["computed_value"] == 80 for c in post)
    letter = [c for c in cross if c["group_label"].startswith("市長への手紙")]
    assert letter and letter[0]["expected"] and letter[0]["computed_value"] == 104
    assert "一致しない" in letter[0]["note"]
    inner = [c for c in ex.checks if c["subject"] == "activity_metrics.breakdown_total"
             and c["group_label"] == "市長への手紙内訳"]
    assert inner and inner[0]["reported_value"] == inner[0]["computed_value"] == 104


def test_value_lines_and_keys(akiruno):
    _, ex = akiruno
    for r in rows_of(ex):
        assert r["_value_lines"] == [r["source_line"]]
        assert r["status"] in ("ok", "unresolved") and isinstance(r["is_total"], bool)


def test_redressed_copy_gives_same_rows():
    doc = load_shipped("akiruno-2024")
    other = replace(doc, document_id="copy", municipality_code="999999")
    a = [{k: v for k, v in r.items() if k != "document_id"} for r in rows_of(activity.extract(doc))]
    b = [{k: v for k, v in r.items() if k != "document_id"} for r in rows_of(activity.extract(other))]
    assert a == b


# ------------------------------------------------------------------ fragments

def test_planted_wrong_month_total_is_reported():
    doc = doc_of(["(1)窓口の月別利用状況", "", "月 4 5 6 7 8 9 月平均", "件数 1 2 3 4 5 6 4",
                  "月 10 11 12 1 2 3 合 計", "件数 1 1 1 1 1 1 99"])
    ex = activity.extract(doc)
    checks = {c["subject"]: c for c in ex.checks}
    total = checks["activity_metrics.month_total"]
    assert total["reported_value"] == 99 and total["computed_value"] == 27
    assert checks["activity_metrics.month_average"]["computed_value"] == 2  # 27/12 = 2.25 → 2
    assert len(rows_of(ex)) == 14


def test_markdown_month_table_with_dash():
    doc = doc_of(["### (2) 声の広報", "月別\t4\t5\t6\t合計", "CD枚数\t1\t2\t3\t6", "(利用者数)\t1\t1\t-\t-"],
                 "markdown_tsv")
    rows = rows_of(activity.extract(doc))
    assert len(find(rows, row_label="CD枚数")) == 4
    assert len(find(rows, row_label="CD枚数/利用者数")) == 2


def test_flow_pairs_and_total_row():
    doc = doc_of(["担 当 課 件数 担 当 課 件数", "市長公室 4 高齢者支援課 2", "その他 1",
                  "", "会 議 名 専 決 報 告", "第1回会議 0 2", "第2回会議 1 3", "合 計 1 5"])
    ex = activity.extract(doc)
    rows = rows_of(ex)
    assert find(rows, row_label="高齢者支援課", column_label="件数")[0]["value"] == 2
    assert find(rows, row_label="合計", column_label="報告")[0]["is_total"]
    assert all(c["reported_value"] == c["computed_value"] for c in ex.checks)
    bad = activity.extract(doc_of(["会 議 名 専 決 報 告", "第1回会議 0 2", "合 計 0 5"]))
    assert any(c["reported_value"] == 5 and c["computed_value"] == 2 for c in bad.checks)


def test_prose_label_number_runs():
    figs = find_figures(normalize_line("ア 行財政に関するもの 5件 キ 保健福祉に関するもの 15件"))
    assert [(f.label, int(f.value)) for f in figs] == [("行財政に関するもの", 5), ("保健福祉に関するもの", 15)]
    figs = find_figures(normalize_line("(4)移住者(相談者のうち移住の報告があった方) 11組23人"))
    assert [(f.label, f.unit) for f in figs] == [("移住者", "組"), ("移住者", "人")]
    assert find_figures("第3回 令和6年6月4日 職員1人当たりの人件費") == []


def test_date_then_count_is_not_a_fraction():
    # `7.7 5人` is the date 7/7 and 5 people (normalize keeps them apart before a counter).
    rows = rows_of(activity.extract(doc_of(["3回 (7.7 5人、11.7 5人)"])))
    assert [(r["row_label"], r["value"], r["unit"]) for r in rows] == [
        ("", 3.0, "回"), ("7.7", 5.0, "人"), ("11.7", 5.0, "人")]
    assert all(r["status"] == "ok" for r in rows)


def test_excluded_section_is_skipped():
    doc = doc_of(["1 予算", "会 計 名 件数", "一般会計 5", "2 相談", "相談件数 7件"])
    rows = rows_of(activity.extract(doc))
    assert [r["value"] for r in rows] == [7.0]


def test_headers_and_empty_documents():
    assert chunk_header("内 訳 電 話 メ ー ル 窓 口 オンライン") == ["内訳", "電話", "メール", "窓口", "オンライン"]
    assert month_header("11 月 12 月 1月 2月 3月 合計", False) is not None
    assert month_header("第1号 第2号 合 計", False) is None
    assert rows_of(activity.extract(doc_of(["", "本文のみ。"]))) == []
    odd = activity.extract(doc_of(["\t\t", "月 4 5 6", "- - -", "(単位:", "合 計 x"]))
    assert isinstance(odd.checks, list)


SPLIT_MONTHS = ["月 ４ ５ ６ ７ ８ ９ 月平均",
                "件数 277,508 288,059 288,857 337,692 313,413 270,325 277,710",
                "月 １０ １１ １２ １ ２ ３ 合 計",
                "件数 289,560 275,039 234,191 256,946 241,495 259,434 3,332,519"]


def test_month_table_split_into_two_halves():
    """April–September with 月平均, then October–March with 合計: one series of 12 months."""
    ex = activity.extract(doc_of(SPLIT_MONTHS, fiscal_year=2024))
    rows = rows_of(ex)
    months = [(r["period_month"], r["value"]) for r in rows if r["period_month"]]
    assert [m for m, _ in months] == [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
    totals = {r["column_label"]: r["value"] for r in rows if r["is_total"]}
    assert totals == {"月平均": 277710.0, "合計": 3332519.0}
    by_subject = {c["subject"]: c for c in ex.checks}
    assert by_subject["activity_metrics.month_total"]["computed_value"] == 3332519
    assert by_subject["activity_metrics.month_average"]["computed_value"] == 277710


def test_month_table_split_with_a_planted_wrong_month():
    planted = SPLIT_MONTHS[:3] + [SPLIT_MONTHS[3].replace("289,560", "289,561")]
    ex = activity.extract(doc_of(planted, fiscal_year=2024))
    total = next(c for c in ex.checks if c["subject"] == "activity_metrics.month_total")
    assert total["reported_value"] - total["computed_value"] == -1
