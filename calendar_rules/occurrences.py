"""A patrol rule's occurrences: the dated, aware windows it asks for. Pure: no Django, no clock.

`expand_rule(spec, location, start, end)` turns a frozen `RuleSpec` into `Occurrence`s, one per
local date on which the rule patrols, for the dates `start`..`end` (inclusive) — the dates the
patrols *start* on, in the location's time zone.

Which dates:
- an RRULE rule: the dates of its recurrence (RRULE with EXDATE/RDATE lines), counted from
  `valid_from` (the rule's DTSTART, so COUNT counts from there);
- a calendar rule: the days of the observances it names — by category (`yom_tov`, `erev`, …) or
  by key (`yom_kippur`) — restricted to its periods when it names some; a rule naming only
  periods patrols every day of them. With `timing="evening"` the patrol is on the observance's
  evening, which is the evening of the day before (a Jewish day begins at nightfall), so its
  local date is the observance's date minus one. Several observances on one date give one
  occurrence, named for the weightiest: yom tov, then erev, then the rest in calendar order.
- Both kinds keep only the dates inside `valid_from`..`valid_until`.

The window on a local date:
- start: a clock time (`time`, DST policy of `recurrence.local_to_utc`: a time that does not
  exist is moved forward by the gap, a repeated time takes its first instance), or that day's
  sunset, candle-lighting or nightfall at the location, plus `start_offset_minutes`.
  Candle-lighting is the time candles are actually lit that evening when they are (after
  nightfall on a second festival night), else 18 minutes before sunset.
- end: the start plus `duration_minutes`, or an end anchor on the same local date plus
  `end_offset_minutes`. An end at a clock time that falls at or before the start is the next
  day's clock time when that makes a window of at most 12 hours (22:00–02:00, nightfall–01:00):
  a night patrol. Any other window that ends at or before it starts raises `InvalidWindow`,
  naming the date — a rule like that must not be saved, and the generator must not guess.

Sunset is truncated to the minute and nightfall rounded to the nearest one, so patrols start on
whole minutes. Offsets are added in real (UTC) time, so "sunset + 90 minutes" is ninety minutes even on the night
the clocks change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from . import jewish_calendar, zmanim
from .recurrence import local_to_utc, occurrence_dates, parse_recurrence

# The longest window that may run past midnight to a clock-time end.
MAX_OVERNIGHT = timedelta(hours=12)

_CATEGORY_ORDER = {category: index for index, category in enumerate(jewish_calendar.CATEGORIES)}
_PRIORITY = {"yom_tov": -2, "erev": -1}


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """Everything about a rule that decides its occurrences. Hashable and immutable; the
    frozensets make it independent of the order the fields were chosen in (use `canonical()`
    for a form that is stable across processes, e.g. to fingerprint it)."""

    rule_id: int | None
    trigger: str  # "rrule" | "calendar"
    recurrence: str
    categories: frozenset[str]
    keys: frozenset[str]
    periods: frozenset[str]
    timing: str  # "day" | "evening"
    start_anchor: str  # "time" | "sunset" | "candle_lighting" | "nightfall"
    start_time: time | None
    start_offset_minutes: int
    duration_minutes: int | None
    end_anchor: str | None
    end_time: time | None
    end_offset_minutes: int
    valid_from: date
    valid_until: date | None
    label: str

    def canonical(self) -> tuple[object, ...]:
        """The fields as a tuple of plain values with the sets sorted: the same text in every
        process (a frozenset's iteration order depends on the process's string hashing)."""
        return (
            self.rule_id,
            self.trigger,
            self.recurrence,
            tuple(sorted(self.categories)),
            tuple(sorted(self.keys)),
            tuple(sorted(self.periods)),
            self.timing,
            self.start_anchor,
            self.start_time.isoformat() if self.start_time else None,
            self.start_offset_minutes,
            self.duration_minutes,
            self.end_anchor,
            self.end_time.isoformat() if self.end_time else None,
            self.end_offset_minutes,
            self.valid_from.isoformat(),
            self.valid_until.isoformat() if self.valid_until else None,
            self.label,
        )


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One window of a rule. `local_date` is the date the patrol starts on, in local time."""

    local_date: date
    index: int  # 0 unless the rule gives two windows on one day
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC
    label: str  # the rule's label
    trigger: str = ""  # what caused it: "Yom Kippur (evening)", "Shabbat", "FREQ=WEEKLY;BYDAY=SA"


