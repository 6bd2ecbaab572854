"""One action over many patrols (assign one officer, cancel, restore), each patrol on its own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import ValidationError
from django.db import transaction

from people.models import Officer

from ..models import Patrol
from .assignments import OverrideNeeded, assignment_create
from .patrols import patrol_cancel, patrol_restore

if TYPE_CHECKING:
    from sites.history import Editor

BulkAction = Literal["assign", "cancel", "restore"]
BULK_ACTIONS: tuple[str, ...] = ("assign", "cancel", "restore")
# A week of an area's busiest days is a few hundred patrols; more in one request is a mistake.
BULK_MAX_PATROLS = 500


@dataclass(frozen=True)
class BulkOutcome:
    """What happened to one patrol: `message` names it (site, day, time) and what was done or why not."""

    patrol: Patrol
    done: bool
    message: str


def describe_patrol(patrol: Patrol) -> str:
    """'Beth Test Synagogue, Sat 5 Dec 10:00–12:00' in the patrol's area time."""
    tz = patrol.area.zone
    begins, ends = patrol.starts_at.astimezone(tz), patrol.ends_at.astimezone(tz)
    return f"{patrol.site.name}, {begins:%a} {begins.day} {begins:%b} {begins:%H:%M}–{ends:%H:%M}"


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def patrols_bulk(
    *,
    action: BulkAction,
    patrols: Iterable[Patrol],
    by: Editor,
    officer: Officer | None = None,
    reason: str = "",
    override_reason: str = "",
) -> list[BulkOutcome]:
    """Assign `officer` to, cancel (with `reason`) or restore each of `patrols`, in time order.

    Each patrol is done in its own transaction by the one-patrol service (assignment_create,
    patrol_cancel, patrol_restore), so one refusal never undoes the others; the outcomes list
    every patrol, done or refused with the service's message. A warning that needs an override
    refuses that patrol unless `override_reason` is given (then it is kept on the assignment).
    Refused as a whole, before anything is done: an unknown action, no patrols or more than
    BULK_MAX_PATROLS, assigning with no officer, cancelling with no reason."""
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": "Choose assign, cancel or restore."}, code="invalid")
    chosen = sorted(patrols, key=lambda patrol: (patrol.starts_at, patrol.pk))
    if not chosen:
        raise ValidationError("Choose at least one patrol.", code="empty")
    if len(chosen) > BULK_MAX_PATROLS:
        raise ValidationError(f"Choose at most {BULK_MAX_PATROLS} patrols at a time.", code="too_many")
    if action == "assign" and officer is None:
        raise ValidationError({"officer": "Choose the officer to assign."}, code="required")
    if action == "cancel" and not reason.strip():
        raise ValidationError({"reason": "Say why the patrols are cancelled."}, code="required")
    outcomes = []
    for patrol in chosen:
        name = describe_patrol(patrol)
        try:
            with transaction.atomic():
                if action == "assign":
                    assert officer is not None
                    assignment_create(patrol=patrol, officer=officer, by=by, override_reason=override_reason)
                    done = f"{officer} assigned"
                elif action == "cancel":
                    patrol_cancel(patrol=patrol, by=by, reason=reason, expected_version=None)
                    done = "cancelled"
                else:
                    patrol_restore(patrol=patrol, by=by, expected_version=None)
                    done = "restored"
        except OverrideNeeded as error:
            outcomes.append(BulkOutcome(patrol, False, f"{name}: not done — {'; '.join(error.warnings)}."))
        except ValidationError as error:
            outcomes.append(BulkOutcome(patrol, False, f"{name}: not done — {_error_text(error)}"))
        else:
            outcomes.append(BulkOutcome(patrol, True, f"{name}: {done}."))
    return outcomes
