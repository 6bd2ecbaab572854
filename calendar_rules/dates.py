"""Dates given in a request (a page's or an endpoint's query string). Pure: no Django, no clock.

One parser for every page and endpoint, so each refuses the same way: a date that is not
``YYYY-MM-DD``, or outside the years the calendar covers (MIN_YEAR..MAX_YEAR), raises ValueError
with a message fit to show the user. Dates inside that range leave room for any window a page
adds to them (date arithmetic near year 1 or 9999 overflows).

Rules live in a narrower span (RULE_FIRST_DAY..RULE_LAST_DAY): a rule's validity dates and the
window of its preview. A recurrence is expanded from the rule's first valid day, so the span
bounds the work of every expansion (a daily rule over the whole span: about 0.4 s) where a year
like 9999 cost seconds of CPU or overflowed the date arithmetic.

Date-times given with a UTC offset keep it within what PostgreSQL stores (±15:59; the world's
zones run from −12:00 to +14:00): ``check_utc_offset``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "MAX_UTC_OFFSET",
    "MAX_YEAR",
    "MIN_YEAR",
    "RULE_FIRST_DAY",
    "RULE_LAST_DAY",
    "check_rule_date",
    "check_utc_offset",
    "parse_date_param",
]

MIN_YEAR = 1900
MAX_YEAR = 2200
FIRST_DAY = date(MIN_YEAR, 1, 1)
LAST_DAY = date(MAX_YEAR, 12, 31)
RULE_FIRST_DAY = date(2000, 1, 1)
RULE_LAST_DAY = date(2100, 12, 31)
# PostgreSQL's limit for an offset in a timestamp literal (it refuses +16:00).
MAX_UTC_OFFSET = timedelta(hours=15, minutes=59)
# Exactly YYYY-MM-DD: fromisoformat alone also takes the basic form 20260921.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date_param(text: str | None, *, name: str, default: date | None = None) -> date:
    """The date in `text` (``YYYY-MM-DD``), or `default` when `text` is empty.

    Raises ValueError naming the parameter `name` when `text` is not such a date, when its year
    is outside MIN_YEAR..MAX_YEAR, or when it is empty and there is no default.
    """
    text = (text or "").strip()
    if not text:
        if default is None:
            raise ValueError(f"{name}: give a date as YYYY-MM-DD.")
        return default
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name}: {text[:40]!r} is not a date; give one as YYYY-MM-DD.") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(f"{name}: {day.isoformat()} is out of range; dates from {MIN_YEAR} to {MAX_YEAR} only.")
    return day


def check_rule_date(day: date) -> None:
    """Raise ValueError (a message fit to show) when `day` is outside the rules' span."""
    if not RULE_FIRST_DAY <= day <= RULE_LAST_DAY:
        raise ValueError(
            f"{day.isoformat()} is out of range; rules run from {RULE_FIRST_DAY.isoformat()} "
            f"to {RULE_LAST_DAY.isoformat()}."
        )


def check_utc_offset(moment: datetime) -> None:
    """Raise ValueError when `moment` carries a UTC offset beyond ±15:59."""
    offset = moment.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        raise ValueError("The UTC offset is out of range; give one between -15:59 and +15:59.")
