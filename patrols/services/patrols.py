"""Hand edits of patrols: move, re-staff, cancel, restore, add. Each validates, writes one patrol in
a transaction with its history record, and pins it so the generator never touches it again."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import Volunteer
from sites.history import save_with_history
from sites.models import Site

from ..models import Patrol, PatrolKind, PatrolStatus, RuleGenerationState, SlotStatus, VolunteerSlot
from . import editing, officer_notices
from .locks import area_lock

if TYPE_CHECKING:
    from sites.history import Editor

_EDITABLE_FIELDS = {"starts_at", "ends_at", "officers_required", "volunteers_required", "label", "kind", "site"}


@transaction.atomic
def patrol_update(*, patrol: Patrol, by: Editor, expected_version: int | None, **fields: Any) -> Patrol:
    """Edit a patrol's time, site, kind, staffing or label by hand. The patrol is pinned.

    Refused: a patrol that has started (its time and site), a new start in the past, a site of
    another area or an inactive one, and a new time that would put an officer on it on two
    overlapping patrols. A new time or site is emailed to the officers on it (officer_notices)."""
    unknown = set(fields) - _EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}.")
    current = editing.locked_patrol(patrol, expected_version)
    now = timezone.now()
    if current.starts_at <= now and ({"starts_at", "ends_at", "site"} & set(fields)):
        raise ValidationError("This patrol has started; its time and site can no longer change.", code="past")
    if "starts_at" in fields and fields["starts_at"] <= now:
        raise ValidationError({"starts_at": "A patrol cannot be moved to a time that has passed."}, code="past")
    site = fields.get("site")
    if site is not None and site.pk != current.site_id:
        if site.area_id != current.area_id:
            raise ValidationError({"site": "The site must be in the patrol's area."}, code="other_area")
        if not site.active:
            raise ValidationError({"site": f"{site.name} is not active."}, code="inactive")
    # A new time or site is a move the officers on the patrol are told of.
    moved = (
        ("starts_at" in fields and fields["starts_at"] != current.starts_at)
        or ("ends_at" in fields and fields["ends_at"] != current.ends_at)
        or (site is not None and site.pk != current.site_id)
    )
    before = officer_notices.duty_of(current) if moved else None
    for name, value in fields.items():
        setattr(current, name, value)
    if current.ends_at <= current.starts_at:
        raise ValidationError({"ends_at": "A patrol must end after it starts."})
    if current.kind == PatrolKind.POLICE:
        current.volunteers_required = 0
    if {"starts_at", "ends_at"} & set(fields):
        editing.refuse_double_booking(current)
    current.pinned = True
    current.version += 1
    save_with_history(current, by=by, reason="edited: " + ", ".join(sorted(fields)))
    editing.sync_patrol_slots(current, by=by)
    if before is not None:
        officer_notices.notify_moved(patrol=current, before=before, by=by)
        _replan_what_it_replaced(current)
    editing.copy_back(patrol, current)
    return patrol


def _replan_what_it_replaced(current: Patrol) -> None:
    """A patrol that replaced others (rule precedence: `replaces_note`) cancelled, moved or
    restored by hand: the area's next run re-plans its rules in full, so the patrols it replaced
    come back (or go again) — an incremental run would not look at their days again."""
    if current.replaces_note and current.rule_id is not None:
        RuleGenerationState.objects.filter(rule__area_id=current.area_id).delete()


@transaction.atomic
def patrol_cancel(*, patrol: Patrol, by: Editor, reason: str, expected_version: int | None) -> Patrol:
    """Cancel a patrol by hand (it stays, with its assignments and slots). The patrol is pinned.
    The officers on it are emailed (officer_notices)."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the patrol is cancelled."})
    current = editing.locked_patrol(patrol, expected_version)
    if current.status != PatrolStatus.SCHEDULED:
        raise ValidationError(f"Only a scheduled patrol can be cancelled; this one is {current.status}.")
    current.status = PatrolStatus.CANCELLED
    current.cancel_reason = reason.strip()[:200]
    current.cancelled_by_generator = False
    current.pinned = True
    current.version += 1
    save_with_history(current, by=by, reason=f"cancelled: {current.cancel_reason}")
    officer_notices.notify_cancelled(patrol=current, by=by)
    _replan_what_it_replaced(current)
    editing.copy_back(patrol, current)
    return patrol


