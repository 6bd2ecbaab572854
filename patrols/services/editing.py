"""What every hand edit shares: the patrol locked after the area's lock, the overlap checks, the
places a patrol keeps, and copying the saved row back to the caller's object."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from people.models import Officer, Volunteer
from sites.history import delete_with_history, save_with_history

from ..models import Assignment, Patrol, PatrolKind, PatrolStatus, SlotStatus, VolunteerSlot
from .locks import area_lock

if TYPE_CHECKING:
    from sites.history import Editor


def places_wanted(kind: str, volunteers_required: int) -> int:
    """The CST places a patrol of `kind` keeps: its volunteers on a joint patrol, else none."""
    return volunteers_required if kind == PatrolKind.JOINT else 0


def locked_patrol(patrol: Patrol, expected_version: int | None) -> Patrol:
    """The patrol's current row, locked, after the area's rota lock (so a hand edit and a
    generator run of the area never interleave); refused if someone changed it since
    `expected_version`. Call inside a transaction."""
    area_lock(patrol.area_id)  # a patrol never changes area
    current = Patrol.objects.select_for_update().get(pk=patrol.pk)
    if expected_version is not None and current.version != expected_version:
        raise ValidationError(
            "Someone else changed this patrol while you were editing it. Reload it and try again.", code="stale"
        )
    return current


def clash_message(
    who: Officer | Volunteer, bookings: QuerySet[Assignment] | QuerySet[VolunteerSlot], *, patrol: Patrol
) -> str | None:
    """ "<who> is already on a patrol at <site> on <day> <start>–<end>, which overlaps this one",
    for the first of `bookings` (assignments or CST places, each with a `patrol`) on another
    scheduled patrol overlapping `patrol`'s times, in that patrol's area time; None if none."""
    clash = (
        bookings.filter(
            patrol__status=PatrolStatus.SCHEDULED,
            patrol__starts_at__lt=patrol.ends_at,
            patrol__ends_at__gt=patrol.starts_at,
        )
        .exclude(patrol_id=patrol.pk)
        .select_related("patrol__site", "patrol__area")
        .order_by("patrol__starts_at", "patrol_id")
        .first()
    )
    if clash is None:
        return None
    other = clash.patrol
    tz = other.area.zone
    begins, ends = other.starts_at.astimezone(tz), other.ends_at.astimezone(tz)
    return (
        f"{who} is already on a patrol at {other.site.name} on {begins:%a %-d %b} "
        f"{begins:%H:%M}–{ends:%H:%M}, which overlaps this one."
    )


def overlap_error(officer: Officer, *, patrol: Patrol) -> ValidationError | None:
    """The refusal for `officer` on `patrol` when they are on another overlapping patrol."""
    message = clash_message(officer, Assignment.objects.filter(officer=officer), patrol=patrol)
    return None if message is None else ValidationError(message, code="overlap")


def refuse_double_booking(patrol: Patrol) -> None:
    """Refuse a scheduled patrol whose (new) times overlap another patrol of an officer on it.
    The officers are locked (in id order), as assignment_create locks its officer, so a
    concurrent assignment of one of them elsewhere cannot slip past the check."""
    if patrol.status != PatrolStatus.SCHEDULED:
        return
    officers = Officer.objects.select_for_update().filter(assignments__patrol=patrol).order_by("pk")
    for officer in officers:
        error = overlap_error(officer, patrol=patrol)
        if error is not None:
            raise error


def sync_patrol_slots(patrol: Patrol, *, by: Editor) -> None:
    """After a hand edit of staffing: add open slots, or remove surplus open ones (with history)."""
    wanted = places_wanted(patrol.kind, patrol.volunteers_required)
    places = list(patrol.slots.exclude(status=SlotStatus.DECLINED).order_by("-id"))
    for _ in range(wanted - len(places)):
        save_with_history(VolunteerSlot(patrol=patrol), by=by, reason="place added")
    surplus = [slot for slot in places if slot.status == SlotStatus.OPEN][: max(0, len(places) - wanted)]
    for slot in surplus:
        delete_with_history(slot, by=by, reason="place no longer needed")


def copy_back(target: Patrol, source: Patrol) -> None:
    for field_ in Patrol._meta.concrete_fields:
        setattr(target, field_.attname, getattr(source, field_.attname))
