"""Visits: an officer's check-in ("Arrived") and check-out ("Leaving") at a patrol's site.

Only the officer on a patrol checks in on it, from CHECK_IN_OPENS_MINUTES before its start until
its end. A phone makes a `client_id` for each check-in, so a retry, a double tap or an offline
check-in sent twice is answered with the visit already made — never a second one; an officer has
at most one open visit (checked in, not yet out) per patrol. A check-in made offline carries its
own time and is accepted when that time is within the window, not in the future and at most
CHECK_IN_LATE_LIMIT_HOURS old. A check-in on a patrol already marked missed (sent late from a
phone that had no signal) turns it completed.

A check-in locks its patrol's row, not the area's rota lock: an officer on the street must never
wait for a generator run, and a patrol with a visit is one the generator holds as it is.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from people.models import Officer
from sites.history import save_with_history

from .. import geo
from ..models import Assignment, Patrol, PatrolStatus, Visit

if TYPE_CHECKING:
    from sites.history import Editor

# A phone's clock may run a little ahead of the server's: a time this far in the future is taken
# as now rather than refused.
CLOCK_SKEW = timedelta(minutes=2)


def _field_error(field: str, message: str, code: str) -> ValidationError:
    """A refusal about one field of the request, keeping its code (a dict's own code is lost)."""
    return ValidationError({field: ValidationError(message, code=code)})


def _refuse_unless_the_officer(officer: Officer, by: Editor) -> None:
    """Nobody checks in or out for someone else (an inspector or coordinator neither)."""
    if by is None or getattr(by, "pk", None) != officer.user_id:
        raise ValidationError("Only the officer on a patrol can check in or out on it.", code="not_own")


def _moment(value: datetime | None, *, field: str, now: datetime) -> datetime:
    """The time a check-in or out happened: now, or the phone's own earlier time for one sent
    late — not in the future (beyond the clock skew), not older than the late limit."""
    if value is None:
        return now
    if timezone.is_naive(value):
        raise _field_error(field, "Give the time with its UTC offset.", "naive")
    if value > now + CLOCK_SKEW:
        raise _field_error(field, "This time is in the future.", "future")
    limit = settings.CHECK_IN_LATE_LIMIT_HOURS
    if value < now - timedelta(hours=limit):
        raise _field_error(field, f"This was more than {limit} hours ago; ask your inspector to record it.", "too_late")
    return min(value, now)


def _position(latitude: float | Decimal | None, longitude: float | Decimal | None) -> tuple[Decimal, Decimal] | None:
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        raise _field_error(
            "latitude" if latitude is None else "longitude",
            "Give both latitude and longitude, or neither.",
            "half_position",
        )
    return Decimal(str(round(float(latitude), 5))), Decimal(str(round(float(longitude), 5)))


def _local(moment: datetime, patrol: Patrol) -> str:
    return moment.astimezone(patrol.area.zone).strftime("%H:%M")


@transaction.atomic
def visit_check_in(
    *,
    patrol: Patrol,
    officer: Officer,
    by: Editor,
    client_id: UUID | None,
    checked_in_at: datetime | None = None,
    latitude: float | Decimal | None = None,
    longitude: float | Decimal | None = None,
    note: str = "",
) -> tuple[Visit, bool]:
    """Record that `officer` arrived at `patrol`'s site. Returns (visit, created): the visit made
    earlier with the same `client_id`, or the officer's open visit on this patrol, with False.

    Refused: someone other than the officer, an officer not on the patrol, a cancelled patrol, a
    time before the window opens or after the patrol ended, in the future or past the late limit,
    half a position, and a `client_id` already used for another patrol or officer."""
    _refuse_unless_the_officer(officer, by)
    now = timezone.now()
    # Serialises check-ins on one patrol: a double tap's two requests, or a retry racing the
    # first, meet here, and the second finds the first's visit.
    current = Patrol.objects.select_for_update(of=("self",)).select_related("site", "area").get(pk=patrol.pk)
    if client_id is not None:
        earlier = Visit.objects.filter(client_id=client_id).first()
        if earlier is not None:
            if earlier.officer_id != officer.pk or earlier.patrol_id != current.pk:
                raise _field_error("client_id", "This client_id was used for another check-in.", "reused")
            return earlier, False
    if not Assignment.objects.filter(patrol=current, officer=officer).exists():
        raise ValidationError("You are not on this patrol.", code="not_assigned")
    if current.status == PatrolStatus.CANCELLED:
        raise ValidationError("This patrol was cancelled: there is nothing to check in to.", code="cancelled")
    at = _moment(checked_in_at, field="checked_in_at", now=now)
    opens = current.starts_at - timedelta(minutes=settings.CHECK_IN_OPENS_MINUTES)
    if at < opens:
        raise ValidationError(
            f"Check-in opens at {_local(opens, current)}, {settings.CHECK_IN_OPENS_MINUTES} minutes before "
            "the patrol starts.",
            code="too_early",
        )
    if at > current.ends_at:
        raise ValidationError(
            f"This patrol ended at {_local(current.ends_at, current)}: it can no longer be checked in to.",
            code="ended",
        )
    open_visit = Visit.objects.filter(patrol=current, officer=officer, checked_out_at__isnull=True).first()
    if open_visit is not None:
        return open_visit, False
    position = _position(latitude, longitude)
    visit = Visit(
        patrol=current,
        officer=officer,
        checked_in_at=at,
        note=note.strip(),
        client_id=client_id,
    )
    if position is not None:
        visit.latitude, visit.longitude = position
        visit.distance_m = geo.distance_m(
            float(position[0]), float(position[1]), float(current.site.latitude), float(current.site.longitude)
        )
    visit.full_clean(exclude=["client_id"])  # its uniqueness: the IntegrityError below
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        raise _field_error("client_id", "This client_id was used for another check-in.", "reused") from None
    if current.status == PatrolStatus.MISSED:
        # Sent late from a phone without signal: the patrol was attended after all.
        current.status = PatrolStatus.COMPLETED
        current.missed_reason = ""
        current.missed_note = ""
        current.version += 1
        save_with_history(current, by=by, reason=f"completed: {officer} checked in at {_local(at, current)}")
    patrol.status, patrol.version = current.status, current.version
    return visit, True


@transaction.atomic
def visit_check_out(*, visit: Visit, by: Editor, checked_out_at: datetime | None = None, note: str = "") -> Visit:
    """Record that the officer left. Checking out a visit already checked out changes nothing and
    returns it (a double tap, a retry). Refused: someone other than the officer, a time before the
    check-in, in the future or past the late limit. A note is added to the check-in's."""
    current = Visit.objects.select_for_update(of=("self",)).select_related("officer", "patrol__area").get(pk=visit.pk)
    _refuse_unless_the_officer(current.officer, by)
    if current.checked_out_at is not None:
        return current
    now = timezone.now()
    at = _moment(checked_out_at, field="checked_out_at", now=now)
    if at < current.checked_in_at:
        arrived = _local(current.checked_in_at, current.patrol)
        raise _field_error("checked_out_at", f"You checked in at {arrived}: leaving comes after.", "before_check_in")
    current.checked_out_at = at
    note = note.strip()
    if note:
        current.note = f"{current.note}\n{note}" if current.note else note
    current.full_clean(exclude=["client_id"])
    current.save(update_fields=["checked_out_at", "note"])
    return current
