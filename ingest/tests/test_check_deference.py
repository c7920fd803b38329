"""The activity reader's sum of a total defers to the table engine's reading of it."""
from ingest.pipeline import _defer_to_the_table_engine


def _check(subject, line, reported, computed, tolerance=None):
    return {"subject": subject, "group_label": "g", "reported_value": reported,
            "computed_value": computed, "source_line": line, "note": "", "tolerance": tolerance}


def test_a_failing_activity_sum_of_a_total_the_engine_reads_right_is_unverifiable():
    checks = [_check("activity_metrics.column_total", 101, 25_840_000, 51_680_000),  # subtotal counted twice
              _check("table:column_total", 101, 25_840_000.0, 25_840_000.0, 1.5),
              _check("activity_metrics.column_total", 150, -1.1, 59.7),  # a 伸率 column summed
              _check("table:ratio", 150, -1.1, -1.12, 0.2)]
    _defer_to_the_table_engine(checks)
    assert [c["computed_value"] for c in checks[::2]] == [None, None]
    assert "table:column_total g: holds" in checks[0]["note"]


def test_a_total_the_engine_finds_wrong_too_or_does_not_read_stays_a_mismatch():
    checks = [_check("activity_metrics.column_total", 7, 100, 90),
              _check("table:column_total", 7, 100.0, 95.0, 1.0),   # the engine: wrong too
              _check("activity_metrics.column_total", 9, 100, 90)]  # the engine reads no total here
    _defer_to_the_table_engine(checks)
    assert checks[0]["computed_value"] == 90 and checks[2]["computed_value"] == 90


def test_an_activity_sum_that_holds_is_left_as_it_is():
    checks = [_check("activity_metrics.column_total", 3, 10, 10),
              _check("table:column_total", 3, 10.0, None)]
    _defer_to_the_table_engine(checks)
    assert checks[0]["computed_value"] == 10 and checks[0]["note"] == ""
