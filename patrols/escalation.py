"""When an area's coordinators and inspectors are told that joint patrols are still short of CST
volunteers: the lead times before each Shabbat and festival.

Pure: no Django models, no clock (`now` is passed in). The lead times are the area's
(sites.escalation parses them): weekday-and-time pairs before each Shabbat ("Wed 18:00, Fri
10:00"), and whole days before each festival's first day at one time ("3, 1" at 18:00). Times are
wall-clock times in the area's zone (calendar_rules.recurrence.local_to_utc's DST policy).

A *holy day* here is the first day of a run of Shabbat and yom tov days: a plain Shabbat, a
festival's first day (Rosh Hashanah I, Yom Kippur, Sukkot I, Shemini Atzeret, Pesach I and VII,
Shavuot I), or a Shabbat leading into a festival. A Saturday has the Shabbat leads, a yom tov the
festival leads, a festival on a Saturday both. A Shabbat (or yom tov) inside a run is counted with
the run's first day — Rosh Hashanah on Thursday and Friday then Shabbat is one digest per lead,
not two at the same minute. What a digest counts is the whole run: the planner's days
(patrols.planner) from its first to its last.

A lead is *due* from its moment until LATE_AFTER later, and only before the midnight its holy day's
date begins: a worker that was down at the lead's minute still sends it a little late; one down
for a day does not send Wednesday's digest on Saturday. A lead whose own date is a Shabbat or yom
tov (a festival two days after Shabbat, with "2" in its days) is not sent: a coordinator's copy
would wait for havdalah, and the lead before it has gone already. A lead set after candle-lighting
on the eve (a winter festival at the default 18:00, one day before) is sent: inspectors read it at
once, coordinators' copies wait in the outbox until havdalah like every CST message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from calendar_rules.jewish_calendar import is_work_forbidden, observances_between
from calendar_rules.recurrence import local_to_utc

# How long after its moment a lead is still sent (the beat runs every five minutes).
LATE_AFTER = timedelta(hours=4)
_WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class HolyDay:
    starts_on: date  # its first day (a Jewish day: it begins the evening before)
    ends_on: date  # the last day of the run of Shabbat and yom tov days it begins
    name: str  # "Shabbat", "Pesach I"
    shabbat: bool  # a Saturday (Shabbat leads apply)
    festival: bool  # a yom tov (festival leads apply)


@dataclass(frozen=True, slots=True)
class Lead:
    """One lead time: when (`at`, aware UTC) the digest about `day` is due; `key` names the lead in
    the outbox's event key ("wed-1800", "3d")."""

    day: HolyDay
    key: str
    on: date  # the local date of `at`
    at: datetime


def holy_days(first: date, last: date) -> list[HolyDay]:
    """The holy days from `first` to `last`, in order: the first day of each run of Shabbat and
    yom tov days (its Shabbat leads when it is a Saturday, its festival leads when a yom tov)."""
    by_date: dict[date, list] = {}
    for observance in observances_between(first - timedelta(days=1), last + timedelta(days=4)):
        if observance.work_forbidden:
            by_date.setdefault(observance.date, []).append(observance)
    found = []
    for day in sorted(by_date):
        if not first <= day <= last or day - timedelta(days=1) in by_date:
            continue  # outside, or inside a run that began the day before (its first day speaks for it)
        ends_on = day
        while ends_on + timedelta(days=1) in by_date:
            ends_on += timedelta(days=1)
        observances = by_date[day]
        found.append(
            HolyDay(
                starts_on=day,
                ends_on=ends_on,
                name=", ".join(o.name for o in observances),
                shabbat=day.weekday() == 5,
                festival=any(o.category == "yom_tov" for o in observances),
            )
        )
    return found


def leads_for(
    day: HolyDay,
    *,
    shabbat_leads: Sequence[tuple[int, time]],
    festival_days: Sequence[int],
    festival_time: time,
    tz: str,
) -> list[Lead]:
    """The lead times of one holy day in the zone `tz`, earliest first (one per minute)."""
    leads = []
    if day.shabbat:
        for weekday, clock in shabbat_leads:
            on = day.starts_on - timedelta(days=(5 - weekday) % 7 or 7)
            key = f"{_WEEKDAY_KEYS[weekday]}-{clock:%H%M}"
            leads.append(Lead(day=day, key=key, on=on, at=local_to_utc(on, clock, tz)))
    if day.festival:
        for days_before in festival_days:
            on = day.starts_on - timedelta(days=days_before)
            leads.append(Lead(day=day, key=f"{days_before}d", on=on, at=local_to_utc(on, festival_time, tz)))
    # Two leads at the same minute (Sukkot on Shabbat: three days before is Wednesday 18:00) are
    # one digest, not two.
    unique: dict[datetime, Lead] = {}
    for lead in sorted(leads, key=lambda lead: (lead.at, lead.key)):
        unique.setdefault(lead.at, lead)
    return list(unique.values())


def _coming(first: date) -> list[HolyDay]:
    # The furthest lead is 14 days before a festival (sites.escalation caps it): look that far.
    return holy_days(first, first + timedelta(days=15))


def due_leads(
    *,
    now: datetime,
    today: date,
    shabbat_leads: Sequence[tuple[int, time]],
    festival_days: Sequence[int],
    festival_time: time,
    tz: str,
) -> list[Lead]:
    """The leads to send at `now` (`today` is the area's local date then): passed, by at most
    LATE_AFTER, before their holy day (its midnight), and not themselves on a Shabbat or yom tov
    (a digest then would be held until havdalah, after the day it is about, for volunteers'
    coordinators: the lead before it has already gone)."""
    due = []
    for day in _coming(today + timedelta(days=1)):
        begins = local_to_utc(day.starts_on, time(0), tz)
        for lead in leads_for(
            day, shabbat_leads=shabbat_leads, festival_days=festival_days, festival_time=festival_time, tz=tz
        ):
            if is_work_forbidden(lead.on):
                continue
            if lead.at <= now < lead.at + LATE_AFTER and now < begins:
                due.append(lead)
    return due


def escalating(
    *,
    now: datetime,
    today: date,
    shabbat_leads: Sequence[tuple[int, time]],
    festival_days: Sequence[int],
    festival_time: time,
    tz: str,
) -> HolyDay | None:
    """The holy day the banners speak of at `now`: the first coming one (its run not yet over)
    whose first lead has passed; None when no lead has passed yet."""
    for day in _coming(today - timedelta(days=3)):
        if day.ends_on < today:
            continue
        leads = leads_for(
            day, shabbat_leads=shabbat_leads, festival_days=festival_days, festival_time=festival_time, tz=tz
        )
        if leads and leads[0].at <= now:
            return day
        return None  # the next holy day's leads have not begun: nothing is late yet
    return None
