"""When messages to CST volunteers and coordinators may not go: Shabbat and festivals.

Pure: no Django, no clock. From an area's per-day times (calendar_rules.zmanim.DayTimes, in the
area's time zone) the quiet windows run from candle-lighting on the evening a Shabbat or yom tov
begins to havdalah on the evening the last of a run of such days ends — so a two-day festival
running into Shabbat is one window, and so is a Saturday night into a festival (there is no
havdalah between them, and the second candle-lighting, after nightfall, falls inside the window).

A moment is quiet when `starts <= moment < ends`: a message queued at the minute of
candle-lighting waits; one at the minute of havdalah goes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from calendar_rules.zmanim import DayTimes

# The longest run of days on which work is forbidden is three (Rosh Hashanah on Thursday and
# Friday, then Shabbat); days loaded either side of a moment must cover a whole window.
DAYS_AROUND = 4


@dataclass(frozen=True, slots=True)
class QuietWindow:
    starts: datetime  # candle-lighting (aware)
    ends: datetime  # havdalah (aware)


def days_to_load(moment_local_date: date) -> tuple[date, date]:
    """The local dates whose times decide whether a moment on `moment_local_date` is quiet."""
    return moment_local_date - timedelta(days=DAYS_AROUND), moment_local_date + timedelta(days=DAYS_AROUND)


def quiet_windows(days: Sequence[DayTimes]) -> list[QuietWindow]:
    """The quiet windows in `days` (consecutive days, in order). A window still open at the end of
    `days` is left out (its end is not known); one open at the start begins at the first day's
    midnight (its candle-lighting lies before `days`)."""
    windows: list[QuietWindow] = []
    opened: datetime | None = None
    for day in days:
        if day.havdalah is not None:
            starts = opened
            if starts is None:
                starts = datetime.combine(days[0].date, time(), tzinfo=day.havdalah.tzinfo)
            windows.append(QuietWindow(starts=starts, ends=day.havdalah))
            opened = None
        if day.candle_lighting is not None and opened is None:
            opened = day.candle_lighting
    return windows


def quiet_until(windows: Iterable[QuietWindow], moment: datetime) -> datetime | None:
    """When the quiet window around `moment` ends (havdalah), or None when `moment` is not quiet."""
    for window in windows:
        if window.starts <= moment < window.ends:
            return window.ends
    return None
