"""Read paths for patrols: the generator's loaders, and querysets shaped for each page and endpoint."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from calendar_rules import jewish_calendar
from calendar_rules import selectors as rule_selectors
from calendar_rules.models import MAX_OFFICERS_PER_PATROL, MAX_VOLUNTEERS_PER_PATROL
from notifications.models import Notification, NotificationKind, NotificationStatus
from people.models import Absence, Officer, Volunteer, VolunteerUnavailability
from sites.access import Access
from sites.models import Area, Role, Site
from sites.selectors import open_surge

from . import fairness, volunteer_ranking
from .duties import DutyLimits, Interval, duty_warnings, local_dates
from .models import (
    Assignment,
    GenerationRun,
    Patrol,
    PatrolKind,
    PatrolStatus,
    RuleGenerationState,
    SlotInvitation,
    SlotStatus,
    Visit,
    VolunteerSlot,
)
from .planning import PlanContext, PlannedPatrol, RuleToPlan, StoredPatrol, local_midnight
from .replanning import RuleState

logger = logging.getLogger(__name__)

# ---- the generator's loaders ----------------------------------------------------------------


def rules_to_plan(area: Area) -> list[RuleToPlan]:
    """The active rules of `area` as the generator plans them, with the active sites each
    patrols, and for a rule anchored to the sites' services those sites' services (two queries;
    a third when a rule uses services, and another, the alert level, when the area has surge
    rules)."""
    return rules_to_plan_with_surge(area)[0]


# A surge rule's patrols: those starting in [raised_at, ends_at) of the area's open surge.
SurgeWindows = dict[int, tuple[datetime, datetime]]


def rules_to_plan_with_surge(area: Area) -> tuple[list[RuleToPlan], SurgeWindows]:
    """`rules_to_plan`, and the window each surge rule (PatrolRule.surge_only) patrols in.

    A surge rule is active only while the area's alert level is raised (sites.surges): with no
    open surge it is left out, so a run retires it and cancels its future patrols (those someone
    is on are held). While one is open its validity is narrowed to the surge's local dates — so
    its fingerprint changes whenever the surge does, and a run re-plans it in full — and
    `within_surge` drops its occurrences starting outside the surge's exact window."""
    loaded = rule_selectors.active_rules_with_sites(area)
    surge = open_surge(area) if any(rule.surge_only for rule, _ in loaded) else None
    services = rule_selectors.site_services(area) if any(rule.as_spec().uses_services for rule, _ in loaded) else {}
    rules: list[RuleToPlan] = []
    windows: SurgeWindows = {}
    for rule, site_ids in loaded:
        spec = rule.as_spec()
        if rule.surge_only:
            if surge is None:
                continue
            first = surge.raised_at.astimezone(area.zone).date()
            last = (surge.ends_at - timedelta(microseconds=1)).astimezone(area.zone).date()
            valid_from = max(spec.valid_from, first)
            valid_until = min(spec.valid_until or last, last)
            if valid_until < valid_from:
                continue
            spec = replace(spec, valid_from=valid_from, valid_until=valid_until)
            windows[rule.pk] = (surge.raised_at, surge.ends_at)
        rules.append(
            RuleToPlan(
                rule_id=rule.pk,
                kind=rule.kind,
                officers_required=rule.officers_required,
                volunteers_required=rule.volunteers_required,
                site_ids=site_ids,
                spec=spec,
                precedence=rule.precedence,
                services=tuple((site_id, services[site_id]) for site_id in site_ids if site_id in services)
                if spec.uses_services
                else (),
            )
        )
    return rules, windows


def within_surge(planned: Iterable[PlannedPatrol], windows: SurgeWindows) -> Iterator[PlannedPatrol]:
    """The planned patrols less those of surge rules starting outside their surge's window."""
    for patrol in planned:
        window = windows.get(patrol.rule_id)
        if window is None or window[0] <= patrol.starts_at < window[1]:
            yield patrol


