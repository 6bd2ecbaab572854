"""Read paths of the inspector's week board and day view: the days (their Shabbat, festival and
erev labels, candle-lighting and havdalah), a chunk of site rows, their patrols as plain rows,
and how far the rota has been generated.

Each is one query (the days none), whatever the number of sites or patrols: the board asks for
its rows a chunk at a time (BOARD_FIRST_SITES, then BOARD_CHUNK_SITES), so a 200-site area costs the same queries as a
20-site one, and the page is usable before the last rows arrive."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, F, Func, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from calendar_rules import zmanim
from calendar_rules.locations import area_location
from sites.models import Area, Site

from .models import Assignment, Patrol, PatrolStatus, RuleGenerationState, SlotStatus, Visit, VolunteerSlot
from .planning import local_midnight
from .selectors import day_labels

# Site rows per request: the first chunk comes with the page (a screenful, so the page is usable
# at once and arrives fast), the others, larger, as they scroll into view.
BOARD_FIRST_SITES = 12
BOARD_CHUNK_SITES = 40


@dataclass(frozen=True)
class BoardFilters:
    """What the board and the day view show: sites of a kind and risk tier, patrols of a kind,
    only patrols that need officers. Empty: everything."""

    site_kind: str = ""
    risk_tier: int | None = None
    patrol_kind: str = ""
    needs_officers: bool = False

    @property
    def narrows_patrols(self) -> bool:
        return bool(self.patrol_kind or self.needs_officers)


@dataclass(frozen=True)
class BoardDay:
    date: date
    iso: str  # YYYY-MM-DD, as the cells' data-day says it
    observances: list[str]
    evening_of: list[str]  # the Shabbat or festival whose evening this is (erev)
    candle_lighting: datetime | None
    candles_after_nightfall: bool
    havdalah: datetime | None
    beyond_horizon: bool  # past where the rota has been generated
    is_today: bool


@dataclass(frozen=True, slots=True)
class BoardPatrol:
    """One patrol as the board's chip shows it (times local to the area)."""

    id: int
    area_id: int
    site_id: int
    site_name: str
    kind: str
    status: str
    label: str
    pinned: bool
    manual: bool
    version: int
    starts: datetime
    ends: datetime
    ends_at: datetime  # UTC, for the view record (audit)
    officers_assigned: int
    officers_required: int
    volunteers_filled: int
    volunteers_required: int
    has_visit: bool
    # Derived once here rather than in the template, which renders thousands of chips:
    start_text: str  # "08:15"
    times_text: str  # "08:15–08:55"
    cancelled: bool
    held: bool  # people are on it: the generator will not move or cancel it
    officers_short: int  # officers still needed (none unless scheduled)
    cst_short: int  # CST places still to fill on a scheduled joint patrol
    uplift_note: str = ""  # the generator's: which uplifts raised its staffing
    replaces_note: str = ""  # the generator's: the lower-precedence patrols it replaced


def generated_until(area: Area) -> date | None:
    """The last local date up to which every active rule of `area` has been generated (the
    earliest of their reconciled spans' ends); None before any run (one query)."""
    return RuleGenerationState.objects.filter(rule__area=area, rule__active=True).aggregate(
        last=Min("generated_until")
    )["last"]


def board_days(area: Area, start: date, days: int, *, horizon: date | None, today: date) -> list[BoardDay]:
    """The columns from `start`: labels from the Jewish calendar, candle-lighting and havdalah
    at the area's reference point (no query: both are computed and cached in memory)."""
    labels = day_labels(start, days)
    times = zmanim.times_between(area_location(area), start, start + timedelta(days=days - 1))
    by_date = {t.date: t for t in times}
    columns = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        day_times = by_date.get(day)
        columns.append(
            BoardDay(
                date=day,
                iso=day.isoformat(),
                observances=labels[day]["observances"],
                evening_of=labels[day]["evening_of"],
                candle_lighting=day_times.candle_lighting if day_times else None,
                candles_after_nightfall=day_times.candle_lighting_after_nightfall if day_times else False,
                havdalah=day_times.havdalah if day_times else None,
                beyond_horizon=horizon is not None and day > horizon,
                is_today=day == today,
            )
        )
    return columns


