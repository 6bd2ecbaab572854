"""The coverage report as CSV: the same figures as the page, one table a spreadsheet opens.

Every row has the same columns; `section` says what the row is (a site, the total, a week, a
missed reason, a missed patrol's note). Text that a spreadsheet would run as a formula (a cell
starting with = + - @, or a tab or carriage return) is written with a leading apostrophe, so a
site named "=HYPERLINK(...)" stays text (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from .coverage import Figures, Report

COLUMNS = [
    "section",
    "name",
    "planned",
    "delivered",
    "missed",
    "pending",
    "upcoming",
    "cancelled",
    "officer_hours",
    "delivery_rate",
    "note",
]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell's text, with an apostrophe before anything a spreadsheet would read as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _figures(section: str, name: str, figures: Figures) -> list[object]:
    rate = figures.delivery_rate
    return [
        section,
        name,
        figures.planned,
        figures.delivered,
        figures.missed,
        figures.pending,
        figures.upcoming,
        figures.cancelled,
        f"{figures.officer_hours:.2f}",
        "" if rate is None else f"{rate:.3f}",
        "",
    ]


def coverage_rows(report: Report) -> Iterable[Sequence[object]]:
    yield COLUMNS
    for site in report.sites:
        yield _figures("site", site.name, site.figures)
    yield _figures("total", "All sites", report.total)
    for week in report.weeks:
        yield _figures("week", f"{week.week.isoformat()} ({week.iso_week})", week.figures)
    for reason in report.missed_reasons:
        yield ["missed reason", reason.label, "", "", reason.patrols, "", "", "", "", "", ""]
    for note in report.missed_notes:
        yield ["missed note", f"{note.day.isoformat()} {note.site_name}", "", "", "", "", "", "", "", "", note.note]


def coverage_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in coverage_rows(report):
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
