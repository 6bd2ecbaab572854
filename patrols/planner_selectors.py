"""Read paths of the CST coordinator's planner, the joint-coverage API and the escalation of
unfilled places: an area's joint patrols over a range of days with everything the planner shows
of each, the places counted per Shabbat or festival day, and the holy day whose places are late.

A fixed number of queries whatever the range: the patrols (site, area and CST team leader
joined), their places (with volunteers), their officers — three for the planner (its site filter
offers the sites of the patrols loaded); one for the counts. The days' names and lead times are
computed (patrols.planner, patrols.escalation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import OuterRef, Prefetch, QuerySet, prefetch_related_objects

from sites.escalation import parse_festival_days, parse_shabbat_leads
from sites.models import Area, Site

from . import escalation
from .models import Assignment, Patrol, PatrolKind, PatrolStatus, SlotStatus, VolunteerSlot
from .planner import PatrolPlaces, PlannerDay, days_of, planner_day
from .planning import local_midnight
from .selectors import _row_count


def _window(area: Area, first: date, last: date) -> tuple[datetime, datetime]:
    """The instants whose patrols may be for `first`..`last`: from the local midnight of the day
    before `first` (its evening is for `first`) to the midnight after `last`."""
    tz = area.zone
    return local_midnight(first - timedelta(days=1), tz), local_midnight(last + timedelta(days=1), tz)


def _joint_patrols(area: Area, first: date, last: date) -> QuerySet[Patrol]:
    start, end = _window(area, first, last)
    return Patrol.objects.filter(area=area, kind=PatrolKind.JOINT, starts_at__gte=start, starts_at__lt=end)


def planner_patrols(area: Area, first: date, last: date) -> list[Patrol]:
    """The joint patrols of `area` for the days `first`..`last` (patrols.planner.planner_day), in
    time order, each with `day` (the day it is for), `local_starts`/`local_ends`, its site, area
    and CST team leader. One query whatever the range; planner_details adds what a card shows."""
    tz = area.zone
    queryset = _joint_patrols(area, first, last).select_related("site", "area", "cst_team_leader")
    patrols = []
    for patrol in queryset.order_by("starts_at", "site__name", "id"):
        patrol.local_starts = patrol.starts_at.astimezone(tz)
        patrol.local_ends = patrol.ends_at.astimezone(tz)
        patrol.day = planner_day(patrol.local_starts)
        if first <= patrol.day <= last:
            patrols.append(patrol)
    return patrols


def planner_sites(patrols: list[Patrol]) -> list[Site]:
    """The sites of `patrols`, by name: what the planner's site filter offers (DESIGN.md §6: a
    coordinator sees the sites of joint patrols). No query (the patrols carry their sites)."""
    sites = {patrol.site_id: patrol.site for patrol in patrols}
    return sorted(sites.values(), key=lambda site: (site.name, site.pk))


def planner_details(patrols: list[Patrol]) -> list[Patrol]:
    """`patrols` (from planner_patrols) with what each card shows: `places` (its slots, volunteers
    joined, in order), `places_open`, `officers` (those assigned), `local_briefing`, and `counts`
    (patrols.planner.PatrolPlaces). Two queries whatever their number (none for none)."""
    if patrols:
        officers = Assignment.objects.select_related("officer__user").order_by("officer__collar_number", "pk")
        slots = VolunteerSlot.objects.select_related("volunteer").order_by("id")
        prefetch_related_objects(
            patrols,
            Prefetch("slots", queryset=slots, to_attr="places"),
            Prefetch("assignments", queryset=officers, to_attr="officer_assignments"),
        )
    for patrol in patrols:
        tz = patrol.area.zone
        patrol.local_briefing = patrol.briefing_at.astimezone(tz) if patrol.briefing_at else None
        patrol.officers = [assignment.officer for assignment in patrol.officer_assignments]
        patrol.places_open = [slot for slot in patrol.places if slot.status == SlotStatus.OPEN]
        patrol.counts = patrol_places(patrol)
    return patrols


def patrol_places(patrol: Patrol) -> PatrolPlaces:
    """A patrol loaded by planner_patrols as the day counts see it."""
    statuses = [slot.status for slot in patrol.places]
    return PatrolPlaces(
        day=patrol.day,
        counts=patrol.status != PatrolStatus.CANCELLED,
        required=patrol.volunteers_required,
        confirmed=statuses.count(SlotStatus.CONFIRMED),
        asked=statuses.count(SlotStatus.REQUESTED),
    )


def joint_coverage(area: Area, first: date, last: date, *, after: datetime | None = None) -> list[PlannerDay]:
    """The CST places of `area`'s joint patrols per day from `first` to `last` (the day each is
    for): required, confirmed, asked, open — counting patrols not cancelled, and with `after` only
    those starting after it (the places still to fill). Days without joint patrols are left out.
    One query."""
    tz = area.zone
    queryset = _joint_patrols(area, first, last)
    if after is not None:
        queryset = queryset.filter(starts_at__gt=after)
    patrol = OuterRef("pk")
    rows = (
        queryset.order_by()
        .annotate(
            confirmed=_row_count(VolunteerSlot.objects.filter(patrol=patrol, status=SlotStatus.CONFIRMED)),
            asked=_row_count(VolunteerSlot.objects.filter(patrol=patrol, status=SlotStatus.REQUESTED)),
        )
        .values_list("starts_at", "status", "volunteers_required", "confirmed", "asked")
    )
    return days_of(
        (
            PatrolPlaces(
                day=planner_day(starts_at.astimezone(tz)),
                counts=status != PatrolStatus.CANCELLED,
                required=required,
                confirmed=confirmed,
                asked=asked,
            )
            for starts_at, status, required, confirmed, asked in rows
        ),
        first=first,
        last=last,
    )


# ---- escalation ------------------------------------------------------------------------------


def area_leads(area: Area) -> dict:
    """The area's lead times as patrols.escalation takes them (an unreadable text: none)."""
    try:
        shabbat_leads = parse_shabbat_leads(area.escalation_shabbat_leads)
    except Exception:  # ValidationError: the model's validators keep it readable; never break a page
        shabbat_leads = []
    try:
        festival_days = parse_festival_days(area.escalation_festival_days)
    except Exception:
        festival_days = []
    return {
        "shabbat_leads": shabbat_leads,
        "festival_days": festival_days,
        "festival_time": area.escalation_festival_time,
        "tz": str(area.timezone),
    }