def plan_context(area: Area) -> PlanContext:
    """The area's active staffing uplifts, its sites' kinds and risk tiers, and its open surge's
    window, as the planner applies them (one query with no uplift, three with)."""
    uplifts = rule_selectors.uplifts_to_apply(area)
    if not uplifts:
        return PlanContext(timezone=str(area.zone))
    sites = {
        site_id: (kind, tier)
        for site_id, kind, tier in Site.objects.filter(area=area).values_list("id", "kind", "risk_tier")
    }
    surge = open_surge(area) if any(uplift.during_surge for uplift in uplifts) else None
    return PlanContext(
        uplifts=uplifts,
        sites=sites,
        surges=((surge.raised_at, surge.ends_at),) if surge is not None else (),
        timezone=str(area.zone),
        max_officers=MAX_OFFICERS_PER_PATROL,
        max_volunteers=MAX_VOLUNTEERS_PER_PATROL,
    )


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
    "uplift_note",
    "replaces_note",
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
        StoredPatrol(
            *row[: width - 2],
            uplift_note=row[width - 2],
            replaces_note=row[width - 1],
            staffed=row[width] or row[width + 1] or row[width + 2],
        )
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


def assignments_for_editing(access: Access) -> QuerySet[Assignment]:
    """The assignments a user may remove: those on patrols of the areas they inspect."""
    queryset = Assignment.objects.select_related("patrol__area", "officer__user")
    return access.scope(queryset, Role.INSPECTOR, area_field="patrol__area")


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


def officer_day(
    *, officer, windows: dict[int, tuple[datetime, datetime]], now: datetime | None = None
) -> list[Assignment]:
    """An officer's assignments on patrols of the given areas starting in each area's [start, end)
    window (area id -> window): site, area, CST team leader, notes; the CST partners (call sign and
    name only — §6: names on their own joint patrols), the other officers on each patrol, and the
    officer's own visits (check-ins) on each. At most four queries, whatever the patrols: the
    assignments, then the partners of the joint patrols among them, the other officers on them,
    and (given `now`) the officer's visits on those whose check-in has opened — each only when
    some patrol needs it (the others get empty lists without asking). No windows:
    nothing."""
    if not windows:
        return []
    assignments = list(_officer_day_rows(officer=officer, windows=windows))
    patrols = [assignment.patrol for assignment in assignments]
    opens = timedelta(minutes=settings.CHECK_IN_OPENS_MINUTES)
    # A visit exists only once a patrol's check-in window has opened (visit_check_in refuses
    # earlier): the patrols still ahead cannot have one.
    may_have_visits = [p for p in patrols if now is None or p.starts_at - opens <= now]
    partners = VolunteerSlot.objects.filter(volunteer__isnull=False).exclude(status=SlotStatus.DECLINED)
    crew = (
        Assignment.objects.exclude(officer=officer).select_related("officer__user").order_by("officer__collar_number")
    )
    own_visits = Visit.objects.filter(officer=officer).order_by("checked_in_at", "pk")
    for attribute, wanted, lookup, queryset in (
        (
            "partners",
            [p for p in patrols if p.kind == PatrolKind.JOINT],
            "slots",
            partners.select_related("volunteer").order_by("id"),
        ),
        ("crew", patrols, "assignments", crew),
        ("own_visits", may_have_visits, "visits", own_visits),
    ):
        if wanted:
            prefetch_related_objects(wanted, Prefetch(lookup, queryset=queryset, to_attr=attribute))
        for patrol in patrols:
            if not hasattr(patrol, attribute):  # (set after: a prefetch skips what already has it)
                setattr(patrol, attribute, [])
    return assignments


def _officer_day_rows(*, officer, windows: dict[int, tuple[datetime, datetime]]) -> QuerySet[Assignment]:
    """officer_day's assignments, one query (the patrol, its site, area and CST team leader joined)."""
    in_window = Q(pk__in=[])
    for area_id, (start, end) in windows.items():
        in_window |= Q(patrol__area_id=area_id, patrol__starts_at__gte=start, patrol__starts_at__lt=end)
    return (
        Assignment.objects.filter(in_window, officer=officer)
        .select_related("patrol__site", "patrol__area", "patrol__cst_team_leader")
        .order_by("patrol__starts_at")
    )


# My day shows today and the next seven days: a week ahead, and the same weekday next week.
MY_DAY_DAYS = 8


