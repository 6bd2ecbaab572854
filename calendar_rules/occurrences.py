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

A rule anchored to "the site's service" (`start_anchor="service"`, with a `service_part`) takes
each site's own window from its `ServiceTime`s, so its occurrences carry a `site_id`: one per site
holding that service that day, none for a site without it. The rule's dates are the days the
service is *for*; an evening service is held the evening before (Friday evening for Shabbat, Kol
Nidre on erev Yom Kippur) — a calendar rule with `timing="evening"` has already moved there. The
kind of day decides which service: Yom Kippur, else Yom Tov, else Shabbat, else a weekday, each
falling back to the next listed in `service_days` when a site holds no service of that kind
(e.g. Shabbat Rosh Hashanah: the Yom Tov service, else the Shabbat one). The service's start
plus the rule's start offset starts the patrol; the service's end (`end_anchor="service"`) plus
the rule's end offset, a duration, or another end anchor ends it.

Sunset is truncated to the minute and nightfall rounded to the nearest one, so patrols start on
whole minutes. Offsets are added in real (UTC) time, so "sunset + 90 minutes" is ninety minutes even on the night
the clocks change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
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
    service_part: str = ""  # with start_anchor "service": "morning" | "afternoon" | "evening"

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
            self.service_part,
        )

    @property
    def uses_services(self) -> bool:
        return self.start_anchor == SERVICE or self.end_anchor == SERVICE


SERVICE = "service"
SERVICE_EVENING = "evening"


@dataclass(frozen=True, slots=True)
class ServiceTime:
    """One service a site holds (sites.models.SiteService): `day` is the kind of day it is for
    ("weekday", "shabbat", "yom_tov", "yom_kippur"), `part` "morning" | "afternoon" | "evening"."""

    day: str
    part: str
    start_anchor: str  # "time" | "sunset" | "candle_lighting" | "nightfall"
    start_time: time | None
    start_offset_minutes: int
    duration_minutes: int | None
    end_time: time | None
    label: str = ""

    def canonical(self) -> tuple[object, ...]:
        return (
            self.day,
            self.part,
            self.start_anchor,
            self.start_time.isoformat() if self.start_time else None,
            self.start_offset_minutes,
            self.duration_minutes,
            self.end_time.isoformat() if self.end_time else None,
            self.label,
        )


def service_days(day: date) -> tuple[str, ...]:
    """The kinds of service day `day` is, most specific first: the order in which a site's
    services are looked for (a site without a Yom Tov service keeps its Shabbat one on a Yom Tov
    that falls on Shabbat)."""
    observances = jewish_calendar.observances_on(day)
    keys = {observance.key for observance in observances}
    categories = {observance.category for observance in observances}
    kinds: list[str] = []
    if "yom_kippur" in keys:
        kinds.append("yom_kippur")
    if "yom_tov" in categories:
        kinds.append("yom_tov")
    if day.weekday() == 5:
        kinds.append("shabbat")
    return tuple(kinds) or ("weekday",)


