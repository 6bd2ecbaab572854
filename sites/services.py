"""The only writers of areas and sites."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction

from .history import save_with_history
from .models import Area, Membership, Role, Site
from .signals import SETTINGS_TRIGGER, area_plan_changed

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser

    from .history import Editor


@transaction.atomic
def site_create(*, by: Editor, **fields: Any) -> Site:
    """Create a site after full validation; its first history record names `by`."""
    site = Site(**fields)
    save_with_history(site, by=by, reason="created")
    return site


@transaction.atomic
def site_update(*, site: Site, by: Editor, **fields: Any) -> Site:
    for name, value in fields.items():
        setattr(site, name, value)
    save_with_history(site, by=by, reason="edited")
    return site


@transaction.atomic
def site_set_active(*, site: Site, by: Editor, active: bool) -> Site:
    """Deactivate (or reactivate) a site. Sites are never hard-deleted: patrols and history
    refer to them."""
    site.active = active
    save_with_history(site, by=by, reason="reactivated" if active else "deactivated")
    return site


@transaction.atomic
def membership_grant(*, user: AbstractUser, area: Area, role: str) -> Membership:
    """Give `user` the role (the group of that name) in `area`; idempotent."""
    from django.contrib.auth.models import Group

    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}; expected one of {', '.join(Role.values)}.")
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    membership, _ = Membership.objects.get_or_create(user=user, area=area, group=group)
    return membership


STALE_AREA_MESSAGE = "These settings were changed by someone else since you opened them; reload to see their changes."


class StaleVersion(ValidationError):
    """An edit started from an older version of the area's settings than the one now stored."""

    def __init__(self) -> None:
        super().__init__({"version": STALE_AREA_MESSAGE}, code="stale")


@transaction.atomic
def area_update(*, area: Area, by: Editor, expected_version: int, **fields: Any) -> Area:
    """Apply `fields` (of Area.SETTINGS_FIELDS) to the settings an inspector opened at
    `expected_version`. The stored row is locked and its version compared first: if someone saved
    the settings since, `StaleVersion` is raised and nothing is written. A change is validated
    fully, raises the version, leaves a history record naming the settings changed, and — when it
    changes one a run plans from (Area.PLANNING_FIELDS) — queues a run of the area."""
    unknown = set(fields) - set(Area.SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not an area setting: {', '.join(sorted(unknown))}")
    stored = Area.objects.select_for_update().get(pk=area.pk)
    if int(expected_version) != stored.version:
        raise StaleVersion()
    changed = [name for name, value in fields.items() if _setting_value(stored, name) != _setting_value(value, None)]
    if not changed:
        return stored
    for name in changed:
        setattr(stored, name, fields[name])
    stored.version += 1
    labels = ", ".join(str(getattr(Area._meta.get_field(name), "verbose_name", name)) for name in changed)
    save_with_history(stored, by=by, reason=f"changed {labels}")
    if set(changed) & set(Area.PLANNING_FIELDS):
        area_plan_changed.send(sender=Area, area=stored, trigger=SETTINGS_TRIGGER, by=by)
    return stored


def _setting_value(source: Any, name: str | None) -> Any:
    """A setting as compared for a change: a zone by its name (a ZoneInfo and its name are the
    same setting)."""
    value = getattr(source, name) if name is not None else source
    return str(value) if isinstance(value, ZoneInfo) else value
