"""Read paths for patrol rules and the calendar: querysets shaped for a page or endpoint, and
loaders that turn rows into the frozen inputs of the pure modules."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.db.models import QuerySet

from sites.access import Access
from sites.models import Area, Role, Site, SiteService

from . import jewish_calendar, zmanim
from .dates import RULE_LAST_DAY
from .locations import area_location as area_location  # re-exported for the pages and the generator
from .models import PatrolRule, SiteSelection, StaffingUplift
from .occurrences import PreviewRow, ServiceTime, preview
from .staffing import UpliftToApply

# A preview looks this far ahead for the next occurrences (a yearly rule shows at least one).
PREVIEW_DAYS = 366
PREVIEW_LIMIT = 20


def rules_for_inspection(access: Access) -> QuerySet[PatrolRule]:
    """Every rule of the areas the user inspects (all of them for an admin), with their area
    and chosen sites loaded (two queries however many rules)."""
    return access.scope(PatrolRule.objects.select_related("area").prefetch_related("sites"), Role.INSPECTOR)


def active_rules(area: Area) -> list[PatrolRule]:
    """The active rules of an area, in label order."""
    return list(PatrolRule.objects.filter(area=area, active=True).order_by("label", "pk"))


def resolve_sites(
    rule: PatrolRule, links: dict[int, set[int]], kinds_of: dict[int, str], tiers_of: dict[int, int] | None = None
) -> tuple[int, ...]:
    """The ids of the active sites a rule patrols, given its chosen sites (`links`: rule id ->
    site ids) and the active sites of its area (`kinds_of`: site id -> kind; `tiers_of`: site id
    -> risk tier, for a rule choosing by kind and tier)."""
    if rule.site_selection == SiteSelection.KINDS:
        wanted = set(rule.site_kinds)
        tiers = set(rule.site_risk_tiers or ())
        return tuple(
            sorted(
                site_id
                for site_id, kind in kinds_of.items()
                if kind in wanted and (not tiers or tiers_of is None or tiers_of.get(site_id) in tiers)
            )
        )
    return tuple(sorted(site_id for site_id in links.get(rule.pk, ()) if site_id in kinds_of))


def active_rules_with_sites(area: Area) -> list[tuple[PatrolRule, tuple[int, ...]]]:
    """For each active rule of `area`, the ids of the active sites it patrols, in id order (only
    sites of its own area; an inactive site is skipped): the generator's load of an area.

    Two queries: the rules, and the area's active sites joined to the rules that chose them.
    """
    rules = active_rules(area)
    kinds_of: dict[int, str] = {}
    tiers_of: dict[int, int] = {}
    links: dict[int, set[int]] = defaultdict(set)
    rows = Site.objects.filter(area=area, active=True).values_list("id", "kind", "risk_tier", "patrol_rules")
    for site_id, kind, tier, rule_id in rows:
        kinds_of[site_id] = kind
        tiers_of[site_id] = tier
        if rule_id is not None:
            links[rule_id].add(site_id)
    return [(rule, resolve_sites(rule, links, kinds_of, tiers_of)) for rule in rules]


def site_services(area: Area) -> dict[int, tuple[ServiceTime, ...]]:
    """The services of the active sites of `area`, by site id (one query): a service rule's
    windows (occurrences.expand_rule)."""
    by_site: dict[int, list[ServiceTime]] = defaultdict(list)
    for service in SiteService.objects.filter(site__area=area, site__active=True).order_by("site_id", "day", "part"):
        by_site[service.site_id].append(
            ServiceTime(
                day=service.day,
                part=service.part,
                start_anchor=service.start_anchor,
                start_time=service.start_time,
                start_offset_minutes=service.start_offset_minutes,
                duration_minutes=service.duration_minutes,
                end_time=service.end_time,
                label=service.label,
            )
        )
    return {site_id: tuple(rows) for site_id, rows in by_site.items()}


def uplifts_to_apply(area: Area) -> tuple[UpliftToApply, ...]:
    """The active staffing uplifts of `area`, as the generator and the preview apply them (one query)."""
    return tuple(
        UpliftToApply(
            label=uplift.label,
            categories=frozenset(uplift.observance_categories or ()),
            keys=frozenset(uplift.observance_keys or ()),
            periods=frozenset(uplift.periods or ()),
            during_surge=uplift.during_surge,
            site_kinds=frozenset(uplift.site_kinds or ()),
            risk_tiers=frozenset(uplift.risk_tiers or ()),
            officers_mode=uplift.officers_mode,
            officers_value=uplift.officers_value,
            cst_places=uplift.cst_places,
        )
        for uplift in StaffingUplift.objects.filter(area=area, active=True).order_by("label")
    )


def sites_for_preview(
    *, area: Area, site_selection: str, sites=(), site_kinds=(), risk_tiers=()
) -> list[tuple[int, str]]:
    """(id, name) of the active sites an unsaved rule would patrol, in its own area: one query."""
    queryset = Site.objects.filter(area=area, active=True)
    if site_selection == SiteSelection.KINDS:
        queryset = queryset.filter(kind__in=list(site_kinds))
        if risk_tiers:
            queryset = queryset.filter(risk_tier__in=list(risk_tiers))
    else:
        queryset = queryset.filter(pk__in=[getattr(site, "pk", site) for site in sites])
    return list(queryset.order_by("name").values_list("id", "name"))


def preview_rule(
    rule: PatrolRule, *, sites, today: date, days: int = PREVIEW_DAYS, limit: int = PREVIEW_LIMIT
) -> list[PreviewRow]:
    """The next patrols an (unsaved or saved) rule would make from `today`: one query for its sites.
    Nothing after the rules' span (calendar_rules.dates): a rule saved before the span was
    enforced, valid from the year 9999, shows no patrols rather than overflowing the date."""
    start = max(today, rule.valid_from)
    if start > RULE_LAST_DAY:
        return []
    days = min(days, (RULE_LAST_DAY - start).days)
    site_pairs = sites_for_preview(
        area=rule.area,
        site_selection=rule.site_selection,
        sites=sites,
        site_kinds=rule.site_kinds,
        risk_tiers=rule.site_risk_tiers,
    )
    spec = rule.as_spec()
    services = site_services(rule.area) if spec.uses_services else {}
    rows = preview(
        spec, area_location(rule.area), start, start + timedelta(days=days), site_pairs, limit, services=services
    )
    result = PreviewRows(_with_replacements(rule, _with_staffing(rule, rows), site_pairs))
    if spec.uses_services:
        result.without_service = [
            name
            for site_id, name in site_pairs
            if not any(service.part == spec.service_part for service in services.get(site_id, ()))
        ]
    return result


class PreviewRows(list):
    """A rule's preview rows, and the chosen sites holding no service of the kind the rule
    follows (they get no patrol from it)."""

    without_service: list[str] = []


def _with_staffing(rule: PatrolRule, rows: list[PreviewRow]) -> list[PreviewRow]:
    """Each row with the rule's staffing raised by the area's uplifts, as the generator raises
    it (surge uplifts aside: they depend on the moment a surge is open). Two queries with
    uplifts, one without."""
    uplifts = [uplift for uplift in uplifts_to_apply(rule.area) if not uplift.during_surge] if rule.area_id else []
    facts = (
        dict(
            (pk, (kind, tier))
            for pk, kind, tier in Site.objects.filter(area=rule.area).values_list("id", "kind", "risk_tier")
        )
        if uplifts
        else {}
    )
    staffed = []
    for row in rows:
        kind, officers, volunteers = rule.kind, rule.officers_required, rule.volunteers_required
        notes = []
        site_kind, tier = facts.get(row.site_id or 0, ("", 0))
        for uplift in uplifts:
            if row.site_id is None or row.for_date is None:
                break
            if not (uplift.applies_at(site_kind, tier) and uplift.applies_on(row.for_date)):
                continue
            raised = uplift.raise_staffing(kind, officers, volunteers)
            if raised != (kind, officers, volunteers):
                kind, officers, volunteers = raised
                notes.append(uplift.note())
        staffed.append(replace(row, kind=kind, officers=officers, volunteers=volunteers, uplift_note="; ".join(notes)))
    return staffed


def _with_replacements(rule: PatrolRule, rows: list[PreviewRow], site_pairs) -> list[PreviewRow]:
    """Each row with what it replaces, as the generator settles precedence: the overlapping
    patrols the area's active rules of lower precedence would make at the same site ("Replaces
    Daily patrol: synagogues 08:00–09:00"). Nothing for a rule of precedence 0; otherwise the
    other rules previewed over the same days (two queries)."""
    sited = [row for row in rows if row.site_id is not None]
    if not rule.precedence or not rule.area_id or not sited:
        return rows
    wanted = {row.site_id for row in sited}
    names = dict(site_pairs)
    first = min(row.local_start for row in sited).date() - timedelta(days=1)
    last = max(row.local_end for row in sited).date() + timedelta(days=1)
    lower: dict[int, list[PreviewRow]] = defaultdict(list)
    services: dict | None = None
    for other, site_ids in active_rules_with_sites(rule.area):
        if other.pk == rule.pk or other.precedence >= rule.precedence:
            continue
        spec = other.as_spec()
        pairs = [(site_id, names.get(site_id, "")) for site_id in site_ids if site_id in wanted]
        if not pairs:
            continue
        if spec.uses_services and services is None:
            services = site_services(rule.area)
        found = preview(spec, area_location(rule.area), first, last, pairs, 1000, services=services or {})
        for row in found:
            if row.site_id is not None:
                lower[row.site_id].append(replace(row, label=other.label))
    if not lower:
        return rows
    marked = []
    for row in rows:
        replaced = [
            f"{other.label} {other.local_start:%H:%M}–{other.local_end:%H:%M}"
            for other in lower.get(row.site_id or 0, ())
            if other.local_start < row.local_end and row.local_start < other.local_end
        ]
        marked.append(replace(row, replaces_note="Replaces " + ", ".join(replaced)) if replaced else row)
    return marked


# ---- the calendar ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One civil day of an area's calendar: its observances and times. `periods` are the named
    periods (High Holy Days, autumn festivals) the day falls in."""

    date: date
    observances: tuple[jewish_calendar.Observance, ...]
    times: zmanim.DayTimes
    periods: tuple[jewish_calendar.Period, ...]


def calendar_days(location: zmanim.Location, start: date, end: date) -> list[CalendarDay]:
    """Every day from `start` to `end` inclusive at `location` (cached in the pure modules)."""
    by_day: dict[date, list] = defaultdict(list)
    for observance in jewish_calendar.observances_between(start, end):
        by_day[observance.date].append(observance)
    periods = jewish_calendar.periods_between(start, end)
    return [
        CalendarDay(
            date=times.date,
            observances=tuple(by_day.get(times.date, ())),
            times=times,
            periods=tuple(p for p in periods if p.start <= times.date <= p.end),
        )
        for times in zmanim.times_between(location, start, end)
    ]


# Categories worth a line in "coming up": the days that change an area's patrols.
COMING_UP_CATEGORIES = ("yom_tov", "erev", "fast")


def coming_up(today: date, *, days: int = 120, limit: int = 12):
    """The named periods not yet over, and the next yom tov / erev / fast days, from `today`."""
    periods = [p for p in jewish_calendar.periods_between(today, today + timedelta(days=days + 250)) if p.end >= today]
    observances = [
        o
        for o in jewish_calendar.observances_between(today, today + timedelta(days=days))
        if o.category in COMING_UP_CATEGORIES
    ]
    return periods[:2], observances[:limit]