def service_of(services: Sequence[ServiceTime], part: str, day: date) -> ServiceTime | None:
    """The site's service of `part` for the day `day` (see `service_days`), or None."""
    by_day = {service.day: service for service in services if service.part == part}
    return next((by_day[kind] for kind in service_days(day) if kind in by_day), None)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One window of a rule. `local_date` is the date the patrol starts on, in local time."""

    local_date: date
    index: int  # 0 unless the rule gives two windows on one day
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC
    label: str  # the rule's label
    trigger: str = ""  # what caused it: "Yom Kippur (evening)", "Shabbat", "FREQ=WEEKLY;BYDAY=SA"
    site_id: int | None = None  # a service rule's window at one site only (None: every site)
    # The day the patrol is for (a festival's evening is for the next day); None: `local_date`.
    for_date: date | None = None

    @property
    def day_served(self) -> date:
        return self.for_date or self.local_date


@dataclass(frozen=True, slots=True)
class PreviewRow:
    """One patrol a rule would create: an occurrence at one site, in local time."""

    local_start: datetime  # aware, in the location's time zone
    local_end: datetime
    site_id: int | None  # None when the rule matches no site yet
    site_name: str
    trigger: str
    label: str
    for_date: date | None = None  # the day the patrol is for (an evening's is the next day)
    # Filled in by the preview's loader (selectors.preview_rule): the staffing once the area's
    # uplifts are applied, and which uplifts raised it.
    kind: str = ""
    officers: int | None = None
    volunteers: int | None = None
    uplift_note: str = ""
    # The overlapping patrols of lower-precedence rules at the site that this one replaces.
    replaces_note: str = ""


class InvalidWindow(ValueError):
    """A rule's window ends at or before it starts on some date."""

    def __init__(self, local_date: date, starts_at: datetime, ends_at: datetime, timezone: str):
        self.local_date = local_date
        tz = ZoneInfo(timezone)
        self.starts_at, self.ends_at = starts_at.astimezone(tz), ends_at.astimezone(tz)
        super().__init__(f"{local_date:%a %-d %b %Y} (starts {self.starts_at:%H:%M}, ends {self.ends_at:%H:%M})")


def expand_rule(
    spec: RuleSpec,
    location: zmanim.Location,
    start: date,
    end: date,
    services: Mapping[int, Sequence[ServiceTime]] | None = None,
) -> list[Occurrence]:
    """Return the rule's occurrences on the local dates `start`..`end`, sorted by start.

    A service rule (`spec.uses_services`) gives one occurrence per site of `services` (site id ->
    its services) holding the service that day, each with its `site_id`.
    Raises `InvalidWindow` for a date whose window ends at or before it starts, and
    `recurrence.RecurrenceError` for an RRULE rule whose recurrence does not parse.
    """
    if spec.uses_services:
        return _expand_service_rule(spec, location, start, end, services or {})
    first = max(start, spec.valid_from)
    last = end if spec.valid_until is None else min(end, spec.valid_until)
    if last < first:
        return []
    evening = spec.trigger == "calendar" and spec.timing == "evening"
    occurrences = []
    for local_date, trigger in _dates(spec, first, last):
        starts_at, ends_at = window_on(spec, location, local_date)
        for_date = local_date + timedelta(days=1) if evening else None
        occurrences.append(Occurrence(local_date, 0, starts_at, ends_at, spec.label, trigger, None, for_date))
    occurrences.sort(key=lambda occurrence: (occurrence.starts_at, occurrence.index))
    return occurrences


def _dates(spec: RuleSpec, first: date, last: date) -> list[tuple[date, str]]:
    if spec.trigger == "rrule":
        return _recurrence_dates(spec, first, last)
    if spec.trigger == "calendar":
        return _calendar_dates(spec, first, last)
    raise ValueError(f"unknown trigger {spec.trigger!r}")


def _expand_service_rule(
    spec: RuleSpec,
    location: zmanim.Location,
    start: date,
    end: date,
    services: Mapping[int, Sequence[ServiceTime]],
) -> list[Occurrence]:
    """A service rule's occurrences: per date, one per site holding the service (module doc)."""
    evening = spec.service_part == SERVICE_EVENING
    # The trigger's dates are the days served; an evening service is held the day before, so
    # the local dates start..end serve start+1..end+1 — unless a calendar rule's evening timing
    # has already moved its dates to the evening.
    already_evening = spec.trigger == "calendar" and spec.timing == "evening"
    held_shift = timedelta(days=1 if evening and not already_evening else 0)
    for_shift = timedelta(days=1 if evening else 0)
    first = max(start + held_shift, spec.valid_from)
    last = end + held_shift if spec.valid_until is None else min(end + held_shift, spec.valid_until)
    if last < first:
        return []
    occurrences = []
    for dated, trigger in _dates(spec, first, last):
        local_date = dated - held_shift
        for_date = local_date + for_shift
        for site_id, site_services in services.items():
            service = service_of(site_services, spec.service_part, for_date)
            if service is None:
                continue  # no such service at this site that day: no patrol from this rule
            starts_at, ends_at = service_window_on(spec, service, location, local_date)
            name = service.label or f"{service.day.replace('_', ' ')} {service.part} service".capitalize()
            occurrences.append(
                Occurrence(local_date, 0, starts_at, ends_at, spec.label, f"{trigger}: {name}", site_id, for_date)
            )
    occurrences.sort(key=lambda occurrence: (occurrence.starts_at, occurrence.site_id or 0))
    return occurrences


