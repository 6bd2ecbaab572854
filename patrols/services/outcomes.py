"""How a patrol ended: completed (someone checked in) or missed (nobody did within
settings.MISSED_GRACE_MINUTES of its end); why a missed patrol was missed, as an inspector
records it; and the inspector's correction ("attended but not checked in", or back).

`patrols_mark_outcomes` runs every 15 minutes (Celery beat, patrols.tasks.mark_patrol_outcomes).
It is safe to run twice and in two workers at once: it moves only scheduled patrols, rows it
takes are locked (SKIP LOCKED, so two runs share the work), and each inspector's email is queued
once per patrol (the outbox's event key `missed:<patrol id>`).

Its status changes are written in bulk, as the generator's are, without a history row each:
they are the clock's, not a person's. The inspector's reason and corrections are recorded in
the patrol's history with who and why.

What the email says: the area, the day, that a patrol was missed, and a link to it — not the
site, its address or the time. Inspectors are police on police email, but a message saying
"nobody patrolled <site> at 10:00 on Saturday" names a High-risk site, the time police are
expected there and a gap in its cover; mail is forwarded, kept in phones and copied to other
systems, so that stays behind the sign-in, one tap away. The same rule as issue 11's messages to
volunteers keeps one habit for everything Shomer sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone

from notifications.models import NotificationKind
from notifications.services import notification_queue
from sites.history import save_with_history
from sites.models import RiskTier, Role

from ..models import MissedReason, Patrol, PatrolStatus, Visit
from ..my_day import rota_changed
from . import editing

if TYPE_CHECKING:
    from sites.history import Editor

# Patrols moved per transaction: a first run over years of past patrols stays in short steps.
OUTCOME_BATCH = 2000


@dataclass(frozen=True)
class OutcomeCounts:
    completed: int
    missed: int
    emails: int  # inspectors' emails queued about newly missed High-risk patrols


def _has_visit() -> Exists:
    return Exists(Visit.objects.filter(patrol=OuterRef("pk")))


def _take(queryset, now: datetime) -> list[int]:  # type: ignore[no-untyped-def]
    """The ids of a batch of `queryset`'s patrols, locked; rows another run holds are skipped."""
    return list(
        queryset.select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")
        .values_list("pk", flat=True)[:OUTCOME_BATCH]
    )


def _weeks_changed(ids: list[int]) -> None:
    """An update() sends no signals: the officers' kept My day weeks of these patrols' areas go."""
    rota_changed(area_ids=Patrol.objects.filter(pk__in=ids).values_list("area_id", flat=True).distinct())


def patrols_mark_outcomes(*, now: datetime) -> OutcomeCounts:
    """Every scheduled patrol that has ended by `now`: completed when someone checked in, missed
    when nobody did and its end plus MISSED_GRACE_MINUTES has passed. For each patrol newly
    missed at a High-risk (tier 1) site within MISSED_ALERT_MAX_AGE_HOURS of its end, an email
    to each inspector of its area (queued in the same transaction, once)."""
    grace = timedelta(minutes=settings.MISSED_GRACE_MINUTES)
    alert_since = now - timedelta(hours=settings.MISSED_ALERT_MAX_AGE_HOURS)
    ended = Patrol.objects.filter(status=PatrolStatus.SCHEDULED, ends_at__lte=now)
    completed = missed = emails = 0
    while True:
        with transaction.atomic():
            ids = _take(ended.filter(_has_visit()), now)
            if not ids:
                break
            completed += Patrol.objects.filter(pk__in=ids, status=PatrolStatus.SCHEDULED).update(
                status=PatrolStatus.COMPLETED, version=F("version") + 1, updated_at=now
            )
            _weeks_changed(ids)
    while True:
        with transaction.atomic():
            ids = _take(ended.filter(ends_at__lte=now - grace).exclude(_has_visit()), now)
            if not ids:
                break
            missed += Patrol.objects.filter(pk__in=ids, status=PatrolStatus.SCHEDULED).update(
                status=PatrolStatus.MISSED, version=F("version") + 1, updated_at=now
            )
            _weeks_changed(ids)
            alerts = Patrol.objects.filter(
                pk__in=ids, site__risk_tier=RiskTier.HIGH, ends_at__gte=alert_since - grace
            ).select_related("area")
            emails += sum(_alert_inspectors(patrol) for patrol in alerts)
    return OutcomeCounts(completed=completed, missed=missed, emails=emails)


