"""The only writers of areas and sites."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from .history import save_with_history
from .models import Area, Membership, Role, Site

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
