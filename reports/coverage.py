"""Planned versus delivered: the coverage report's figures, from rows the selectors aggregate.

Pure: no Django, no clock. The selectors hand in counts already grouped in SQL (one `CountRow`
per site, local week, outcome), and this module turns them into totals per site, per week and
for the whole report, with the delivery rate.

What each figure means (the report's page and the API's schema say the same):

- **planned**: every patrol that was not cancelled — scheduled, completed or missed.
  Cancelled patrols are counted apart (`cancelled`) and in nothing else.
- **delivered**: a planned patrol with at least one check-in (a visit), whatever its status: a
  patrol under way or just ended is delivered as soon as someone checked in, before the periodic
  task marks it completed.
- **missed**: marked missed (nobody checked in within the grace period after its end).
- **pending**: ended, nobody checked in, not (yet) marked missed — the task has not run, or the
  patrol is within its grace period.
- **upcoming**: not yet ended and nobody has checked in.
  So planned = delivered + missed + pending + upcoming.
- **delivery rate**: delivered ÷ (planned − upcoming), the share of the patrols that were due
  which someone attended; none when nothing was due.
- **officer-hours**: the sum of the visits' time on site *within the patrol's window*: each visit
  from the later of its check-in and the patrol's start to the earlier of its check-out and the
  patrol's end; a visit never checked out counts to the patrol's end (or to now for a patrol
  still under way). Time before the start or after the end is not planned cover, and clipping
  stops a check-out forgotten until the next morning from counting a night's hours. Two officers
  on one patrol count twice (officer-hours, not patrol-hours).

Weeks start on Monday in the area's local time (a patrol belongs to the local date of its start).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

# The longest range one report covers (days, both ends inclusive): a year and a season either
# side, enough for "last year's High Holy Days to this year's"; longer ranges are several reports.
MAX_RANGE_DAYS = 400


class Outcome(StrEnum):
    """What became of one patrol, for counting (see the module's docstring)."""

    DELIVERED = "delivered"
    MISSED = "missed"
    PENDING = "pending"
    UPCOMING = "upcoming"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class CountRow:
    """How many patrols of one site, in one local week, had one outcome; and their officer-time."""

    site_id: int
    week: date  # the Monday of the local week
    outcome: Outcome
    patrols: int
    officer_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class SiteRef:
    site_id: int
    name: str


@dataclass(frozen=True, slots=True)
class MissedReasonRow:
    reason: str  # the stored code, "" when none was recorded
    label: str
    patrols: int


@dataclass(frozen=True, slots=True)
class MissedNote:
    day: date  # the patrol's local date
    site_name: str
    reason_label: str
    note: str


@dataclass(slots=True)
class Figures:
    """The counts of one site, one week, or the whole report."""

    planned: int = 0
    delivered: int = 0
    missed: int = 0
    pending: int = 0
    upcoming: int = 0
    cancelled: int = 0
    officer_seconds: float = 0.0

    def add(self, row: CountRow) -> None:
        if row.outcome is Outcome.CANCELLED:
            self.cancelled += row.patrols
            return
        self.planned += row.patrols
        if row.outcome is Outcome.DELIVERED:
            self.delivered += row.patrols
        elif row.outcome is Outcome.MISSED:
            self.missed += row.patrols
        elif row.outcome is Outcome.PENDING:
            self.pending += row.patrols
        else:
            self.upcoming += row.patrols
        self.officer_seconds += row.officer_seconds

    @property
    def due(self) -> int:
        return self.planned - self.upcoming

    @property
    def delivery_rate(self) -> float | None:
        """Delivered ÷ due (0..1), or None when nothing was due yet."""
        return self.delivered / self.due if self.due else None

    @property
    def officer_hours(self) -> float:
        return round(self.officer_seconds / 3600, 2)


@dataclass(frozen=True, slots=True)
class SiteFigures:
    site_id: int
    name: str
    figures: Figures


@dataclass(frozen=True, slots=True)
class WeekFigures:
    week: date  # Monday
    figures: Figures

    @property
    def iso_week(self) -> str:
        year, number, _ = self.week.isocalendar()
        return f"{year}-W{number:02d}"


@dataclass(frozen=True, slots=True)
class Report:
    start: date
    end: date
    total: Figures
    sites: list[SiteFigures]
    weeks: list[WeekFigures]
    missed_reasons: list[MissedReasonRow] = field(default_factory=list)
    missed_notes: list[MissedNote] = field(default_factory=list)


def week_of(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def weeks_between(start: date, end: date) -> list[date]:
    """The Mondays of every week that `start`..`end` (inclusive) touches; [] if end < start."""
    if end < start:
        return []
    monday, last = week_of(start), week_of(end)
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def build_report(
    *,
    start: date,
    end: date,
    sites: Iterable[SiteRef],
    rows: Iterable[CountRow],
    missed_reasons: Iterable[MissedReasonRow] = (),
    missed_notes: Iterable[MissedNote] = (),
) -> Report:
    """Totals per site (every site given, and any other a row names, in name order), per week
    (every week of the range, empty ones included so the chart has no gaps) and in total.
    Missed reasons most frequent first."""
    names = {site.site_id: site.name for site in sites}
    per_site: dict[int, Figures] = {site_id: Figures() for site_id in names}
    per_week: dict[date, Figures] = {monday: Figures() for monday in weeks_between(start, end)}
    total = Figures()
    for row in rows:
        per_site.setdefault(row.site_id, Figures()).add(row)
        per_week.setdefault(row.week, Figures()).add(row)
        total.add(row)
    site_figures = sorted(
        (SiteFigures(site_id, names.get(site_id, f"Site {site_id}"), figures) for site_id, figures in per_site.items()),
        key=lambda site: (site.name.casefold(), site.site_id),
    )
    week_figures = [WeekFigures(monday, per_week[monday]) for monday in sorted(per_week)]
    reasons = sorted(missed_reasons, key=lambda reason: (-reason.patrols, reason.label))
    return Report(
        start=start,
        end=end,
        total=total,
        sites=site_figures,
        weeks=week_figures,
        missed_reasons=reasons,
        missed_notes=list(missed_notes),
    )


def percent(rate: float | None) -> str:
    """A delivery rate as people read it: "87%", or "–" when nothing was due."""
    return "–" if rate is None else f"{round(rate * 100)}%"