def missed_email(patrol: Patrol) -> tuple[str, str]:
    """The subject and body of the inspectors' email about a missed patrol: the day, not the
    site or time (see the module's docstring)."""
    day = patrol.starts_at.astimezone(patrol.area.zone)
    day_text = f"{day:%A} {day.day} {day:%B %Y}"
    link = settings.SITE_URL + reverse("patrols:patrol", args=[patrol.pk])
    subject = f"Shomer: a patrol at a High-risk site was missed on {day_text}"
    body = (
        f"A patrol at a High-risk site in {patrol.area.name} on {day_text} was missed: nobody checked in "
        f"by {settings.MISSED_GRACE_MINUTES} minutes after its end.\n\n"
        f"See it, and record why it was missed, after signing in:\n{link}\n\n"
        "The site and time are not in this email on purpose: they stay in Shomer, behind the sign-in.\n"
    )
    return subject, body


def _alert_inspectors(patrol: Patrol) -> int:
    subject, body = missed_email(patrol)
    inspectors = (
        get_user_model()
        .objects.filter(memberships__area_id=patrol.area_id, memberships__group__name=Role.INSPECTOR, is_active=True)
        .distinct()
        .order_by("pk")
    )
    queued = 0
    for inspector in inspectors:
        if notification_queue(
            kind=NotificationKind.MISSED_PATROL,
            event_key=f"missed:{patrol.pk}",
            subject=subject,
            body=body,
            area=patrol.area,
            to_user=inspector,
            about=patrol,
        ):
            queued += 1
    return queued


@transaction.atomic
def patrol_record_missed(
    *, patrol: Patrol, by: Editor, reason: str, note: str = "", expected_version: int | None
) -> Patrol:
    """Record why a missed patrol was missed (MissedReason) with an optional one-line note; it can
    be recorded again to change it. Refused unless the patrol is missed."""
    if reason not in MissedReason.values:
        raise ValidationError({"reason": "Choose why the patrol was missed."}, code="invalid")
    current = editing.locked_patrol(patrol, expected_version)
    if current.status != PatrolStatus.MISSED:
        raise ValidationError(
            f"Only a missed patrol can have a reason recorded; this one is {current.get_status_display().lower()}.",
            code="not_missed",
        )
    current.missed_reason = reason
    current.missed_note = note.strip()
    current.version += 1
    said = MissedReason(reason).label
    save_with_history(
        current, by=by, reason=f"missed: {said}" + (f" ({current.missed_note})" if current.missed_note else "")
    )
    editing.copy_back(patrol, current)
    return patrol


@transaction.atomic
def patrol_correct_outcome(
    *, patrol: Patrol, by: Editor, status: str, note: str = "", expected_version: int | None
) -> Patrol:
    """An inspector's correction: a missed patrol was attended after all but nobody checked in
    (status COMPLETED; kept as reason "attended but not checked in"), or a patrol marked
    completed that way was missed after all (status MISSED). A patrol with a check-in stays
    completed."""
    current = editing.locked_patrol(patrol, expected_version)
    if status == PatrolStatus.COMPLETED:
        if current.status != PatrolStatus.MISSED:
            raise ValidationError("Only a missed patrol can be marked attended.", code="not_missed")
        current.status = PatrolStatus.COMPLETED
        current.missed_reason = MissedReason.NOT_RECORDED
        current.missed_note = note.strip()
        said = "completed after all: attended but not checked in"
    elif status == PatrolStatus.MISSED:
        if current.status != PatrolStatus.COMPLETED or current.missed_reason != MissedReason.NOT_RECORDED:
            raise ValidationError(
                "Only a patrol marked attended without a check-in can be marked missed again.", code="not_corrected"
            )
        if current.visits.exists():
            raise ValidationError("Someone checked in on this patrol; it was attended.", code="visited")
        current.status = PatrolStatus.MISSED
        current.missed_reason = ""
        current.missed_note = note.strip()
        said = "marked missed again"
    else:
        raise ValidationError({"status": "Choose completed or missed."}, code="invalid")
    current.version += 1
    save_with_history(current, by=by, reason=said + (f" ({current.missed_note})" if current.missed_note else ""))
    editing.copy_back(patrol, current)
    return patrol


@transaction.atomic
def patrol_completed_by_visit(
    patrol: Patrol, *, now: datetime | None = None, by: Editor = None, reason: str = ""
) -> bool:
    """For the check-in service, after it records a visit: a missed patrol (a late check-in,
    offline and within the limit) becomes completed, as does a scheduled one that has ended.
    A patrol under way stays scheduled (patrols_mark_outcomes completes it after its end).
    `by` and `reason` go into the history record (default: the system, "completed: checked in").
    True when it changed. Safe to call twice."""
    now = now or timezone.now()
    current = Patrol.objects.select_for_update().get(pk=patrol.pk)
    was_missed = current.status == PatrolStatus.MISSED
    if not (was_missed or (current.status == PatrolStatus.SCHEDULED and current.ends_at <= now)):
        return False
    current.status = PatrolStatus.COMPLETED
    current.missed_reason = ""
    current.missed_note = ""
    current.version += 1
    reason = reason or ("completed: checked in late" if was_missed else "completed: checked in")
    save_with_history(current, by=by, reason=reason)
    editing.copy_back(patrol, current)
    return True
