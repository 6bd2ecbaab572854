"""Reads of the coverage report: who may report on which area, and the report's rows.

Five queries whatever the number of patrols (the area is loaded by `reportable_area`): the
outcome counts per site and week and the officer-time per site and week are aggregated in SQL,
then the missed reasons' counts and their notes (the newest `MISSED_NOTES_SHOWN`), then the
sites' names. All of them read an area's patrols by start time, which the index
`patrol_area_starts_id` serves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    DurationField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Greatest, Least, TruncWeek
from django.db.models.lookups import GreaterThan
from django.http import Http404

from patrols.models import MissedReason, Patrol, PatrolKind, PatrolStatus, Visit
from sites.access import Access
from sites.models import Area, Role, Site

from .coverage import CountRow, MissedNote, MissedReasonRow, Outcome, Report, SiteRef, build_report

MISSED_NOTES_SHOWN = 100
REPORT_ROLES = (Role.INSPECTOR, Role.CST_COORDINATOR)


@dataclass(frozen=True)
class Scope:
    """What one user's report on one area covers: every patrol (inspectors, admins) or the joint
    patrols only (CST coordinators, DESIGN.md §6)."""

    area: Area
    joint_only: bool

    @property
    def label(self) -> str:
        return "joint patrols" if self.joint_only else "all patrols"


def reportable_areas(access: Access) -> QuerySet[Area]:
    """The areas `access` may report on, by name."""
    return access.scope(Area.objects.all(), *REPORT_ROLES, area_field="pk").order_by("name", "pk")


def reportable_area(access: Access, area_id: int) -> Scope:
    """The scope of `access`'s report on area `area_id`; Http404 outside it (another area, or no
    such area). The caller has checked the role (403 for a role with no report at all)."""
    area = reportable_areas(access).filter(pk=area_id).first()
    if area is None:
        raise Http404("No such area in your scope.")
    joint_only = not (access.is_admin or access.holds(Role.INSPECTOR, area.pk))
    return Scope(area=area, joint_only=joint_only)


def _local_midnight(day: date, area: Area) -> datetime:
    # A local midnight exists in every zone Shomer runs in (clocks change at 01:00/02:00).
    return datetime.combine(day, time(0), tzinfo=area.zone)


def _patrols(scope: Scope, start: date, end: date) -> QuerySet[Patrol]:
    """The scope's patrols starting on the local dates start..end (inclusive)."""
    patrols = Patrol.objects.filter(
        area=scope.area,
        starts_at__gte=_local_midnight(start, scope.area),
        starts_at__lt=_local_midnight(end + timedelta(days=1), scope.area),
    )
    if scope.joint_only:
        patrols = patrols.filter(kind=PatrolKind.JOINT)
    return patrols.order_by()


def coverage_report(scope: Scope, *, start: date, end: date, now: datetime) -> Report:
    """The coverage report of `scope` over local dates start..end (inclusive) as at `now`."""
    zone = scope.area.zone
    patrols = _patrols(scope, start, end)
    week = TruncWeek("starts_at", tzinfo=zone, output_field=DateField())
    visited = Exists(Visit.objects.filter(patrol=OuterRef("pk")))
    outcome = Case(
        When(status=PatrolStatus.CANCELLED, then=Value(Outcome.CANCELLED.value)),
        When(visited=True, then=Value(Outcome.DELIVERED.value)),
        When(status=PatrolStatus.MISSED, then=Value(Outcome.MISSED.value)),
        When(ends_at__lte=now, then=Value(Outcome.PENDING.value)),
        default=Value(Outcome.UPCOMING.value),
    )
    counts = (
        patrols.annotate(visited=visited)
        .annotate(week=week, outcome=outcome)
        .values("site_id", "week", "outcome")
        .annotate(patrols=Count("pk"))
    )

    # Officer-time: each visit clipped to its patrol's window; an open visit runs to the patrol's
    # end, or to now while the patrol is under way. Only delivered patrols have visits, but a
    # cancelled patrol's stray visit must not count: the same outcome rule as above.
    visit_start = Greatest("checked_in_at", "patrol__starts_at", output_field=DateTimeField())
    visit_end = Least(
        "checked_out_at",
        "patrol__ends_at",
        output_field=DateTimeField(),
    )
    open_end = Least("patrol__ends_at", Value(now, output_field=DateTimeField()), output_field=DateTimeField())
    visits = (
        Visit.objects.filter(patrol__in=patrols.exclude(status=PatrolStatus.CANCELLED).values("pk"))
        .annotate(
            clipped_start=visit_start,
            clipped_end=Case(
                When(checked_out_at__isnull=True, then=open_end), default=visit_end, output_field=DateTimeField()
            ),
        )
        .annotate(week=TruncWeek("patrol__starts_at", tzinfo=zone, output_field=DateField()))
        .values("patrol__site_id", "week")
        .annotate(
            seconds=Sum(
                Case(
                    When(
                        GreaterThan(F("clipped_end"), F("clipped_start")),
                        then=F("clipped_end") - F("clipped_start"),
                    ),
                    default=Value(timedelta(0)),
                    output_field=DurationField(),
                )
            )
        )
        .order_by()
    )
    officer_time: dict[tuple[int, date], float] = {
        (row["patrol__site_id"], _as_date(row["week"])): (row["seconds"] or timedelta(0)).total_seconds()
        for row in visits
    }

    rows = []
    for row in counts:
        key = (row["site_id"], _as_date(row["week"]))
        outcome_value = Outcome(row["outcome"])
        # All of a site-week's officer-time belongs to its delivered patrols.
        seconds = officer_time.pop(key, 0.0) if outcome_value is Outcome.DELIVERED else 0.0
        rows.append(CountRow(key[0], key[1], outcome_value, row["patrols"], seconds))

    labels = dict(MissedReason.choices)
    missed = patrols.filter(status=PatrolStatus.MISSED)
    reasons = [
        MissedReasonRow(row["missed_reason"], labels.get(row["missed_reason"], "No reason recorded"), row["patrols"])
        for row in missed.values("missed_reason").annotate(patrols=Count("pk")).order_by()
    ]
    notes = [
        MissedNote(
            day=row["starts_at"].astimezone(zone).date(),
            site_name=row["site__name"],
            reason_label=labels.get(row["missed_reason"], "No reason recorded"),
            note=row["missed_note"],
        )
        for row in missed.exclude(missed_note="")
        .order_by("-starts_at", "-pk")
        .values("starts_at", "site__name", "missed_reason", "missed_note")[:MISSED_NOTES_SHOWN]
    ]

    # The area's active sites (a site with nothing planned shows its zeros) and any other site
    # that had patrols in the range. A coordinator's report names only sites of joint patrols.
    site_ids = {row.site_id for row in rows}
    sites = Site.objects.filter(area=scope.area)
    sites = sites.filter(pk__in=site_ids) if scope.joint_only else sites.filter(Q(active=True) | Q(pk__in=site_ids))
    site_refs = [SiteRef(site_id, name) for site_id, name in sites.values_list("pk", "name")]
    return build_report(start=start, end=end, sites=site_refs, rows=rows, missed_reasons=reasons, missed_notes=notes)


def _as_date(value: date | datetime) -> date:
    # TruncWeek with a DateField output is a date on PostgreSQL, and may come back as a datetime
    # from other backends.
    return value.date() if isinstance(value, datetime) else value


__all__ = ["MISSED_NOTES_SHOWN", "REPORT_ROLES", "Scope", "coverage_report", "reportable_area", "reportable_areas"]