def _row_count(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().annotate(row_count=Func(Value(1), function="COUNT")).values("row_count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _patrols_in_window(
    area: Area, start: date, days: int, filters: BoardFilters, *, counted: bool = True
) -> QuerySet[Patrol]:
    """The area's patrols starting on the local dates start..start+days-1, of the chosen kind and
    (needs officers) short of officers; `counted`: with officers and CST places counted."""
    tz = area.zone
    queryset = Patrol.objects.filter(
        area=area,
        starts_at__gte=local_midnight(start, tz),
        starts_at__lt=local_midnight(start + timedelta(days=days), tz),
    )
    if filters.patrol_kind:
        queryset = queryset.filter(kind=filters.patrol_kind)
    if not (counted or filters.needs_officers):
        return queryset
    patrol = OuterRef("pk")
    queryset = queryset.annotate(
        officers_assigned=_row_count(Assignment.objects.filter(patrol=patrol)),
        volunteers_filled=_row_count(
            VolunteerSlot.objects.filter(patrol=patrol, status__in=(SlotStatus.REQUESTED, SlotStatus.CONFIRMED))
        ),
    )
    if filters.needs_officers:
        queryset = queryset.filter(status=PatrolStatus.SCHEDULED, officers_assigned__lt=F("officers_required"))
    return queryset


def board_sites(
    area: Area, start: date, days: int, filters: BoardFilters, *, offset: int, limit: int
) -> tuple[list[Site], bool]:
    """A chunk of the board's site rows (by name), and whether more follow (one query). The rows:
    the area's active sites of the chosen kind and tier, and any other site with a patrol in the
    window; when the patrols are narrowed (a patrol kind, "needs officers"), only sites with such
    a patrol in the window."""
    in_window = _patrols_in_window(area, start, days, filters, counted=False).filter(site_id=OuterRef("pk"))
    sites = Site.objects.filter(area=area)
    if filters.site_kind:
        sites = sites.filter(kind=filters.site_kind)
    if filters.risk_tier is not None:
        sites = sites.filter(risk_tier=filters.risk_tier)
    sites = (
        sites.filter(Exists(in_window)) if filters.narrows_patrols else sites.filter(Q(active=True) | Exists(in_window))
    )
    rows = list(
        sites.order_by("name", "pk").only("pk", "name", "kind", "risk_tier", "active")[offset : offset + limit + 1]
    )
    return rows[:limit], len(rows) > limit


_FIELDS = (
    "id",
    "area_id",
    "site_id",
    "site__name",
    "kind",
    "status",
    "label",
    "pinned",
    "rule_id",
    "version",
    "starts_at",
    "ends_at",
    "officers_assigned",
    "officers_required",
    "volunteers_filled",
    "volunteers_required",
    "has_visit",
    "uplift_note",
    "replaces_note",
)


def board_patrols(
    area: Area, start: date, days: int, filters: BoardFilters, *, site_ids: list[int] | None = None
) -> list[BoardPatrol]:
    """The patrols in the window (of `site_ids`, or every site of the area), by start time, as
    plain rows with their officers and CST places counted (one query; no model instances, which
    cost more than the rest of the board together)."""
    queryset = _patrols_in_window(area, start, days, filters)
    if site_ids is not None:
        queryset = queryset.filter(site_id__in=site_ids)
    if filters.site_kind:
        queryset = queryset.filter(site__kind=filters.site_kind)
    if filters.risk_tier is not None:
        queryset = queryset.filter(site__risk_tier=filters.risk_tier)
    rows = (
        queryset.annotate(has_visit=Exists(Visit.objects.filter(patrol=OuterRef("pk"))))
        .order_by("starts_at", "site__name", "id")
        .values_list(*_FIELDS)
    )
    tz = area.zone
    return [_board_patrol(row, tz) for row in rows]


def _board_patrol(row: tuple, tz) -> BoardPatrol:
    starts, ends = row[10].astimezone(tz), row[11].astimezone(tz)
    status, kind = row[5], row[4]
    officers_assigned, officers_required, volunteers_filled, volunteers_required = row[12:16]
    scheduled = status == PatrolStatus.SCHEDULED
    start_text = f"{starts.hour:02d}:{starts.minute:02d}"
    return BoardPatrol(
        id=row[0],
        area_id=row[1],
        site_id=row[2],
        site_name=row[3],
        kind=kind,
        status=status,
        label=row[6],
        pinned=row[7],
        manual=row[8] is None,
        version=row[9],
        starts=starts,
        ends=ends,
        ends_at=row[11],
        officers_assigned=officers_assigned,
        officers_required=officers_required,
        volunteers_filled=volunteers_filled,
        volunteers_required=volunteers_required,
        has_visit=row[16],
        start_text=start_text,
        times_text=f"{start_text}–{ends.hour:02d}:{ends.minute:02d}",
        cancelled=status == PatrolStatus.CANCELLED,
        held=bool(officers_assigned or volunteers_filled or row[16]),
        officers_short=max(officers_required - officers_assigned, 0) if scheduled else 0,
        cst_short=max(volunteers_required - volunteers_filled, 0) if scheduled and kind == "joint" else 0,
        uplift_note=row[17],
        replaces_note=row[18],
    )


def patrols_by_site_and_day(patrols: list[BoardPatrol]) -> dict[int, dict[date, list[BoardPatrol]]]:
    grid: dict[int, dict[date, list[BoardPatrol]]] = defaultdict(lambda: defaultdict(list))
    for patrol in patrols:
        grid[patrol.site_id][patrol.starts.date()].append(patrol)
    return grid