def check_in_window(patrol: Patrol) -> tuple[datetime, datetime]:
    """When "Arrived" may be pressed for `patrol`: from CHECK_IN_OPENS_MINUTES before its start
    until its end."""
    return patrol.starts_at - timedelta(minutes=settings.CHECK_IN_OPENS_MINUTES), patrol.ends_at


def my_day(*, access: Access, officer, now: datetime, days: int = MY_DAY_DAYS) -> list[dict]:
    """An officer's patrols today and on the next `days - 1` days, in the areas where they hold the
    officer role *now* (one removed from an area no longer sees its patrols, site notes or CST
    names). "Today" is each area's own local date. Per day: its date (in the first area's time
    zone, by name), the patrols with local start and end times, CST partners, the other officers,
    the briefing, the officer's own visits and check-in window, and the officer's own absences
    that day (read as dates of that first area)."""
    # The areas' names and zones came with the user's roles (sites.access): no query of their own.
    known = access.area_names_zones
    area_ids = sorted(access.area_ids(Role.OFFICER), key=lambda pk: (known[pk][0], pk) if pk in known else ("", pk))
    if not area_ids:
        return []
    todays: dict[int, date] = {}
    windows: dict[int, tuple[datetime, datetime]] = {}
    for area_id in area_ids:
        tz = ZoneInfo(known[area_id][1]) if area_id in known else Area.objects.get(pk=area_id).zone
        today = now.astimezone(tz).date()
        todays[area_id] = today
        windows[area_id] = (local_midnight(today, tz), local_midnight(today + timedelta(days=days), tz))
    items: dict[int, list] = defaultdict(list)
    for assignment in officer_day(officer=officer, windows=windows, now=now):
        patrol = assignment.patrol
        tz = patrol.area.zone
        local_start = patrol.starts_at.astimezone(tz)
        offset = (local_start.date() - todays[patrol.area_id]).days
        opens, closes = check_in_window(patrol)
        visits = patrol.own_visits
        open_visit = next((visit for visit in visits if visit.checked_out_at is None), None)
        items[offset].append(
            {
                "patrol": patrol,
                "starts": local_start,
                "ends": patrol.ends_at.astimezone(tz),
                "partners": patrol.partners,
                "crew": [other.officer for other in patrol.crew],
                "briefing_at": patrol.briefing_at.astimezone(tz) if patrol.briefing_at else None,
                "visits": [
                    {
                        "visit": visit,
                        "in": visit.checked_in_at.astimezone(tz),
                        "out": visit.checked_out_at.astimezone(tz) if visit.checked_out_at else None,
                    }
                    for visit in visits
                ],
                "open_visit": open_visit,
                "check_in_opens": opens,
                "check_in_closes": closes,
                "can_check_in": (
                    patrol.status != PatrolStatus.CANCELLED and open_visit is None and opens <= now <= closes
                ),
            }
        )
    first_today = todays[area_ids[0]]
    names = {0: "Today", 1: "Tomorrow"}
    labels = day_labels(first_today, days)
    last_day = first_today + timedelta(days=days - 1)
    absences = list(
        Absence.objects.filter(officer=officer, starts_on__lte=last_day, ends_on__gte=first_today).order_by("starts_on")
    )
    return [
        {
            "date": first_today + timedelta(days=offset),
            "name": names.get(offset, ""),
            **labels[first_today + timedelta(days=offset)],
            "items": items.get(offset, []),
            "absences": [a for a in absences if a.starts_on <= first_today + timedelta(days=offset) <= a.ends_on],
        }
        for offset in range(days)
    ]


# ---- visits (check-ins) ---------------------------------------------------------------------


def patrols_to_check_in(access: Access) -> QuerySet[Patrol]:
    """The patrols a user may check in on: their own, in the areas where they are rostered as an
    officer now (an admin or inspector checks in for nobody: DESIGN.md §6)."""
    rostered = access.area_ids(Role.OFFICER)
    if not rostered or access.user_id is None:
        return Patrol.objects.none()
    own = Assignment.objects.filter(patrol=OuterRef("pk"), officer__user_id=access.user_id)
    return Patrol.objects.filter(Exists(own), area_id__in=rostered).select_related("site", "area")