def service_window_on(
    spec: RuleSpec, service: ServiceTime, location: zmanim.Location, local_date: date
) -> tuple[datetime, datetime]:
    """A service rule's (start, end) at a site holding `service` on `local_date`: the service's
    window moved by the rule's offsets, or ended by the rule's duration or other end anchor."""
    service_start = _point(service.start_anchor, service.start_time, service.start_offset_minutes, location, local_date)
    if service.duration_minutes is not None:
        service_end = service_start + timedelta(minutes=service.duration_minutes)
    else:
        service_end = _clock_end(service.end_time, 0, location, local_date, service_start)
    if spec.start_anchor == SERVICE:
        starts_at = service_start + timedelta(minutes=spec.start_offset_minutes)
    else:
        starts_at = _point(spec.start_anchor, spec.start_time, spec.start_offset_minutes, location, local_date)
    if spec.duration_minutes is not None:
        ends_at = starts_at + timedelta(minutes=spec.duration_minutes)
    elif spec.end_anchor == SERVICE:
        ends_at = service_end + timedelta(minutes=spec.end_offset_minutes)
    elif spec.end_anchor == "time":
        ends_at = _clock_end(spec.end_time, spec.end_offset_minutes, location, local_date, starts_at)
    elif spec.end_anchor is not None:
        ends_at = _point(spec.end_anchor, spec.end_time, spec.end_offset_minutes, location, local_date)
    else:
        raise ValueError("a rule needs a duration or an end anchor")
    if ends_at <= starts_at:
        raise InvalidWindow(local_date, starts_at, ends_at, location.timezone)
    return starts_at, ends_at


def _clock_end(
    clock: time | None, offset_minutes: int, location: zmanim.Location, local_date: date, starts_at: datetime
) -> datetime:
    """A clock-time end on `local_date`, or the next day's when that makes a night window."""
    ends_at = _point("time", clock, offset_minutes, location, local_date)
    if ends_at <= starts_at:
        next_day = _point("time", clock, offset_minutes, location, local_date + timedelta(days=1))
        if next_day - starts_at <= MAX_OVERNIGHT:
            return next_day
    return ends_at


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
    services: Mapping[int, Sequence[ServiceTime]] | None = None,
) -> list[PreviewRow]:
    """The first `limit` patrols the rule would make at `sites` (id, name) between `start` and
    `end`, in local time, ordered by start and then site name. With no sites, one row per
    occurrence with no site, so the dates and times can still be checked. A service rule's rows
    are each at the one site whose service gives its window (`services`: site id -> services)."""
    tz = ZoneInfo(location.timezone)
    targets: list[tuple[int | None, str]] = [*sorted(sites, key=lambda site: (site[1], site[0]))] or [(None, "")]
    rows: list[PreviewRow] = []
    if spec.uses_services:
        chosen = {site_id for site_id, _ in sites}
        services = {site_id: times for site_id, times in (services or {}).items() if site_id in chosen}
    for occurrence in expand_rule(spec, location, start, end, services):
        for site_id, site_name in targets:
            if occurrence.site_id is not None and occurrence.site_id != site_id:
                continue
            rows.append(
                PreviewRow(
                    local_start=occurrence.starts_at.astimezone(tz),
                    local_end=occurrence.ends_at.astimezone(tz),
                    site_id=site_id,
                    site_name=site_name,
                    trigger=occurrence.trigger,
                    label=occurrence.label,
                    for_date=occurrence.day_served,
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
