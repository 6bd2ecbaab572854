"""Read path of the inspector's "Today" panel: an area's patrols of the local day, grouped by how
they stand — missed, due now, awaiting check-in, completed, later, cancelled — in one query."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef

from sites.models import Area

from .models import Patrol, PatrolStatus, Visit
from .planning import local_midnight

# A patrol is "due now" from this long before its start (the check-in window) until its end.
DUE_SOON_MINUTES = 30
# Missed patrols of the days before still without a reason stay on the panel this long (a patrol
# missed late at night is found, and emailed about, after midnight).
UNEXPLAINED_DAYS = 7


@dataclass
class TodayPanel:
    area: Area
    day: datetime
    missed: list[Patrol] = field(default_factory=list)
    due_now: list[Patrol] = field(default_factory=list)
    awaiting: list[Patrol] = field(default_factory=list)  # ended, nobody checked in yet, within grace
    completed: list[Patrol] = field(default_factory=list)
    later: list[Patrol] = field(default_factory=list)
    cancelled: list[Patrol] = field(default_factory=list)
    # Missed on the days before, no reason recorded yet (not counted in today's total).
    earlier_missed: list[Patrol] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(
            len(group)
            for group in (self.missed, self.due_now, self.awaiting, self.completed, self.later, self.cancelled)
        )


def today_panel(area: Area, now: datetime) -> TodayPanel:
    """The patrols of `area` starting on its local date at `now`, and the missed ones of the week
    before still without a reason (two queries)."""
    zone = area.zone
    today = area.today(now)
    start = local_midnight(today, zone)
    patrols = (
        Patrol.objects.filter(
            area=area, starts_at__gte=start, starts_at__lt=local_midnight(today + timedelta(days=1), zone)
        )
        .select_related("site")
        .annotate(checked_in=Exists(Visit.objects.filter(patrol=OuterRef("pk"))))
        .order_by("starts_at", "site__name", "id")
    )
    panel = TodayPanel(area=area, day=start)
    soon = now + timedelta(minutes=DUE_SOON_MINUTES)
    for patrol in patrols:
        patrol.local_starts = patrol.starts_at.astimezone(zone)
        patrol.local_ends = patrol.ends_at.astimezone(zone)
        # Formatted here: Django's template filters would show the server's zone, not the area's.
        patrol.times_text = f"{patrol.local_starts:%H:%M}–{patrol.local_ends:%H:%M}"  # type: ignore[attr-defined]
        if patrol.status == PatrolStatus.MISSED:
            panel.missed.append(patrol)
        elif patrol.status == PatrolStatus.COMPLETED:
            panel.completed.append(patrol)
        elif patrol.status == PatrolStatus.CANCELLED:
            panel.cancelled.append(patrol)
        elif patrol.ends_at <= now:
            # Ended, not yet marked: completed or missed at the next run (after the grace period).
            (panel.completed if patrol.checked_in else panel.awaiting).append(patrol)
        elif patrol.starts_at <= soon:
            panel.due_now.append(patrol)
        else:
            panel.later.append(patrol)
    earlier = (
        Patrol.objects.filter(
            area=area,
            status=PatrolStatus.MISSED,
            missed_reason="",
            starts_at__gte=local_midnight(today - timedelta(days=UNEXPLAINED_DAYS), zone),
            starts_at__lt=start,
        )
        .select_related("site")
        .order_by("starts_at", "id")
    )
    for missed in earlier:
        missed.local_starts = missed.starts_at.astimezone(zone)
        missed.local_ends = missed.ends_at.astimezone(zone)
        missed.times_text = f"{missed.local_starts:%a %-d %b %H:%M}–{missed.local_ends:%H:%M}"  # type: ignore[attr-defined]
        panel.earlier_missed.append(missed)
    return panel


def grace_minutes() -> int:
    return int(settings.MISSED_GRACE_MINUTES)