def visits_to_check_out(access: Access) -> QuerySet[Visit]:
    """The visits a user may check out of: their own, on patrols of the areas they are rostered in."""
    rostered = access.area_ids(Role.OFFICER)
    if not rostered or access.user_id is None:
        return Visit.objects.none()
    return Visit.objects.filter(officer__user_id=access.user_id, patrol__area_id__in=rostered).select_related(
        "patrol__area", "officer"
    )


def visits_visible_to(access: Access) -> QuerySet[Visit]:
    """Visits as DESIGN.md §6 scopes them: an officer their own, an inspector every one of their
    areas' patrols, an admin every one; a coordinator none."""
    queryset = Visit.objects.select_related("patrol__area", "patrol__site", "officer__user")
    if access.is_admin:
        return queryset
    visible = Q(pk__in=[])
    inspected = access.area_ids(Role.INSPECTOR)
    if inspected:
        visible |= Q(patrol__area_id__in=inspected)
    rostered = access.area_ids(Role.OFFICER)
    if rostered and access.user_id is not None:
        visible |= Q(officer__user_id=access.user_id, patrol__area_id__in=rostered)
    return queryset.filter(visible)


def patrol_visits(patrol: Patrol) -> list[Visit]:
    """A patrol's visits in order, with the officer, for the inspector's dialog (one query)."""
    visits = list(patrol.visits.select_related("officer__user").order_by("checked_in_at", "pk"))
    for visit in visits:
        visit.patrol = patrol  # its area decides `flagged`
    return visits


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


# ---- CST places -------------------------------------------------------------------------------


