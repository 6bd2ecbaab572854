"""Officers on patrols."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from people.models import Officer
from sites.history import editor_user, save_with_history
from sites.models import Membership, Role

from ..models import Assignment, Patrol, PatrolStatus
from . import editing

if TYPE_CHECKING:
    from sites.history import Editor


@transaction.atomic
def assignment_create(*, patrol: Patrol, officer: Officer, by: Editor) -> Assignment:
    """Put an officer on a patrol. Refused, naming the other patrol, if they are already on one
    that overlaps it in time; refused for an officer without the officer role in the patrol's
    area. The patrol is re-read under the area's rota lock (a run never moves it meanwhile), and
    the officer locked, so two concurrent assignments of one officer cannot both pass the check.
    A patrol with an officer on it is held: the generator never moves or cancels it again."""
    current = editing.locked_patrol(patrol, None)
    officer = Officer.objects.select_for_update().get(pk=officer.pk)
    if not officer.active:
        raise ValidationError(f"{officer} is not active.")
    if current.status != PatrolStatus.SCHEDULED:
        raise ValidationError("Officers can only be assigned to a scheduled patrol.")
    rostered = Membership.objects.filter(user_id=officer.user_id, area_id=current.area_id, group__name=Role.OFFICER)
    if not rostered.exists():
        raise ValidationError(f"{officer} is not rostered as an officer in {current.area}.", code="not_rostered")
    if Assignment.objects.filter(patrol=current, officer=officer).exists():
        raise ValidationError(f"{officer} is already on this patrol.")
    error = editing.overlap_error(officer, patrol=current)
    if error is not None:
        raise error
    assignment = Assignment(patrol=current, officer=officer, assigned_by=editor_user(by))
    save_with_history(assignment, by=by, reason="assigned")
    editing.copy_back(patrol, current)
    return assignment
