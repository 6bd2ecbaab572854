"""CST places (volunteer slots) on joint patrols: fill, confirm, decline, release.

A slot's life: open → requested (a coordinator asks a volunteer) → confirmed, or declined from
either. A declined slot keeps the volunteer who declined (the check constraint: only an open slot
is empty) but no longer holds a place, so the patrol gets an open slot in its stead; filling the
declined slot again (or releasing it) gives that place back. A requested or confirmed slot holds
the patrol: the generator never moves or cancels it (selectors.stored_patrols, `staffed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import Volunteer, VolunteerUnavailability
from sites.history import editor_user, save_with_history

from ..duties import local_dates
from ..models import Patrol, PatrolKind, PatrolStatus, SlotStatus, VolunteerSlot
from . import editing, invitations

if TYPE_CHECKING:
    from sites.history import Editor


def _locked_slot(slot: VolunteerSlot) -> tuple[VolunteerSlot, Patrol]:
    """The slot's current row and its patrol's, locked after the area's rota lock (as every hand
    edit of the area takes it). Call inside a transaction."""
    patrol = editing.locked_patrol(slot.patrol, None)
    # Only the slot's row is locked: its volunteer is joined (nullable, so not lockable on PostgreSQL).
    current = VolunteerSlot.objects.select_for_update(of=("self",)).select_related("volunteer").get(pk=slot.pk)
    current.patrol = patrol
    return current, patrol


def _refuse_unless_open_to_change(patrol: Patrol, *, now: datetime, filling: bool) -> None:
    """Places change only before the patrol starts; they are filled and confirmed only on a
    scheduled joint patrol (a cancelled one may still release or decline its volunteers)."""
    if patrol.starts_at <= now:
        raise ValidationError("This patrol has started; its CST places can no longer change.", code="past")
    if filling and patrol.status != PatrolStatus.SCHEDULED:
        raise ValidationError(
            f"This patrol is {patrol.get_status_display().lower()}; only a scheduled patrol's places can be filled.",
            code="not_scheduled",
        )
    if filling and patrol.kind != PatrolKind.JOINT:
        raise ValidationError("This is no longer a joint patrol with CST.", code="not_joint")


def _volunteer_error(volunteer: Volunteer, *, patrol: Patrol, now: datetime) -> ValidationError | None:
    """Why `volunteer` cannot be on `patrol` at all (area, active, CST card on the patrol's local
    date), keyed by the `volunteer` field; None when they can."""
    if volunteer.area_id != patrol.area_id:
        return ValidationError({"volunteer": f"{volunteer} is not a volunteer of {patrol.area}."}, code="other_area")
    if not volunteer.active:
        return ValidationError({"volunteer": f"{volunteer} is not active."}, code="inactive")
    tz = patrol.area.zone
    patrol_day = patrol.starts_at.astimezone(tz).date()
    if volunteer.card_expires < patrol_day:
        expiry = f"{volunteer.card_expires:%-d %b %Y}"
        if volunteer.card_expires < now.astimezone(tz).date():
            message = f"{volunteer.call_sign}'s CST card expired on {expiry}."
        else:
            message = f"{volunteer.call_sign}'s CST card expires on {expiry}, before this patrol."
        return ValidationError({"volunteer": message}, code="card_expired")
    return None


def _volunteer_unavailable_error(volunteer: Volunteer, *, patrol: Patrol) -> ValidationError | None:
    """The refusal for `volunteer` on `patrol` when they marked a local date of it (in the
    patrol's area time) as one they cannot do; None when they did not."""
    first, last = local_dates(patrol.starts_at, patrol.ends_at, patrol.area.zone)
    marked = (
        VolunteerUnavailability.objects.filter(volunteer=volunteer, on_date__range=(first, last))
        .order_by("on_date")
        .first()
    )
    if marked is None:
        return None
    note = f" ({marked.note})" if marked.note else ""
    return ValidationError(
        {"volunteer": f"{volunteer.call_sign} cannot patrol on {marked.on_date:%a %-d %b}{note}: marked unavailable."},
        code="unavailable",
    )


def _volunteer_overlap_error(volunteer: Volunteer, *, patrol: Patrol) -> ValidationError | None:
    """The refusal for `volunteer` on `patrol` when they are asked or confirmed on another
    overlapping patrol; None when they are free."""
    bookings = VolunteerSlot.objects.filter(
        volunteer=volunteer, status__in=(SlotStatus.REQUESTED, SlotStatus.CONFIRMED)
    )
    message = editing.clash_message(volunteer, bookings, patrol=patrol)
    return None if message is None else ValidationError({"volunteer": message}, code="overlap")


def _drop_team_leader(patrol: Patrol, volunteer: Volunteer | None, *, by: Editor) -> None:
    """A volunteer no longer confirmed on a patrol no longer leads its CST team there."""
    if volunteer is not None and patrol.cst_team_leader_id == volunteer.pk:
        patrol.cst_team_leader = None
        patrol.version += 1
        save_with_history(patrol, by=by, reason=f"team leader {volunteer.call_sign} no longer on it")


def _copy_slot_back(target: VolunteerSlot, source: VolunteerSlot) -> None:
    for field_ in VolunteerSlot._meta.concrete_fields:
        setattr(target, field_.attname, getattr(source, field_.attname))


@transaction.atomic
def slot_fill(*, slot: VolunteerSlot, volunteer: Volunteer, by: Editor) -> VolunteerSlot:
    """Ask a volunteer to take an open (or declined) CST place: the slot becomes `requested`.

    The volunteer is emailed in the same transaction (invitations.invitation_issue): the day, and
    their personal Accept / Decline links; earlier links of the place are withdrawn.

    Refused, saving nothing: a place already taken; a patrol not scheduled, not joint, or started;
    a volunteer of another area, inactive, or whose CST card runs out before the patrol's date;
    one already on this patrol; one who marked the patrol's date unavailable; one asked or
    confirmed on another patrol that overlaps it."""
    current, patrol = _locked_slot(slot)
    now = timezone.now()
    _refuse_unless_open_to_change(patrol, now=now, filling=True)
    if current.status not in (SlotStatus.OPEN, SlotStatus.DECLINED):
        raise ValidationError(
            f"This place is already {current.get_status_display().lower()} for {current.volunteer}; release it first.",
            code="taken",
        )
    # Locked, as assignment_create locks its officer: two fills of one volunteer run one at a time.
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    error = _volunteer_error(volunteer, patrol=patrol, now=now)
    if error is not None:
        raise error
    other = VolunteerSlot.objects.filter(patrol=patrol, volunteer=volunteer).exclude(pk=current.pk).first()
    if other is not None:
        if other.status == SlotStatus.DECLINED:
            message = f"{volunteer} declined this patrol; to ask them again, fill their declined place."
        else:
            message = f"{volunteer} is already on this patrol."
        raise ValidationError({"volunteer": message}, code="already_on_patrol")
    error = _volunteer_unavailable_error(volunteer, patrol=patrol) or _volunteer_overlap_error(volunteer, patrol=patrol)
    if error is not None:
        raise error
    current.volunteer = volunteer
    current.status = SlotStatus.REQUESTED
    current.confirmed_by, current.confirmed_at = None, None
    save_with_history(current, by=by, reason=f"requested {volunteer}")
    # A declined place filled again holds a place once more: the open slot added in its stead goes.
    editing.sync_patrol_slots(patrol, by=by)
    invitations.invitation_issue(slot=current, patrol=patrol, volunteer=volunteer, by=by)
    _copy_slot_back(slot, current)
    return slot


def _answer_reason(volunteer: Volunteer | None, *, did: str, from_link: bool) -> str:
    if from_link:
        return f"{did} by {volunteer.call_sign if volunteer else 'the volunteer'} from their link"
    return f"{did} {volunteer}" if did == "confirmed" else f"declined by {volunteer}"


@transaction.atomic
def slot_confirm(*, slot: VolunteerSlot, by: Editor, from_link: bool = False) -> VolunteerSlot:
    """The volunteer asked for a place has agreed: `requested` → `confirmed`, naming who confirmed
    it and when (no one when the volunteer answered from their link: `from_link`, `by` None).
    Refused when the volunteer can no longer patrol (inactive, card expired). The place's
    standing link is withdrawn: the ask is settled."""
    current, patrol = _locked_slot(slot)
    now = timezone.now()
    _refuse_unless_open_to_change(patrol, now=now, filling=True)
    if current.status != SlotStatus.REQUESTED:
        raise ValidationError(
            f"Only a requested place can be confirmed; this one is {current.get_status_display().lower()}.",
            code="not_requested",
        )
    volunteer = current.volunteer
    assert volunteer is not None  # a requested slot names its volunteer (the model's check constraint)
    error = _volunteer_error(volunteer, patrol=patrol, now=now)
    if error is not None:
        raise error
    current.status = SlotStatus.CONFIRMED
    current.confirmed_by, current.confirmed_at = editor_user(by), now
    save_with_history(current, by=by, reason=_answer_reason(volunteer, did="confirmed", from_link=from_link))
    invitations.invitations_revoke(slot=current, reason="the place was confirmed by a coordinator", now=now)
    _copy_slot_back(slot, current)
    return slot


@transaction.atomic
def slot_decline(*, slot: VolunteerSlot, by: Editor, from_link: bool = False) -> VolunteerSlot:
    """The volunteer asked (or confirmed) cannot come: the slot is `declined`, keeping who declined,
    and the patrol gets an open slot in its place (a declined slot holds no place). `from_link`:
    the volunteer said so from their link (`by` None). The place's standing link is withdrawn."""
    current, patrol = _locked_slot(slot)
    _refuse_unless_open_to_change(patrol, now=timezone.now(), filling=False)
    if current.status not in (SlotStatus.REQUESTED, SlotStatus.CONFIRMED):
        raise ValidationError(
            f"Only a requested or confirmed place can be declined; this one is {current.get_status_display().lower()}.",
            code="not_filled",
        )
    current.status = SlotStatus.DECLINED
    current.confirmed_by, current.confirmed_at = None, None
    save_with_history(current, by=by, reason=_answer_reason(current.volunteer, did="declined", from_link=from_link))
    invitations.invitations_revoke(slot=current, reason="the place was declined")
    _drop_team_leader(patrol, current.volunteer, by=by)
    editing.sync_patrol_slots(patrol, by=by)
    _copy_slot_back(slot, current)
    return slot


@transaction.atomic
def slot_release(*, slot: VolunteerSlot, by: Editor) -> VolunteerSlot:
    """Empty a place: back to `open`, no volunteer. Releasing a declined slot gives its place
    back, so the open slot added in its stead goes: the patrol keeps as many places as it needs
    (none once it is no longer joint)."""
    current, patrol = _locked_slot(slot)
    _refuse_unless_open_to_change(patrol, now=timezone.now(), filling=False)
    if current.status == SlotStatus.OPEN:
        raise ValidationError("This place is already open.", code="open")
    released = current.volunteer
    current.volunteer = None
    current.status = SlotStatus.OPEN
    current.confirmed_by, current.confirmed_at = None, None
    save_with_history(current, by=by, reason=f"released {released}")
    invitations.invitations_revoke(slot=current, reason="the place was released")
    _drop_team_leader(patrol, released, by=by)
    editing.sync_patrol_slots(patrol, by=by)
    _copy_slot_back(slot, current)
    return slot


@dataclass(frozen=True)
class AskOutcome:
    """What happened to one place of an "ask several": asked, or refused and why."""

    slot: VolunteerSlot
    volunteer: Volunteer
    asked: bool
    message: str


# An "ask several" of more places than this in one request is a mistake.
ASK_MANY_MAX = 50


def slots_fill_many(*, pairs: list[tuple[VolunteerSlot, Volunteer]], by: Editor) -> list[AskOutcome]:
    """Ask each volunteer for the place paired with them, in order, each place in its own
    transaction through `slot_fill` (and so emailed as one ask is): one refusal never undoes the
    others, and each is reported with the service's words. Refused as a whole, before anything is
    done: no pairs, more than ASK_MANY_MAX, a place or a volunteer named twice."""
    if not pairs:
        raise ValidationError("Choose at least one place and one volunteer.", code="empty")
    if len(pairs) > ASK_MANY_MAX:
        raise ValidationError(f"Ask for at most {ASK_MANY_MAX} places at a time.", code="too_many")
    if len({slot.pk for slot, _ in pairs}) < len(pairs) or len({volunteer.pk for _, volunteer in pairs}) < len(pairs):
        raise ValidationError("Name each place and each volunteer once.", code="duplicate")
    outcomes = []
    for slot, volunteer in pairs:
        try:
            slot_fill(slot=slot, volunteer=volunteer, by=by)
        except ValidationError as error:
            outcomes.append(AskOutcome(slot, volunteer, False, " ".join(error.messages)))
        else:
            outcomes.append(AskOutcome(slot, volunteer, True, f"{volunteer} asked."))
    return outcomes