def joint_patrols_coordinated(access: Access) -> QuerySet[Patrol]:
    """Joint patrols of the areas the user coordinates (every one for an admin), with site and area."""
    return access.scope(Patrol.objects.filter(kind=PatrolKind.JOINT), Role.CST_COORDINATOR).select_related(
        "site", "area", "cst_team_leader"
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


@dataclass(frozen=True)
class SlotAsk:
    """How the ask of a place's volunteer went, for the coordinator: the link's email (its outbox
    status, when sent or until when held, its error) or its answer; `no_email` when the volunteer
    was asked with no email address (no link: phone them)."""

    invitation: SlotInvitation | None
    email_status: str = ""  # a NotificationStatus, or "" (no email queued)
    email_at: datetime | None = None  # sent at, or held until
    email_error: str = ""
    no_email: bool = False


def slot_asks(patrol: Patrol, slots: list[VolunteerSlot]) -> dict[int, SlotAsk]:
    """Per slot id with a volunteer: its latest link (if that is the current volunteer's) and the
    link's email from the outbox. One query whatever the number of slots."""
    emails = Notification.objects.filter(
        about_type__app_label=SlotInvitation._meta.app_label,
        about_type__model=SlotInvitation._meta.model_name,
        about_id=OuterRef("pk"),
        kind=NotificationKind.SLOT_ASKED,
    ).order_by("-id")
    latest: dict[int, SlotInvitation] = {}
    rows = (
        SlotInvitation.objects.filter(slot__patrol_id=patrol.pk)
        .annotate(
            email_status=Subquery(emails.values("status")[:1]),
            email_sent_at=Subquery(emails.values("sent_at")[:1]),
            email_not_before=Subquery(emails.values("not_before")[:1]),
            email_error=Subquery(emails.values("last_error")[:1]),
        )
        .order_by("slot_id", "-created_at", "-id")
    )
    for row in rows:
        latest.setdefault(row.slot_id, row)
    asks = {}
    for slot in slots:
        if slot.volunteer_id is None:
            continue
        invitation = latest.get(slot.pk)
        if invitation is None or invitation.volunteer_id != slot.volunteer_id:
            asks[slot.pk] = SlotAsk(invitation=None, no_email=True)
            continue
        status = invitation.email_status or ""  # type: ignore[attr-defined]
        at = invitation.email_sent_at if status == NotificationStatus.SENT else invitation.email_not_before  # type: ignore[attr-defined]
        asks[slot.pk] = SlotAsk(
            invitation=invitation,
            email_status=status,
            email_at=at,
            email_error=invitation.email_error or "",  # type: ignore[attr-defined]
        )
    return asks


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


@dataclass(frozen=True)
class VolunteerSuggestion:
    """A volunteer of the area as the ask dialog offers them (patrols.volunteer_ranking)."""

    volunteer: Volunteer
    askable: bool
    home_here: bool
    recent_duties: int
    reason: str


def volunteer_suggestions(
    patrols: list[Patrol], *, now: datetime, mark_already_on: bool = False
) -> list[VolunteerSuggestion]:
    """The active volunteers of the patrols' area (all of one area), ranked to ask for their
    places (patrols.volunteer_ranking): askable first, home site among the patrols' sites first,
    then fewest confirmed duties over the DUTY_WEEKS weeks before `now`. Each not askable is kept,
    marked with why: a local date of one of the patrols marked unavailable, asked or confirmed on
    another overlapping scheduled patrol, a CST card running out before the patrol's date, and
    (with `mark_already_on`) already on one of them. Three queries however many volunteers and
    patrols (the volunteers with their counts, their marks on the patrols' dates, their bookings
    overlapping the patrols), plus the ones for `mark_already_on`."""
    if not patrols:
        return []
    area = patrols[0].area
    tz = area.zone
    since = now - timedelta(weeks=volunteer_ranking.DUTY_WEEKS)
    volunteers = list(
        Volunteer.objects.filter(area_id=area.pk, active=True)
        .annotate(
            recent=Count(
                "slots",
                filter=Q(
                    slots__status=SlotStatus.CONFIRMED,
                    slots__patrol__status__in=_WORKING,
                    slots__patrol__starts_at__gte=since,
                    slots__patrol__starts_at__lt=now,
                ),
            )
        )
        .order_by("call_sign")
    )
    days: dict[date, Patrol] = {}
    latest_day = None
    for patrol in patrols:
        first, last = local_dates(patrol.starts_at, patrol.ends_at, tz)
        for offset in range((last - first).days + 1):
            days.setdefault(first + timedelta(days=offset), patrol)
        latest_day = last if latest_day is None else max(latest_day, last)
    unavailable: dict[int, str] = {}
    for mark in VolunteerUnavailability.objects.filter(volunteer__area_id=area.pk, on_date__in=list(days)).order_by(
        "on_date"
    ):
        note = f" ({mark.note})" if mark.note else ""
        unavailable.setdefault(
            mark.volunteer_id, f"Unavailable {mark.on_date:%a} {mark.on_date.day} {mark.on_date:%b}{note}"
        )
    overlapping = Q(pk__in=[])
    for patrol in patrols:
        overlapping |= Q(patrol__starts_at__lt=patrol.ends_at, patrol__ends_at__gt=patrol.starts_at)
    busy: dict[int, str] = {}
    bookings = (
        VolunteerSlot.objects.filter(
            overlapping,
            volunteer__area_id=area.pk,
            status__in=(SlotStatus.REQUESTED, SlotStatus.CONFIRMED),
            patrol__status=PatrolStatus.SCHEDULED,
        )
        .exclude(patrol_id__in=[patrol.pk for patrol in patrols])
        .order_by("patrol__starts_at")
        .values_list("volunteer_id", "patrol__site__name", "patrol__starts_at", "patrol__ends_at")
    )
    for volunteer_id, site_name, starts_at, ends_at in bookings:
        busy.setdefault(volunteer_id, _busy_with(site_name, starts_at, ends_at, tz, starts_at.astimezone(tz).date()))
    already: dict[int, str] = {}
    if mark_already_on:
        site_names = {patrol.pk: patrol.site.name for patrol in patrols}
        for volunteer_id, patrol_id in VolunteerSlot.objects.filter(
            patrol__in=patrols, volunteer__isnull=False
        ).values_list("volunteer_id", "patrol_id"):
            already.setdefault(
                volunteer_id,
                "Already on this patrol" if len(patrols) == 1 else f"Already on the patrol at {site_names[patrol_id]}",
            )
    sites = {patrol.site_id for patrol in patrols}
    candidates = []
    for volunteer in volunteers:
        problem = ""
        if latest_day is not None and volunteer.card_expires < latest_day:
            verb = "expired" if volunteer.card_expires < area.today(now) else "expires"
            problem = f"CST card {verb} {volunteer.card_expires:%-d %b %Y}"
        problem = (
            already.get(volunteer.pk, "") or unavailable.get(volunteer.pk, "") or busy.get(volunteer.pk, "") or problem
        )
        candidates.append(
            volunteer_ranking.VolunteerCandidate(
                volunteer_id=volunteer.pk,
                call_sign=volunteer.call_sign,
                home_here=volunteer.home_site_id in sites,
                recent_duties=volunteer.recent,
                problem=problem,
            )
        )
    by_id = {volunteer.pk: volunteer for volunteer in volunteers}
    return [
        VolunteerSuggestion(
            volunteer=by_id[ranked.volunteer_id],
            askable=ranked.askable,
            home_here=ranked.home_here,
            recent_duties=ranked.recent_duties,
            reason=ranked.reason,
        )
        for ranked in volunteer_ranking.rank_volunteers(candidates)
    ]


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


# ---- duties, absences and suggestions -------------------------------------------------------

# How far either side of a patrol an officer's other patrols can matter to its duty warnings: a
# duty is at most a day long in practice and the rest after it at most 24 hours (Area's limits).
DUTY_CONTEXT = timedelta(hours=72)
# Fairness is counted over this many days before and after the patrol's local date.
FAIRNESS_DAYS = 28
# Patrols an officer's time counts on: worked or to be worked (not cancelled, not missed).
_WORKING = (PatrolStatus.SCHEDULED, PatrolStatus.COMPLETED)


def duty_limits(area: Area) -> DutyLimits:
    """The area's duty rules, with the deployment's gap between duties."""
    return DutyLimits.from_hours(
        gap=settings.DUTY_GAP_HOURS, max_duty=area.max_duty_hours, min_rest=area.min_rest_hours
    )


def interval_of(patrol: Patrol) -> Interval:
    return Interval(patrol.starts_at, patrol.ends_at)


def officer_duty_context(officer_ids: Iterable[int], *, patrol: Patrol) -> dict[int, list[Interval]]:
    """Each officer's other worked or scheduled patrols within DUTY_CONTEXT of `patrol`, by
    officer id: what duties.duty_warnings needs. One query."""
    rows = (
        Assignment.objects.filter(
            officer_id__in=list(officer_ids),
            patrol__status__in=_WORKING,
            patrol__starts_at__lt=patrol.ends_at + DUTY_CONTEXT,
            patrol__ends_at__gt=patrol.starts_at - DUTY_CONTEXT,
        )
        .exclude(patrol_id=patrol.pk)
        .values_list("officer_id", "patrol__starts_at", "patrol__ends_at")
    )
    context: dict[int, list[Interval]] = defaultdict(list)
    for officer_id, starts_at, ends_at in rows:
        context[officer_id].append(Interval(starts_at, ends_at))
    return dict(context)


@dataclass(frozen=True)
class Suggestion:
    """One officer of the patrol's area as the assignment dialog offers them: whether suggested
    (free and no warning), why, their load over ±4 weeks, and the warnings (full sentences) an
    assignment would need overriding."""

    officer: Officer
    suggested: bool
    reason: str
    patrols_count: int
    special_count: int
    warnings: list[str]
    conflict: str  # the hard conflict ("On leave 3–9 Dec"), or "": assignable when ""


def _busy_with(site_name: str, starts_at: datetime, ends_at: datetime, tz, day: date) -> str:
    begins, ends = starts_at.astimezone(tz), ends_at.astimezone(tz)
    when = f"{begins:%H:%M}–{ends:%H:%M}"
    if begins.date() != day:
        when = f"{begins:%a} {begins.day} {begins:%b} {when}"
    return f"On a patrol at {site_name} {when}"


def officer_suggestions(patrol: Patrol, *, now: datetime) -> list[Suggestion]:
    """The active officers rostered in the patrol's area, ranked fairly (patrols.fairness): free
    ones first, then fewest patrols and fewest Shabbat/festival duties over the four weeks either
    side of the patrol's local date, then name. Each with the reason, its hard conflict (on an
    overlapping patrol, absent, already on this patrol) and its duty warnings.

    Counts: the officer's patrols (any area, not cancelled or missed, not this one) starting on a
    local date within FAIRNESS_DAYS of the patrol's; a Shabbat/festival duty is a day of those
    that is Shabbat or a yom tov (calendar_rules.jewish_calendar) on which they have a patrol.
    Local dates are read in the patrol's area time zone. Three queries however many officers (the
    officers, their patrols around this one, their absences), plus the patrol's area if it is not
    loaded. `now` is the moment the list is made for; the counts are around the patrol's day, not
    today, so a suggestion for a patrol next month weighs the weeks around it."""
    area = patrol.area
    tz = area.zone
    day = patrol.starts_at.astimezone(tz).date()
    first_day, last_day = day - timedelta(days=FAIRNESS_DAYS), day + timedelta(days=FAIRNESS_DAYS)
    officers = list(
        Officer.objects.filter(
            active=True,
            user__memberships__area_id=area.pk,
            user__memberships__group__name=Role.OFFICER,
        )
        .select_related("user")
        .distinct()
    )
    ids = [officer.pk for officer in officers]
    window_start, window_end = local_midnight(first_day, tz), local_midnight(last_day + timedelta(days=1), tz)
    rows = (
        Assignment.objects.filter(
            officer_id__in=ids,
            patrol__status__in=_WORKING,
            patrol__starts_at__lt=max(window_end, patrol.ends_at + DUTY_CONTEXT),
            patrol__ends_at__gt=min(window_start, patrol.starts_at - DUTY_CONTEXT),
        )
        .order_by()
        .values_list(
            "officer_id", "patrol_id", "patrol__starts_at", "patrol__ends_at", "patrol__status", "patrol__site__name"
        )
    )
    special_days = {
        observance.date
        for observance in jewish_calendar.observances_between(first_day, last_day)
        if observance.work_forbidden
    }
    counts: dict[int, int] = defaultdict(int)
    special: dict[int, set[date]] = defaultdict(set)
    context: dict[int, list[Interval]] = defaultdict(list)
    busy: dict[int, str] = {}
    on_this: set[int] = set()
    for officer_id, patrol_id, starts_at, ends_at, status, site_name in rows:
        if patrol_id == patrol.pk:
            on_this.add(officer_id)
            continue
        local_day = starts_at.astimezone(tz).date()
        if first_day <= local_day <= last_day:
            counts[officer_id] += 1
            if local_day in special_days:
                special[officer_id].add(local_day)
        if patrol.starts_at - DUTY_CONTEXT < ends_at and starts_at < patrol.ends_at + DUTY_CONTEXT:
            context[officer_id].append(Interval(starts_at, ends_at))
        overlaps = starts_at < patrol.ends_at and ends_at > patrol.starts_at
        if status == PatrolStatus.SCHEDULED and overlaps and officer_id not in busy:
            busy[officer_id] = _busy_with(site_name, starts_at, ends_at, tz, day)
    first, last = local_dates(patrol.starts_at, patrol.ends_at, tz)
    absent: dict[int, str] = {}
    for absence in Absence.objects.filter(officer_id__in=ids, starts_on__lte=last, ends_on__gte=first).order_by(
        "starts_on"
    ):
        absent.setdefault(absence.officer_id, absence.summary)
    limits = duty_limits(area)
    candidate = interval_of(patrol)
    candidates = []
    full_warnings: dict[int, list[str]] = {}
    for officer in officers:
        conflict = (
            "Already on this patrol" if officer.pk in on_this else absent.get(officer.pk) or busy.get(officer.pk, "")
        )
        warnings = [] if conflict else duty_warnings(candidate, context.get(officer.pk, []), limits=limits, tz=tz)
        full_warnings[officer.pk] = [warning.message for warning in warnings]
        candidates.append(
            fairness.Candidate(
                officer_id=officer.pk,
                name=officer.user.get_full_name() or officer.user.username,
                patrols_count=counts[officer.pk],
                special_count=len(special[officer.pk]),
                conflict=conflict,
                warnings=tuple(warning.summary for warning in warnings),
            )
        )
    by_id = {officer.pk: officer for officer in officers}
    conflicts = {candidate.officer_id: candidate.conflict for candidate in candidates}
    return [
        Suggestion(
            officer=by_id[ranked.officer_id],
            suggested=ranked.suggested,
            reason=ranked.reason,
            patrols_count=ranked.patrols_count,
            special_count=ranked.special_count,
            warnings=full_warnings[ranked.officer_id],
            conflict=conflicts[ranked.officer_id],
        )
        for ranked in fairness.rank(candidates)
    ]


def patrols_clashing_with_absence(absence: Absence, *, since: datetime | None = None) -> list[Patrol]:
    """The scheduled patrols the absent officer is on during the absence: those with any local
    date (in the patrol's own area's time zone) from `starts_on` to `ends_on`. With `since`, only
    those not yet ended by then (the ones still to re-staff). In time order, with site and area.
    One query."""
    # A coarse UTC window first (no zone is more than a day from UTC), then the exact local dates.
    coarse_start = datetime.combine(absence.starts_on - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    coarse_end = datetime.combine(absence.ends_on + timedelta(days=2), datetime.min.time(), tzinfo=UTC)
    patrols = Patrol.objects.filter(
        assignments__officer_id=absence.officer_id,
        status=PatrolStatus.SCHEDULED,
        starts_at__lt=coarse_end,
        ends_at__gt=coarse_start,
    )
    if since is not None:
        patrols = patrols.filter(ends_at__gt=since)
    clashing = []
    for patrol in patrols.select_related("site", "area").order_by("starts_at", "id"):
        first, last = local_dates(patrol.starts_at, patrol.ends_at, patrol.area.zone)
        if first <= absence.ends_on and last >= absence.starts_on:
            patrol.local_starts = patrol.starts_at.astimezone(patrol.area.zone)
            patrol.local_ends = patrol.ends_at.astimezone(patrol.area.zone)
            clashing.append(patrol)
    return clashing


# ---- the officer's calendar feed ----------------------------------------------------------------


def officer_feed_patrols(*, officer, now: datetime) -> list[Patrol]:
    """The patrols of an officer's calendar feed: those they are assigned to, not cancelled, in
    the areas where they hold the officer role now, from a day ago to FEED_DAYS_AHEAD days ahead,
    by start. Each with `stamp` (when its event last changed: the patrol's or the assignment's
    latest write). Two queries (the officer's areas, the patrols, with area and site name
    joined; the name is used only where the area shows it)."""
    from .calendar_feed import FEED_DAYS_AHEAD, FEED_DAYS_BEHIND

    area_ids = list(
        Area.objects.filter(memberships__user_id=officer.user_id, memberships__group__name=Role.OFFICER)
        .values_list("pk", flat=True)
        .distinct()
    )
    if not area_ids:
        return []
    assignments = (
        Assignment.objects.filter(
            officer=officer,
            patrol__area_id__in=area_ids,
            patrol__starts_at__lt=now + timedelta(days=FEED_DAYS_AHEAD),
            patrol__ends_at__gt=now - timedelta(days=FEED_DAYS_BEHIND),
        )
        .exclude(patrol__status=PatrolStatus.CANCELLED)
        .select_related("patrol__area", "patrol__site")
        .only(
            "created_at",
            "patrol__id",
            "patrol__area_id",
            "patrol__site_id",
            "patrol__starts_at",
            "patrol__ends_at",
            "patrol__version",
            "patrol__updated_at",
            "patrol__status",
            "patrol__area__id",
            "patrol__area__timezone",
            "patrol__area__feed_shows_site_name",
            "patrol__site__id",
            "patrol__site__name",
        )
        .order_by("patrol__starts_at", "patrol_id")
    )
    patrols = []
    for assignment in assignments:
        patrol = assignment.patrol
        patrol.stamp = max(patrol.updated_at, assignment.created_at)
        patrols.append(patrol)
    return patrols