@transaction.atomic
def patrol_restore(*, patrol: Patrol, by: Editor, expected_version: int | None) -> Patrol:
    """Put a cancelled patrol back on the rota by hand. The patrol is pinned. Refused when an
    officer still on it has since been put on another patrol that overlaps it. The officers still
    on it are emailed that it is back on (officer_notices)."""
    current = editing.locked_patrol(patrol, expected_version)
    if current.status != PatrolStatus.CANCELLED:
        raise ValidationError("Only a cancelled patrol can be restored.")
    current.status = PatrolStatus.SCHEDULED
    editing.refuse_double_booking(current)
    current.cancel_reason = ""
    current.cancelled_by_generator = False
    current.pinned = True
    current.version += 1
    save_with_history(current, by=by, reason="restored")
    officer_notices.notify_restored(patrol=current, by=by)
    _replan_what_it_replaced(current)
    editing.copy_back(patrol, current)
    return patrol


@transaction.atomic
def patrol_create_manual(
    *,
    site: Site,
    starts_at: datetime,
    ends_at: datetime,
    by: Editor,
    kind: str = PatrolKind.POLICE,
    officers_required: int = 1,
    volunteers_required: int = 0,
    label: str = "",
) -> Patrol:
    """Add a patrol no rule made (the generator never touches it); a joint one gets its open slots.
    Refused at an inactive site, or starting at a time that has passed."""
    if kind == PatrolKind.JOINT and volunteers_required < 1:
        raise ValidationError({"volunteers_required": "A joint patrol needs at least one CST volunteer."})
    if not site.active:
        raise ValidationError({"site": f"{site.name} is not active."}, code="inactive")
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": "A patrol cannot start at a time that has passed."}, code="past")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "A patrol must end after it starts."})
    area_lock(site.area_id)
    patrol = Patrol(
        area_id=site.area_id,
        site=site,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        officers_required=officers_required,
        volunteers_required=volunteers_required if kind == PatrolKind.JOINT else 0,
        label=label,
    )
    save_with_history(patrol, by=by, reason="created by hand")
    editing.sync_patrol_slots(patrol, by=by)
    return patrol


# A briefing is held at most this long before its patrol starts.
BRIEFING_MAX_LEAD = timedelta(hours=12)


@transaction.atomic
def patrol_set_briefing(
    *,
    patrol: Patrol,
    by: Editor,
    briefing_point: str,
    briefing_at: datetime | None,
    cst_team_leader: Volunteer | None,
    expected_version: int | None,
) -> Patrol:
    """Where and when police and CST meet before a joint patrol, and the CST team leader (an
    inspector of its area or a CST coordinator sets them; officers read them on My day). Blank
    values clear them. The patrol is pinned: the generator must not move it from its briefing.

    Refused: a police patrol, one not scheduled or already over, a briefing after the patrol
    starts or more than BRIEFING_MAX_LEAD before it, and a team leader who is not a volunteer
    confirmed on this patrol."""
    current = editing.locked_patrol(patrol, expected_version)
    if current.kind != PatrolKind.JOINT:
        raise ValidationError("Only a joint patrol with CST has a briefing.", code="not_joint")
    if current.status != PatrolStatus.SCHEDULED:
        raise ValidationError(
            f"This patrol is {current.get_status_display().lower()}: its briefing can no longer change.",
            code="not_scheduled",
        )
    if current.ends_at <= timezone.now():
        raise ValidationError("This patrol is over: its briefing can no longer change.", code="past")
    zone = current.area.zone
    if briefing_at is not None:
        if briefing_at > current.starts_at:
            starts = current.starts_at.astimezone(zone)
            raise ValidationError(
                {
                    "briefing_at": ValidationError(
                        f"The briefing must be before the patrol starts ({starts:%H:%M}).", code="after_start"
                    )
                }
            )
        if briefing_at < current.starts_at - BRIEFING_MAX_LEAD:
            hours = int(BRIEFING_MAX_LEAD.total_seconds() // 3600)
            raise ValidationError(
                {
                    "briefing_at": ValidationError(
                        f"The briefing must be at most {hours} hours before the patrol.", code="too_early"
                    )
                }
            )
    if cst_team_leader is not None:
        confirmed = VolunteerSlot.objects.filter(
            patrol=current, volunteer=cst_team_leader, status=SlotStatus.CONFIRMED
        ).exists()
        if not confirmed:
            raise ValidationError(
                {
                    "cst_team_leader": ValidationError(
                        f"{cst_team_leader} is not confirmed on this patrol.", code="not_confirmed"
                    )
                }
            )
    current.briefing_point = briefing_point.strip()
    current.briefing_at = briefing_at
    current.cst_team_leader = cst_team_leader
    current.pinned = True
    current.version += 1
    when = f"{briefing_at.astimezone(zone):%H:%M}" if briefing_at else "no time"
    leader = cst_team_leader.call_sign if cst_team_leader else "no team leader"
    save_with_history(current, by=by, reason=f"briefing: {when} at {current.briefing_point or 'no place'}; {leader}")
    editing.copy_back(patrol, current)
    return patrol