@dataclass(frozen=True)
class Escalation:
    """What a banner says: the holy day whose lead time has passed, and its days still short."""

    day: escalation.HolyDay
    days: list[PlannerDay]  # the run's days with places still open, in order

    @property
    def open(self) -> int:
        return sum(day.places.open for day in self.days)

    @property
    def text(self) -> str:
        places = "place" if self.open == 1 else "places"
        return f"{self.open} CST {places} still open for {escalation_title(self.day)}"


def escalation_title(day: escalation.HolyDay) -> str:
    """ "Shabbat 16 January", "Pesach I 22 April" (to the end of its run when longer)."""
    title = f"{day.name} {day.starts_on.day} {day.starts_on:%B}"
    if day.ends_on != day.starts_on:
        title += f" to {day.ends_on:%A} {day.ends_on.day} {day.ends_on:%B}"
    return title


def area_escalation(area: Area, *, now: datetime) -> Escalation | None:
    """The banner of `area` at `now`: the coming Shabbat or festival whose first lead time has
    passed while places of its patrols still to start are open; None otherwise. At most one query
    (none before a lead has passed)."""
    today = now.astimezone(area.zone).date()
    day = escalation.escalating(now=now, today=today, **area_leads(area))
    if day is None:
        return None
    short = [d for d in joint_coverage(area, day.starts_on, day.ends_on, after=now) if d.places.open]
    return Escalation(day=day, days=short) if short else None
