"""The only writers of officers and volunteers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from sites.history import save_with_history

from .models import Volunteer

if TYPE_CHECKING:
    from sites.history import Editor


@transaction.atomic
def volunteer_create(*, by: Editor, **fields: Any) -> Volunteer:
    volunteer = Volunteer(**fields)
    save_with_history(volunteer, by=by, reason="created")
    return volunteer


@transaction.atomic
def volunteer_update(*, volunteer: Volunteer, by: Editor, **fields: Any) -> Volunteer:
    for name, value in fields.items():
        setattr(volunteer, name, value)
    save_with_history(volunteer, by=by, reason="edited")
    return volunteer


@transaction.atomic
def volunteer_set_active(*, volunteer: Volunteer, by: Editor, active: bool) -> Volunteer:
    """Deactivate rather than delete: slots on past patrols keep naming the volunteer."""
    volunteer.active = active
    save_with_history(volunteer, by=by, reason="reactivated" if active else "deactivated")
    return volunteer
