"""The CST coordinator's planner: joint patrols grouped by the Shabbat or festival day they are
for, a count of their places per day, and the ranges a coordinator picks ("This week", "Next
Shabbat", "Pesach 2027").

Pure: no Django, no clock (`today` is passed in); the calendar comes from
calendar_rules.jewish_calendar and calendar_rules.seasons.

Which day a patrol is for: a Jewish day begins the evening before, so a patrol on the afternoon or
evening before a Shabbat or yom tov (Friday night, the eve of a festival, Saturday night into a
festival) is for that day, and is counted with it. "Afternoon or evening" is from EVENING_FROM
local time: the eve's morning (a school run on Friday) stays on its own date. Any other patrol is
for its own local date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from calendar_rules.jewish_calendar import is_work_forbidden, observances_between
from calendar_rules.seasons import seasons_between

EVENING_FROM = time(12, 0)
# The longest range one page (or one API answer) covers: past the generated horizon (twelve weeks
# by default), and any season (the autumn festivals, Rosh Hashanah to Simchat Torah, is 24 days).
MAX_DAYS = 120
DEFAULT_DAYS = 7


def planner_day(local_start: datetime, *, work_forbidden: Callable[[date], bool] = is_work_forbidden) -> date:
    """The day a patrol starting at `local_start` (in its area's time zone) is for: the next day
    when that is a Shabbat or yom tov and the patrol starts from EVENING_FROM, else its own date."""
    day = local_start.date()
    following = day + timedelta(days=1)
    if local_start.time() >= EVENING_FROM and work_forbidden(following):
        return following
    return day


@dataclass(frozen=True, slots=True)
class PatrolPlaces:
    """One joint patrol as the counts see it: the day it is for, whether it counts (a cancelled
    patrol does not), its places required and how many are confirmed and asked."""

    day: date
    counts: bool
    required: int
    confirmed: int
    asked: int


@dataclass(frozen=True)
class Places:
    """CST places of some patrols: required, confirmed, asked (requested, not yet answered); the
    others are open (to fill)."""

    required: int = 0
    confirmed: int = 0
    asked: int = 0

    @property
    def open(self) -> int:
        return max(self.required - self.confirmed - self.asked, 0)

    def __add__(self, other: Places) -> Places:
        return Places(self.required + other.required, self.confirmed + other.confirmed, self.asked + other.asked)

    @property
    def summary(self) -> str:
        """ "12 of 16 places confirmed, 2 asked, 2 open"."""
        noun = "place" if self.required == 1 else "places"
        return f"{self.confirmed} of {self.required} {noun} confirmed, {self.asked} asked, {self.open} open"


@dataclass(frozen=True)
class PlannerDay:
    """A Shabbat, festival or other day with joint patrols: its names, its title ("Shabbat 5 Dec")
    and the places of its patrols that count (not cancelled)."""

    date: date
    names: tuple[str, ...]
    patrols: int
    places: Places = field(default_factory=Places)

    @property
    def title(self) -> str:
        return day_title(self.date, self.names)

    @property
    def summary(self) -> str:
        """ "Shabbat 5 Dec: 12 of 16 places confirmed, 2 asked, 2 open"."""
        return f"{self.title}: {self.places.summary}"


def day_names(day: date) -> tuple[str, ...]:
    """What a day is called: its Shabbat and yom tov names if it has any ("Shabbat", "Pesach I"),
    else its other observances ("Chanukah (day 3)"), else nothing."""
    observances = observances_between(day, day)
    holy = tuple(o.name for o in observances if o.work_forbidden)
    return holy or tuple(o.name for o in observances)


def day_title(day: date, names: Sequence[str]) -> str:
    """ "Shabbat 5 Dec", "Rosh Hashanah II, Shabbat 2 Oct", or "Tuesday 8 Dec" for a plain day."""
    when = f"{day.day} {day:%b}"
    return f"{', '.join(names)} {when}" if names else f"{day:%A} {when}"


def days_of(patrols: Iterable[PatrolPlaces], *, first: date, last: date) -> list[PlannerDay]:
    """The days from `first` to `last` that have joint patrols, in order, each with its count of
    patrols (cancelled ones too: they are listed) and the places of those that count."""
    totals: dict[date, tuple[int, Places]] = {}
    for patrol in patrols:
        if not first <= patrol.day <= last:
            continue
        count, places = totals.get(patrol.day, (0, Places()))
        if patrol.counts:
            places = places + Places(patrol.required, patrol.confirmed, patrol.asked)
        totals[patrol.day] = (count + 1, places)
    return [
        PlannerDay(date=day, names=day_names(day), patrols=count, places=places)
        for day, (count, places) in sorted(totals.items())
    ]


# ---- the ranges a coordinator picks ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NamedRange:
    key: str  # "week", "next_shabbat", "pesach_2027"
    name: str  # "This week", "Next Shabbat", "Pesach 2027"
    start: date
    end: date


def next_shabbat(today: date) -> date:
    """The coming Saturday (today, on a Saturday)."""
    return today + timedelta(days=(5 - today.weekday()) % 7)


def holy_runs(first: date, last: date) -> list[tuple[date, date]]:
    """The runs of consecutive Shabbat and yom tov days that overlap `first`..`last`, whole (a run
    that began before `first` starts where it began): [(first day, last day)]."""
    days = sorted(
        {o.date for o in observances_between(first - timedelta(days=3), last + timedelta(days=3)) if o.work_forbidden}
    )
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and runs[-1][1] == day - timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return [run for run in runs if run[1] >= first and run[0] <= last]


def named_ranges(today: date) -> list[NamedRange]:
    """The ranges the planner offers from `today`: this week, next Shabbat, the next festival days,
    the next four weeks, then each festival season under way or still to come within a year (the
    next of each kind), by start."""
    saturday = next_shabbat(today)
    ranges = [
        NamedRange("week", "This week", today, today + timedelta(days=DEFAULT_DAYS - 1)),
        NamedRange("next_shabbat", "Next Shabbat", saturday, saturday),
    ]
    festival = next(
        (
            run
            for run in holy_runs(today, today + timedelta(days=366))
            if run[1] >= today and any(not _is_shabbat_only(day) for day in _dates(run))
        ),
        None,
    )
    if festival is not None:
        ranges.append(NamedRange("next_festival", "Next festival", max(festival[0], today), festival[1]))
    ranges.append(NamedRange("four_weeks", "Next 4 weeks", today, today + timedelta(days=27)))
    seen: set[str] = set()
    for season in seasons_between(today.year - 1, today.year + 1):
        kind = season.key.rsplit("_", 1)[0]
        if season.end < today or season.start > today + timedelta(days=366) or kind in seen:
            continue
        seen.add(kind)
        ranges.append(NamedRange(season.key, season.name, season.start, season.end))
    return ranges


def _dates(run: tuple[date, date]) -> list[date]:
    return [run[0] + timedelta(days=offset) for offset in range((run[1] - run[0]).days + 1)]


def _is_shabbat_only(day: date) -> bool:
    return all(o.category == "shabbat" for o in observances_between(day, day) if o.work_forbidden)
