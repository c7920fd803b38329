"""The fiscal year a document states for itself, to check the manifest's `fiscal_year`.

The manifest's year decides how year-less dates (`4.20`) are read and which printed column
is "this year" and which the prior year, so a wrong year silently moves every date and
relabels columns. The document usually says its own year: in its title (`令和８年度 歳入歳出予算
款別前年度比較表`) or, for an annual report, as the year named most often (`令和3年度` in a
事務実績 that also cites 令和2年度 figures). The check is deliberately one-sided: it speaks
only when the text clearly names one year and hardly names the manifest's, so a budget book
that cites next year's 年度 or a council session that spans two fiscal years is not refused.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from ingest.reading.dates import ERA_START, era_of, era_to_year, year_label

_ERA_ALT = "|".join(ERA_START)
_NENDO = re.compile(rf"({_ERA_ALT})\s*(元|\d{{1,2}})\s*年\s*度")
TITLE_LINES = 5      # non-empty lines at the top that may carry the document's title
MIN_MENTIONS = 3     # the body must name its year at least this often to count as a statement
DOMINANCE = 1.5      # … and this many times as often as any other year
MANIFEST_SHARE = 1 / 3  # … while the manifest's year is named at most this share as often


@dataclass(frozen=True)
class StatedYear:
    fiscal_year: int
    label: str     # as printed, e.g. 令和3年度
    line: int      # the line of the first mention that decided it
    where: str     # "title" or "most named"


def year_mentions(lines: Iterable[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """(line, Western fiscal year, printed label) of every `<era>N年度` mention."""
    out = []
    for no, text in lines:
        for m in _NENDO.finditer(text):
            out.append((no, era_to_year(m.group(1), m.group(2)), m.group(0)))
    return out


def stated_year(lines: list[tuple[int, str]], manifest_year: int) -> StatedYear | None:
    """The year the document clearly states, or None when it does not clearly state one."""
    nonempty = [(no, text) for no, text in lines if text.strip()]
    title = {y: (no, label) for no, y, label in reversed(year_mentions(nonempty[:TITLE_LINES]))}
    if len(title) == 1:
        (year, (no, label)), = title.items()
        return StatedYear(year, label, no, "title")
    mentions = year_mentions(nonempty)
    counts = Counter(y for _, y, _ in mentions)
    if not counts:
        return None
    (top, n), *rest = counts.most_common() + [(None, 0)]
    runner_up = rest[0][1]
    if n < MIN_MENTIONS or n < DOMINANCE * runner_up:
        return None
    if counts.get(manifest_year, 0) > MANIFEST_SHARE * n:
        return None
    no, label = next((no, label) for no, y, label in mentions if y == top)
    return StatedYear(top, label, no, "most named")


def mismatch_message(stated: StatedYear, manifest_year: int) -> str:
    """One line saying both years, for the build's error."""
    how = "in its title" if stated.where == "title" else "as the year it names most"
    return (f"the document states {stated.label} (fiscal_year {stated.fiscal_year}) {how}, "
            f"but the manifest says fiscal_year {manifest_year} "
            f"({year_label(manifest_year, era_of(manifest_year)[0])}): correct the manifest line")
