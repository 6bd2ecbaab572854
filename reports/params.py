"""The report's query parameters (`area`, `start`, `end`) read from a page's query string.

Pure: no Django, no clock (`today` is passed in). The page never refuses a bad value: it says
what was wrong and shows the default instead, so a mistyped date still gives a report. The API
refuses the same mistakes with a 400 naming the field (reports.api.serializers, same limits).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from .coverage import MAX_RANGE_DAYS

# The default range: the four Monday-start weeks ending with the current one (so the chart shows
# four bars and the current week's patrols still to come).
DEFAULT_WEEKS = 4
# Dates outside these years are typing mistakes (and beyond the calendar's useful span).
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Params:
    area_id: int | None  # None: the user's first area
    start: date
    end: date
    errors: dict[str, str] = field(default_factory=dict)


def default_range(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=DEFAULT_WEEKS - 1), monday + timedelta(days=6)


def parse_day(value: str) -> date | None:
    """An ISO date (YYYY-MM-DD) within FIRST_YEAR..LAST_YEAR, or None."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR and len(value.strip()) == 10 else None


def range_error(start: date, end: date) -> tuple[str, str] | None:
    """(field, message) when start..end is not a range one report covers, else None."""
    if end < start:
        return "end", "The end date is before the start date."
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        return "end", f"A report covers at most {MAX_RANGE_DAYS} days; choose a shorter range."
    return None


def read_params(query: Mapping[str, str], *, today: date) -> Params:
    """Read `area`, `start`, `end`; a missing value takes its default silently, a bad one with a
    message (keyed by the field) saying what was wrong and what is shown instead."""
    errors: dict[str, str] = {}
    default_start, default_end = default_range(today)

    area_id: int | None = None
    raw_area = (query.get("area") or "").strip()
    if raw_area:
        if raw_area.isascii() and raw_area.isdigit() and 0 < int(raw_area) < 2**31:
            area_id = int(raw_area)
        else:
            errors["area"] = "Choose an area from the list; showing your first area."

    days: dict[str, date | None] = {}
    for name in ("start", "end"):
        raw = query.get(name) or ""
        days[name] = parse_day(raw) if raw.strip() else None
        if raw.strip() and days[name] is None:
            errors[name] = f"“{raw[:20]}” is not a date (YYYY-MM-DD); showing the default {name}."

    start, end = days["start"], days["end"]
    if start is None and end is None:
        start, end = default_start, default_end
    elif start is None:
        assert end is not None
        start = max(end - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1), date(FIRST_YEAR, 1, 1))
    elif end is None:
        end = min(start + timedelta(weeks=DEFAULT_WEEKS) - timedelta(days=1), date(LAST_YEAR, 12, 31))
    problem = range_error(start, end)
    if problem is not None:
        errors[problem[0]] = problem[1] + " Showing the default range."
        start, end = default_start, default_end
    return Params(area_id=area_id, start=start, end=end, errors=errors)