@dataclass(frozen=True, slots=True)
class PreviewRow:
    """One patrol a rule would create: an occurrence at one site, in local time."""

    local_start: datetime  # aware, in the location's time zone
    local_end: datetime
    site_id: int | None  # None when the rule matches no site yet
    site_name: str
    trigger: str
    label: str


class InvalidWindow(ValueError):
    """A rule's window ends at or before it starts on some date."""

    def __init__(self, local_date: date, starts_at: datetime, ends_at: datetime, timezone: str):
        self.local_date = local_date
        tz = ZoneInfo(timezone)
        self.starts_at, self.ends_at = starts_at.astimezone(tz), ends_at.astimezone(tz)
        super().__init__(f"{local_date:%a %-d %b %Y} (starts {self.starts_at:%H:%M}, ends {self.ends_at:%H:%M})")


def expand_rule(spec: RuleSpec, location: zmanim.Location, start: date, end: date) -> list[Occurrence]:
    """Return the rule's occurrences on the local dates `start`..`end`, sorted by start.

    Raises `InvalidWindow` for a date whose window ends at or before it starts, and
    `recurrence.RecurrenceError` for an RRULE rule whose recurrence does not parse.
    """
    first = max(start, spec.valid_from)
    last = end if spec.valid_until is None else min(end, spec.valid_until)
    if last < first:
        return []
    if spec.trigger == "rrule":
        dated = _recurrence_dates(spec, first, last)
    elif spec.trigger == "calendar":
        dated = _calendar_dates(spec, first, last)
    else:
        raise ValueError(f"unknown trigger {spec.trigger!r}")
    occurrences = []
    for local_date, trigger in dated:
        starts_at, ends_at = window_on(spec, location, local_date)
        occurrences.append(Occurrence(local_date, 0, starts_at, ends_at, spec.label, trigger))
    occurrences.sort(key=lambda occurrence: (occurrence.starts_at, occurrence.index))
    return occurrences


def window_on(spec: RuleSpec, location: zmanim.Location, local_date: date) -> tuple[datetime, datetime]:
    """Return the rule's (start, end) on `local_date` as aware UTC datetimes (see module doc)."""
    starts_at = _point(spec.start_anchor, spec.start_time, spec.start_offset_minutes, location, local_date)
    if spec.duration_minutes is not None:
        return starts_at, starts_at + timedelta(minutes=spec.duration_minutes)
    if spec.end_anchor is None:
        raise ValueError("a rule needs a duration or an end anchor")
    ends_at = _point(spec.end_anchor, spec.end_time, spec.end_offset_minutes, location, local_date)
    if ends_at <= starts_at and spec.end_anchor == "time":
        next_day = _point("time", spec.end_time, spec.end_offset_minutes, location, local_date + timedelta(days=1))
        if next_day - starts_at <= MAX_OVERNIGHT:
            ends_at = next_day
    if ends_at <= starts_at:
        raise InvalidWindow(local_date, starts_at, ends_at, location.timezone)
    return starts_at, ends_at


