"""The only writers of staffing uplifts (calendar_rules.models.StaffingUplift). Each validates
fully, writes in a transaction with history, and says the area's uplifts changed — the generator
(a higher room: patrols) listens and queues a run of the area, which raises (or lowers again)
the patrols it plans."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from sites.history import save_with_history
from sites.signals import SETTINGS_TRIGGER, area_plan_changed

from .models import StaffingUplift, UpliftMode

if TYPE_CHECKING:
    from sites.history import Editor

STALE_UPLIFT_MESSAGE = "This uplift was changed by someone else since you opened it; reload to see their changes."


class StaleUplift(ValidationError):
    def __init__(self) -> None:
        super().__init__({"version": STALE_UPLIFT_MESSAGE}, code="stale")


def uplift_check(uplift: StaffingUplift) -> None:
    """What the model's fields cannot say alone: an uplift applies at some time and raises something."""
    errors: dict[str, list[str]] = {}
    if not (uplift.during_surge or uplift.observance_categories or uplift.observance_keys or uplift.periods):
        errors["observance_categories"] = [
            "Choose the observances or periods it applies on, or that it applies while the alert level is raised."
        ]
    if uplift.during_surge and (uplift.observance_categories or uplift.observance_keys or uplift.periods):
        errors["during_surge"] = [
            "An uplift applies either while the alert level is raised or on observances and periods, "
            "not both: make two uplifts."
        ]
    if not (uplift.officers_value or uplift.cst_places):
        errors["officers_value"] = ["Raise the officers or give CST places: this uplift changes nothing."]
    if uplift.officers_mode == UpliftMode.AT_LEAST and uplift.officers_value == 0 and uplift.cst_places:
        uplift.officers_mode = UpliftMode.ADD  # "at least 0 officers" says nothing
    if errors:
        raise ValidationError(errors)


def _save(uplift: StaffingUplift, *, by: Editor, reason: str) -> None:
    uplift.full_clean()
    uplift_check(uplift)
    save_with_history(uplift, by=by, reason=reason)
    area_plan_changed.send(sender=StaffingUplift, area=uplift.area, trigger=SETTINGS_TRIGGER, by=by)


@transaction.atomic
def uplift_create(*, by: Editor, **fields: Any) -> StaffingUplift:
    """Create an uplift (e.g. "High Holy Days: tier 1 and 2, +1 officer, joint with 2 CST places")."""
    uplift = StaffingUplift(**fields)
    _save(uplift, by=by, reason="created")
    return uplift


@transaction.atomic
def uplift_update(*, uplift: StaffingUplift, by: Editor, expected_version: int, **fields: Any) -> StaffingUplift:
    """Change an uplift opened at `expected_version` (deactivate it with `active=False`); a stale
    edit raises `StaleUplift` and writes nothing."""
    stored = StaffingUplift.objects.select_for_update().get(pk=uplift.pk)
    if int(expected_version) != stored.version:
        raise StaleUplift()
    if "area" in fields and fields["area"] != stored.area:
        raise ValidationError({"area": ["An uplift cannot move to another area; make a new one there instead."]})
    for name, value in fields.items():
        setattr(uplift, name, value)
    uplift.version = stored.version + 1
    try:
        changed = "deactivated" if stored.active and not uplift.active else "edited"
        _save(uplift, by=by, reason="reactivated" if uplift.active and not stored.active else changed)
    except ValidationError:
        uplift.version = stored.version
        raise
    return uplift
