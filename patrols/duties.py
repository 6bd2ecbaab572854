"""An officer's duties, and the warnings a new patrol would raise about them. Pure: no Django, no clock.

Patrols are tasks within a duty: an officer's patrols less than `gap` apart (settings.DUTY_GAP_HOURS,
default 4 hours) make one duty, from the first patrol's start to the last one's end. Overlapping
patrols are one duty too. A gap of exactly `gap` starts a new duty.

An area sets the longest duty (`Area.max_duty_hours`) and the shortest rest between two duties
(`Area.min_rest_hours`). Putting an officer on a patrol is a *soft* conflict — a warning the
inspector may override with a reason — when the duty that patrol falls in would run longer than
the limit, or begin less than the minimum rest after the previous duty ends, or end less than the
minimum rest before the next one begins. Two patrols of the same duty are never a rest warning:
the gap between them is a break within the duty.

Lengths and rests are elapsed time (aware datetimes subtracted), so a night duty across the
autumn clock change is an hour longer than its wall-clock times suggest, and one across the
spring change an hour shorter; the messages show the local wall-clock times.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

__all__ = [
    "Duty",
    "DutyLimits",
    "DutyWarning",
    "Interval",
    "duty_warnings",
    "format_hours",
    "group_duties",
    "local_dates",
]

_ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Interval:
    """One patrol of an officer: aware start and end."""

    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class Duty:
    """Patrols less than the gap apart, in start order; from the first start to the latest end (UTC)."""

    starts_at: datetime
    ends_at: datetime
    patrols: tuple[Interval, ...]

    @property
    def length(self) -> timedelta:
        return self.ends_at - self.starts_at


@dataclass(frozen=True, slots=True)
class DutyLimits:
    """An area's rules: the gap that splits duties, the longest duty, the shortest rest."""

    gap: timedelta
    max_duty: timedelta
    min_rest: timedelta

    @classmethod
    def from_hours(cls, *, gap: int, max_duty: int, min_rest: int) -> DutyLimits:
        return cls(timedelta(hours=gap), timedelta(hours=max_duty), timedelta(hours=min_rest))


@dataclass(frozen=True, slots=True)
class DutyWarning:
    """`kind` is "long_duty", "short_rest_before" or "short_rest_after"; `message` a full sentence
    for the inspector ("Duty would run 11 h 30 (07:00–18:30), over the area's 10 h limit"),
    `summary` a few words for a list ("rest 8 h after previous duty")."""

    kind: str
    message: str
    summary: str


def format_hours(length: timedelta) -> str:
    """'11 h 30', '10 h', '45 min' (whole minutes, rounded down)."""
    minutes = int(length.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours == 0:
        return f"{minutes} min"
    return f"{hours} h" if minutes == 0 else f"{hours} h {minutes:02d}"


def group_duties(patrols: Iterable[Interval], *, gap: timedelta) -> list[Duty]:
    """The duties the patrols make, in time order: a patrol starting less than `gap` after the
    latest end so far joins that duty (an overlapping one too); otherwise it begins a new one.
    A duty's times are in UTC: Python subtracts two times of one zone by their wall clocks, which
    across a clock change is an hour out, so every length and rest is taken between UTC times."""
    duties: list[Duty] = []
    current: list[Interval] = []
    ends_at: datetime | None = None
    for patrol in sorted(patrols, key=lambda p: (p.starts_at, p.ends_at)):
        starts, ends = patrol.starts_at.astimezone(UTC), patrol.ends_at.astimezone(UTC)
        if ends_at is not None and starts - ends_at < gap:
            current.append(patrol)
            ends_at = max(ends_at, ends)
            continue
        if current and ends_at is not None:
            duties.append(Duty(current[0].starts_at.astimezone(UTC), ends_at, tuple(current)))
        current, ends_at = [patrol], ends
    if current and ends_at is not None:
        duties.append(Duty(current[0].starts_at.astimezone(UTC), ends_at, tuple(current)))
    return duties


def _span(starts_at: datetime, ends_at: datetime, tz: tzinfo) -> str:
    """'07:00–18:30', or 'Fri 22:00–Sat 07:00' when it crosses midnight."""
    begins, ends = starts_at.astimezone(tz), ends_at.astimezone(tz)
    if begins.date() == ends.date():
        return f"{begins:%H:%M}–{ends:%H:%M}"
    return f"{begins:%a %H:%M}–{ends:%a %H:%M}"


def _moment(moment: datetime, tz: tzinfo) -> str:
    """'Fri 23:00'."""
    return f"{moment.astimezone(tz):%a %H:%M}"


def duty_warnings(
    candidate: Interval, others: Iterable[Interval], *, limits: DutyLimits, tz: tzinfo
) -> list[DutyWarning]:
    """What putting the officer on `candidate` would break, given their `others` patrols
    (scheduled ones, without `candidate`): the duty it falls in running over the limit, and too
    little rest before or after that duty. Times in the messages are local to `tz`."""
    duties = group_duties([*others, candidate], gap=limits.gap)
    index = next(i for i, duty in enumerate(duties) if candidate in duty.patrols)
    duty = duties[index]
    warnings: list[DutyWarning] = []
    limit = format_hours(limits.max_duty)
    if duty.length > limits.max_duty:
        warnings.append(
            DutyWarning(
                "long_duty",
                f"Duty would run {format_hours(duty.length)} ({_span(duty.starts_at, duty.ends_at, tz)}), "
                f"over the area's {limit} limit",
                f"duty {format_hours(duty.length)}, over {limit}",
            )
        )
    minimum = format_hours(limits.min_rest)
    if index > 0:
        rest = duty.starts_at - duties[index - 1].ends_at
        if rest < limits.min_rest:
            warnings.append(
                DutyWarning(
                    "short_rest_before",
                    f"Only {format_hours(rest)} rest after the previous duty "
                    f"(ended {_moment(duties[index - 1].ends_at, tz)}), under the area's {minimum} minimum",
                    f"rest {format_hours(rest)} after previous duty",
                )
            )
    if index + 1 < len(duties):
        rest = duties[index + 1].starts_at - duty.ends_at
        if rest < limits.min_rest:
            warnings.append(
                DutyWarning(
                    "short_rest_after",
                    f"Only {format_hours(rest)} rest before the next duty "
                    f"(starts {_moment(duties[index + 1].starts_at, tz)}), under the area's {minimum} minimum",
                    f"rest {format_hours(rest)} before next duty",
                )
            )
    return warnings


def local_dates(starts_at: datetime, ends_at: datetime, tz: tzinfo) -> tuple[date, date]:
    """The first and last local dates a patrol is on in `tz`: a patrol 22:00–02:00 is on two
    dates; one ending exactly at midnight is not on the next."""
    first = starts_at.astimezone(tz).date()
    last = max(first, (ends_at - _ONE_MICROSECOND).astimezone(tz).date())
    return first, last