def preview(
    spec: RuleSpec,
    location: zmanim.Location,
    start: date,
    end: date,
    sites: Sequence[tuple[int, str]],
    limit: int = 50,
) -> list[PreviewRow]:
    """The first `limit` patrols the rule would make at `sites` (id, name) between `start` and
    `end`, in local time, ordered by start and then site name. With no sites, one row per
    occurrence with no site, so the dates and times can still be checked."""
    tz = ZoneInfo(location.timezone)
    targets: list[tuple[int | None, str]] = [*sorted(sites, key=lambda site: (site[1], site[0]))] or [(None, "")]
    rows: list[PreviewRow] = []
    for occurrence in expand_rule(spec, location, start, end):
        for site_id, site_name in targets:
            rows.append(
                PreviewRow(
                    local_start=occurrence.starts_at.astimezone(tz),
                    local_end=occurrence.ends_at.astimezone(tz),
                    site_id=site_id,
                    site_name=site_name,
                    trigger=occurrence.trigger,
                    label=occurrence.label,
                )
            )
            if len(rows) >= limit:
                return rows
    return rows


# ---- dates --------------------------------------------------------------------------------


def _recurrence_dates(spec: RuleSpec, first: date, last: date) -> list[tuple[date, str]]:
    recurrence = parse_recurrence(spec.recurrence)
    extra = set(recurrence.rdates)
    return [
        (day, "extra date (RDATE)" if day in extra else recurrence.rrule)
        for day in occurrence_dates(recurrence, dtstart=spec.valid_from, start=first, end=last)
    ]


def _calendar_dates(spec: RuleSpec, first: date, last: date) -> list[tuple[date, str]]:
    # An evening patrol on local date D is for the observance of D + 1.
    shift = timedelta(days=1 if spec.timing == "evening" else 0)
    suffix = " (evening)" if spec.timing == "evening" else ""
    lo, hi = first + shift, last + shift
    periods = sorted(
        (period for period in jewish_calendar.periods_between(lo, hi) if period.key in spec.periods),
        key=lambda period: (period.end - period.start, period.start, period.key),
    )

    def period_of(day: date) -> jewish_calendar.Period | None:
        return next((period for period in periods if period.start <= day <= period.end), None)

    found: dict[date, str] = {}
    if spec.categories or spec.keys:
        by_day: dict[date, list[jewish_calendar.Observance]] = defaultdict(list)
        for observance in jewish_calendar.observances_between(lo, hi):
            if observance.category not in spec.categories and observance.key not in spec.keys:
                continue
            if spec.periods and period_of(observance.date) is None:
                continue
            by_day[observance.date].append(observance)
        for day, matched in by_day.items():
            weightiest = min(
                matched,
                key=lambda o: (_PRIORITY.get(o.category, _CATEGORY_ORDER.get(o.category, 99)), o.key),
            )
            found[day] = weightiest.name
    else:
        day = lo
        while day <= hi:
            period = period_of(day)
            if period is not None:
                found[day] = period.name
            day += timedelta(days=1)
    return [(day - shift, name + suffix) for day, name in sorted(found.items())]


# ---- times --------------------------------------------------------------------------------


def _point(
    anchor: str, clock: time | None, offset_minutes: int, location: zmanim.Location, local_date: date
) -> datetime:
    """An anchor on a local date plus an offset, as an aware UTC datetime."""
    offset = timedelta(minutes=offset_minutes)
    if anchor == "time":
        if clock is None:
            raise ValueError("a clock-time anchor needs a time")
        # The offset moves the wall-clock time (it may cross midnight), then the DST policy applies.
        wall = datetime.combine(local_date, clock) + offset
        return local_to_utc(wall.date(), wall.time(), location.timezone)
    times = zmanim.day_times(location, local_date)
    # Patrols run on whole minutes: sunset is truncated (as candle-lighting is computed from it),
    # nightfall rounded to the nearest minute (as havdalah is published).
    if anchor == "sunset":
        base = times.sunset.replace(second=0, microsecond=0)
    elif anchor == "nightfall":
        base = (times.nightfall + timedelta(seconds=30)).replace(second=0, microsecond=0)
    elif anchor == "candle_lighting":
        base = times.candle_lighting or zmanim.candle_lighting_time(location, local_date)
    else:
        raise ValueError(f"unknown anchor {anchor!r}")
    # Add in UTC: aware arithmetic in a local zone would add wall-clock time across a DST change.
    return base.astimezone(UTC) + offset
