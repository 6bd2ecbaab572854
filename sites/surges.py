"""The only writers of an area's alert level (sites.models.AreaSurge): raising it, ending it early,
and the expiry of surges whose end has passed.

Each change is one transaction that also queues a run of the area (the `area_plan_changed`
signal; the patrols room queues the run, enqueued once the change commits): raising it makes the
area's surge rules active for patrols starting in [raised_at, ends_at), so the run adds their
patrols; ending it makes them inactive again, so the run cancels the patrols the surge added —
except those someone is on, which the generator holds (DESIGN.md §4).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .history import editor_user
from .models import Area, AreaSurge
from .signals import SURGE_TRIGGER, area_plan_changed

if TYPE_CHECKING:
    from .history import Editor

# How long a raised alert level lasts unless the inspector says otherwise, and the longest it may
# be raised for at once: it falls back by itself, and a longer need is raised again on purpose.
SURGE_DEFAULT_HOURS = 72
SURGE_MAX_DAYS = 14

NOT_RAISED_MESSAGE = "The alert level of this area is not raised."


def surge_default_end(now: datetime) -> datetime:
    return now + timedelta(hours=SURGE_DEFAULT_HOURS)


@transaction.atomic
def surge_raise(
    *, area: Area, by: Editor, reason: str, ends_at: datetime | None = None, now: datetime | None = None
) -> AreaSurge:
    """Raise `area`'s alert level from `now` until `ends_at` (default SURGE_DEFAULT_HOURS later;
    it must be in the future and at most SURGE_MAX_DAYS away) for `reason`, and queue a run.
    Refused (ValidationError, nothing written) when the level is already raised."""
    now = now or timezone.now()
    ends_at = ends_at or surge_default_end(now)
    if ends_at <= now:
        raise ValidationError({"ends_at": "The end must be in the future."}, code="ends_past")
    if ends_at > now + timedelta(days=SURGE_MAX_DAYS):
        raise ValidationError(
            {"ends_at": f"The alert level can be raised for at most {SURGE_MAX_DAYS} days at once."},
            code="ends_too_late",
        )
    # The area's row is the lock two inspectors raising at once queue on (the second then sees
    # the first's surge and is refused by the one-open-surge constraint's check).
    Area.objects.select_for_update().filter(pk=area.pk).first()
    surge = AreaSurge(area=area, reason=reason.strip(), raised_by=editor_user(by), raised_at=now, ends_at=ends_at)
    surge.full_clean()
    surge.save()
    area_plan_changed.send(sender=AreaSurge, area=area, trigger=SURGE_TRIGGER, by=by)
    return surge


@transaction.atomic
def surge_end(*, area: Area, by: Editor, now: datetime | None = None) -> AreaSurge:
    """End `area`'s raised alert level now (an inspector's decision) and queue a run; refused
    (ValidationError) when it is not raised."""
    surge = AreaSurge.objects.select_for_update().filter(area=area, ended_at__isnull=True).first()
    if surge is None:
        raise ValidationError(NOT_RAISED_MESSAGE, code="not_raised")
    now = now or timezone.now()
    surge.ended_at = min(now, surge.ends_at)
    surge.ended_by = editor_user(by)
    surge.save(update_fields=["ended_at", "ended_by"])
    area_plan_changed.send(sender=AreaSurge, area=area, trigger=SURGE_TRIGGER, by=by)
    return surge


def surges_expire(*, now: datetime | None = None) -> list[AreaSurge]:
    """Close every open surge whose end has passed (ended at its `ends_at`, by no one: it expired)
    and queue a run of each area, one transaction per area. Safe to run twice, or in two
    processes at once: a surge is closed only while it is still open, under its row's lock."""
    now = now or timezone.now()
    expired = []
    due = AreaSurge.objects.filter(ended_at__isnull=True, ends_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            surge = (
                AreaSurge.objects.select_for_update()
                .select_related("area")
                .filter(pk=pk, ended_at__isnull=True, ends_at__lte=now)
                .first()
            )
            if surge is None:
                continue  # ended meanwhile, by an inspector or another process
            surge.ended_at = surge.ends_at
            surge.save(update_fields=["ended_at"])
            area_plan_changed.send(sender=AreaSurge, area=surge.area, trigger=SURGE_TRIGGER, by=None)
        expired.append(surge)
    return expired
