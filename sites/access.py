"""The one scoping helper: which areas a user holds which role in, and querysets cut to them.

Every page and API view asks this module what a user may see. Default deny: an anonymous user,
or a user with no membership, holds no role anywhere and every scoped queryset is empty.
Objects outside the scope are simply not in the queryset, so a lookup of one gives 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from .models import Membership, Role

ALL_ROLES = tuple(Role.values)


@dataclass(frozen=True)
class Access:
    user_id: int | None
    is_admin: bool = False
    # role name -> ids of the areas where the user holds it
    roles: dict[str, frozenset[int]] = field(default_factory=dict)
    # area id -> (name, time zone name) of every area the user holds a role in, read with the
    # roles (so a page that needs its areas' local dates, like My day, asks nothing more)
    area_names_zones: dict[int, tuple[str, str]] = field(default_factory=dict)
    # area id -> its rota stamp when the roles were read (sites.models.Area.rota_stamp)
    rota_stamps: dict[int, int] = field(default_factory=dict)

    def area_ids(self, *roles: str) -> frozenset[int]:
        wanted = roles or ALL_ROLES
        ids: set[int] = set()
        for role in wanted:
            ids |= self.roles.get(role, frozenset())
        return frozenset(ids)

    def has_role(self, *roles: str) -> bool:
        return self.is_admin or bool(self.area_ids(*roles))

    def holds(self, role: str, area_id: int) -> bool:
        return self.is_admin or area_id in self.roles.get(role, frozenset())

    def scope(self, queryset: QuerySet, *roles: str, area_field: str = "area") -> QuerySet:
        """Restrict `queryset` to rows whose area is one where the user holds any of `roles`."""
        if self.is_admin:
            return queryset
        area_ids = self.area_ids(*roles)
        if not area_ids:
            return queryset.none()
        return queryset.filter(**{f"{area_field}__in": area_ids})

    @property
    def primary_role(self) -> str | None:
        """The role whose start page the home page opens (the most senior one held)."""
        for role in (Role.INSPECTOR, Role.CST_COORDINATOR, Role.OFFICER):
            if self.roles.get(role):
                return role
        return None


ANONYMOUS = Access(user_id=None)


def access_for(user) -> Access:
    """The user's access, computed once per user object (one query) and cached on it. A user
    signed in through a page comes with it already (sites.auth.ShomerBackend reads it with the
    user, in the same query)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_shomer_access", None)
    if cached is not None:
        return cached
    memberships = Membership.objects.filter(user=user).values_list(
        "group__name", "area_id", "area__name", "area__timezone", "area__rota_stamp"
    )
    return remember_access(user, memberships)


def remember_access(user, memberships: Iterable[tuple[str, int, str, object, int]]) -> Access:
    """Build `user`'s access from their memberships as (role, area id, area name, time zone,
    rota stamp) and cache it on the user object."""
    roles: dict[str, set[int]] = {}
    areas: dict[int, tuple[str, str]] = {}
    stamps: dict[int, int] = {}
    for role, area_id, name, zone, stamp in memberships:
        roles.setdefault(role, set()).add(area_id)
        areas[area_id] = (name, str(zone))
        stamps[area_id] = stamp
    access = Access(
        user_id=user.pk,
        is_admin=user.is_superuser,
        roles={role: frozenset(ids) for role, ids in roles.items()},
        area_names_zones=areas,
        rota_stamps=stamps,
    )
    user._shomer_access = access
    return access
