"""Dates given in a request (a page's or an endpoint's query string). Pure: no Django, no clock.

One parser for every page and endpoint, so each refuses the same way: a date that is not
``YYYY-MM-DD``, or outside the years the calendar covers (MIN_YEAR..MAX_YEAR), raises ValueError
with a message fit to show the user. Dates inside that range leave room for any window a page
adds to them (date arithmetic near year 1 or 9999 overflows).
"""

from __future__ import annotations

import re
from datetime import date

__all__ = ["FIRST_DAY", "LAST_DAY", "MAX_YEAR", "MIN_YEAR", "parse_date_param"]

MIN_YEAR = 1900
MAX_YEAR = 2200
FIRST_DAY = date(MIN_YEAR, 1, 1)
LAST_DAY = date(MAX_YEAR, 12, 31)
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
