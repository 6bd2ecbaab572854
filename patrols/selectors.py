"""Read paths for patrols: the generator's loaders, and querysets shaped for each page and endpoint."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from calendar_rules import jewish_calendar
from calendar_rules import selectors as rule_selectors
from people.models import Volunteer
from sites.access import Access
from sites.models import Area, Role

from .models import (
    Assignment,
    GenerationRun,
    Patrol,
    PatrolKind,
    PatrolStatus,
    RuleGenerationState,
    SlotStatus,
    Visit,
    VolunteerSlot,
)
from .planning import RuleToPlan, StoredPatrol, local_midnight
from .replanning import RuleState

logger = logging.getLogger(__name__)

# ---- the generator's loaders ----------------------------------------------------------------


def rules_to_plan(area: Area) -> list[RuleToPlan]:
    """The active rules of `area` as the generator plans them, with the active sites each
    patrols (two queries)."""
    return [
        RuleToPlan(
            rule_id=rule.pk,
            kind=rule.kind,
            officers_required=rule.officers_required,
            volunteers_required=rule.volunteers_required,
            site_ids=site_ids,
            spec=rule.as_spec(),
        )
        for rule, site_ids in rule_selectors.active_rules_with_sites(area)
    ]


def generation_states(area: Area) -> dict[int, RuleState]:
    """What the generator last reconciled for each rule of `area`, by rule id (one query)."""
    rows = RuleGenerationState.objects.filter(rule__area=area).values_list(
        "rule_id", "fingerprint", "generated_from", "generated_until"
    )
    return {row[0]: RuleState(*row) for row in rows}


_STORED_FIELDS = (
    "id",
    "rule_id",
    "occurrence_key",
    "site_id",
    "kind",
    "starts_at",
    "ends_at",
    "officers_required",
    "volunteers_required",
    "label",
    "status",
    "pinned",
    "cancelled_by_generator",
)


def stored_patrols(ranges: Iterable[tuple[Iterable[int], date, date | None]]) -> list[StoredPatrol]:
    """The generated patrols of each (rule ids, first, last) span of occurrence dates, as the pure
    diff's input. One query however many rules and patrols: the spans are OR-ed together. `last`
    None means no end (a retired rule: every patrol of it from `first` on).

    `staffed` is true for a patrol people are on: an officer assigned, a volunteer asked or
    confirmed in one of its slots (an open or declined slot holds nobody), or a visit made."""
    condition = Q()
    for rule_ids, first, last in ranges:
        part = Q(rule_id__in=list(rule_ids), occurrence_date__gte=first)
        if last is not None:
            part &= Q(occurrence_date__lte=last)
        condition |= part
    if not condition:
        return []
    patrol = OuterRef("pk")
    rows = (
        Patrol.objects.filter(condition)
        .order_by()
        .annotate(
            has_assignment=Exists(Assignment.objects.filter(patrol=patrol)),
            has_volunteer=Exists(
                VolunteerSlot.objects.filter(patrol=patrol, status__in=(SlotStatus.REQUESTED, SlotStatus.CONFIRMED))
            ),
            has_visit=Exists(Visit.objects.filter(patrol=patrol)),
        )
        .values_list(*_STORED_FIELDS, "has_assignment", "has_volunteer", "has_visit")
    )
    width = len(_STORED_FIELDS)
    return [
        StoredPatrol(*row[:width], staffed=row[width] or row[width + 1] or row[width + 2])
        for row in rows.iterator(chunk_size=10_000)
    ]


def slot_places(patrol_ids: Iterable[int]) -> dict[int, tuple[int, list[int]]]:
    """For each patrol: (places held, i.e. slots not declined; ids of its open slots, newest first)."""
    places: dict[int, tuple[int, list[int]]] = {}
    rows = (
        VolunteerSlot.objects.filter(patrol_id__in=list(patrol_ids))
        .exclude(status=SlotStatus.DECLINED)
        .order_by("patrol_id", "-id")
        .values_list("patrol_id", "id", "status")
    )
    for patrol_id, slot_id, status in rows:
        held, open_ids = places.get(patrol_id, (0, []))
        if status == SlotStatus.OPEN:
            open_ids.append(slot_id)
        places[patrol_id] = (held + 1, open_ids)
    return places


# ---- pages and endpoints --------------------------------------------------------------------


def patrols_outside_their_area() -> QuerySet[Patrol]:
    """Patrols whose area is not their site's, or not their rule's: none may exist (the areas of
    sites, rules and patrols are fixed once set, and the generator writes each area's patrols
    from that area's rules and sites). Tests assert it stays empty."""
    return Patrol.objects.filter(
        ~Q(area_id=F("site__area_id")) | (Q(rule__isnull=False) & ~Q(area_id=F("rule__area_id")))
    )


def runs_for_inspection(access: Access) -> QuerySet[GenerationRun]:
    """Generation runs of the areas the user inspects, newest first."""
    return access.scope(GenerationRun.objects.select_related("area", "requested_by"), Role.INSPECTOR)


def _visible_by_role(access: Access, *, via: str = "", officer_also: Q | None = None) -> Q | None:
    """DESIGN.md §6's scope of patrols, as one condition on the rows reached through `via` (""
    for patrols themselves, "patrol" for rows of a patrol): an inspector's areas, a coordinator's
    joint patrols, the patrols an officer is assigned to (and `officer_also` holds for them).
    None when the caller holds no role; admins, who see every row, are the caller's to handle."""
    prefix = f"{via}__" if via else ""
    inspected = access.area_ids(Role.INSPECTOR)
    coordinated = access.area_ids(Role.CST_COORDINATOR)
    rostered = access.area_ids(Role.OFFICER)
    if not (inspected or coordinated or rostered):
        return None
    visible = Q(pk__in=[])
    if inspected:
        visible |= Q(**{f"{prefix}area_id__in": inspected})
    if coordinated:
        visible |= Q(**{f"{prefix}area_id__in": coordinated, f"{prefix}kind": PatrolKind.JOINT})
    if rostered and access.user_id is not None:  # a role is held by a user
        patrol = OuterRef(f"{via}_id" if via else "pk")
        own = Assignment.objects.filter(patrol=patrol, officer__user_id=access.user_id)
        visible |= Q(Exists(own), **{f"{prefix}area_id__in": rostered}) & (officer_also or Q())
    return visible


def patrols_visible_to(access: Access) -> QuerySet[Patrol]:
    """Patrols as DESIGN.md §6 scopes them: an inspector all of their areas', a CST coordinator
    the joint patrols of theirs, an officer those they are assigned to; an admin every one."""
    queryset = Patrol.objects.select_related("site", "area")
    if access.is_admin:
        return queryset
    visible = _visible_by_role(access)
    return queryset.none() if visible is None else queryset.filter(visible)


def _row_count(queryset: QuerySet) -> Coalesce:
    """`SELECT COUNT(*)` of a subquery correlated with the outer row, as an annotation.

    Unlike `Count("assignments")`, which joins and groups every row of the outer query before
    a page of it is cut, PostgreSQL evaluates this once per row it returns: a page of 50
    patrols costs 50 index look-ups however many patrols the scope holds."""
    counted = queryset.order_by().annotate(row_count=Func(Value(1), function="COUNT")).values("row_count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def patrols_for_api(access: Access) -> QuerySet[Patrol]:
    """The API's patrols: visible ones, each with its officers assigned and CST places confirmed
    counted for that patrol alone (see _row_count: no grouping of the whole scope)."""
    patrol = OuterRef("pk")
    return patrols_visible_to(access).annotate(
        officers_assigned=_row_count(Assignment.objects.filter(patrol=patrol)),
        slots_confirmed=_row_count(VolunteerSlot.objects.filter(patrol=patrol, status=SlotStatus.CONFIRMED)),
    )


def patrols_for_editing(access: Access) -> QuerySet[Patrol]:
    """The patrols a user may edit, assign and read the history of: those of the areas they
    inspect (every one for an admin)."""
    return access.scope(Patrol.objects.select_related("site", "area"), Role.INSPECTOR)


def patrol_detail_rows(patrols: QuerySet[Patrol]) -> QuerySet[Patrol]:
    """`patrols` as one patrol's detail shows them: with the officers on each (one more query).
    For a detail only: a list must not load every row's assignments."""
    officers = Assignment.objects.select_related("officer__user").order_by("officer__collar_number", "pk")
    return patrols.prefetch_related(Prefetch("assignments", queryset=officers))


def rota_patrols(*, area: Area, start: datetime, end: datetime) -> QuerySet[Patrol]:
    """The read-only rota: an area's patrols starting in [start, end), with their site (one query)."""
    return (
        Patrol.objects.filter(area=area, starts_at__gte=start, starts_at__lt=end)
        .select_related("site")
        .annotate(
            officers_assigned=Count("assignments", distinct=True),
            volunteers_filled=Count(
                "slots",
                filter=Q(slots__status__in=(SlotStatus.REQUESTED, SlotStatus.CONFIRMED)),
                distinct=True,
            ),
            has_visit=Exists(Visit.objects.filter(patrol=OuterRef("pk"))),
        )
        .order_by("starts_at", "site__name", "id")
    )


def rota_grid(*, area: Area, start: date, days: int) -> list[dict]:
    """The read-only rota of `area` for the local dates start..start+days-1: per day, its
    observances (and the Shabbat or festival whose evening it is), and its patrols by site name
    (each with `local_starts`/`local_ends` in the area's time zone). One query."""
    tz = area.zone
    end = start + timedelta(days=days - 1)
    patrols = rota_patrols(area=area, start=local_midnight(start, tz), end=local_midnight(end + timedelta(days=1), tz))
    by_day: dict[date, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for patrol in patrols:
        patrol.local_starts = patrol.starts_at.astimezone(tz)
        patrol.local_ends = patrol.ends_at.astimezone(tz)
        by_day[patrol.local_starts.date()][patrol.site.name].append(patrol)
    labels = day_labels(start, days)
    grid = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        sites = by_day.get(day, {})
        grid.append(
            {
                "date": day,
                **labels[day],
                "sites": sorted(sites.items()),
                "count": sum(len(items) for items in sites.values()),
            }
        )
    return grid


def day_labels(start: date, days: int) -> dict[date, dict[str, list[str]]]:
    """Per local date from `start`: the names of its observances, and of the Shabbat or festival
    whose evening it is (a Jewish day begins at nightfall, so this evening already belongs to
    tomorrow's Shabbat or festival, and evening patrols are for it)."""
    end = start + timedelta(days=days - 1)
    observances = defaultdict(list)
    for observance in jewish_calendar.observances_between(start, end + timedelta(days=1)):
        observances[observance.date].append(observance)
    labels = {}
    for offset in range(days):
        day = start + timedelta(days=offset)
        labels[day] = {
            "observances": [o.name for o in observances.get(day, [])],
            "evening_of": [o.name for o in observances.get(day + timedelta(days=1), []) if o.work_forbidden],
        }
    return labels


def officer_day(*, officer, windows: dict[int, tuple[datetime, datetime]]) -> QuerySet[Assignment]:
    """An officer's assignments on patrols of the given areas starting in each area's [start, end)
    window (area id -> window): site, notes and the CST partners (call sign and name only — §6:
    names on their own joint patrols). Three queries. No windows: nothing."""
    if not windows:
        return Assignment.objects.none()
    in_window = Q(pk__in=[])
    for area_id, (start, end) in windows.items():
        in_window |= Q(patrol__area_id=area_id, patrol__starts_at__gte=start, patrol__starts_at__lt=end)
    partners = VolunteerSlot.objects.filter(volunteer__isnull=False).exclude(status=SlotStatus.DECLINED)
    return (
        Assignment.objects.filter(in_window, officer=officer)
        .select_related("patrol__site", "patrol__area")
        .prefetch_related(
            Prefetch("patrol__slots", queryset=partners.select_related("volunteer").order_by("id"), to_attr="partners")
        )
        .order_by("patrol__starts_at")
    )


def my_day(*, access: Access, officer, now: datetime, days: int = 2) -> list[dict]:
    """An officer's patrols today and on the next `days - 1` days, in the areas where they hold the
    officer role *now* (one removed from an area no longer sees its patrols, site notes or CST
    names). "Today" is each area's own local date. Per day: its date (in the first area's time
    zone, by name), and the patrols with local start and end times and CST partners."""
    areas = list(Area.objects.filter(pk__in=access.area_ids(Role.OFFICER)).order_by("name", "pk"))
    if not areas:
        return []
    todays: dict[int, date] = {}
    windows: dict[int, tuple[datetime, datetime]] = {}
    for area in areas:
        tz = area.zone
        today = now.astimezone(tz).date()
        todays[area.pk] = today
        windows[area.pk] = (local_midnight(today, tz), local_midnight(today + timedelta(days=days), tz))
    items: dict[int, list] = defaultdict(list)
    for assignment in officer_day(officer=officer, windows=windows):
        patrol = assignment.patrol
        tz = patrol.area.zone
        local_start = patrol.starts_at.astimezone(tz)
        offset = (local_start.date() - todays[patrol.area_id]).days
        ends = patrol.ends_at.astimezone(tz)
        items[offset].append({"patrol": patrol, "starts": local_start, "ends": ends, "partners": patrol.partners})
    first_today = todays[areas[0].pk]
    names = {0: "Today", 1: "Tomorrow"}
    labels = day_labels(first_today, days)
    return [
        {
            "date": first_today + timedelta(days=offset),
            "name": names.get(offset, ""),
            **labels[first_today + timedelta(days=offset)],
            "items": items.get(offset, []),
        }
        for offset in range(days)
    ]


# ---- a run's progress ---------------------------------------------------------------------------


def run_progress_key(run_id: int) -> str:
    """The cache key of a run's live progress. A run writes its stages inside its transaction,
    where other connections cannot see them; the cache (Redis when configured, shared by every
    process) carries them to the progress page until the run commits its outcome."""
    return f"patrols:run-progress:{run_id}"


@dataclass(frozen=True)
class RunProgress:
    """What the progress partial shows of a run: the latest stage, and whether to keep polling."""

    run: GenerationRun
    progress: int
    message: str
    news_at: datetime | None  # when the run last reported a stage
    stale: bool  # still queued or running after the task's hard time limit: the worker lost it
    news_local: str  # news_at as HH:MM in the area's time zone

    @property
    def polling(self) -> bool:
        return not self.run.is_finished and not self.stale


def run_progress(run: GenerationRun, *, now: datetime) -> RunProgress:
    """The run's latest stage: from the cache while it runs, else as recorded on the run."""
    progress, message = run.progress, run.progress_message
    news_at = run.started_at or run.queued_at
    if not run.is_finished:
        try:
            live = cache.get(run_progress_key(run.pk))
        except Exception:  # a cache outage must not break the page: show what the run recorded
            logger.warning("could not read the progress of generation run %s", run.pk, exc_info=True)
            live = None
        if live and (news_at is None or live["at"] >= news_at):
            progress, message, news_at = live["progress"], live["message"], live["at"]
    stale = run.is_stale(now)
    news_local = news_at.astimezone(run.area.zone).strftime("%H:%M") if news_at else ""
    return RunProgress(run, progress, message, news_at, stale, news_local)


def joint_patrols_for_coordination(access: Access, *, start: datetime, end: datetime) -> QuerySet[Patrol]:
    """Joint patrols of the areas the user coordinates that are on at some time in [start, end)
    (so one under way is still listed), with slot counts."""
    queryset = Patrol.objects.filter(kind=PatrolKind.JOINT, ends_at__gt=start, starts_at__lt=end)
    return (
        access.scope(queryset, Role.CST_COORDINATOR)
        .select_related("site", "area")
        .annotate(
            slots_open=Count("slots", filter=Q(slots__status=SlotStatus.OPEN)),
            slots_requested=Count("slots", filter=Q(slots__status=SlotStatus.REQUESTED)),
            slots_confirmed=Count("slots", filter=Q(slots__status=SlotStatus.CONFIRMED)),
        )
        .order_by("starts_at", "site__name", "id")
    )


# ---- CST places -------------------------------------------------------------------------------


def joint_patrols_coordinated(access: Access) -> QuerySet[Patrol]:
    """Joint patrols of the areas the user coordinates (every one for an admin), with site and area."""
    return access.scope(Patrol.objects.filter(kind=PatrolKind.JOINT), Role.CST_COORDINATOR).select_related(
        "site", "area"
    )


def slots_for_coordination(access: Access) -> QuerySet[VolunteerSlot]:
    """The slots a coordinator may fill, confirm, decline and release: those of the joint patrols
    of their areas (an admin: all), with patrol, site, area and volunteer."""
    queryset = VolunteerSlot.objects.filter(patrol__kind=PatrolKind.JOINT).select_related(
        "patrol__site", "patrol__area", "volunteer", "confirmed_by"
    )
    return access.scope(queryset, Role.CST_COORDINATOR, area_field="patrol__area")


def patrol_slots(patrol: Patrol) -> list[VolunteerSlot]:
    """A patrol's slots in order, with volunteer and who confirmed (one query)."""
    return list(patrol.slots.select_related("volunteer", "confirmed_by").order_by("id"))


def volunteers_to_fill(patrol: Patrol) -> QuerySet[Volunteer]:
    """The volunteers a coordinator can ask for a place on `patrol`: active, of its area, with a
    CST card valid on the patrol's local date, and not asked or confirmed on another scheduled
    patrol overlapping this one — the volunteers slot_fill would accept. One query."""
    patrol_day = patrol.starts_at.astimezone(patrol.area.zone).date()
    # The same overlap slot_fill refuses (patrols.services.editing.clash_message): back to back
    # is not an overlap.
    busy = VolunteerSlot.objects.filter(
        volunteer=OuterRef("pk"),
        status__in=(SlotStatus.REQUESTED, SlotStatus.CONFIRMED),
        patrol__status=PatrolStatus.SCHEDULED,
        patrol__starts_at__lt=patrol.ends_at,
        patrol__ends_at__gt=patrol.starts_at,
    ).exclude(patrol_id=patrol.pk)
    return (
        Volunteer.objects.filter(area_id=patrol.area_id, active=True, card_expires__gte=patrol_day)
        .exclude(Exists(busy))
        .order_by("call_sign")
    )


def slots_visible_to(access: Access) -> QuerySet[VolunteerSlot]:
    """Slots as DESIGN.md §6 scopes them: a coordinator every slot of the joint patrols of their
    areas, an inspector every slot in theirs, an officer the slots of the joint patrols they are on
    (their partners: not a declined one, not an empty one); an admin every one."""
    queryset = VolunteerSlot.objects.select_related("patrol", "volunteer", "confirmed_by")
    if access.is_admin:
        return queryset
    partners = Q(patrol__kind=PatrolKind.JOINT, status__in=(SlotStatus.REQUESTED, SlotStatus.CONFIRMED))
    visible = _visible_by_role(access, via="patrol", officer_also=partners)
    return queryset.none() if visible is None else queryset.filter(visible)
