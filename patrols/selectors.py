"""Read paths for patrols: the generator's loaders, and querysets shaped for each page and endpoint."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from calendar_rules import selectors as rule_selectors
from calendar_rules.occurrences import RuleSpec
from sites.access import Access
from sites.models import Area, Role

from .models import Assignment, GenerationRun, Patrol, PatrolKind, RuleGenerationState, SlotStatus, VolunteerSlot
from .planning import StoredPatrol

# ---- the generator's loaders ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleToPlan:
    """One active rule as the generator needs it: its spec, where, and the staffing of each patrol."""

    rule_id: int
    spec: RuleSpec
    site_ids: tuple[int, ...]
    kind: str
    officers_required: int
    volunteers_required: int


def rules_to_plan(area: Area) -> list[RuleToPlan]:
    """The active rules of `area` with the active sites each patrols (two queries)."""
    return [
        RuleToPlan(
            rule_id=needs["rule_id"],
            spec=spec,
            site_ids=tuple(sorted(site_ids)),
            kind=needs["kind"],
            officers_required=needs["officers_required"],
            volunteers_required=needs["volunteers_required"],
        )
        for spec, site_ids, needs in rule_selectors.rule_specs_for_area(area)
    ]


def generation_states(area: Area) -> dict[int, RuleGenerationState]:
    """What the generator last reconciled for each rule of `area`, by rule id (one query)."""
    return {state.rule_id: state for state in RuleGenerationState.objects.filter(rule__area=area)}


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
    None means no end (a retired rule: every patrol of it from `first` on)."""
    condition = Q()
    for rule_ids, first, last in ranges:
        part = Q(rule_id__in=list(rule_ids), occurrence_date__gte=first)
        if last is not None:
            part &= Q(occurrence_date__lte=last)
        condition |= part
    if not condition:
        return []
    rows = Patrol.objects.filter(condition).order_by().values_list(*_STORED_FIELDS)
    return [StoredPatrol(*row) for row in rows.iterator(chunk_size=10_000)]


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


def runs_for_inspection(access: Access) -> QuerySet[GenerationRun]:
    """Generation runs of the areas the user inspects, newest first."""
    return access.scope(GenerationRun.objects.select_related("area", "requested_by"), Role.INSPECTOR)


def patrols_visible_to(access: Access) -> QuerySet[Patrol]:
    """Patrols as DESIGN.md §6 scopes them: an inspector all of their areas', a CST coordinator
    the joint patrols of theirs, an officer those they are assigned to; an admin every one."""
    queryset = Patrol.objects.select_related("site", "area")
    if access.is_admin:
        return queryset
    visible = Q(pk__in=[])
    inspected = access.area_ids(Role.INSPECTOR)
    if inspected:
        visible |= Q(area_id__in=inspected)
    coordinated = access.area_ids(Role.CST_COORDINATOR)
    if coordinated:
        visible |= Q(area_id__in=coordinated, kind=PatrolKind.JOINT)
    rostered = access.area_ids(Role.OFFICER)
    if rostered:
        own = Assignment.objects.filter(patrol=OuterRef("pk"), officer__user_id=access.user_id)
        visible |= Q(Exists(own), area_id__in=rostered)
    if not (inspected or coordinated or rostered):
        return queryset.none()
    return queryset.filter(visible)


def patrols_for_api(access: Access) -> QuerySet[Patrol]:
    """The API's patrols: visible ones, with assignment and slot counts (no N+1)."""
    return patrols_visible_to(access).annotate(
        officers_assigned=Count("assignments", distinct=True),
        slots_confirmed=Count("slots", filter=Q(slots__status=SlotStatus.CONFIRMED), distinct=True),
    )


def rota_patrols(*, area: Area, start: datetime, end: datetime) -> QuerySet[Patrol]:
    """The read-only rota: an area's patrols starting in [start, end), with their site (one query)."""
    return (
        Patrol.objects.filter(area=area, starts_at__gte=start, starts_at__lt=end)
        .select_related("site")
        .annotate(officers_assigned=Count("assignments"))
        .order_by("starts_at", "site__name", "id")
    )


def officer_day(*, officer, start: datetime, end: datetime) -> QuerySet[Assignment]:
    """An officer's assignments on patrols starting in [start, end): site, notes and the CST
    partners (call sign and name only — §6: names on their own joint patrols). Three queries."""
    partners = VolunteerSlot.objects.filter(volunteer__isnull=False).exclude(status=SlotStatus.DECLINED)
    return (
        Assignment.objects.filter(officer=officer, patrol__starts_at__gte=start, patrol__starts_at__lt=end)
        .select_related("patrol__site", "patrol__area")
        .prefetch_related(
            Prefetch("patrol__slots", queryset=partners.select_related("volunteer").order_by("id"), to_attr="partners")
        )
        .order_by("patrol__starts_at")
    )


def joint_patrols_for_coordination(access: Access, *, start: datetime, end: datetime) -> QuerySet[Patrol]:
    """Joint patrols of the areas the user coordinates starting in [start, end), with slot counts."""
    queryset = Patrol.objects.filter(kind=PatrolKind.JOINT, starts_at__gte=start, starts_at__lt=end)
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
