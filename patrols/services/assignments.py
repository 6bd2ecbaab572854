"""Officers on patrols: putting one on (with the hard refusals and the soft warnings an inspector
may override with a reason) and taking one off."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import Absence, Officer
from sites.history import delete_with_history, editor_user, save_with_history
from sites.models import Membership, Role
from sites.validators import single_line_text

from .. import selectors
from ..duties import duty_warnings, local_dates
from ..models import Assignment, Patrol, PatrolStatus
from . import editing, officer_notices

if TYPE_CHECKING:
    from sites.history import Editor

# As long as Assignment.override_reason.
OVERRIDE_REASON_MAX_LENGTH = 200


class OverrideNeeded(ValidationError):
    """The assignment would break a soft rule of the area (a duty too long, too little rest):
    refused unless the inspector gives a reason to override. `warnings` are the sentences to show
    ("Duty would run 11 h 30 (07:00–18:30), over the area's 10 h limit")."""

    def __init__(self, warnings: list[str]) -> None:
        self.warnings = list(warnings)
        super().__init__(
            "Give a reason to override: " + "; ".join(self.warnings) + ".",
            code="needs_override",
        )


def _check_override_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) > OVERRIDE_REASON_MAX_LENGTH:
        raise ValidationError(
            {"override_reason": f"Keep the reason to {OVERRIDE_REASON_MAX_LENGTH} characters."}, code="max_length"
        )
    single_line_text(reason)
    return reason


def absence_error(officer: Officer, *, patrol: Patrol) -> ValidationError | None:
    """The refusal for `officer` on `patrol` when they are absent on any of its local dates."""
    first, last = local_dates(patrol.starts_at, patrol.ends_at, patrol.area.zone)
    absence = (
        Absence.objects.filter(officer=officer, starts_on__lte=last, ends_on__gte=first).order_by("starts_on").first()
    )
    if absence is None:
        return None
    note = f" ({absence.note})" if absence.note else ""
    return ValidationError(f"{officer} is away: {absence.summary}{note}.", code="absent")


@transaction.atomic
def assignment_create(
    *, patrol: Patrol, officer: Officer, by: Editor, override_reason: str = "", notify: bool = True
) -> Assignment:
    """Put an officer on a patrol.

    Refused (ValidationError, by code): "not_scheduled" a cancelled or finished patrol;
    "inactive" an inactive officer; "not_rostered" one without the officer role in the patrol's
    area; "duplicate" one already on it; "absent" one with an absence on any of the patrol's
    local dates; "overlap" one on another scheduled patrol overlapping it (named).
    Soft conflicts (patrols.duties: the duty running over the area's limit, too little rest
    before or after it) raise OverrideNeeded unless `override_reason` is given; then the officer
    is assigned and the reason kept on the assignment and in its history record.

    The patrol is re-read under the area's rota lock (a run never moves it meanwhile), and the
    officer locked, so two concurrent assignments of one officer — or an assignment and an
    absence — cannot both pass the checks. A patrol with an officer on it is held: the generator
    never moves or cancels it again (so it is not pinned here)."""
    override_reason = _check_override_reason(override_reason)
    current = editing.locked_patrol(patrol, None)
    officer = Officer.objects.select_for_update().select_related("user").get(pk=officer.pk)
    if not officer.active:
        raise ValidationError(f"{officer} is not active.", code="inactive")
    if current.status != PatrolStatus.SCHEDULED:
        raise ValidationError("Officers can only be assigned to a scheduled patrol.", code="not_scheduled")
    rostered = Membership.objects.filter(user_id=officer.user_id, area_id=current.area_id, group__name=Role.OFFICER)
    if not rostered.exists():
        raise ValidationError(f"{officer} is not rostered as an officer in {current.area}.", code="not_rostered")
    if Assignment.objects.filter(patrol=current, officer=officer).exists():
        raise ValidationError(f"{officer} is already on this patrol.", code="duplicate")
    for error in (absence_error(officer, patrol=current), editing.overlap_error(officer, patrol=current)):
        if error is not None:
            raise error
    others = selectors.officer_duty_context([officer.pk], patrol=current).get(officer.pk, [])
    warnings = [
        warning.message
        for warning in duty_warnings(
            selectors.interval_of(current), others, limits=selectors.duty_limits(current.area), tz=current.area.zone
        )
    ]
    if warnings and not override_reason:
        raise OverrideNeeded(warnings)
    kept_reason = override_reason if warnings else ""
    assignment = Assignment(patrol=current, officer=officer, assigned_by=editor_user(by), override_reason=kept_reason)
    history_reason = f"assigned, overriding: {'; '.join(warnings)}. Reason: {kept_reason}" if warnings else "assigned"
    save_with_history(assignment, by=by, reason=history_reason)
    if notify:
        officer_notices.notify_assigned(assignment=assignment, by=by)
    editing.copy_back(patrol, current)
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: Assignment, by: Editor, reason: str = "") -> None:
    """Take an officer off a patrol, with an optional reason for its history.

    Refused ("started") once the patrol has started: who was on a patrol is part of its record
    (visits, coverage reports) and stays as it was. Taken under the area's rota lock and the
    patrol's row lock, as every edit of the area's patrols is. A patrol nobody is on any more is
    no longer held: unless pinned, the generator may move or cancel it again. The officer is
    emailed that they are off it (queued in this transaction; see officer_notices)."""
    reason = reason.strip()
    if len(reason) > OVERRIDE_REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"Keep the reason to {OVERRIDE_REASON_MAX_LENGTH} characters."})
    single_line_text(reason)
    current = editing.locked_patrol(assignment.patrol, None)
    if current.starts_at <= timezone.now():
        begins = current.starts_at.astimezone(current.area.zone)
        raise ValidationError(
            f"This patrol started at {begins:%H:%M} on {begins:%a} {begins.day} {begins:%b}; "
            "who was on it stays on the record.",
            code="started",
        )
    stored = Assignment.objects.filter(pk=assignment.pk).select_related("officer__user").first()
    if stored is None:
        raise ValidationError("That officer is no longer on this patrol.", code="gone")
    officer_notices.notify_unassigned(assignment=stored, patrol=current, by=by)
    delete_with_history(stored, by=by, reason=f"removed: {reason}" if reason else "removed")
